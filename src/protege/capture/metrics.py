"""Gateway metrics in the Prometheus text exposition format (version 0.0.4).

Counters and a latency histogram kept in plain dicts: the hot path adds one to two dict entries
per request, and rendering happens only when ``/metrics`` is scraped. Each uvicorn worker keeps
its own numbers (scrape each worker, or sum them in Prometheus).
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Mapping

# Seconds. Fine at the bottom, where a pass-through gateway lives (sub-ms to a few ms), coarse at
# the top, where LLM calls live (seconds).
LATENCY_BUCKETS_S = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)


def _labels(pairs: Mapping[str, str]) -> str:
    inner = ",".join(
        f'{k}="{v.replace(chr(92), chr(92) * 2).replace(chr(34), chr(92) + chr(34))}"'
        for k, v in pairs.items()
    )
    return "{" + inner + "}" if inner else ""


class GatewayMetrics:
    """Requests by model and status code, errors by kind, latency, cache hits."""

    def __init__(self) -> None:
        self.requests: Counter[tuple[str, int]] = Counter()
        self.errors: Counter[str] = Counter()
        self.cache_hits = 0
        self._bucket_counts = [0] * (len(LATENCY_BUCKETS_S) + 1)  # last: +Inf
        self._latency_sum = 0.0
        self._latency_count = 0

    def observe(self, model: str, status: int, seconds: float) -> None:
        """Count one answered request and its latency."""
        self.requests[(model, status)] += 1
        self._bucket_counts[bisect.bisect_left(LATENCY_BUCKETS_S, seconds)] += 1
        self._latency_sum += seconds
        self._latency_count += 1

    def error(self, kind: str) -> None:
        """Count one error (``invalid_request``, ``upstream``, ``timeout``...)."""
        self.errors[kind] += 1

    def render(self, gauges: Mapping[str, tuple[str, float]]) -> str:
        """The exposition text; ``gauges`` maps a metric name to (help, value)."""
        lines = [
            "# HELP protege_requests_total Chat completion requests answered, by model and status.",
            "# TYPE protege_requests_total counter",
        ]
        for (model, status), count in sorted(self.requests.items()):
            labels = _labels({"model": model, "code": str(status)})
            lines.append(f"protege_requests_total{labels} {count}")
        lines += [
            "# HELP protege_errors_total Requests that failed, by kind.",
            "# TYPE protege_errors_total counter",
        ]
        for kind, count in sorted(self.errors.items()):
            lines.append(f"protege_errors_total{_labels({'kind': kind})} {count}")
        lines += [
            "# HELP protege_cache_hits_total Requests answered from the response cache.",
            "# TYPE protege_cache_hits_total counter",
            f"protege_cache_hits_total {self.cache_hits}",
            "# HELP protege_request_duration_seconds Time from request to full response.",
            "# TYPE protege_request_duration_seconds histogram",
        ]
        cumulative = 0
        for bound, count in zip(LATENCY_BUCKETS_S, self._bucket_counts, strict=False):
            cumulative += count
            lines.append(f'protege_request_duration_seconds_bucket{{le="{bound}"}} {cumulative}')
        cumulative += self._bucket_counts[-1]
        lines += [
            f'protege_request_duration_seconds_bucket{{le="+Inf"}} {cumulative}',
            f"protege_request_duration_seconds_sum {self._latency_sum:.6f}",
            f"protege_request_duration_seconds_count {self._latency_count}",
        ]
        for name, (help_text, value) in gauges.items():
            lines += [f"# HELP {name} {help_text}", f"# TYPE {name} gauge", f"{name} {value:g}"]
        return "\n".join(lines) + "\n"
