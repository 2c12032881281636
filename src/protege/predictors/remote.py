"""Any OpenAI-compatible endpoint as a predictor: a remote API (the teacher), the gateway in
front of it, or a running ``protege serve``. Each source goes out as the ``liability-extract``
prompt; the answer's content is the raw output the contract scores.

A spec is ``MODEL@BASE_URL``, with options after commas:

- ``key=VAR``: the environment variable holding the API key (default: none is sent);
- ``self-hosted``: price it by the compute the server reports (``protege serve`` returns each
  answer's CPU seconds as ``protege.cpu_s``) instead of by tokens at ``MODEL``'s list price.

``gpt-4o@https://api.openai.com/v1,key=OPENAI_API_KEY`` is the teacher;
``liability-gemma-3-270m@http://127.0.0.1:8000/v1,self-hosted`` a student being served.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from protege.contract.record import Source
from protege.engine.predictor import Prediction
from protege.errors import UsageError
from protege.prompts.liability import render_messages

TIMEOUT_S = 120.0  # one extraction by a large remote model takes seconds, never minutes


@dataclass(frozen=True)
class RemoteSpec:
    """A parsed ``MODEL@BASE_URL[,key=VAR][,self-hosted]``."""

    model: str
    base_url: str
    key_env: str | None
    self_hosted: bool


def is_remote_spec(spec: str) -> bool:
    """Whether ``spec`` names an endpoint (``MODEL@http...``)."""
    return "@http://" in spec or "@https://" in spec


def parse_remote_spec(spec: str) -> RemoteSpec:
    """Parse a remote spec; ``UsageError`` says what is wrong."""
    model, _, rest = spec.partition("@")
    base_url, *options = rest.split(",")
    if not model or not base_url.startswith(("http://", "https://")):
        raise UsageError(f"{spec!r}: write MODEL@BASE_URL, e.g. gpt-4o@https://api.openai.com/v1")
    key_env, self_hosted = None, False
    for option in options:
        if option.startswith("key="):
            key_env = option.removeprefix("key=")
            if key_env not in os.environ:
                raise UsageError(f"{spec!r}: the key variable ${key_env} is not set")
        elif option == "self-hosted":
            self_hosted = True
        else:
            raise UsageError(f"{spec!r}: unknown option {option!r} (key=VAR, self-hosted)")
    return RemoteSpec(model, base_url.rstrip("/"), key_env, self_hosted)


class RemotePredictor:
    """Asks an OpenAI-compatible endpoint for each record, ``batch_size`` requests in flight."""

    def __init__(self, spec: str) -> None:
        from openai import OpenAI

        self.remote = parse_remote_spec(spec)
        self.name = self.remote.model  # the name an API is priced by
        self.kind = "self-hosted" if self.remote.self_hosted else "api"
        key = os.environ[self.remote.key_env] if self.remote.key_env else "none"
        self.client = OpenAI(
            base_url=self.remote.base_url, api_key=key, max_retries=2, timeout=TIMEOUT_S
        )

    @property
    def settings(self) -> dict[str, Any]:
        """Where it asks, for reports."""
        return {"base_url": self.remote.base_url, "model": self.remote.model}

    def predict(self, sources: Sequence[Source], batch_size: int = 1) -> Iterator[Prediction]:
        """Yield one prediction per source, in order, ``batch_size`` requests at a time."""
        with ThreadPoolExecutor(max_workers=max(1, batch_size)) as pool:
            for at in range(0, len(sources), batch_size):
                yield from pool.map(self._one, sources[at : at + batch_size])

    def _one(self, source: Source) -> Prediction:
        started = time.perf_counter()
        answer = self.client.chat.completions.create(
            model=self.remote.model,
            messages=render_messages(source),  # type: ignore[arg-type]
            temperature=0,
        )
        latency_ms = (time.perf_counter() - started) * 1000
        usage = answer.usage
        extra: dict[str, Any] = (answer.model_extra or {}).get("protege") or {}
        return Prediction(
            source.id,
            answer.choices[0].message.content or "",
            latency_ms,
            usage.prompt_tokens if usage else 0,
            usage.completion_tokens if usage else 0,
            float(extra.get("cpu_s", 0.0)),
            extra.get("evidence"),
            extra.get("confidence"),
        )
