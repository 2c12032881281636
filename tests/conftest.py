"""Shared fixtures: every test gets its own protege home in a temporary directory; log-store
tests run on SQLite and on PostgreSQL; model tests share one tiny random model."""

from __future__ import annotations

import functools
import os
import uuid
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, NoReturn

import pytest
import sqlalchemy
import sqlalchemy.exc

from protege.store import LoggedCall


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny random Gemma (``protege.models.tiny``), built once per test session."""
    pytest.importorskip("torch")
    from protege.models.tiny import build_tiny

    return build_tiny(tmp_path_factory.mktemp("models") / "tiny-random")


@pytest.fixture(scope="module")
def upstream() -> Iterator[str]:
    """The test upstream (tests/upstream_server.py), one process per test module: its base URL."""
    from servers import start_upstream, stop

    proc, url = start_upstream()
    yield url
    stop(proc)


@pytest.fixture(autouse=True)
def protege_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point ``$PROTEGE_HOME`` at a fresh temporary directory for each test."""
    home = tmp_path / "protege-home"
    monkeypatch.setenv("PROTEGE_HOME", str(home))
    return home


# --- log stores: the same tests on SQLite and PostgreSQL -----------------------------------

# The test server: trust auth, database `test`. Each test gets a schema of its own (dropped
# afterwards), so parallel runs never see each other's tables.
PG_URL = os.environ.get("PROTEGE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@functools.cache
def pg_problem() -> str | None:
    """Why the PostgreSQL tests cannot run here (None when they can)."""
    engine = sqlalchemy.create_engine(PG_URL, connect_args={"connect_timeout": 2})
    try:
        with engine.connect():
            return None
    except sqlalchemy.exc.SQLAlchemyError as exc:
        reason = " ".join(str(exc.__cause__ or exc).split())[:200]
        return f"no PostgreSQL server at {PG_URL} (set PROTEGE_TEST_PG_URL): {reason}"
    finally:
        engine.dispose()


def with_schema(url: str, schema: str) -> str:
    """``url`` with libpq's search_path option set to ``schema``."""
    parsed = sqlalchemy.make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
    return parsed.render_as_string(hide_password=False)


def pg_missing(problem: str, environ: Mapping[str, str] = os.environ) -> NoReturn:
    """Skip a test that needs the PostgreSQL server, or fail it when ``$CI`` is ``true``: CI
    has the server, so there a missing one is a broken run, not a test to leave out."""
    if environ.get("CI") == "true":
        pytest.fail(f"{problem} (CI=true: the PostgreSQL tests must run)", pytrace=False)
    pytest.skip(problem)


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A PostgreSQL URL whose tables live in a fresh schema; skips without a server, fails
    without one under CI (see ``pg_missing``)."""
    problem = pg_problem()
    if problem:
        pg_missing(problem)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sqlalchemy.create_engine(PG_URL)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    try:
        yield with_schema(PG_URL, schema)
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql("SET lock_timeout = '5s'")
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The same test on a SQLite file in tmp_path and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'logs.db'}"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def make_call() -> Callable[..., LoggedCall]:
    """A factory of realistic logged calls; keyword arguments override fields."""

    def make(i: int = 0, **fields: Any) -> LoggedCall:
        values: dict[str, Any] = {
            "model_requested": "gpt-4o",
            "upstream": "https://api.openai.com/v1",
            "request": {"model": "gpt-4o", "messages": [{"role": "user", "content": f"q{i}"}]},
            "response": {"choices": [{"message": {"role": "assistant", "content": f"a{i}"}}]},
            "latency_ms": 100.0 + i,
            "prompt_tokens": 10 + i,
            "completion_tokens": 5,
            "cost_usd": 0.0001 * (i + 1),
            "tags": {"team": "billing"},
        }
        values.update(fields)
        return LoggedCall(**values)

    return make
