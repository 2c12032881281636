"""Store URLs and SQLAlchemy engines: which backends, how they are tuned, how errors read.

Two backends:

- SQLite (the default, ``$PROTEGE_HOME/logs.db``): a file in WAL mode, so readers (``protege
  logs``) never wait for the writer. ``synchronous=FULL`` because the spool deletes records once
  the store has committed them: a commit must survive a power cut, not only a process crash.
- PostgreSQL (``postgresql+psycopg://user:pass@host:5432/db``): a plain ``postgresql://`` URL
  is read as psycopg 3, the driver protege installs. Set the schema with the libpq
  ``options=-csearch_path%3Dmyschema`` query parameter.

Errors from the driver become ``StoreUnavailableError`` (cannot connect, lost connection, locked:
worth retrying) or ``StoreError`` (anything else), as one line naming the store.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import (
    ArgumentError,
    DBAPIError,
    DisconnectionError,
    InterfaceError,
    OperationalError,
    SQLAlchemyError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from protege.errors import StoreError, StoreUnavailableError
from protege.home import protege_home
from protege.store.record import to_json

DEFAULT_FILE = "logs.db"
PG_CONNECT_TIMEOUT_S = 5  # an unreachable host fails fast, so the writer falls back to the spool
WRITE_OPTION = "protege_write"  # execution option: this transaction will write (see _begin)


def default_url() -> str:
    """The default store: a SQLite file in the protege home."""
    return f"sqlite:///{protege_home() / DEFAULT_FILE}"


def resolve_url(url: str | None) -> URL:
    """Parse a store URL; None means the default, a bare path means a SQLite file there."""
    text = default_url() if url is None else url.strip()
    if "://" not in text:
        text = f"sqlite:///{Path(text).expanduser().resolve()}"
    try:
        parsed = make_url(text)
    except ArgumentError as exc:
        raise StoreError(text, f"not a store URL ({exc})") from exc
    backend = parsed.get_backend_name()
    shown = redact(parsed)
    if backend == "sqlite":
        if parsed.database in (None, "", ":memory:"):
            raise StoreError(shown, "give a SQLite file, e.g. sqlite:///path/to/logs.db")
        return parsed
    if backend == "postgresql":
        if parsed.drivername == "postgresql":
            return parsed.set(drivername="postgresql+psycopg")
        if parsed.get_driver_name() != "psycopg":
            raise StoreError(shown, "use the psycopg driver: postgresql+psycopg://...")
        return parsed
    raise StoreError(shown, f"unsupported backend {backend!r}: use sqlite:/// or postgresql://")


def redact(url: URL) -> str:
    """The URL as text with any password hidden, for messages and logs."""
    return url.render_as_string(hide_password=True)


def sqlite_path(url: URL) -> Path | None:
    """The file of a SQLite URL, None for PostgreSQL."""
    if url.get_backend_name() != "sqlite" or url.database is None:
        return None
    return Path(url.database)


def json_text(value: Any) -> str:
    # orjson instead of the standard library for the JSON columns: the log writer encodes every
    # request and response once more here, and stdlib json was ~7 % of its time under load.
    # Reading uses orjson too (``json_deserializer``): a dataset build decodes 100k rows.
    return to_json(value).decode()


def create_store_engine(url: URL, lock_timeout_s: float) -> Engine:
    """An engine tuned for the backend; ``lock_timeout_s`` bounds a wait for SQLite's write lock."""
    if url.get_backend_name() == "sqlite":
        engine = create_engine(
            url,
            connect_args={"timeout": lock_timeout_s, "check_same_thread": False},
            json_serializer=json_text,
            json_deserializer=orjson.loads,
        )
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(
        url,
        pool_pre_ping=True,  # after a server restart, replace dead pooled connections quietly
        json_serializer=json_text,
        json_deserializer=orjson.loads,
        connect_args={"connect_timeout": PG_CONNECT_TIMEOUT_S},
    )


def _sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
    # Take transaction control from the sqlite3 module (its implicit BEGIN comes too late for
    # DDL and cannot say IMMEDIATE); _begin issues BEGIN itself.
    dbapi_conn.isolation_level = None
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def _sqlite_begin(conn: Any) -> None:
    # A writing transaction takes the write lock up front (waiting up to the busy timeout), so it
    # cannot fail half-way with SQLITE_BUSY after it has read; reads take no lock in WAL mode.
    write = conn.get_execution_options().get(WRITE_OPTION, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def one_line(text: str) -> str:
    """Collapse a (driver) message to one line."""
    return " ".join(text.split())


@contextmanager
def translated_errors(url: str, action: str) -> Iterator[None]:
    """Turn SQLAlchemy and driver errors inside the block into protege store errors."""
    try:
        yield
    except (OperationalError, InterfaceError, DisconnectionError, PoolTimeoutError) as exc:
        reason = one_line(str(getattr(exc, "orig", None) or exc))
        raise StoreUnavailableError(url, f"{action}: {reason}") from exc
    except DBAPIError as exc:
        if exc.connection_invalidated:
            raise StoreUnavailableError(url, f"{action}: connection lost") from exc
        raise StoreError(url, f"{action}: {one_line(str(exc.orig))}") from exc
    except SQLAlchemyError as exc:
        raise StoreError(url, f"{action}: {one_line(str(exc))}") from exc
