"""``protege gateway``: run the OpenAI-compatible capture gateway."""

from __future__ import annotations

from pathlib import Path

import typer

from protege.cli.render import err_console


def gateway_command(
    config: Path = typer.Option(
        ...,
        "--config",
        envvar="PROTEGE_GATEWAY_CONFIG",
        help="Gateway YAML: store, routes (model -> upstream, key env, timeout, fallbacks), "
        "cache, limits. See docs/capture.md.",
    ),
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on."),
    port: int = typer.Option(8100, "--port", min=1, max=65535, help="Port to listen on."),
    workers: int = typer.Option(
        1, "--workers", min=1, help="uvicorn worker processes (each logs through its own spool)."
    ),
    insecure: bool = typer.Option(
        False,
        "--insecure",
        help="Listen on a non-loopback --host without client keys (an auth: block): anyone "
        "who reaches it spends the routes' API keys.",
    ),
) -> None:
    """Forward chat completions to their upstreams and log every call.

    Example: protege gateway --config gateway.yaml --port 8100, then point any OpenAI client at
    http://127.0.0.1:8100/v1.
    """
    from protege.capture.auth import exposure_problem
    from protege.capture.server import check_gateway, serve
    from protege.errors import UsageError

    loaded = check_gateway(config)
    problem = exposure_problem(host, loaded.auth, insecure)
    if problem is not None:
        raise UsageError(problem)
    routes = ", ".join(r.model for r in loaded.routes)
    err_console.print(
        f"protege gateway on http://{host}:{port}/v1 ({workers} worker(s)); routes: {routes}"
    )
    serve(config, host, port, workers)
