"""The liability extraction workflow as a service (``POST /v1/extract``, ``protege extract``).

For one source, in order:

1. render the versioned prompt (``liability-extract``: what is logged and what a fallback reads);
2. run the primary model under the request's deadline (its `primary_share` of it when a
   fallback is configured, so that the fallback has the rest);
3. parse and validate its record;
4. run the plausibility checks (``protege.extract.checks``): arithmetic, the calendar, evidence
   for every value, every key's confidence above its threshold;
5. when a check fails or the deadline passes, ask the fallback (any OpenAI-compatible route,
   e.g. the teacher behind ``protege gateway``) within what is left of the deadline;
6. with no fallback, or a fallback that fails too, the outcome is ``needs_review``, with the
   reasons.

Every call is logged through the store's spool, as a chat completion of the rendered prompt
tagged ``extract.outcome`` and ``extract.reasons``, so ``protege dataset build --from-logs --tag
extract.outcome=fallback`` selects exactly the sources to learn from next.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import time
from dataclasses import dataclass, field
from typing import Any

from protege.contract.parse import extract_json_text, loads_exact, parse_output
from protege.contract.record import RECORD_KEYS, LiabilityRecord, Source
from protege.datasets.rows import SOURCE_TAG
from protege.engine.grounding import evidence_spans
from protege.evidence import find_candidates
from protege.extract.checks import arithmetic_reasons, confidence_reasons, evidence_reasons
from protege.prompts.liability import LIABILITY_PROMPT, render_messages
from protege.serve.config import Fallback, ServeConfig
from protege.serve.pool import ModelPool
from protege.store import LoggedCall

OUTCOMES = ("ok", "fallback", "needs_review")
MAX_REASONS_TAG = 1000  # characters of the joined reasons kept in the extract.reasons tag


@dataclass(frozen=True)
class ExtractRequest:
    """One validated extraction request."""

    source: Source
    deadline_ms: int
    model: str
    tags: dict[str, str] = field(default_factory=dict)  # the caller's (its client key's)


@dataclass
class ExtractResult:
    """The answer of ``/v1/extract``."""

    record: dict[str, Any] | None
    evidence: dict[str, list[int]]
    confidence: dict[str, float]
    model: str
    outcome: str
    reasons: list[str] = field(default_factory=list)
    latency_ms: float = 0.0

    def to_json(self) -> dict[str, Any]:
        """The JSON body of the answer."""
        return {
            "record": self.record,
            "evidence": self.evidence,
            "confidence": self.confidence,
            "model": self.model,
            "outcome": self.outcome,
            "reasons": self.reasons,
            "latency_ms": round(self.latency_ms, 1),
        }


def typed_record(raw: str) -> tuple[dict[str, Any] | None, str | None]:
    """(the record a model's answer holds, as contract-typed JSON values; None and why when it
    holds none)."""
    parsed = parse_output(raw)
    if parsed.record is None:
        return None, parsed.error
    obj = loads_exact(extract_json_text(raw))
    return LiabilityRecord.model_validate(obj).to_json_dict(), None


def grounded(record: dict[str, Any], source: Source) -> dict[str, list[int]]:
    """Each non-null value's span: the first candidate of the source equal to it."""
    return evidence_spans(record, find_candidates(source.text, source.as_of))


def fallback_client(fallback: Fallback) -> Any:
    """The ``openai`` client of the fallback route (no retries: the deadline leaves no room)."""
    from openai import AsyncOpenAI

    key = os.environ.get(fallback.api_key_env, "") if fallback.api_key_env else ""
    return AsyncOpenAI(base_url=fallback.base_url, api_key=key or "none", max_retries=0)


class Extractor:
    """Runs the workflow over a ``ModelPool``, logging each call to ``log`` when given."""

    def __init__(
        self,
        config: ServeConfig,
        pool: ModelPool,
        log: Any = None,  # anything with submit(LoggedCall): a LogWriter
    ) -> None:
        self.config = config
        self.pool = pool
        self.log = log
        self._fallback_client: Any = None
        if config.extract.fallback is not None:  # now: its import and setup take ~0.5 s
            self._fallback_client = fallback_client(config.extract.fallback)

    def thresholds(self, model: str) -> dict[str, float]:
        """Per-key thresholds for ``model``: serve.yaml's, else the model's calibrated one."""
        calibrated = self.pool.settings(model).get("threshold")
        base = dict.fromkeys(RECORD_KEYS, float(calibrated)) if calibrated else {}
        return {**base, **self.config.extract.thresholds}

    async def extract(self, request: ExtractRequest) -> ExtractResult:
        """The workflow for one source (see the module docstring)."""
        started = time.perf_counter()
        deadline = started + request.deadline_ms / 1000
        messages = render_messages(request.source)
        share = self.config.extract.primary_share if self.config.extract.fallback else 1.0
        result, tokens = await self._primary(request, started, share)
        if result.reasons:
            fallback = self.config.extract.fallback
            if fallback is None:
                result.reasons.append("no fallback is configured (extract.fallback in serve.yaml)")
            else:
                result = await self._fallback(request, fallback, messages, deadline, result)
        result.latency_ms = (time.perf_counter() - started) * 1000
        self._log(request, messages, result, tokens)
        return result

    async def _primary(
        self, request: ExtractRequest, started: float, share: float
    ) -> tuple[ExtractResult, tuple[int, int]]:
        empty = ExtractResult(None, {}, {}, request.model, "needs_review")
        budget_ms = request.deadline_ms * share
        try:
            prediction = await asyncio.wait_for(
                self.pool.predict(request.model, request.source),
                timeout=max(0.0, started + budget_ms / 1000 - time.perf_counter()),
            )
        except TimeoutError:
            empty.reasons.append(
                f"deadline: {request.model} did not answer within {budget_ms:.0f} ms"
            )
            return empty, (0, 0)
        tokens = (prediction.prompt_tokens, prediction.completion_tokens)
        record, error = typed_record(prediction.output)
        if record is None:
            empty.reasons.append(f"invalid: {request.model} gave no valid record ({error})")
            return empty, tokens
        # a predictor that gives no spans (regex): the first candidate equal to each value
        evidence = (
            dict(prediction.evidence)
            if prediction.evidence is not None
            else grounded(record, request.source)
        )
        confidence = dict(prediction.confidence or {})
        reasons = [
            *arithmetic_reasons(record, request.source.as_of),
            *evidence_reasons(record, evidence),
            *confidence_reasons(prediction.confidence, self.thresholds(request.model)),
        ]
        outcome = "ok" if not reasons else "needs_review"
        return ExtractResult(record, evidence, confidence, request.model, outcome, reasons), tokens

    async def _fallback(
        self,
        request: ExtractRequest,
        fallback: Fallback,
        messages: list[dict[str, str]],
        deadline: float,
        primary: ExtractResult,
    ) -> ExtractResult:
        left = deadline - time.perf_counter()
        reasons = list(primary.reasons)
        if left <= 0:
            primary.reasons.append(f"fallback: no time left of the {request.deadline_ms} ms")
            return primary
        try:
            answer = await asyncio.wait_for(self._ask(fallback, messages, left), timeout=left)
        except TimeoutError:
            primary.reasons.append(f"fallback: {fallback.model} did not answer in time")
            return primary
        except Exception as exc:  # any failure of the route: the primary's answer stands
            primary.reasons.append(
                f"fallback: {fallback.model} failed: {type(exc).__name__}: {exc}"
            )
            return primary
        record, error = typed_record(answer)
        if record is None:
            primary.reasons.append(f"fallback: {fallback.model} gave no valid record ({error})")
            return primary
        evidence = grounded(record, request.source)
        return ExtractResult(record, evidence, {}, fallback.model, "fallback", reasons)

    async def _ask(self, fallback: Fallback, messages: list[dict[str, str]], timeout: float) -> str:
        response = await self._fallback_client.chat.completions.create(
            model=fallback.model, messages=messages, temperature=0, timeout=timeout
        )
        return response.choices[0].message.content or ""

    def _log(
        self,
        request: ExtractRequest,
        messages: list[dict[str, str]],
        result: ExtractResult,
        tokens: tuple[int, int],
    ) -> None:
        if self.log is None:
            return
        content = result.record
        answer = json.dumps(content, separators=(",", ":")) if content is not None else None
        call = LoggedCall(
            model_requested=request.model,
            upstream=f"protege-extract ({result.model})",
            request={"model": request.model, "messages": messages},
            response=None
            if answer is None
            else {"choices": [{"index": 0, "message": {"role": "assistant", "content": answer}}]},
            status="ok" if answer is not None else "error",
            error=None if answer is not None else "; ".join(result.reasons)[:MAX_REASONS_TAG],
            latency_ms=result.latency_ms,
            prompt_tokens=tokens[0],
            completion_tokens=tokens[1],
            tags={
                **request.tags,
                "extract.outcome": result.outcome,
                "extract.reasons": "; ".join(result.reasons)[:MAX_REASONS_TAG],
                "extract.model": result.model,
                SOURCE_TAG: request.source.id,
            },
            prompt_id=LIABILITY_PROMPT.id,
            prompt_version=LIABILITY_PROMPT.version,
        )
        with contextlib.suppress(Exception):  # a closed writer at shutdown: the answer goes out
            self.log.submit(call)
