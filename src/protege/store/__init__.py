"""Durable logging of LLM calls: the SQL store, the spool in front of it, and the writer thread.

- ``LogStore`` (logstore.py): logged calls in SQLite or PostgreSQL; the only code that writes SQL.
- ``LoggedCall`` / ``new_call_id`` (record.py): one call and its time-sortable id.
- ``CallFilter`` / ``CallStats`` (query.py): which calls to read, and aggregates over them.
- ``Spool`` (spool.py): append-only segment files that hold calls until the store has them.
- ``LogWriter`` (writer.py): a bounded queue, a background thread, batches, retries, replay.
"""

from protege.store.logstore import LogStore
from protege.store.query import CallFilter, CallStats, ModelStats
from protege.store.record import LoggedCall, new_call_id
from protege.store.spool import Spool
from protege.store.writer import LogWriter, WriterStats, spool_dir_for

__all__ = [
    "CallFilter",
    "CallStats",
    "LogStore",
    "LogWriter",
    "LoggedCall",
    "ModelStats",
    "Spool",
    "WriterStats",
    "new_call_id",
    "spool_dir_for",
]
