"""Rendering helpers: consoles, tables of scores and corpus statistics."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.table import Table

from protege.contract.scoring import GroupScore, ScoreReport, wilson_interval

if TYPE_CHECKING:  # the corpus package registers every template on import: load it on use
    from protege.corpus.stats import CorpusStats

console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)


def print_json(data: Any) -> None:
    """Print plain JSON (no colour codes), so it can be piped."""
    console.print_json(json.dumps(data, default=str)) if console.is_terminal else print(
        json.dumps(data, indent=2, default=str)
    )


class Grounding(StrEnum):
    """``--grounding``: whether a model's values are restricted to those the source states."""

    ON = "on"
    OFF = "off"


# On by default: measured on a CPU-trained adapter, grounding took record error from 68 % to 53 %
# on generated sources and from 73 % to 59 % on the hand-written dev set
# (docs/results/grounding-cpu-2026-12-03).
GROUNDING = typer.Option(
    Grounding.ON,
    "--grounding",
    help="on: every value a model writes is one the source states (protege.evidence); "
    "off: any value of the right shape.",
)


def pct(x: float) -> str:
    """0.0834 -> '8.3 %'."""
    return f"{100 * x:.1f} %"


def _group_row(name: str, g: GroupScore) -> list[str]:
    low, high = wilson_interval(g.record_errors, g.n)
    return [
        name,
        str(g.n),
        pct(g.record_error_rate),
        f"{100 * low:.1f}–{100 * high:.1f}",
        pct(g.field_accuracy),
        pct(g.invalid_rate),
    ]


def _group_table(title: str, groups: dict[str, GroupScore]) -> Table:
    table = Table(title=title, title_justify="left")
    for col in ("", "n", "record error", "95 % CI", "field acc.", "invalid"):
        table.add_column(col, justify="left" if not col else "right")
    for name, group in sorted(groups.items()):
        table.add_row(*_group_row(name, group))
    return table


def score_tables(report: ScoreReport) -> list[Table]:
    """The score report as rich tables: overall, per key, per kind, per liability type."""
    overall = _group_table("Overall", {"all": report.overall})
    keys = Table(title="Accuracy per key", title_justify="left")
    keys.add_column("key")
    keys.add_column("accuracy", justify="right")
    for key, acc in report.key_accuracy().items():
        keys.add_row(key, pct(acc))
    return [
        overall,
        keys,
        _group_table("Per source kind", report.per_kind),
        _group_table("Per liability type", report.per_type),
    ]


def stats_tables(stats: CorpusStats) -> list[Table]:
    """Corpus statistics as rich tables."""
    summary = Table(title=f"Corpus: {stats.rows} sources", title_justify="left")
    summary.add_column("measure")
    summary.add_column("value", justify="right")
    versions = ", ".join(f"{v} ({n})" for v, n in stats.corpus_versions.items()) or "-"
    summary.add_row("corpus version", stats.corpus_version or versions)
    summary.add_row("distinct 5-gram ratio", f"{stats.distinct_5gram_ratio:.3f}")
    summary.add_row("mean length (chars)", f"{stats.mean_chars:.0f}")
    summary.add_row("min / max length", f"{stats.min_chars} / {stats.max_chars}")
    kinds = Table(title="By kind", title_justify="left")
    for col in ("kind", "sources", "templates"):
        kinds.add_column(col, justify="left" if col == "kind" else "right")
    for kind, count in stats.by_kind.items():
        kinds.add_row(kind, str(count), str(stats.templates_per_kind.get(kind, 0)))
    tables = [summary, kinds]
    for title, counts in (("By liability type", stats.by_type), ("By hard-case tag", stats.by_tag)):
        table = Table(title=title, title_justify="left")
        table.add_column("name")
        table.add_column("sources", justify="right")
        for name, count in counts.items():
            table.add_row(name, str(count))
        tables.append(table)
    nulls = Table(title="Share of null values per key", title_justify="left")
    nulls.add_column("key")
    nulls.add_column("null", justify="right")
    for key, share in stats.null_share.items():
        nulls.add_row(key, pct(share))
    tables.append(nulls)
    return tables
