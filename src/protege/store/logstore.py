"""``LogStore``: the one class that reads and writes logged calls with SQL.

It is opened on a URL (see ``protege.store.engine``), applies pending migrations in its
constructor, and offers a narrow interface: ``insert_many`` (idempotent by id), ``get``,
``iter_calls`` with a ``CallFilter``, ``count``, ``stats``, ``export_jsonl``. Every method is
safe to call from several threads; every error is a ``StoreError``.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from itertools import chain
from typing import Any, TextIO

from sqlalchemy import and_, case, func, or_, select, text

from protege.errors import CallNotFoundError, StoreError
from protege.store.engine import (
    WRITE_OPTION,
    create_store_engine,
    json_text,
    redact,
    resolve_url,
    sqlite_path,
    translated_errors,
)
from protege.store.query import CallFilter, CallStats, ModelStats
from protege.store.record import LoggedCall, as_utc
from protege.store.schema import applied_migrations, apply_migrations, calls

# PostgreSQL advisory-lock key that serializes migrations across processes: any fixed 64-bit
# number works, as long as nothing else in the database uses it; derived from a name for that.
_MIGRATION_LOCK_KEY = zlib.crc32(b"protege.store.migrations")
PAGE_SIZE = 500  # rows per query when iterating: bounds memory, keeps each read short
LOCK_TIMEOUT_S = 5.0  # SQLite: how long a write waits for another writer's lock before failing


class LogStore:
    """Logged calls in SQLite (default: ``$PROTEGE_HOME/logs.db``) or PostgreSQL.

    ``must_exist`` refuses to create a missing SQLite file (for read-only commands, where a typo
    in the path should be an error, not a new empty store).
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        must_exist: bool = False,
        lock_timeout_s: float = LOCK_TIMEOUT_S,
    ) -> None:
        parsed = resolve_url(url)
        self.url = redact(parsed)
        self.backend = parsed.get_backend_name()
        path = sqlite_path(parsed)
        if path is not None:
            if must_exist and not path.exists():
                raise StoreError(self.url, "no such store file (check the path)")
            path.parent.mkdir(parents=True, exist_ok=True)
        self.engine = create_store_engine(parsed, lock_timeout_s)
        self._write = self.engine.execution_options(**{WRITE_OPTION: True})
        self._insert_calls, self._insert_tags = _insert_statements(self.backend)
        self.rows_per_statement = ROWS_PER_STATEMENT[self.backend]  # resolve_url: one of two
        self.max_rows_per_statement = MAX_ROWS_PER_STATEMENT[self.backend]
        self._blocks: dict[int, str] = {}  # rows per statement -> its multi-row INSERT
        try:
            self.applied_now = self._migrate()
        except BaseException:
            self.engine.dispose()
            raise

    def __enter__(self) -> LogStore:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close pooled connections (the store can still be used: it reconnects)."""
        self.engine.dispose()

    def _migrate(self) -> list[str]:
        with translated_errors(self.url, "applying migrations"), self._write.begin() as conn:
            if self.backend == "postgresql":
                conn.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK_KEY}
                )
            return apply_migrations(conn)

    def migrations(self) -> list[tuple[str, datetime]]:
        """Every applied migration with its time, in order."""
        with translated_errors(self.url, "reading migrations"), self.engine.connect() as conn:
            return applied_migrations(conn)

    def insert_many(
        self,
        records: Iterable[LoggedCall],
        *,
        pause: Callable[[], None] | None = None,
        rows_per_statement: int | None = None,
    ) -> int:
        """Insert calls in one transaction; return how many were new.

        Idempotent by id: a call whose id is already stored (or repeated in ``records``) is
        skipped, so replaying a spool segment twice stores each call once. Tags are inserted
        the same idempotent way, so a call stored before keeps its own.

        This is the log writer's hot path, so it runs driver-level statements (``INSERT OR
        IGNORE`` / ``ON CONFLICT DO NOTHING``) with values converted here: a compiled SQLAlchemy
        insert with ``RETURNING`` and per-row parameter processing costs ~9 ms of CPU per 50
        calls, a driver-level ``executemany`` 2.0 ms and multi-row blocks less: CPU that the
        gateway's event loop waits for on a shared core. Calls go in
        blocks of ``rows_per_statement`` rows per statement (default: the backend's
        ``ROWS_PER_STATEMENT``), the rest row by row (``executemany``); ``pause`` is called after
        each block (the log writer uses it to let a waiting thread have the CPU).
        """
        most = self.max_rows_per_statement
        if rows_per_statement is not None and not 1 <= rows_per_statement <= most:
            raise ValueError(f"rows_per_statement must be 1-{most} on {self.backend}")
        rows: dict[str, LoggedCall] = {}
        for record in records:
            rows.setdefault(record.id, record)
        if not rows:
            return 0
        sqlite_ts = self.backend == "sqlite"
        unique = list(rows.values())
        tag_rows = [
            (record.id, str(key), str(value))
            for record in unique
            for key, value in record.tags.items()
        ]
        block = rows_per_statement or self.rows_per_statement
        statement = self._blocks.get(block)
        if statement is None:
            statement = self._blocks[block] = _multi_row(self._insert_calls, block)
        with translated_errors(self.url, "inserting calls"), self._write.begin() as conn:
            new = 0
            # Convert a block, insert it, then the next: the driver lets go of the GIL while a
            # statement runs, and ``pause`` can hand over the CPU, so a request waiting in a
            # gateway waits for one block (~0.1 ms), not for the whole batch.
            for start in range(0, len(unique), block):
                part = [_call_values(record, sqlite_ts) for record in unique[start : start + block]]
                if len(part) == block:
                    values = tuple(chain.from_iterable(part))
                    new += max(conn.exec_driver_sql(statement, values).rowcount, 0)
                    if pause is not None:
                        pause()
                else:
                    new += max(conn.exec_driver_sql(self._insert_calls, part).rowcount, 0)
            if tag_rows:
                conn.exec_driver_sql(self._insert_tags, tag_rows)
        return new

    def get(self, call_id: str) -> LoggedCall:
        """The call with this id; raises CallNotFoundError."""
        with translated_errors(self.url, "reading a call"), self.engine.connect() as conn:
            row = conn.execute(select(calls).where(calls.c.id == call_id)).first()
        if row is None:
            raise CallNotFoundError(self.url, call_id)
        return LoggedCall(**row._mapping)

    def iter_calls(
        self,
        where: CallFilter | None = None,
        *,
        newest_first: bool = False,
        limit: int | None = None,
    ) -> Iterator[LoggedCall]:
        """The calls matching ``where``, ordered by time (then id), a page of rows at a time.

        Each page is its own short read, so a long export neither holds a transaction open nor
        loads the table into memory.
        """
        condition = (where or CallFilter()).where()
        order = (calls.c.ts.desc(), calls.c.id.desc()) if newest_first else (calls.c.ts, calls.c.id)
        remaining = limit
        after: tuple[datetime, str] | None = None
        while remaining is None or remaining > 0:
            size = PAGE_SIZE if remaining is None else min(PAGE_SIZE, remaining)
            query = select(calls).where(condition).order_by(*order).limit(size)
            if after is not None:
                ts, call_id = after
                if newest_first:
                    beyond = or_(calls.c.ts < ts, and_(calls.c.ts == ts, calls.c.id < call_id))
                else:
                    beyond = or_(calls.c.ts > ts, and_(calls.c.ts == ts, calls.c.id > call_id))
                query = query.where(beyond)
            with translated_errors(self.url, "reading calls"), self.engine.connect() as conn:
                rows = conn.execute(query).all()
            for row in rows:
                yield LoggedCall(**row._mapping)
            if len(rows) < size:
                return
            after = (rows[-1].ts, rows[-1].id)
            if remaining is not None:
                remaining -= len(rows)

    def count(self, where: CallFilter | None = None) -> int:
        """How many calls match ``where``."""
        query = select(func.count()).select_from(calls).where((where or CallFilter()).where())
        with translated_errors(self.url, "counting calls"), self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def stats(self, where: CallFilter | None = None) -> CallStats:
        """Counts, errors, latency, tokens and cost per model over the calls matching ``where``."""
        n = func.count()
        query = (
            select(
                calls.c.model_requested,
                n,
                func.sum(case((calls.c.status != "ok", 1), else_=0)),
                func.sum(case((calls.c.cache_hit, 1), else_=0)),
                func.avg(calls.c.latency_ms),
                func.max(calls.c.latency_ms),
                func.sum(calls.c.prompt_tokens),
                func.sum(calls.c.completion_tokens),
                func.sum(calls.c.cost_usd),
                func.min(calls.c.ts),
                func.max(calls.c.ts),
            )
            .where((where or CallFilter()).where())
            .group_by(calls.c.model_requested)
            .order_by(n.desc(), calls.c.model_requested)
        )
        with translated_errors(self.url, "computing stats"), self.engine.connect() as conn:
            rows = conn.execute(query).all()
        models = [
            ModelStats(
                model=row[0],
                calls=int(row[1]),
                errors=int(row[2] or 0),
                cache_hits=int(row[3] or 0),
                # PostgreSQL returns avg() as an exact decimal; a float is what callers expect
                mean_latency_ms=float(row[4]) if row[4] is not None else None,
                max_latency_ms=float(row[5]) if row[5] is not None else None,
                prompt_tokens=int(row[6] or 0),
                completion_tokens=int(row[7] or 0),
                cost_usd=float(row[8] or 0.0),
            )
            for row in rows
        ]
        return CallStats(
            calls=sum(m.calls for m in models),
            errors=sum(m.errors for m in models),
            first_ts=min((row[9] for row in rows), default=None),
            last_ts=max((row[10] for row in rows), default=None),
            by_model=models,
        )

    def export_jsonl(self, out: TextIO, where: CallFilter | None = None) -> int:
        """Write the calls matching ``where`` to ``out``, one JSON object per line, oldest first;
        return how many were written."""
        written = 0
        for call in self.iter_calls(where):
            out.write(json.dumps(call.to_dict(), ensure_ascii=False) + "\n")
            written += 1
        return written


_CALL_COLUMNS = tuple(column.name for column in calls.columns)
# Rows per multi-row INSERT, by backend. One statement per row (``executemany``) costs SQLite ~25 %
# more CPU per row, and lets the writer thread give up the GIL once per row (the driver releases
# it around each step), where a block gives it up once. On SQLite a block is also what a request
# waiting for the writer's core waits for (``LogWriter`` yields between blocks), so it is small:
# in 1,000-row batches 64-, 16-, 8- and 4-row blocks cost 10.4, 10.7, 11.4 and 13.5 us per row
# on the bench machine, and 8 rows take ~0.1 ms. PostgreSQL does the work in its own process, where
# the kernel schedules it like any other, and small blocks cost the client more (8 rows: ~55 us
# per row, 64: ~45), so it keeps 64. 64 rows x 17 columns = 1,088 parameters, far under
# PostgreSQL's limit (65,535); SQLite's is below.
ROWS_PER_STATEMENT = {"sqlite": 8, "postgresql": 64}
# The most ``insert_many`` takes (a busy log writer's blocks): on SQLite, what fits the variable
# limit of builds before 3.32 (999: 58 rows of 17 columns), so an old system library never fails
# every large batch with "too many SQL variables".
MAX_ROWS_PER_STATEMENT = {"sqlite": 999 // len(_CALL_COLUMNS), "postgresql": 64}
_JSON_COLUMNS = frozenset({"request", "response", "tags"})


def _insert_statements(backend: str) -> tuple[str, str]:
    """Driver-level idempotent inserts of one call and one tag row, in the backend's dialect."""
    columns = ", ".join(_CALL_COLUMNS)
    if backend == "postgresql":
        values = ", ".join("%s::jsonb" if c in _JSON_COLUMNS else "%s" for c in _CALL_COLUMNS)
        return (
            f"INSERT INTO calls ({columns}) VALUES ({values}) ON CONFLICT (id) DO NOTHING",
            "INSERT INTO call_tags (call_id, key, value) VALUES (%s, %s, %s) "
            "ON CONFLICT DO NOTHING",
        )
    values = ", ".join("?" for _ in _CALL_COLUMNS)
    return (
        f"INSERT OR IGNORE INTO calls ({columns}) VALUES ({values})",
        "INSERT OR IGNORE INTO call_tags (call_id, key, value) VALUES (?, ?, ?)",
    )


def _multi_row(statement: str, rows: int) -> str:
    """A one-row ``INSERT ... VALUES (...) [ON CONFLICT ...]`` made to insert ``rows`` rows."""
    head, _, rest = statement.partition(" VALUES ")
    row, _, tail = rest.partition(")")
    return f"{head} VALUES {', '.join([row + ')'] * rows)}{tail}"


def _call_values(record: LoggedCall, sqlite_ts: bool) -> tuple[Any, ...]:
    """One call's column values as the driver takes them, converted exactly as the SQLAlchemy
    column types would: JSON as text (SQL NULL for a missing response), ``ts`` in UTC (on
    SQLite the same fixed-width text SQLAlchemy writes, so text order stays time order)."""
    ts = as_utc(record.ts)
    return (
        record.id,
        ts.replace(tzinfo=None).isoformat(" ", "microseconds") if sqlite_ts else ts,
        record.model_requested,
        record.upstream,
        json_text(record.request),
        None if record.response is None else json_text(record.response),
        record.status,
        record.error,
        record.latency_ms,
        record.ttft_ms,
        record.prompt_tokens,
        record.completion_tokens,
        record.cost_usd,
        json_text(record.tags) if record.tags else "{}",
        record.prompt_id,
        record.prompt_version,
        bool(record.cache_hit),
    )


# _call_values lists the columns by hand (a loop over names cost 4x as much): keep them in step.
assert _CALL_COLUMNS == (
    "id", "ts", "model_requested", "upstream", "request", "response", "status", "error",
    "latency_ms", "ttft_ms", "prompt_tokens", "completion_tokens", "cost_usd", "tags",
    "prompt_id", "prompt_version", "cache_hit",
), _CALL_COLUMNS  # fmt: skip
