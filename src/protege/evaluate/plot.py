"""``pareto.png``: record error against p50 latency, marker area by cost, targets drawn.

x is p50 latency in ms on a log scale (a regex answers in microseconds, an API in seconds);
y is the record error in percent; each marker's area grows with the model's $ per 1M
extractions. The error and p50 targets, when set, are dashed lines, so the corner a model must
reach is visible; the Pareto front (no model both faster and more accurate) is connected.

Drawn with matplotlib's object API on the Agg canvas: no pyplot state, no display needed.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from protege.evaluate.metrics import pareto_front
from protege.evaluate.report import fmt_usd

if TYPE_CHECKING:
    from protege.evaluate.results import EvalResult

MIN_MS = 1e-3  # a log axis cannot show 0 ms: faster answers are drawn at 1 µs
MARKER_MIN, MARKER_MAX = 40.0, 900.0  # marker areas (pt²) of the cheapest and dearest model
# Neighbours in latency take turns above-right, below-right, above-left, below-left, so close
# points keep readable labels.
LABEL_OFFSETS = ((12, 12, "left"), (12, -14, "left"), (-12, 12, "right"), (-12, -14, "right"))


def _marker_sizes(costs: list[float]) -> list[float]:
    top = max(costs, default=0.0)
    if top <= 0:
        return [MARKER_MIN for _ in costs]
    return [MARKER_MIN + (MARKER_MAX - MARKER_MIN) * c / top for c in costs]


def write_pareto(result: EvalResult, path: Path) -> Path:
    """Draw the error/latency/cost plot of ``result`` to ``path`` (PNG); return the path."""
    from matplotlib.figure import Figure

    metrics = [m.metrics() for m in result.models]
    xs = [max(x["p50_ms"], MIN_MS) for x in metrics]
    ys = [100 * x["record_error_rate"] for x in metrics]
    costs = [x["usd_per_1m"] for x in metrics]

    fig = Figure(figsize=(8, 5.5), dpi=120, layout="constrained")
    ax = fig.add_subplot()
    ax.scatter(
        xs, ys, s=_marker_sizes(costs), alpha=0.6, color="tab:blue", edgecolors="black", zorder=3
    )
    by_latency = sorted(range(len(xs)), key=lambda i: (xs[i], ys[i]))
    for rank, i in enumerate(by_latency):
        dx, dy, align = LABEL_OFFSETS[rank % len(LABEL_OFFSETS)]
        ax.annotate(
            f"{result.models[i].label}\n{fmt_usd(costs[i])}/1M",
            (xs[i], ys[i]),
            xytext=(dx, dy),
            textcoords="offset points",
            ha=align,
            va="center",
            fontsize=8,
        )

    front = pareto_front(list(zip(xs, ys, strict=True)))
    if len(front) > 1:
        ax.step(
            [xs[i] for i in front],
            [ys[i] for i in front],
            where="post",
            color="tab:green",
            linewidth=1.2,
            label="Pareto front",
            zorder=2,
        )

    targets = result.targets.values
    if "error" in targets:
        ax.axhline(
            100 * targets["error"],
            color="tab:red",
            linestyle="--",
            linewidth=1,
            label="error target",
        )
    if "p50_ms" in targets:
        ax.axvline(
            max(targets["p50_ms"], MIN_MS),
            color="tab:orange",
            linestyle="--",
            linewidth=1,
            label="p50 target",
        )

    ax.set_xscale("log")
    lows = [*xs, *([targets["p50_ms"]] if "p50_ms" in targets else [])]
    ax.set_xlim(max(min(lows), MIN_MS) / 3, max(lows) * 3)
    top = max([*ys, 100 * targets.get("error", 0.0), 1.0])
    ax.set_ylim(0, top * 1.2)
    ax.set_xlabel("p50 latency (ms, log scale)")
    ax.set_ylabel("record error (%)")
    ax.set_title(
        f"{result.data.name}: {result.n} sources, concurrency {result.concurrency} "
        "(marker area ∝ $ per 1M extractions)",
        fontsize=9,
    )
    ax.grid(True, which="both", alpha=0.3)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=8, loc="upper right")
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    return path
