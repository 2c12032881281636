"""The spool and the writer: every record reaches the store exactly once, through crashes,
store outages and a full queue."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sqlite3
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy

import protege.store.writer as writer_module
from protege.errors import SpoolError, StoreError
from protege.store import LoggedCall, LogStore, LogWriter, Spool, spool_dir_for
from protege.store.engine import json_text
from protege.store.logstore import MAX_ROWS_PER_STATEMENT, ROWS_PER_STATEMENT
from protege.store.record import FIELD_NAMES, decode_line, encode_line
from protege.store.spool import REJECTED_FILE, SUFFIX
from protege.store.writer import YIELD_BELOW

MakeCall = Callable[..., LoggedCall]
LOCK_TIMEOUT_S = 0.05  # SQLite: give up on a held lock quickly, so outages are seen at once
# Fast retries keep the outage tests short; the thread still sleeps between them (no busy loop).
FAST = {"retry_first_s": 0.02, "retry_max_s": 0.1}


def open_store(url: str) -> Callable[[], LogStore]:
    return lambda: LogStore(url, lock_timeout_s=LOCK_TIMEOUT_S)


def stored_ids(url: str) -> list[str]:
    with LogStore(url) as store:
        return [call.id for call in store.iter_calls()]


def segments(directory: Path) -> list[Path]:
    return sorted(directory.glob(f"*{SUFFIX}"))


@pytest.fixture
def spool_dir(tmp_path: Path) -> Path:
    return tmp_path / "spool"


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'logs.db'}"


def test_writer_delivers_every_record_and_empties_the_spool(
    store_url: str, spool_dir: Path, make_call: MakeCall
) -> None:
    calls = [make_call(i) for i in range(1200)]  # more than two batches
    with LogWriter(open_store(store_url), Spool(spool_dir)) as writer:
        writer.start()
        for call in calls:
            writer.submit(call)
        assert writer.flush(timeout_s=20)
        stats = writer.stats()
    assert (stats.submitted, stats.committed, stats.dropped, stats.overflowed) == (1200, 1200, 0, 0)
    assert stats.store_up and stats.spool_bytes == 0
    assert stored_ids(store_url) == [call.id for call in calls]
    assert segments(spool_dir) == []


def test_writer_yields_its_core_only_while_it_keeps_up(
    sqlite_url: str, spool_dir: Path, make_call: MakeCall, monkeypatch: pytest.MonkeyPatch
) -> None:
    yields: list[int] = []
    monkeypatch.setattr(writer_module, "_sched_yield", lambda: yields.append(1))
    block = ROWS_PER_STATEMENT["sqlite"]
    first = [make_call(i) for i in range(2 * block)]  # two blocks: two pauses
    arriving = [make_call(i) for i in range(100, 100 + YIELD_BELOW)]
    pauses: list[int] = []
    holder: list[LogWriter] = []

    class BusyStore(LogStore):
        def insert_many(self, records: object, **kwargs: Any) -> int:
            batch = list(records)  # type: ignore[call-overload]
            if batch == first:  # while the first batch goes in, YIELD_BELOW more calls arrive
                for call in arriving:
                    holder[0].submit(call)
            pause = kwargs["pause"]
            kwargs["pause"] = lambda: (pauses.append(1), pause())
            return super().insert_many(batch, **kwargs)

    with LogWriter(lambda: BusyStore(sqlite_url), Spool(spool_dir)) as writer:
        holder.append(writer)
        for call in first:
            writer.submit(call)
        writer.start()
        assert writer.flush(timeout_s=20)
    assert sorted(stored_ids(sqlite_url)) == sorted(call.id for call in [*first, *arriving])
    # First batch: a backlog of YIELD_BELOW records waits, so no yield at its two pauses; the
    # second batch (that backlog) pauses after each of its blocks with nothing waiting: a yield.
    blocks = YIELD_BELOW // block
    assert (len(pauses), len(yields)) == (2 + blocks, blocks)


def test_a_submitter_that_finds_the_writer_behind_yields_to_it(
    sqlite_url: str, spool_dir: Path, make_call: MakeCall, monkeypatch: pytest.MonkeyPatch
) -> None:
    yields: list[int] = []
    monkeypatch.setattr(writer_module, "_sched_yield", lambda: yields.append(1))
    monkeypatch.setattr(writer_module, "BEHIND_AT", 5)
    with LogWriter(lambda: LogStore(sqlite_url), Spool(spool_dir), queue_size=8) as writer:
        for i in range(5):  # not started: the queue only grows
            writer.submit(make_call(i))
        assert yields == []  # 0-4 queued when they came: the writer is not behind
        for i in range(5, 10):
            writer.submit(make_call(i))
        assert writer.stats().queued == 8 and writer.stats().overflowed == 2
        # 5-9 found 5-8 queued: all yielded, the two that overflowed to the spool too (the
        # writer is furthest behind then).
        assert len(yields) == 5
        writer.start()
        assert writer.flush(timeout_s=20)
    assert len(stored_ids(sqlite_url)) == 10


def test_a_busy_writers_batch_goes_in_larger_statements(
    sqlite_url: str, spool_dir: Path, make_call: MakeCall, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(writer_module, "BUSY_BATCH", 10)
    blocks: list[int | None] = []

    class Recording(LogStore):
        def insert_many(self, records: object, **kwargs: Any) -> int:
            blocks.append(kwargs.get("rows_per_statement"))
            return super().insert_many(records, **kwargs)  # type: ignore[arg-type]

    with LogWriter(lambda: Recording(sqlite_url), Spool(spool_dir)) as writer:
        for i in range(9):  # one batch under BUSY_BATCH: the backend's small statements
            writer.submit(make_call(i))
        writer.start()
        assert writer.flush(timeout_s=20)
        writer.close()
    with LogWriter(lambda: Recording(sqlite_url), Spool(spool_dir)) as writer:
        for i in range(10, 20):  # a batch of BUSY_BATCH
            writer.submit(make_call(i))
        writer.start()
        assert writer.flush(timeout_s=20)
    assert blocks == [None, MAX_ROWS_PER_STATEMENT["sqlite"]]
    assert len(stored_ids(sqlite_url)) == 19


def test_torn_last_line_is_skipped(spool_dir: Path, make_call: MakeCall) -> None:
    spool = Spool(spool_dir)
    segment = spool.append([make_call(i) for i in range(3)], in_memory=False)
    with segment.path.open("ab") as handle:
        handle.write(b'{"model_requested": "gpt-4o", "ups')  # the crash came mid-write
    spool.close()
    again = Spool(spool_dir)
    (claimed,) = again.replayable()
    assert len(again.read(claimed)) == 3
    assert again.skipped_lines == 1
    again.close()


def test_replay_after_a_crash_stores_each_record_exactly_once(
    sqlite_url: str, spool_dir: Path, make_call: MakeCall
) -> None:
    calls = [make_call(i) for i in range(20)]
    crashed = Spool(spool_dir)
    segment = crashed.append(calls, in_memory=True)
    crashed.sync([segment])
    with LogStore(sqlite_url) as store:  # it committed 8 of them, then died before settling
        store.insert_many(calls[:8])
    with segment.path.open("ab") as handle:
        handle.write(b'{"id": "01TORN')
    crashed.close()  # releases its locks, as the kernel does for a dead process
    assert len(segments(spool_dir)) == 1

    with LogWriter(open_store(sqlite_url), Spool(spool_dir)) as writer:
        writer.start()
        assert writer.flush(timeout_s=10)
        stats = writer.stats()
    assert sorted(stored_ids(sqlite_url)) == sorted(call.id for call in calls)
    assert (stats.committed, stats.skipped_lines) == (12, 1)
    assert segments(spool_dir) == []


CHILD = """
import os, signal, sys
from protege.store import LoggedCall, LogWriter
writer = LogWriter.open(sys.argv[1], spool_dir=sys.argv[2], write_ahead=True, lock_timeout_s=0.01)
for i in range(300):
    writer.submit(LoggedCall(id=f"K{i:025d}", model_requested="m", upstream="u", request={"i": i}))
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_kill_9_with_write_ahead_loses_nothing(sqlite_url: str, spool_dir: Path) -> None:
    LogStore(sqlite_url).close()
    # Hold the write lock while the child runs: nothing it submits can reach the store, so
    # every record must come back from its spool after the kill.
    locker = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")
    child = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(CHILD), sqlite_url, str(spool_dir)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    locker.execute("ROLLBACK")
    locker.close()
    assert child.returncode == -9, child.stderr
    assert stored_ids(sqlite_url) == []
    with LogWriter(open_store(sqlite_url), Spool(spool_dir)) as writer:
        writer.start()
        assert writer.flush(timeout_s=10)
    assert stored_ids(sqlite_url) == [f"K{i:025d}" for i in range(300)]
    assert segments(spool_dir) == []


class TcpProxy:
    """A TCP relay to PostgreSQL that can be stopped (the server "goes down") and restarted."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self._sockets: list[socket.socket] = []
        self._listener: socket.socket | None = None

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen()
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def stop(self) -> None:
        assert self._listener is not None
        # shutdown, not only close: close alone does not wake a thread blocked in accept()
        for sock in [self._listener, *self._sockets]:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self._sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:  # stopped
                return
            server = socket.create_connection(self.target)
            self._sockets += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            return


@pytest.fixture(params=["sqlite-locked", "postgresql-down"])
def outage(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[str, Callable[[], None], Callable[[], None]]]:
    """A store URL, a function that takes the store down, and one that brings it back."""
    if request.param == "sqlite-locked":
        url = f"sqlite:///{tmp_path / 'logs.db'}"
        LogStore(url).close()
        locker = sqlite3.connect(tmp_path / "logs.db", isolation_level=None)
        yield (
            url,
            lambda: locker.execute("BEGIN EXCLUSIVE") and None,
            lambda: locker.execute("ROLLBACK") and None,
        )
        locker.close()
        return
    direct = sqlalchemy.make_url(request.getfixturevalue("pg_url"))
    proxy = TcpProxy((direct.host or "127.0.0.1", direct.port or 5432))
    proxy.start()
    yield direct.set(port=proxy.port).render_as_string(hide_password=False), proxy.stop, proxy.start
    proxy.stop()


def test_store_outage_spools_then_delivers_everything_once(
    outage: tuple[str, Callable[[], None], Callable[[], None]],
    spool_dir: Path,
    make_call: MakeCall,
) -> None:
    url, take_down, bring_back = outage
    calls = [make_call(i) for i in range(300)]
    with LogWriter(open_store(url), Spool(spool_dir), **FAST) as writer:
        writer.start()
        for call in calls[:100]:
            writer.submit(call)
        assert writer.flush(timeout_s=10)
        take_down()
        for call in calls[100:]:
            writer.submit(call)
        assert not writer.flush(timeout_s=0.5)  # nothing can commit...
        down = writer.stats()
        assert not down.store_up and down.spool_bytes > 0  # ...so the spool holds the rest
        assert down.committed == 100 and down.dropped == 0
        bring_back()
        assert writer.flush(timeout_s=15)
        up = writer.stats()
    assert up.store_up and up.committed == 300 and up.spool_bytes == 0
    assert sorted(stored_ids(url)) == sorted(call.id for call in calls)  # the primary key: once
    assert segments(spool_dir) == []


def test_a_full_queue_sends_records_straight_to_the_spool(
    sqlite_url: str, spool_dir: Path, make_call: MakeCall
) -> None:
    calls = [make_call(i) for i in range(40)]
    writer = LogWriter(open_store(sqlite_url), Spool(spool_dir), queue_size=5)
    for call in calls:  # the thread is not started yet: the queue fills after 5
        writer.submit(call)
    stats = writer.stats()
    assert (stats.queued, stats.overflowed) == (5, 35)
    assert stats.spool_bytes > 0 and len(segments(spool_dir)) == 1
    writer.start()
    assert writer.flush(timeout_s=10)
    assert writer.close()
    assert sorted(stored_ids(sqlite_url)) == sorted(call.id for call in calls)
    assert segments(spool_dir) == []


def test_a_capped_spool_drops_and_counts(
    sqlite_url: str, spool_dir: Path, make_call: MakeCall
) -> None:
    spool = Spool(spool_dir, max_bytes=2000)  # room for a handful of records
    writer = LogWriter(open_store(sqlite_url), spool, queue_size=1)
    for i in range(20):
        writer.submit(make_call(i))
    stats = writer.stats()
    assert stats.dropped > 0 and stats.spool_bytes <= 2000
    assert "full" in (stats.last_error or "")
    assert writer.close()
    assert len(stored_ids(sqlite_url)) == 20 - stats.dropped


def test_records_the_store_refuses_are_kept_aside(
    sqlite_url: str, spool_dir: Path, make_call: MakeCall
) -> None:
    class PickyStore(LogStore):
        def insert_many(self, records: object, **kwargs: Any) -> int:
            batch = list(records)  # type: ignore[call-overload]
            if any(call.tags.get("bad") for call in batch):
                raise StoreError(self.url, "value out of range")
            return super().insert_many(batch, **kwargs)

    calls = [make_call(i, tags={"bad": "yes"} if i == 3 else {}) for i in range(10)]
    with LogWriter(lambda: PickyStore(sqlite_url), Spool(spool_dir)) as writer:
        writer.start()
        for call in calls:
            writer.submit(call)
        assert writer.flush(timeout_s=10)
        assert (writer.stats().committed, writer.stats().rejected) == (9, 1)
    assert calls[3].id not in stored_ids(sqlite_url)
    rejected = (spool_dir / REJECTED_FILE).read_text()
    assert calls[3].id in rejected and "value out of range" in rejected


def test_segments_of_a_live_spool_are_not_claimed(spool_dir: Path, make_call: MakeCall) -> None:
    alive = Spool(spool_dir)
    alive.append([make_call()], in_memory=False)
    other = Spool(spool_dir)
    assert other.replayable() == []  # its writer holds the lock: not an orphan
    alive.close()
    assert other.claim_orphans() == 1
    other.close()


def test_submit_after_close_is_refused(
    sqlite_url: str, spool_dir: Path, make_call: MakeCall
) -> None:
    writer = LogWriter.open(sqlite_url, spool_dir=spool_dir)
    assert writer.close()
    with pytest.raises(SpoolError, match="closed"):
        writer.submit(make_call())


def test_each_store_has_its_own_spool_directory(protege_home: Path) -> None:
    a = spool_dir_for("postgresql://u:secret@db1/logs")
    assert a.parent == protege_home / "spool" and a.name.startswith("postgresql-")
    assert a == spool_dir_for("postgresql://u:rotated@db1/logs")  # a new password, same spool
    assert a != spool_dir_for("postgresql://u@db2/logs")
    assert spool_dir_for(None).name.startswith("sqlite-")
    assert "secret" not in str(a)


def test_writer_open_uses_the_home_by_default(protege_home: Path, make_call: MakeCall) -> None:
    with LogWriter.open() as writer:
        writer.submit(make_call())
        assert writer.flush(timeout_s=10)
    assert len(stored_ids(f"sqlite:///{protege_home / 'logs.db'}")) == 1
    assert os.listdir(spool_dir_for(None)) == []


def test_spool_lines_hold_every_field_in_order_and_survive_non_string_keys() -> None:
    call = LoggedCall(
        model_requested="m",
        upstream="u",
        request={"model": "m", "logit_bias": {50256: -100}},  # an int key: the second pass
        response={"choices": []},
        status="error",
        error="e",
        latency_ms=1.5,
        ttft_ms=0.5,
        prompt_tokens=3,
        completion_tokens=4,
        cost_usd=0.01,
        tags={"team": "loans"},
        prompt_id="p",
        prompt_version="v",
        cache_hit=True,
    )
    line = encode_line(call)
    assert line.endswith(b"\n") and b'"50256":-100' in line
    assert list(json.loads(line)) == list(FIELD_NAMES) == list(call.to_dict())
    again = decode_line(line)
    assert again.request["logit_bias"] == {"50256": -100}  # JSON keys are strings
    assert again == LoggedCall.from_dict({**call.to_dict(), "request": again.request})
    assert json_text({1: "a"}) == '{"1":"a"}' and json_text({"k": object}).startswith(
        '{"k":"<class'
    )
