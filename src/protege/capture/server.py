"""Running the gateway: its configuration checked up front, then uvicorn with the settings the
gateway is measured with (``bench/gateway_overhead.py`` starts it through ``protege gateway``,
which calls ``serve``)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from protege.capture.app import CONFIG_ENV, build_app
from protege.capture.config import GatewayConfig, load_gateway_config

# uvicorn's settings for the gateway, each a measured choice:
SERVER_SETTINGS: dict[str, Any] = {
    "loop": "uvloop",
    "log_level": "warning",
    # One access-log line per request would cost more than the gateway itself.
    "access_log": False,
    # Nothing reads the client's address, so uvicorn need not rewrite it from X-Forwarded-For
    # on every request (~1.5 % of the loop's samples under load).
    "proxy_headers": False,
}


def check_gateway(config: Path) -> GatewayConfig:
    """Load the gateway config and build its app once in this process, so that every problem
    (the YAML, a route's API-key variable, the price table) is reported before a worker starts.
    Raises ``ConfigError`` or ``InputFileError``."""
    loaded = load_gateway_config(config)
    build_app(loaded)
    return loaded


def serve(config: Path, host: str, port: int, workers: int = 1) -> None:
    """Serve the gateway on uvicorn until interrupted. Each worker process builds its app from
    the config file named by ``CONFIG_ENV``."""
    import uvicorn

    from protege.capture.protocol import CoalescingHttpToolsProtocol

    os.environ[CONFIG_ENV] = str(config.resolve())
    uvicorn.run(
        "protege.capture.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        http=CoalescingHttpToolsProtocol,  # httptools, one write per answer
        **SERVER_SETTINGS,
    )
