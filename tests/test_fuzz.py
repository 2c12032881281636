"""Schemathesis over the OpenAPI descriptions the gateway and ``protege serve`` publish: every
endpoint, with bodies that fit the description and bodies that do not, and never a 5xx. The
servers are real processes; the gateway's upstream answers anything (tests/fault_upstream.py's
good completion), so a 5xx could only be the gateway's own. ``make test`` runs a bounded number
of examples per endpoint; ``make test-all`` runs many more."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from servers import HERE, free_port, start_gateway, start_serve, stop, wait_for_port

FEW, MANY = 15, 300  # examples per endpoint and generation mode: make test, make test-all


@pytest.fixture(scope="module")
def gateway_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    upstream = subprocess.Popen(
        [sys.executable, str(HERE / "fault_upstream.py"), str(port)], stderr=subprocess.PIPE
    )
    wait_for_port(port, upstream)
    root: Path = tmp_path_factory.mktemp("fuzz-gw")
    routes = [
        {"model": name, "upstream": f"http://127.0.0.1:{port}/v1", "upstream_model": "good"}
        for name in ("gpt-4o", "student")
    ]
    config = root / "gateway.yaml"
    config.write_text(
        json.dumps(
            {
                "store": f"sqlite:///{root / 'logs.db'}",
                "spool_dir": str(root / "spool"),
                "routes": routes,
                "max_body_bytes": 65536,
            }
        )
    )
    proc, url = start_gateway(config)
    yield url.removesuffix("/v1")
    stop(proc)
    stop(upstream)


@pytest.fixture(scope="module")
def serve_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root: Path = tmp_path_factory.mktemp("fuzz-serve")
    config = root / "serve.yaml"
    config.write_text(
        json.dumps(
            {
                "models": {"regex": "regex"},
                "store": f"sqlite:///{root / 'logs.db'}",
                "spool_dir": str(root / "spool"),
            }
        )
    )
    proc, url = start_serve("--config", str(config))
    yield url.removesuffix("/v1")
    stop(proc)


QUIET = {"deadline": None, "suppress_health_check": list(HealthCheck), "derandomize": True}


def fuzz(url: str, examples: int) -> int:
    """Every operation of ``url``'s description, in both generation modes (bodies that fit
    it, and bodies that do not), ``examples`` cases each: never a 5xx, and every 4xx in the
    OpenAI envelope. The number of cases sent."""
    schema = schemathesis.openapi.from_url(f"{url}/openapi.json")
    sent = 0

    def check(case: schemathesis.Case) -> None:
        nonlocal sent
        sent += 1
        response = case.call(timeout=30)
        assert response.status_code < 500, (case.as_curl_command(), response.text[:500])
        if response.status_code >= 400:
            assert "error" in response.json(), response.text[:500]

    for found in schema.get_all_operations():
        operation = found.ok()
        for mode in GenerationMode:
            if mode is GenerationMode.NEGATIVE and operation.method.upper() == "GET":
                continue  # a GET without parameters has nothing to get wrong
            run = given(operation.as_strategy(generation_mode=mode))(check)
            settings(max_examples=examples, **QUIET)(run)()  # type: ignore[arg-type]
    return sent


def test_the_gateway_never_answers_5xx(gateway_url: str) -> None:
    assert fuzz(gateway_url, FEW) >= 2 * FEW  # chat completions, both modes


def test_serve_never_answers_5xx(serve_url: str) -> None:
    assert fuzz(serve_url, FEW) >= 4 * FEW  # chat and extract, both modes


@pytest.mark.slow
def test_the_gateway_never_answers_5xx_long_run(gateway_url: str) -> None:
    assert fuzz(gateway_url, MANY) >= 2 * MANY


@pytest.mark.slow
def test_serve_never_answers_5xx_long_run(serve_url: str) -> None:
    assert fuzz(serve_url, MANY) >= 4 * MANY
