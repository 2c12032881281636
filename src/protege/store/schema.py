"""The log store's tables and the named, ordered migrations that create them.

Tables:

- ``calls``: one row per logged call, the columns of ``LoggedCall``. Indexed for the dataset
  queries: by time, by model and time, by prompt version and time, by status and time.
- ``call_tags``: one row per (call, tag key), so a ``key=value`` filter is an index lookup on
  both SQLite and PostgreSQL (a JSON column alone would need a per-key expression index).
  ``calls.tags`` keeps the same tags as JSON for reading whole records.
- ``_protege_migrations``: the name and time of every migration applied.

A migration is a function of a connection inside the transaction that records it. Its DDL must
never change once released: when a later migration alters a table, first freeze the table's
released shape inside the earlier migration, then change the module-level ``Table``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
    DateTime,
    Dialect,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    insert,
    select,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on both backends.

    PostgreSQL stores ``timestamptz``. SQLite has no time type, so SQLAlchemy stores a fixed-width
    text form without an offset: always converting to UTC first keeps text order equal to time
    order, which the ``ts`` index and the since/until filters rely on.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Convert to UTC (naive values are taken as UTC); drop the offset for SQLite."""
        if value is None:
            return None
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Return an aware UTC datetime whatever the backend handed back."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _json() -> JSON:
    # none_as_null: a missing response is SQL NULL, not the JSON literal null. JSONB on
    # PostgreSQL: binary, indexable, and compact.
    return JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")


metadata = MetaData()

calls = Table(
    "calls",
    metadata,
    Column("id", String(26), primary_key=True),  # a ULID, see record.new_call_id
    Column("ts", UtcDateTime(), nullable=False),
    Column("model_requested", String, nullable=False),
    Column("upstream", String, nullable=False),
    Column("request", _json(), nullable=False),
    Column("response", _json()),
    Column("status", String, nullable=False),
    Column("error", String),
    Column("latency_ms", Float, nullable=False),
    Column("ttft_ms", Float),
    Column("prompt_tokens", Integer),
    Column("completion_tokens", Integer),
    Column("cost_usd", Float),
    Column("tags", _json(), nullable=False),
    Column("prompt_id", String),
    Column("prompt_version", String),
    Column("cache_hit", Boolean, nullable=False),
    Index("ix_calls_ts", "ts"),
    Index("ix_calls_model_ts", "model_requested", "ts"),
    Index("ix_calls_prompt_version_ts", "prompt_version", "ts"),
    Index("ix_calls_status_ts", "status", "ts"),
)

call_tags = Table(
    "call_tags",
    metadata,
    Column("call_id", String(26), primary_key=True),
    Column("key", String, primary_key=True),
    Column("value", String, nullable=False),
    Index("ix_call_tags_key_value", "key", "value"),
)

migrations = Table(
    "_protege_migrations",
    metadata,
    Column("name", String, primary_key=True),
    Column("applied_at", UtcDateTime(), nullable=False),
)


def m001_calls(conn: Connection) -> None:
    """The calls table and its indexes."""
    calls.create(conn)


def m002_call_tags(conn: Connection) -> None:
    """One row per tag, indexed by (key, value), for tag filters."""
    call_tags.create(conn)


Migration = Callable[[Connection], None]

MIGRATIONS: tuple[tuple[str, Migration], ...] = (
    ("m001_calls", m001_calls),
    ("m002_call_tags", m002_call_tags),
)


def apply_migrations(conn: Connection) -> list[str]:
    """Apply, in order, every migration not yet recorded; return the names applied now.

    The caller holds a transaction and a lock that keeps other processes out meanwhile, so two
    gateways starting together apply each migration once.
    """
    migrations.create(conn, checkfirst=True)
    done = set(conn.scalars(select(migrations.c.name)))
    applied: list[str] = []
    for name, migrate in MIGRATIONS:
        if name in done:
            continue
        migrate(conn)
        conn.execute(insert(migrations).values(name=name, applied_at=datetime.now(UTC)))
        applied.append(name)
    return applied


def applied_migrations(conn: Connection) -> list[tuple[str, datetime]]:
    """Every recorded migration with the time it was applied, oldest first."""
    query = select(migrations.c.name, migrations.c.applied_at).order_by(migrations.c.name)
    return [(row.name, row.applied_at) for row in conn.execute(query)]
