"""``protege serve``: the students behind an OpenAI-compatible server, with ``/v1/extract``."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from protege.cli.render import err_console
from protege.errors import ConfigError, UsageError


class Engine(StrEnum):
    """Which engine runs the models."""

    INPROCESS = "inprocess"
    VLLM = "vllm"


def parse_models(values: list[str] | None) -> dict[str, str] | None:
    """``--model NAME=SPEC`` (or ``--model SPEC``, served under its own name) as a mapping."""
    if not values:
        return None
    models: dict[str, str] = {}
    for value in values:
        name, _, spec = value.partition("=") if "=" in value else (value, "", value)
        if not name or not spec:
            raise UsageError(f"--model {value!r}: write NAME=SPEC or SPEC")
        if name in models:
            raise UsageError(f"--model: the name {name!r} is given twice")
        models[name] = spec
    return models


def serve_command(
    model: list[str] = typer.Option(
        None,
        "--model",
        help="NAME=SPEC (or SPEC) to serve; repeat for more. SPEC: a released student's name, "
        "a scorer or adapter directory, a base model, or 'regex'. Default: the released "
        "liability-gemma-3-270m.",
    ),
    config: Path | None = typer.Option(
        None,
        "--config",
        envvar="PROTEGE_SERVE_CONFIG",
        help="serve.yaml: models, limits, store, and extract: deadline, thresholds, fallback "
        "(docs/serve.md). --model replaces its models.",
    ),
    engine: Engine = typer.Option(Engine.INPROCESS, "--engine", help="Where models run."),
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
    preload: bool = typer.Option(
        True, "--preload/--no-preload", help="Load the default model before listening."
    ),
    insecure: bool = typer.Option(
        False,
        "--insecure",
        help="Listen on a non-loopback --host without client keys (an auth: block in serve.yaml).",
    ),
) -> None:
    """Serve chat completions, /v1/models, /healthz, /metrics and POST /v1/extract.

    Example: protege serve --port 8000, then POST {"source": {"kind": "email", "as_of":
    "2025-03-01", "text": "..."}} to http://127.0.0.1:8000/v1/extract, or point the openai
    client at http://127.0.0.1:8000/v1.
    """
    if engine is Engine.VLLM:
        raise UsageError(
            "--engine vllm is not available in this build: it needs a GPU machine with vllm "
            "installed; use --engine inprocess"
        )
    from protege.capture.auth import auth_problems, exposure_problem
    from protege.serve.config import load_serve_config
    from protege.serve.pool import check_spec

    loaded = load_serve_config(config, parse_models(model))
    problems = [
        f"models.{name}: {why}"
        for name, spec in loaded.models.items()
        if (why := check_spec(spec)) is not None
    ]
    problems += auth_problems(loaded.auth)
    if problems:
        raise ConfigError(str(config) if config else "--model", problems)
    exposure = exposure_problem(host, loaded.auth, insecure)
    if exposure is not None:
        raise UsageError(exposure)

    import uvicorn

    from protege.extract.app import build_app
    from protege.serve.pool import ModelPool

    pool = ModelPool(loaded.models, max_loaded=loaded.max_loaded, max_batch=loaded.max_batch)
    if preload:
        err_console.print(f"loading {loaded.default} ...")
        pool.get(loaded.default)
    err_console.print(
        f"protege serve on http://{host}:{port}/v1 (models: {', '.join(loaded.models)}; "
        f"POST /v1/extract uses {loaded.default})"
    )
    uvicorn.run(
        build_app(loaded, pool), host=host, port=port, log_level="warning", access_log=False
    )
