"""``LogWriter``: gets logged calls into the store in batches, off the caller's thread, losing none.

The path of a record::

    submit() ──▶ bounded queue ──▶ writer thread: append the batch to the spool, fsync,
       │                           insert it into the store, mark it committed, settle the spool
       └─ queue full: the caller appends the record to the spool itself (one write, no fsync);
          the writer reads it back from disk

- **Store down** (``StoreUnavailableError``: unreachable, connection lost, SQLite locked): batches
  go to the spool only, and the thread retries with exponential backoff (``retry_first_s``
  doubling up to ``retry_max_s``). On success it replays the spool, oldest segment first.
- **Start-up**: the spool claims the segments of processes that died, and the thread replays them
  (and looks again every ``rescan_s``, for siblings that die later).
- **Data the store refuses** (not an outage): the batch is retried one record at a time and the
  refused records are kept in ``rejected.jsonl`` in the spool directory.
- ``write_ahead=True``: ``submit`` appends the record to the spool before queueing it (JSON
  encoding plus one write syscall: 7–10 µs for a 650-byte record here, against ~1 µs without), so a
  ``kill -9`` loses nothing that ``submit`` returned for. Without it, a ``kill -9`` loses what was
  still in the queue (normally under one batch); ``close`` loses nothing.

Bounds. Memory: ``queue_size`` records, plus one batch, plus one segment (``segment_bytes``)
while replaying. Disk: the spool grows by the record rate times the outage length; with
``max_spool_bytes`` set, records beyond it are dropped, counted in ``WriterStats.dropped`` and
logged, instead of filling the disk.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from protege.errors import SpoolError, StoreError, StoreUnavailableError
from protege.home import protege_home
from protege.store.engine import redact, resolve_url
from protege.store.logstore import LOCK_TIMEOUT_S, LogStore
from protege.store.record import LoggedCall
from protege.store.spool import SEGMENT_BYTES, Segment, Spool

log = logging.getLogger(__name__)

QUEUE_SIZE = 10_000  # records: 2 s of traffic at 5,000 req/s, tens of MB at a few KB each
BATCH_SIZE = 1_000  # records per transaction (and per fsync) on the normal path
IDLE_WAIT_S = 0.2  # how long the idle thread sleeps before looking at retries again
# After the first record of a batch, wait this long for more. A batch has a fixed cost besides
# its records (two fsyncs, BEGIN/COMMIT, settling the spool): ~1.3 ms of CPU measured here,
# against ~35 us per record. At 2,000 req/s, 20 ms batches cost the writer 68 us of CPU per
# record and 100 ms batches 42 us (docs/results/capture-2026-11). A record reaches the store at
# most this much later; the spool holds it meanwhile, so nothing is at risk for it.
LINGER_S = 0.1
# The writer yields its core between statements while fewer records than this arrived since it
# took its batch: at 500 req/s about one does; at the gateway's maximum, 16 are there ~3 ms into
# a batch, and the rest of the batch goes in without a break.
YIELD_BELOW = 16
# A batch this large means a busy gateway (2,560 req/s and more, with LINGER_S): there a request
# waits behind others anyway, so the batch goes in the largest statements the store takes (58
# rows on SQLite), which cost ~1 us less per row than 8-row ones and give the GIL up (and take it
# back from a busy event loop) a seventh as often.
BUSY_BATCH = 256
# A submitter that finds this many records queued yields its core (and the GIL) to the writer.
# Without it, an event loop that never waits for I/O under full load (the gateway's upstream
# client runs on the loop) holds the GIL for the interpreter's whole switch interval (5 ms)
# each time the writer gives it up for a SQLite statement, and the writer falls behind until
# the queue overflows to the spool. Two batches' worth: a writer that keeps up never has more.
BEHIND_AT = 2 * BATCH_SIZE
RETRY_FIRST_S = 0.1  # first retry after a store failure; doubles each failure...
RETRY_MAX_S = 10.0  # ...up to this, so a store that comes back is used within 10 s
RESCAN_S = 30.0  # how often to look for segments left by processes that died

_Item = tuple[LoggedCall, Segment | None]  # a record, and the segment already holding it
_sched_yield: Callable[[], None] = getattr(os, "sched_yield", lambda: None)  # Unix only


@dataclass(frozen=True, slots=True)
class WriterStats:
    """Counters of one writer since it was built (for logs, tests and /metrics)."""

    queued: int  # records in memory, waiting for the thread
    submitted: int
    committed: int  # records this writer newly inserted (re-inserted ids excluded)
    overflowed: int  # records that went to the spool because the queue was full
    dropped: int  # records lost: the store was down and the spool could not take them
    rejected: int  # records the store refused as data, kept in rejected.jsonl
    skipped_lines: int  # torn or undecodable spool lines skipped on replay
    spool_bytes: int
    spool_segments: int
    store_up: bool
    last_error: str | None


def spool_dir_for(url: str | None) -> Path:
    """The default spool directory of a store: ``$PROTEGE_HOME/spool/<backend>-<hash of URL>``.

    One directory per store, so a gateway never replays records into another gateway's store.
    """
    parsed = resolve_url(url)
    digest = hashlib.sha256(redact(parsed).encode()).hexdigest()[:12]  # password as ***
    return protege_home() / "spool" / f"{parsed.get_backend_name()}-{digest}"


class LogWriter:
    """A bounded queue and a background thread that move logged calls into a ``LogStore``.

    ``open_store`` runs on the writer thread (again after a failure), so an unreachable store at
    start-up only delays inserts; the writer closes what it opens. Usual setup: ``open(url)``.
    """

    def __init__(
        self,
        open_store: Callable[[], LogStore],
        spool: Spool,
        *,
        queue_size: int = QUEUE_SIZE,
        batch_size: int = BATCH_SIZE,
        write_ahead: bool = False,
        linger_s: float = LINGER_S,
        retry_first_s: float = RETRY_FIRST_S,
        retry_max_s: float = RETRY_MAX_S,
        rescan_s: float = RESCAN_S,
    ) -> None:
        self.spool = spool
        self._open_store = open_store
        # A deque, not queue.Queue: an append is one atomic call, where Queue.put takes a lock
        # and notifies a condition on every record. The writer sleeps until _wake is set (by the
        # first record after it emptied the deque, or by flush/close); _hurry cuts its linger.
        self._items: deque[_Item] = deque()
        self._queue_size = queue_size
        self._wake = threading.Event()
        self._hurry = threading.Event()
        self._batch_size = batch_size
        self._write_ahead = write_ahead
        self._linger_s = linger_s
        self._retry_first_s = retry_first_s
        self._retry_max_s = retry_max_s
        self._rescan_s = rescan_s
        self._lock = threading.Lock()  # guards _closed and _counts
        self._closed = False
        self._counts: Counter[str] = Counter()
        self._last_error: str | None = None
        self._store: LogStore | None = None
        self._down = False
        self._backoff = retry_first_s
        self._retry_at = 0.0
        self._rescan_at = time.monotonic() + rescan_s
        self._cond = threading.Condition()  # flush waits on it for an idle iteration
        self._iterations = 0
        self._idle_after = -1
        self._thread: threading.Thread | None = None

    @classmethod
    def open(
        cls,
        url: str | None = None,
        *,
        spool_dir: Path | str | None = None,
        max_spool_bytes: int | None = None,
        segment_bytes: int = SEGMENT_BYTES,
        queue_size: int = QUEUE_SIZE,
        batch_size: int = BATCH_SIZE,
        write_ahead: bool = False,
        lock_timeout_s: float = LOCK_TIMEOUT_S,
    ) -> LogWriter:
        """A started writer for the store at ``url`` (default: the protege home SQLite file),
        spooling to ``spool_dir`` (default: ``spool_dir_for(url)``)."""
        resolve_url(url)  # a malformed URL is an error now, not a retry loop later
        directory = Path(spool_dir) if spool_dir is not None else spool_dir_for(url)
        spool = Spool(directory, segment_bytes=segment_bytes, max_bytes=max_spool_bytes)
        writer = cls(
            functools.partial(LogStore, url, lock_timeout_s=lock_timeout_s),
            spool,
            queue_size=queue_size,
            batch_size=batch_size,
            write_ahead=write_ahead,
        )
        writer.start()
        return writer

    def __enter__(self) -> LogWriter:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def start(self) -> None:
        """Start the writer thread (records submitted before wait in the queue or the spool)."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._run, name="protege-log-writer", daemon=True
            )
            self._thread.start()

    @property
    def thread_id(self) -> int | None:
        """The writer thread's native id while it runs (None before ``start``)."""
        return self._thread.native_id if self._thread is not None else None

    def submit(self, record: LoggedCall) -> None:
        """Hand over one record. Never blocks on the store; raises SpoolError after ``close``."""
        with self._lock:
            if self._closed:
                raise SpoolError(self.spool.directory, "the log writer is closed")
            self._counts["submitted"] += 1
            segment = None
            if self._write_ahead:
                try:
                    segment = self.spool.append([record], in_memory=True)
                except SpoolError as exc:  # the queue still carries it, as without write-ahead
                    self._last_error = str(exc)
            queued = len(self._items)
            if queued < self._queue_size:
                self._items.append((record, segment))
                if not self._wake.is_set():  # set after the append: see _take
                    self._wake.set()
            else:
                self._counts["overflowed"] += 1
                if segment is not None:
                    # The segment holds it on disk already; replay reads it back from there.
                    self.spool.mark_replay(segment)
                else:
                    try:
                        self.spool.append([record], in_memory=False)
                    except SpoolError as exc:
                        self._dropped(1, exc)
        if queued >= BEHIND_AT:  # outside the lock, which the writer needs to take its batch
            _sched_yield()  # releases the GIL, and this core, to the writer: see BEHIND_AT

    def flush(self, timeout_s: float = 30.0) -> bool:
        """Wait until every record submitted so far is in the store; False on timeout (or when
        the thread is not running: not started, or closed with records left in the spool)."""
        deadline = time.monotonic() + timeout_s
        self._nudge()
        with self._cond:
            started = self._iterations
            while self._idle_after <= started:
                if self._thread is None or not self._thread.is_alive():
                    return self._iterations > 0 and self._idle_after == self._iterations
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._cond.wait(min(remaining, IDLE_WAIT_S))  # re-check a thread that ended
        return True

    def close(self, timeout_s: float = 30.0) -> bool:
        """Stop taking records, drain the queue, release the spool; True when everything reached
        the store (otherwise the rest stays spooled for the next start)."""
        with self._lock:
            self._closed = True
        self.start()  # drains records submitted to a writer that was never started
        self._nudge()
        assert self._thread is not None
        self._thread.join(timeout_s)
        return not self._thread.is_alive() and self._idle_after == self._iterations

    def stats(self) -> WriterStats:
        """The counters now."""
        with self._lock:
            counts = dict(self._counts)
            last_error = self._last_error
        return WriterStats(
            queued=len(self._items),
            submitted=counts.get("submitted", 0),
            committed=counts.get("committed", 0),
            overflowed=counts.get("overflowed", 0),
            dropped=counts.get("dropped", 0),
            rejected=self.spool.rejected,
            skipped_lines=self.spool.skipped_lines,
            spool_bytes=self.spool.bytes,
            spool_segments=self.spool.segments,
            store_up=self._store is not None and not self._down,
            last_error=last_error,
        )

    # --- the writer thread ---------------------------------------------------------------

    def _nudge(self) -> None:
        # Ends the thread's wait and its linger: flush and close want the queue taken now.
        self._hurry.set()
        self._wake.set()

    def _run(self) -> None:
        while True:
            with self._cond:
                self._iterations += 1
                iteration = self._iterations
            items = self._take()
            try:
                self._write(items)
                self._recover()
                self.spool.settle()
            except Exception as exc:  # the thread must outlive surprises; the spool keeps records
                log.exception("log writer: unexpected error, retrying later")
                self._outage(exc)
            with self._lock:
                finished = self._closed and not self._items
            idle = not self._items and self.spool.is_clean()
            with self._cond:
                if idle:
                    self._idle_after = iteration
                self._cond.notify_all()
            if finished:
                break
        self.spool.close()
        if self._store is not None:
            self._store.close()

    def _take(self) -> list[_Item]:
        """Wait up to IDLE_WAIT_S for a record, then gather more for up to ``linger_s`` (flush
        and close end both waits), up to a batch."""
        if not self._items:
            self._wake.wait(IDLE_WAIT_S)
        # Cleared before the deque is read: a record appended after this either is taken below
        # or finds the event clear and sets it, so no record waits for the next timeout.
        self._wake.clear()
        if not self._items:
            return []
        # Sleep through the linger, then take what came. Waking at every record instead would
        # take the GIL from the submitting thread each time.
        if self._linger_s > 0 and len(self._items) < self._batch_size:
            self._hurry.wait(self._linger_s)
        self._hurry.clear()
        items: list[_Item] = []
        while len(items) < self._batch_size and self._items:
            items.append(self._items.popleft())
        return items

    def _write(self, items: list[_Item]) -> None:
        """Spool the batch (fsync), then insert it if the store is up; else leave it to replay."""
        if not items:
            return
        held: Counter[Segment] = Counter(segment for _, segment in items if segment is not None)
        loose = [record for record, segment in items if segment is None]
        spooled = True
        if loose:
            try:
                held[self.spool.append(loose, in_memory=True)] += len(loose)
            except SpoolError as exc:
                spooled = False
                self._note(exc)
        try:
            self.spool.sync(held)
        except SpoolError as exc:  # written, not synced: survives a crash of this process
            self._note(exc)
        if self._store is None and not self._down:
            self._connect()
        if self._store is not None and not self._down:
            try:
                self._insert([record for record, _ in items])
            except StoreUnavailableError as exc:
                self._outage(exc)
            else:
                for segment, count in held.items():
                    self.spool.mark_committed(segment, count)
                return
        for segment in held:
            self.spool.mark_replay(segment)
        if not spooled:
            with self._lock:
                self._dropped(len(loose), self._last_error)

    def _insert(self, records: list[LoggedCall]) -> None:
        """Insert; when the store refuses the data, insert one by one and reject the culprits."""
        assert self._store is not None
        try:
            # A busy gateway: fewer, larger statements (see BUSY_BATCH).
            rows = self._store.max_rows_per_statement if len(records) >= BUSY_BATCH else None
            new = self._store.insert_many(records, pause=self._give_way, rows_per_statement=rows)
        except StoreUnavailableError:
            raise
        except StoreError:
            new = 0
            for record in records:
                try:
                    new += self._store.insert_many([record])
                except StoreUnavailableError:
                    raise
                except StoreError as exc:
                    log.error("log record %s rejected by the store: %s", record.id, exc.reason)
                    self.spool.reject(record, exc.reason)
        with self._lock:
            self._counts["committed"] += new

    def _give_way(self) -> None:
        """Between two statements of a batch: let a thread that waits for this core run first,
        while the gateway is lightly loaded.

        A thread that wakes up does not always preempt a running one (Linux's EEVDF scheduler
        lets the running thread finish its time slice), so without this a gateway's event loop
        woken by a request waits for the writer's whole batch: up to 1-2 ms at 500 req/s, ten
        times a second, which sets the gateway's p99 (docs/results/capture-2026-11).
        ``sched_yield`` ends the writer's turn when another thread is ready and costs ~1 us when
        none is. Under heavy load the writer does not yield: handing the core over every few rows
        costs ~13 % of the maximum throughput, and there the waiting request is queued behind
        others anyway.
        """
        if len(self._items) < YIELD_BELOW:
            _sched_yield()

    def _recover(self) -> None:
        """(Re)open the store if needed and replay spooled segments, when a retry is due."""
        now = time.monotonic()
        if self._down and now < self._retry_at:
            return
        if now >= self._rescan_at:
            self._rescan_at = now + self._rescan_s
            self.spool.claim_orphans()
        if self._store is None and not self._connect():
            return
        for segment in self.spool.replayable():
            try:
                records = self.spool.read(segment)
            except SpoolError as exc:  # unreadable now: leave the file for a later start
                log.error("%s; left for a later replay", exc)
                self._note(exc)
                self.spool.release(segment)
                continue
            try:
                for start in range(0, len(records), self._batch_size):
                    self._insert(records[start : start + self._batch_size])
            except StoreUnavailableError as exc:
                self._outage(exc)
                return
            self.spool.mark_replayed(segment)
        if self._down:
            log.warning("log store is back; the spool is replayed")
        self._down = False
        self._backoff = self._retry_first_s

    def _connect(self) -> bool:
        try:
            self._store = self._open_store()
        except StoreError as exc:
            self._outage(exc)
            return False
        return True

    def _dropped(self, count: int, reason: object) -> None:
        # Called with self._lock held. Logged at 1, 10, 100... drops: visible, never a flood.
        before = self._counts["dropped"]
        self._counts["dropped"] += count
        self._last_error = str(reason)
        if len(str(before)) != len(str(before + count)) or before == 0:
            log.error("%d log record(s) dropped so far: %s", before + count, reason)

    def _outage(self, exc: Exception) -> None:
        if not self._down:
            log.warning("log store unavailable, spooling until it returns: %s", exc)
        self._down = True
        self._note(exc)
        self._retry_at = time.monotonic() + self._backoff
        self._backoff = min(self._backoff * 2, self._retry_max_s)

    def _note(self, exc: Exception) -> None:
        with self._lock:
            self._last_error = str(exc)
