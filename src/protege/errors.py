"""Every exception protege raises on purpose.

The tree::

    ProtegeError                 base; the CLI shows its message as one line and exits 1
    ├── UsageError               a bad argument or option value (unknown kind, n < 1, ...)
    ├── InputFileError           a file that is missing or unreadable
    │   └── JsonlError           one malformed line of a JSONL file; carries path and line number
    ├── ScoringError             truth and predictions that cannot be compared (duplicate ids, ...)
    ├── ModelNotFoundError       a model name or path protege cannot load (and how to get it)
    ├── ConfigError              a training/eval config with problems; lists every one at once
    ├── StoreError               the log store refused an operation; carries the store URL
    │   ├── StoreUnavailableError    the store cannot be reached or is locked (retry later)
    │   └── CallNotFoundError        no logged call has that id
    ├── SpoolError               the durable log spool cannot take a record (disk, size cap, closed)
    ├── DatasetInputError        dataset inputs with problems; lists every bad line at once
    └── RelabelError             relabel requests failed after retries (re-run to resume)

Each exception carries the context a user needs to fix the problem: which file, which line,
which key. Messages say what is wrong *and* what to do about it.
"""

from __future__ import annotations

from pathlib import Path


class ProtegeError(Exception):
    """Base class of every error protege raises deliberately."""


class UsageError(ProtegeError):
    """An argument or option has a value protege cannot use."""


class InputFileError(ProtegeError):
    """An input file is missing, unreadable or not what the command expects."""

    def __init__(self, path: Path | str, message: str) -> None:
        self.path = Path(path)
        super().__init__(f"{path}: {message}")


class JsonlError(InputFileError):
    """One line of a JSONL file is malformed or violates the expected shape."""

    def __init__(self, path: Path | str, line: int, message: str) -> None:
        self.line = line
        self.reason = message
        super().__init__(path, f"line {line}: {message}")


class ScoringError(ProtegeError):
    """Truth and predictions cannot be scored together."""


class ModelNotFoundError(ProtegeError):
    """A model name or path that protege cannot load; the message says how to get it."""


class ConfigError(ProtegeError):
    """A config file with one or more problems; ``problems`` lists every one of them."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(f"{source}: {len(problems)} problem(s): " + "; ".join(problems))


class StoreError(ProtegeError):
    """The log store refused an operation; ``url`` is the store (password hidden)."""

    def __init__(self, url: str, message: str) -> None:
        self.url = url
        self.reason = message
        super().__init__(f"{url}: {message}")


class StoreUnavailableError(StoreError):
    """The store cannot be reached, or is locked, right now: a retry later may succeed."""


class CallNotFoundError(StoreError):
    """No logged call with ``call_id`` is in the store."""

    def __init__(self, url: str, call_id: str) -> None:
        self.call_id = call_id
        super().__init__(url, f"no logged call with id {call_id!r} (see `protege logs list`)")


class SpoolError(ProtegeError):
    """The durable spool cannot take a record; ``directory`` is the spool directory."""

    def __init__(self, directory: Path | str, message: str) -> None:
        self.directory = Path(directory)
        super().__init__(f"spool {directory}: {message}")


class DatasetInputError(ProtegeError):
    """Inputs of a dataset build with problems: ``problems`` holds ``(line, reason)`` for each
    bad line of ``path`` (line 0: the file as a whole), every one of them, not just the first."""

    MAX_SHOWN = 20  # a message listing 10,000 bad lines helps nobody; the count says the rest

    def __init__(self, path: Path | str, problems: list[tuple[int, str]]) -> None:
        self.path = Path(path)
        self.problems = problems
        shown = [f"line {line}: {reason}" if line else reason for line, reason in problems]
        more = len(shown) - self.MAX_SHOWN
        text = "; ".join(shown[: self.MAX_SHOWN]) + (f"; ... and {more} more" if more > 0 else "")
        super().__init__(f"{path}: {len(problems)} bad line(s), nothing was written: {text}")


class RelabelError(ProtegeError):
    """Some relabel requests failed after their retries; the answers that did arrive are cached,
    so running the same build again sends only the rest."""
