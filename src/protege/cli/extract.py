"""``protege extract``: the extraction workflow over a file of sources, in this process or
through a running ``protege serve``."""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path
from typing import Any

import typer
from rich.progress import Progress
from rich.table import Table

from protege.cli.render import console, print_json
from protege.contract.io import load_sources, write_jsonl
from protege.contract.record import Source
from protege.errors import ProtegeError, UsageError


def _body(source: Source, deadline_ms: int | None, model: str | None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "source": {
            "id": source.id,
            "kind": source.kind.value,
            "as_of": source.as_of.isoformat(),
            "text": source.text,
        }
    }
    if deadline_ms is not None:
        body["deadline_ms"] = deadline_ms
    if model is not None:
        body["model"] = model
    return body


async def _through_server(
    server: str,
    sources: list[Source],
    deadline_ms: int | None,
    model: str | None,
    concurrency: int,
    advance: Any,
) -> list[dict[str, Any]]:
    import openai

    base = server.rstrip("/").removesuffix("/v1") + "/v1"
    client = openai.AsyncOpenAI(base_url=base, api_key="none", max_retries=0, timeout=600)
    gate = asyncio.Semaphore(concurrency)

    async def one(source: Source) -> dict[str, Any]:
        async with gate:
            try:
                data: dict[str, Any] = await client.post(
                    "/extract",
                    cast_to=dict[str, Any],
                    body=_body(source, deadline_ms, model),
                )
            except openai.APIStatusError as exc:
                raise ProtegeError(
                    f"{base}/extract answered {exc.status_code} for {source.id}: {exc.message}"
                ) from exc
            except openai.APIError as exc:
                raise ProtegeError(f"{base}/extract: {exc}") from exc
        advance()
        return {"id": source.id, **data}

    async with client:
        return list(await asyncio.gather(*(one(s) for s in sources)))


async def _in_process(
    config: Path | None,
    sources: list[Source],
    deadline_ms: int | None,
    model: str | None,
    concurrency: int,
    advance: Any,
) -> list[dict[str, Any]]:
    from protege.extract.app import parse_extract_request
    from protege.extract.service import Extractor
    from protege.serve.api import ApiError
    from protege.serve.config import load_serve_config
    from protege.serve.pool import ModelPool
    from protege.store import LogWriter

    loaded = load_serve_config(config)
    pool = ModelPool(loaded.models, max_loaded=loaded.max_loaded, max_batch=loaded.max_batch)
    writer = LogWriter.open(loaded.store, spool_dir=loaded.spool_dir)
    extractor = Extractor(loaded, pool, writer)
    gate = asyncio.Semaphore(concurrency)

    async def one(source: Source) -> dict[str, Any]:
        try:
            request = parse_extract_request(_body(source, deadline_ms, model), loaded)
        except ApiError as exc:
            raise UsageError(f"{source.id}: {exc.message}") from exc
        async with gate:
            result = await extractor.extract(request)
        advance()
        return {"id": source.id, **result.to_json()}

    try:
        await pool.load(model or loaded.default)
        return list(await asyncio.gather(*(one(s) for s in sources)))
    finally:
        pool.close()
        writer.close()


app = typer.Typer()  # its help is extract_command's docstring


@app.callback(invoke_without_command=True)
def extract_command(
    ctx: typer.Context,
    input: Path | None = typer.Option(None, "--input", help="Contract JSONL sources."),
    output: Path | None = typer.Option(
        None, "--output", help="JSONL to write: one answer per source."
    ),
    server: str | None = typer.Option(
        None, "--server", help="A running protege serve (http://HOST:PORT); default: run here."
    ),
    config: Path | None = typer.Option(
        None, "--config", help="serve.yaml (without --server): models, thresholds, fallback."
    ),
    model: str | None = typer.Option(None, "--model", help="A served model name."),
    deadline_ms: int | None = typer.Option(
        None, "--deadline-ms", min=1, max=600_000, help="Each source's deadline."
    ),
    concurrency: int = typer.Option(4, "--concurrency", min=1, help="Sources in flight."),
) -> None:
    """Extract records with the workflow: deadline, plausibility checks, fallback (or
    calibrate its thresholds: protege extract calibrate --help).

    Each line: {"id", "record", "evidence", "confidence", "model", "outcome", "reasons",
    "latency_ms"}; outcome is ok, fallback or needs_review.

    Example: protege extract --input sources.jsonl --output records.jsonl --server http://127.0.0.1:8000
    """
    if ctx.invoked_subcommand is not None:
        return
    if input is None or output is None:
        raise UsageError("give --input FILE.jsonl and --output OUT.jsonl (or: extract calibrate)")
    if server is not None and config is not None:
        raise UsageError("--config configures the in-process workflow; a --server has its own")
    if server is not None and not server.startswith(("http://", "https://")):
        raise UsageError(f"--server must be an http:// or https:// URL, got {server!r}")
    sources = load_sources(input)
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("extracting", total=len(sources))

        def advance() -> None:
            progress.advance(task)

        if server is not None:
            rows = asyncio.run(
                _through_server(server, sources, deadline_ms, model, concurrency, advance)
            )
        else:
            rows = asyncio.run(
                _in_process(config, sources, deadline_ms, model, concurrency, advance)
            )
    count = write_jsonl(output, rows)
    from protege.extract.service import OUTCOMES

    outcomes = Counter(row["outcome"] for row in rows)
    summary = ", ".join(f"{outcomes[k]} {k}" for k in OUTCOMES)
    console.print(f"wrote {count} answers to {output}: {summary}")


@app.command("calibrate")
def calibrate_command(
    model: str = typer.Option(..., "--model", help="The model to calibrate (a --model spec)."),
    input: Path = typer.Option(
        ..., "--input", help="Verified contract JSONL, held out from its training data."
    ),
    output: Path = typer.Option(
        ..., "--output", help="YAML to write: extract.thresholds, for serve.yaml."
    ),
    target: float = typer.Option(
        0.97, "--target", min=0.5, max=1.0, help="Accuracy of the records accepted as ok."
    ),
    json_out: bool = typer.Option(False, "--json", help="Print the thresholds and curve as JSON."),
) -> None:
    """Per-key confidence thresholds whose accepted records are at least --target right.

    Prints the coverage/accuracy curve: the share of records every key of which clears a
    threshold, and the share of those that are right.

    Example: protege extract calibrate --model liability-gemma-3-270m --input heldout.jsonl --output thresholds.yaml
    """
    import yaml

    from protege.contract.io import load_verified
    from protege.contract.parse import extract_json_text, loads_exact
    from protege.extract.calibrate import acceptance, calibrate_thresholds, curve, scored
    from protege.predictors import load_predictor

    sources = load_verified(input)
    predictor = load_predictor(model)
    rows = []
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task(f"predicting with {model}", total=len(sources))
        for source, prediction in zip(sources, predictor.predict(sources), strict=True):
            progress.advance(task)
            if prediction.confidence is None:
                raise UsageError(f"{model} gives no confidences: only a scorer can be calibrated")
            try:
                record = loads_exact(extract_json_text(prediction.output))
            except ValueError:
                record = {}
            rows.append(
                scored(source, record if isinstance(record, dict) else {}, prediction.confidence)
            )
    thresholds = calibrate_thresholds(rows, target)
    result: dict[str, Any] = {
        "model": model,
        "data": str(input),
        "n": len(rows),
        "target": target,
        "thresholds": thresholds,
        "at_thresholds": acceptance(rows, thresholds),
        "curve": curve(rows),
    }
    header = f"# protege extract calibrate --model {model} --input {input} --target {target}\n"
    output.write_text(
        header + yaml.safe_dump({"extract": {"thresholds": thresholds}}, sort_keys=False)
    )
    if json_out:
        print_json(result)
        return
    table = Table(title=f"coverage and accuracy of accepted records, {len(rows)} sources")
    for column in ("threshold", "coverage", "accuracy"):
        table.add_column(column, justify="right")
    for point in result["curve"]:
        table.add_row(
            f"{point['threshold']:.2f}", f"{point['coverage']:.1%}", f"{point['accuracy']:.1%}"
        )
    at = result["at_thresholds"]
    table.add_row("per key", f"{at['coverage']:.1%}", f"{at['accuracy']:.1%}")
    console.print(table)
    console.print(f"wrote per-key thresholds to {output} (paste under serve.yaml's extract:)")
