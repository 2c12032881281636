"""The durable spool: append-only segment files that hold logged calls until the store has them.

A segment is a file ``<ulid>.seg`` of JSON lines (``record.encode_line``) in the spool directory.
The process that writes a segment holds an exclusive ``flock`` on it for as long as the file
exists, so several processes (gateway workers, SDK users) can share one directory: a segment
nobody holds a lock on belongs to a process that died, and any spool may claim and replay it.

Bookkeeping per segment: ``written`` records appended, ``committed`` records the writer has seen
committed from memory, and ``replay``: some records must be read back from disk because memory
no longer has them (they overflowed the queue, the store was down, or the process that wrote them
died). A segment is deleted only when it is *settled*: nothing to replay and every record
committed. The open segment is emptied in place (truncated) instead, which costs no directory
change per batch. A crash between the commit and the delete replays records the store already
has; inserts are idempotent by id, so each is still stored once.

A line cut short by a crash mid-write cannot be a record anyone was told is logged; reading skips
it (and any other undecodable line), counts it in ``skipped_lines`` and logs a warning.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from protege.errors import SpoolError
from protege.store.record import LoggedCall, decode_line, encode_line, new_call_id

log = logging.getLogger(__name__)

SUFFIX = ".seg"
REJECTED_FILE = "rejected.jsonl"  # records the store refused as data (never replayed)
# 8 MiB: a few thousand typical records; replay reads one segment at a time into memory.
SEGMENT_BYTES = 8 * 1024 * 1024


@dataclass(eq=False)
class Segment:
    """One segment file this process holds (open for appends, or sealed)."""

    path: Path
    fd: int
    size: int = 0
    written: int = 0
    committed: int = 0
    replay: bool = False
    sealed: bool = False
    closed: bool = False

    @property
    def settled(self) -> bool:
        """Every record in the file is in the store."""
        return not self.replay and self.committed >= self.written


def _write_all(fd: int, data: bytes) -> None:
    written = os.write(fd, data)  # a regular file takes it all at once but for a full disk
    if written < len(data):
        view = memoryview(data)[written:]
        while view:
            view = view[os.write(fd, view) :]


def fsync_directory(directory: Path) -> None:
    """fsync a directory: a new or renamed file's name lives there, and without this a power
    cut can lose it."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Spool:
    """The segment files of one spool directory that this process holds. Thread-safe.

    ``max_bytes`` caps the bytes this process keeps spooled (None: only free disk space limits
    it); ``append`` beyond it raises SpoolError. The constructor claims segments left by dead
    processes; ``claim_orphans`` looks again.
    """

    def __init__(
        self,
        directory: Path,
        *,
        segment_bytes: int = SEGMENT_BYTES,
        max_bytes: int | None = None,
    ) -> None:
        self.directory = directory
        self.segment_bytes = segment_bytes
        self.max_bytes = max_bytes
        self.skipped_lines = 0
        self.rejected = 0
        self._lock = threading.Lock()
        self._reject_lock = threading.Lock()  # apart from _lock: appends never wait on it
        self._open: Segment | None = None
        self._sealed: list[Segment] = []  # oldest first: names are time-sortable ids
        self._bytes = 0
        self._closed = False
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise SpoolError(directory, f"cannot create it: {exc.strerror}") from exc
        self.claim_orphans()

    @property
    def bytes(self) -> int:
        """Bytes in the segments this process holds."""
        return self._bytes

    @property
    def segments(self) -> int:
        """How many segment files this process holds."""
        with self._lock:
            return len(self._sealed) + (self._open is not None)

    def is_clean(self) -> bool:
        """True when no record this process holds is waiting for the store."""
        with self._lock:
            return not self._sealed and (self._open is None or self._open.settled)

    def append(self, records: Sequence[LoggedCall], *, in_memory: bool) -> Segment:
        """Append records (no fsync: see ``sync``) and return the segment that holds them.

        ``in_memory`` says the caller will hand these records to the store itself and report
        back with ``mark_committed``; otherwise the segment is marked for replay from disk.
        """
        data = (
            encode_line(records[0])  # the gateway's case: one record per call
            if len(records) == 1
            else b"".join(encode_line(record) for record in records)
        )
        with self._lock:
            if self._closed:
                raise SpoolError(self.directory, "closed")
            if self.max_bytes is not None and self._bytes + len(data) > self.max_bytes:
                raise SpoolError(
                    self.directory, f"full: {self._bytes} of max_bytes={self.max_bytes} used"
                )
            segment = self._open or self._new_segment()
            try:
                _write_all(segment.fd, data)
            except OSError as exc:
                # Part of the data may be in the file: seal it, so the torn line stays its last.
                self._seal(segment)
                raise SpoolError(self.directory, f"cannot write: {exc.strerror}") from exc
            segment.size += len(data)
            segment.written += len(records)
            self._bytes += len(data)
            segment.replay = segment.replay or not in_memory
            if segment.size >= self.segment_bytes:
                self._seal(segment)
            return segment

    def _new_segment(self) -> Segment:
        # Create under a name other spools ignore, lock, then rename: a spool scanning for
        # orphans must never lock a segment in the instant between its creation and its lock.
        name = new_call_id()
        temporary = self.directory / f".{name}.new"
        path = self.directory / f"{name}{SUFFIX}"
        try:
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND, 0o600)
        except OSError as exc:
            raise SpoolError(self.directory, f"cannot create a segment: {exc.strerror}") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            os.rename(temporary, path)
            fsync_directory(self.directory)
        except OSError as exc:
            os.close(fd)
            temporary.unlink(missing_ok=True)
            raise SpoolError(self.directory, f"cannot create a segment: {exc.strerror}") from exc
        self._open = Segment(path=path, fd=fd)
        return self._open

    def _seal(self, segment: Segment) -> None:
        if segment is self._open:
            self._open = None
            segment.sealed = True
            self._sealed.append(segment)

    def sync(self, segments: Iterable[Segment]) -> None:
        """fsync these segments: after this, their records survive a power cut."""
        for segment in set(segments):
            if segment.closed:  # settled and deleted meanwhile: nothing left to make durable
                continue
            try:
                os.fsync(segment.fd)
            except OSError as exc:
                raise SpoolError(self.directory, f"cannot fsync: {exc.strerror}") from exc

    def mark_committed(self, segment: Segment, count: int) -> None:
        """``count`` records of ``segment`` handed over in memory are now in the store."""
        with self._lock:
            segment.committed += count

    def mark_replay(self, segment: Segment) -> None:
        """Some records of ``segment`` must be read back from disk."""
        with self._lock:
            segment.replay = True

    def replayable(self) -> list[Segment]:
        """Segments to read back into the store, oldest first (seals the open one if needed)."""
        with self._lock:
            if self._open is not None and self._open.replay:
                self._seal(self._open)
            return [segment for segment in self._sealed if segment.replay]

    def read(self, segment: Segment) -> list[LoggedCall]:
        """Every record in the segment file, skipping torn or undecodable lines."""
        try:
            data = segment.path.read_bytes()
        except OSError as exc:
            raise SpoolError(self.directory, f"cannot read {segment.path.name}: {exc}") from exc
        *lines, tail = data.split(b"\n")
        records: list[LoggedCall] = []
        skipped = 1 if tail else 0  # no newline at the end: a write cut short by a crash
        for number, line in enumerate(lines, start=1):
            try:
                records.append(decode_line(line))
            except (ValueError, TypeError) as exc:
                log.warning("%s line %d: skipped, not a logged call: %s", segment.path, number, exc)
                skipped += 1
        if tail:
            log.warning("%s: skipped a torn last line (%d bytes)", segment.path, len(tail))
        with self._lock:
            self.skipped_lines += skipped
        return records

    def mark_replayed(self, segment: Segment) -> None:
        """Every record of ``segment`` read back by ``read`` is now in the store."""
        with self._lock:
            segment.replay = False
            segment.committed = max(segment.committed, segment.written)

    def release(self, segment: Segment) -> None:
        """Stop holding ``segment`` without deleting it: its file waits for a later claim."""
        with self._lock:
            if segment in self._sealed:
                self._sealed.remove(segment)
            if not segment.closed:
                os.close(segment.fd)
                segment.closed = True
                self._bytes -= segment.size

    def reject(self, record: LoggedCall, reason: str) -> None:
        """Keep a record the store refused as data in ``rejected.jsonl``, out of the replay path."""
        line = json.dumps({"reason": reason, "record": record.to_dict()}, default=str) + "\n"
        path = self.directory / REJECTED_FILE
        with self._reject_lock, path.open("a") as handle:
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())
            self.rejected += 1

    def settle(self) -> None:
        """Delete every sealed segment that is settled; empty the open one if it is."""
        with self._lock:
            for segment in [s for s in self._sealed if s.settled]:
                self._sealed.remove(segment)
                self._delete(segment)
            current = self._open
            if current is not None and current.size and current.settled:
                os.ftruncate(current.fd, 0)  # O_APPEND: the next write starts the file again
                self._bytes -= current.size
                current.size = current.written = current.committed = 0

    def _delete(self, segment: Segment) -> None:
        # Unlink before close: the lock lasts until the name is gone, so no other spool can
        # claim a segment that is being deleted.
        try:
            segment.path.unlink(missing_ok=True)
        finally:
            os.close(segment.fd)
            segment.closed = True
            self._bytes -= segment.size

    def claim_orphans(self) -> int:
        """Take over segments whose writer died (nobody holds their lock); return how many."""
        with self._lock:
            held = {s.path for s in self._sealed} | ({self._open.path} if self._open else set())
        claimed: list[Segment] = []
        for path in sorted(self.directory.glob(f"*{SUFFIX}")):
            if path in held:
                continue
            try:
                fd = os.open(path, os.O_RDWR | os.O_APPEND)
            except FileNotFoundError:  # replayed and deleted by another spool meanwhile
                continue
            except OSError as exc:
                log.error("spool %s: cannot open %s: %s", self.directory, path.name, exc)
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                if os.fstat(fd).st_ino != os.stat(path).st_ino:
                    raise FileNotFoundError(path)  # deleted between our open and our lock
            except (BlockingIOError, FileNotFoundError):  # alive elsewhere, or gone
                os.close(fd)
                continue
            size = os.fstat(fd).st_size
            claimed.append(Segment(path=path, fd=fd, size=size, replay=True, sealed=True))
        if claimed:
            log.warning("spool %s: replaying %d left-over segment(s)", self.directory, len(claimed))
        with self._lock:
            self._sealed = sorted([*self._sealed, *claimed], key=lambda s: s.path.name)
            self._bytes += sum(s.size for s in claimed)
        return len(claimed)

    def close(self) -> None:
        """Delete what is settled and release the rest (its files stay for the next start)."""
        self.settle()
        with self._lock:
            self._closed = True
            segments = [*self._sealed, *([self._open] if self._open else [])]
            self._sealed, self._open = [], None
            for segment in segments:
                if segment.size == 0:
                    self._delete(segment)
                elif not segment.closed:
                    os.close(segment.fd)
                    segment.closed = True
