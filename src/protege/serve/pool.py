"""The models a server holds: loaded on first use, kept in a bounded LRU, and fed by dynamic
batching.

Every model's work runs on one worker thread. The machine's cores are the model's (torch
spreads one forward pass over all of them), so two passes at once would only contend; instead,
requests that arrive while a pass runs wait together and go through the model as the next
batch (up to ``max_batch``). A request whose caller has stopped waiting (its deadline passed)
is dropped before its batch runs.
"""

from __future__ import annotations

import asyncio
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from protege.contract.record import Source
from protege.engine.predictor import Prediction, Predictor
from protege.errors import ModelNotFoundError

Loader = Callable[[str], Predictor]


def check_spec(spec: str) -> str | None:
    """Why ``spec`` names no loadable model (None when it does), without loading weights."""
    from protege.models.registry import resolve
    from protege.models.released import released
    from protege.predictors import RegexPredictor

    if spec == RegexPredictor.name or released(spec) is not None:
        return None
    if Path(spec).expanduser().is_dir():
        return None
    try:
        resolve(spec)
    except Exception as exc:  # the registry's own message says what to pull or fix
        return str(exc)
    return None


def default_loader(spec: str) -> Predictor:
    """``protege.predictors.load_predictor`` with serving's settings (grounded values)."""
    from protege.predictors import load_predictor

    return load_predictor(spec, grounding=True)


@dataclass
class _Pending:
    source: Source
    future: asyncio.Future[Prediction]


@dataclass
class _Queue:
    waiting: list[_Pending] = field(default_factory=list)
    draining: bool = False


class ModelPool:
    """Served names -> model specs; loads each on first use, keeps ``max_loaded`` of them."""

    def __init__(
        self,
        models: dict[str, str],
        *,
        max_loaded: int = 4,
        max_batch: int = 8,
        loader: Loader = default_loader,
    ) -> None:
        self.specs = dict(models)
        self.max_loaded = max_loaded
        self.max_batch = max_batch
        self.loader = loader
        self._loaded: OrderedDict[str, Predictor] = OrderedDict()
        self._lock = threading.Lock()  # guards _loaded between the worker and readers
        self._queues: dict[str, _Queue] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="protege-model")
        self.batches: list[int] = []  # the size of each batch run (a bounded recent window)

    @property
    def names(self) -> list[str]:
        """The served model names, in configuration order."""
        return list(self.specs)

    @property
    def loaded(self) -> list[str]:
        """The loaded model names, least recently used first."""
        with self._lock:
            return list(self._loaded)

    def get(self, name: str) -> Predictor:
        """The predictor serving ``name``, loaded now if it is not (on the calling thread)."""
        if name not in self.specs:
            raise ModelNotFoundError(
                f"model {name!r} is not served; served: {', '.join(self.specs)}"
            )
        with self._lock:
            predictor = self._loaded.get(name)
            if predictor is not None:
                self._loaded.move_to_end(name)
                return predictor
        predictor = self.loader(self.specs[name])
        with self._lock:
            self._loaded[name] = predictor
            self._loaded.move_to_end(name)
            while len(self._loaded) > self.max_loaded:
                self._loaded.popitem(last=False)  # its memory goes with the last reference
        return predictor

    async def load(self, name: str) -> Predictor:
        """``get`` on the worker thread."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._worker, self.get, name)

    async def predict(self, name: str, source: Source) -> Prediction:
        """One source's prediction by model ``name``, batched with whatever else is waiting."""
        if name not in self.specs:
            raise ModelNotFoundError(
                f"model {name!r} is not served; served: {', '.join(self.specs)}"
            )
        loop = asyncio.get_running_loop()
        pending = _Pending(source, loop.create_future())
        queue = self._queues.setdefault(name, _Queue())
        queue.waiting.append(pending)
        if not queue.draining:
            queue.draining = True
            task = loop.create_task(self._drain(name, queue))
            self._tasks.add(task)  # a reference until it ends: the loop keeps only weak ones
            task.add_done_callback(self._tasks.discard)
        return await pending.future

    async def _drain(self, name: str, queue: _Queue) -> None:
        loop = asyncio.get_running_loop()
        try:
            while queue.waiting:
                live = [p for p in queue.waiting if not p.future.done()]
                batch, queue.waiting = live[: self.max_batch], live[self.max_batch :]
                if not batch:
                    continue
                try:
                    results = await loop.run_in_executor(
                        self._worker, self._run, name, [p.source for p in batch]
                    )
                except Exception as exc:  # a load or model failure reaches every caller
                    for p in batch:
                        if not p.future.done():
                            p.future.set_exception(exc)
                    continue
                for p, result in zip(batch, results, strict=True):
                    if not p.future.done():
                        p.future.set_result(result)
        finally:
            queue.draining = False

    def _run(self, name: str, sources: list[Source]) -> list[Prediction]:
        predictor = self.get(name)
        self.batches = [*self.batches[-999:], len(sources)]
        return list(predictor.predict(sources, batch_size=len(sources)))

    def settings(self, name: str) -> dict[str, Any]:
        """A loaded model's settings (empty when it is not loaded)."""
        with self._lock:
            predictor = self._loaded.get(name)
        return dict(getattr(predictor, "settings", {}) or {}) if predictor else {}

    def close(self) -> None:
        """Stop the worker thread (waits for the running batch)."""
        self._worker.shutdown(wait=True, cancel_futures=True)
