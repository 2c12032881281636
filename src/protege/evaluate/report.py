"""The evaluation report: ``report.json`` (everything, machine-readable, with provenance) and
``report.md`` (the models side by side, targets, per-kind and per-key breakdowns).

The formatting helpers here are shared with the CLI's tables, so a number reads the same in
the terminal and in the report.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from protege.contract.record import KINDS, RECORD_KEYS
from protege.evaluate.metrics import TARGETS, ModelResult, TargetCheck

if TYPE_CHECKING:
    from protege.evaluate.results import EvalResult

REPORT_JSON = "report.json"
REPORT_MD = "report.md"


def fmt_pct(x: float) -> str:
    """0.0834 -> '8.3 %'."""
    return f"{100 * x:.1f} %"


def fmt_ci(low: float, high: float) -> str:
    """A 95 % interval of a rate, in percent: '5.0–12.9 %'."""
    return f"{100 * low:.1f}–{100 * high:.1f} %"


def fmt_ms(x: float) -> str:
    """Milliseconds with three significant digits below 1 s: '0.0123', '45.7', '1,234'."""
    return f"{x:.3g}" if x < 1000 else f"{x:,.0f}"


def fmt_usd(x: float) -> str:
    """Dollars: cents from $1 up, two significant digits below: '$4,012.50', '$0.031'."""
    if x == 0:
        return "$0"
    return f"${x:,.2f}" if x >= 1 else f"${x:.2g}"


def fmt_target(name: str, value: float) -> str:
    """A value of the metric that target ``name`` bounds, in that metric's unit."""
    spec = TARGETS[name]
    if spec.fraction:
        return fmt_pct(value)
    if spec.unit == "ms":
        return f"{fmt_ms(value)} ms"
    return fmt_usd(value)


def describe_target(check: TargetCheck) -> str:
    """'error ≤ 9.0 %'."""
    sign = "≤" if check.bound == "max" else "≥"
    return f"{check.name} {sign} {fmt_target(check.name, check.target)}"


def target_cell(check: TargetCheck) -> str:
    """'pass (8.1 %)' or 'FAIL (12.0 %)'."""
    verdict = "pass" if check.passed else "FAIL"
    return f"{verdict} ({fmt_target(check.name, check.value)})"


def report_dict(result: EvalResult) -> dict[str, Any]:
    """Everything about the evaluation, JSON-ready."""
    return {
        "created": result.created,
        "data": {"path": str(result.data), "sha256": result.data_sha256, "n": result.n},
        "concurrency": result.concurrency,
        "targets": result.targets.to_dict(),
        "pricing": result.pricing,
        "provenance": result.provenance,
        "pareto_front": result.pareto_labels(),
        "models": [model.to_dict() for model in result.models],
        "files": {name: str(path) for name, path in sorted(result.paths.items())},
    }


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"

    align = ["---"] + ["--:"] * (len(header) - 1)
    return [line(header), "| " + " | ".join(align) + " |", *(line(r) for r in rows)]


def _summary_rows(models: list[ModelResult], front: set[str]) -> list[list[str]]:
    metrics = [m.metrics() for m in models]

    def row(title: str, cell: Any) -> list[str]:
        return [title, *(cell(m, x) for m, x in zip(models, metrics, strict=True))]

    return [
        row("spec", lambda m, x: f"`{m.spec}`"),
        row("kind", lambda m, x: m.kind),
        row(
            "decoding",
            lambda m, x: ", ".join(f"{k} {v}" for k, v in sorted(m.settings.items())) or "-",
        ),
        row("record error", lambda m, x: fmt_pct(x["record_error_rate"])),
        row(
            "95 % CI",
            lambda m, x: fmt_ci(x["record_error_ci95_low"], x["record_error_ci95_high"]),
        ),
        row("field accuracy", lambda m, x: fmt_pct(x["field_accuracy"])),
        row("invalid output", lambda m, x: fmt_pct(x["invalid_rate"])),
        row("p50 latency (ms)", lambda m, x: fmt_ms(x["p50_ms"])),
        row("p95 latency (ms)", lambda m, x: fmt_ms(x["p95_ms"])),
        row("p99 latency (ms)", lambda m, x: fmt_ms(x["p99_ms"])),
        row(
            "mean tokens in / out",
            lambda m, x: f"{x['mean_prompt_tokens']:.0f} / {x['mean_completion_tokens']:.0f}",
        ),
        row("$ per 1M extractions", lambda m, x: fmt_usd(x["usd_per_1m"])),
        row("throughput (sources/s)", lambda m, x: f"{x['throughput_per_s']:.3g}"),
        row(
            "all targets met",
            lambda m, x: ("yes" if m.passed_all() else "no") if m.targets else "–",
        ),
        row("on the Pareto front", lambda m, x: "yes" if m.label in front else "no"),
    ]


def report_markdown(result: EvalResult) -> str:
    """The human-readable report."""
    models = result.models
    labels = [m.label for m in models]
    prov = result.provenance
    cpu = prov.get("machine", {}).get("cpu", "unknown CPU")
    cores = prov.get("machine", {}).get("cores", "?")
    lines = [
        f"# Evaluation: {result.data.name} ({result.n} sources)",
        "",
        f"- created {result.created}, commit `{prov.get('git_commit', 'unknown')}`, "
        f"{cpu} ({cores} cores)",
        f"- data `{result.data}` (sha256 `{result.data_sha256[:12]}`), "
        f"concurrency {result.concurrency}, contract {prov.get('contract', '?')}",
        f"- self-hosted compute priced at ${result.pricing['usd_per_core_hour']} per core-hour; "
        f"API models at list prices from `{result.pricing['source']}`",
        "",
        "## Models",
        "",
        *_table(["", *labels], _summary_rows(models, set(result.pareto_labels()))),
        "",
    ]
    if result.targets.values:
        rows = []
        for name in result.targets.values:
            checks = [m.targets[name] for m in models]
            rows.append([describe_target(checks[0]), *(target_cell(c) for c in checks)])
        lines += ["## Targets", "", *_table(["target", *labels], rows), ""]
    kinds = [k for k in KINDS if any(k in m.score.per_kind for m in models)]
    kind_rows = []
    for kind in kinds:
        groups = [m.score.per_kind.get(kind) for m in models]
        n = next((g.n for g in groups if g is not None), 0)
        kind_rows.append(
            [kind, str(n), *(fmt_pct(g.record_error_rate) if g else "–" for g in groups)]
        )
    lines += [
        "## Record error per source kind",
        "",
        *_table(["kind", "n", *labels], kind_rows),
        "",
        "## Accuracy per key",
        "",
        *_table(
            ["key", *labels],
            [[key, *(fmt_pct(m.score.key_accuracy()[key]) for m in models)] for key in RECORD_KEYS],
        ),
        "",
    ]
    if "pareto_png" in result.paths:
        lines += [
            "## Error, latency and cost",
            "",
            f"![Pareto plot]({result.paths['pareto_png'].name})",
            "",
        ]
    return "\n".join(lines)


def write_reports(result: EvalResult, out_dir: Path) -> dict[str, Path]:
    """Write ``report.json`` and ``report.md`` into ``out_dir``; return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path, md_path = out_dir / REPORT_JSON, out_dir / REPORT_MD
    paths = {"report_json": json_path, "report_md": md_path}
    data = report_dict(result)
    data["files"].update({name: str(path) for name, path in paths.items()})
    json_path.write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf-8")
    md_path.write_text(report_markdown(result), encoding="utf-8")
    return paths
