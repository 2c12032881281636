"""LogStore: the same suite on a SQLite file and on PostgreSQL (see ``store_url`` in conftest)."""

from __future__ import annotations

import io
import json
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from conftest import pg_missing
from protege.errors import CallNotFoundError, StoreError, StoreUnavailableError, UsageError
from protege.store import CallFilter, LoggedCall, LogStore, logstore, new_call_id
from protege.store.schema import MIGRATIONS

MakeCall = Callable[..., LoggedCall]
T0 = datetime(2026, 11, 3, 12, 0, tzinfo=UTC)


@pytest.fixture
def store(store_url: str) -> Iterator[LogStore]:
    with LogStore(store_url) as log_store:
        yield log_store


def ids(calls: Iterator[LoggedCall] | list[LoggedCall]) -> list[str]:
    return [call.id for call in calls]


def test_migrations_are_applied_once_and_recorded(store_url: str) -> None:
    names = [name for name, _ in MIGRATIONS]
    with LogStore(store_url) as first:
        assert first.applied_now == names
        recorded = first.migrations()
    assert [name for name, _ in recorded] == names
    assert all(applied.tzinfo is not None for _, applied in recorded)
    with LogStore(store_url) as again:
        assert again.applied_now == []
        assert again.migrations() == recorded


def test_insert_is_idempotent_by_id(store: LogStore, make_call: MakeCall) -> None:
    calls = [make_call(i) for i in range(10)]
    assert store.insert_many(calls) == 10
    assert store.insert_many(calls) == 0  # a replayed batch stores nothing twice
    fresh = [make_call(i) for i in range(10, 15)]
    assert store.insert_many([*calls[:5], *fresh, fresh[0]]) == 5
    assert store.count() == 15
    assert store.count(CallFilter(tags={"team": "billing"})) == 15  # tag rows not doubled
    assert store.insert_many([]) == 0


def test_insert_pauses_after_each_block_of_rows(store: LogStore, make_call: MakeCall) -> None:
    calls = [make_call(i) for i in range(2 * store.rows_per_statement + 3)]  # 2 blocks + 3
    pauses: list[int] = []
    assert store.insert_many(calls, pause=lambda: pauses.append(1)) == len(calls)
    assert len(pauses) == 2  # the three rows left over go in without one
    assert store.count() == len(calls)
    most = store.max_rows_per_statement  # 58 on SQLite: under the 999 variables of old builds
    assert most * 17 <= (999 if store.backend == "sqlite" else 65_535)
    more = [make_call(i) for i in range(100, 100 + 2 * most + 3)]
    pauses.clear()
    new = store.insert_many(more, pause=lambda: pauses.append(1), rows_per_statement=most)
    assert new == len(more) and len(pauses) == 2 and store.count() == len(calls) + len(more)
    with pytest.raises(ValueError, match="rows_per_statement"):
        store.insert_many(more, rows_per_statement=most + 1)


def test_a_call_round_trips_exactly(store: LogStore, make_call: MakeCall) -> None:
    call = make_call(
        ts=datetime(2026, 11, 3, 14, 30, 15, 123456, tzinfo=timezone(timedelta(hours=2))),
        request={"messages": [{"role": "user", "content": "Solde dû : 1 234,56 € ✓"}], "n": 1},
        response=None,
        status="error",
        error="upstream 503: overloaded",
        ttft_ms=12.5,
        prompt_tokens=None,
        completion_tokens=None,
        cost_usd=None,
        tags={"team": "billing", "env": "prod"},
        prompt_id="liability",
        prompt_version="3f2a9c1e",
        cache_hit=True,
    )
    store.insert_many([call])
    back = store.get(call.id)
    assert back == call
    assert back.ts.tzinfo == UTC and back.ts.hour == 12  # stored and returned in UTC
    assert back.response is None


def test_unknown_id(store: LogStore) -> None:
    with pytest.raises(CallNotFoundError, match="NOPE"):
        store.get("NOPE")


@pytest.fixture
def filled(store: LogStore, make_call: MakeCall) -> dict[str, LoggedCall]:
    """Six calls an hour apart, varied in model, tags, prompt version and status."""
    spec = {
        "a": {"model_requested": "gpt-4o", "tags": {"team": "billing", "env": "prod"}},
        "b": {"model_requested": "gpt-4o", "tags": {"team": "billing", "env": "dev"}},
        "c": {"model_requested": "student", "tags": {"team": "ops"}, "prompt_version": "v1"},
        "d": {"model_requested": "student", "tags": {}, "prompt_version": "v2", "status": "error"},
        "e": {"model_requested": "gpt-4o", "tags": {}, "prompt_version": "v1"},
        "f": {"model_requested": "student", "tags": {"env": "prod"}, "status": "timeout"},
    }
    calls = {
        name: make_call(i, ts=T0 + timedelta(hours=i), **fields)
        for i, (name, fields) in enumerate(spec.items())
    }
    store.insert_many(calls.values())
    return calls


# Each filter, and the calls of ``filled`` it selects, in time order.
FILTER_CASES = [
    (CallFilter(), "abcdef"),
    (CallFilter(model="student"), "cdf"),
    (CallFilter(tags={"team": "billing"}), "ab"),
    (CallFilter(tags={"team": "billing", "env": "prod"}), "a"),
    (CallFilter(tags={"env": "prod"}), "af"),
    (CallFilter(tags={"team": "nobody"}), ""),
    (CallFilter(prompt_version="v1"), "ce"),
    (CallFilter(status="error"), "d"),
    (CallFilter(status="ok"), "abce"),
    (CallFilter(since=T0 + timedelta(hours=2)), "cdef"),  # since is inclusive
    (CallFilter(until=T0 + timedelta(hours=2)), "ab"),  # until is exclusive
    (CallFilter(since=T0 + timedelta(hours=1), until=T0 + timedelta(hours=4)), "bcd"),
    (CallFilter(model="gpt-4o", prompt_version="v1"), "e"),
    (CallFilter(model="student", tags={"env": "prod"}, status="timeout"), "f"),
]


def test_filters(store: LogStore, filled: dict[str, LoggedCall]) -> None:
    # One store for all cases: a PostgreSQL schema per case would dominate the run time.
    for where, expected in FILTER_CASES:
        wanted = [filled[name].id for name in expected]
        assert ids(store.iter_calls(where)) == wanted, (where, expected)
        assert store.count(where) == len(wanted), (where, expected)


def test_naive_times_in_filters_are_utc(store: LogStore, filled: dict[str, LoggedCall]) -> None:
    naive = CallFilter(since=datetime(2026, 11, 3, 14, 0))
    aware = CallFilter(since=datetime(2026, 11, 3, 15, 0, tzinfo=timezone(timedelta(hours=1))))
    assert store.count(naive) == store.count(aware) == 4


def test_iteration_pages_orders_and_limits(
    store: LogStore, make_call: MakeCall, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(logstore, "PAGE_SIZE", 3)  # several pages from a few rows
    same_time = [make_call(i, ts=T0) for i in range(4)]  # ties are ordered by id
    later = [make_call(i, ts=T0 + timedelta(minutes=i + 1)) for i in range(6)]
    store.insert_many([*later, *same_time])
    expected = ids(same_time) + ids(later)
    assert ids(store.iter_calls()) == expected
    assert ids(store.iter_calls(newest_first=True)) == expected[::-1]
    assert ids(store.iter_calls(newest_first=True, limit=5)) == expected[::-1][:5]
    assert ids(store.iter_calls(limit=7)) == expected[:7]


def test_stats(store: LogStore, filled: dict[str, LoggedCall]) -> None:
    stats = store.stats()
    assert (stats.calls, stats.errors) == (6, 2)
    assert stats.first_ts == T0 and stats.last_ts == T0 + timedelta(hours=5)
    student = next(m for m in stats.by_model if m.model == "student")
    assert (student.calls, student.errors, student.cache_hits) == (3, 2, 0)
    assert student.mean_latency_ms == pytest.approx((102 + 103 + 105) / 3)
    assert student.max_latency_ms == pytest.approx(105)
    assert student.prompt_tokens == 12 + 13 + 15
    assert student.cost_usd == pytest.approx(0.0003 + 0.0004 + 0.0006)
    billing = store.stats(CallFilter(tags={"team": "billing"}))
    assert billing.calls == 2 and [m.model for m in billing.by_model] == ["gpt-4o"]
    empty = store.stats(CallFilter(model="nobody"))
    assert (empty.calls, empty.first_ts, empty.by_model) == (0, None, [])
    assert json.loads(json.dumps(stats.to_dict()))["calls"] == 6


def test_export_jsonl(store: LogStore, filled: dict[str, LoggedCall]) -> None:
    out = io.StringIO()
    assert store.export_jsonl(out, CallFilter(model="gpt-4o")) == 3
    lines = out.getvalue().splitlines()
    back = [LoggedCall.from_dict(json.loads(line)) for line in lines]
    assert back == [filled[name] for name in "abe"]


def test_call_ids_sort_in_creation_order() -> None:
    made = [new_call_id() for _ in range(2000)]
    assert made == sorted(made) and len(set(made)) == len(made)
    assert all(len(i) == 26 and i.isalnum() and i.isupper() for i in made[:10])
    time.sleep(0.002)
    assert new_call_id() > made[-1]


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://u@h/db", "unsupported backend 'mysql'"),
        ("postgresql+psycopg2://u@h/db", "use the psycopg driver"),
        ("sqlite://", "give a SQLite file"),
        ("sqlite:///:memory:", "give a SQLite file"),
        ("::nonsense://", "not a store URL"),
    ],
)
def test_bad_urls(url: str, message: str) -> None:
    with pytest.raises(StoreError, match=message):
        LogStore(url)


def test_password_is_hidden_in_errors() -> None:
    with pytest.raises(StoreError) as caught:
        LogStore("mysql://user:s3cret@host/db")
    assert "s3cret" not in str(caught.value)


def test_unreachable_postgres_is_unavailable() -> None:
    with pytest.raises(StoreUnavailableError, match=r"127\.0\.0\.1"):
        LogStore("postgresql://postgres@127.0.0.1:1/test")  # nothing listens on port 1


def test_a_missing_postgres_server_skips_but_fails_under_ci() -> None:
    for environ in ({}, {"CI": "false"}):
        with pytest.raises(pytest.skip.Exception, match="no server here"):
            pg_missing("no server here", environ)
    with pytest.raises(pytest.fail.Exception, match=r"no server here \(CI=true"):
        pg_missing("no server here", {"CI": "true"})


def test_default_store_lives_in_the_home_and_must_exist_refuses_new_files(
    protege_home: Path, tmp_path: Path
) -> None:
    with LogStore() as store:
        assert store.url.endswith("logs.db") and (protege_home / "logs.db").exists()
    with pytest.raises(StoreError, match="no such store file"):
        LogStore(str(tmp_path / "typo.db"), must_exist=True)
    assert not (tmp_path / "typo.db").exists()


def test_filter_parsing() -> None:
    now = datetime(2026, 11, 3, 12, 0, tzinfo=UTC)
    parsed = CallFilter.parse(
        tags=["team=billing", "env = prod"], since="2h", until="2026-11-03T13:00", now=now
    )
    assert parsed.tags == {"team": "billing", "env": "prod"}
    assert parsed.since == now - timedelta(hours=2)
    assert parsed.until == datetime(2026, 11, 3, 13, 0, tzinfo=UTC)
    assert CallFilter.parse(since="2026-11-01", now=now).since == datetime(2026, 11, 1, tzinfo=UTC)
    assert CallFilter.parse(since="7d", now=now).since == now - timedelta(days=7)
    with pytest.raises(UsageError, match="--until"):
        CallFilter.parse(until="yesterday")
    with pytest.raises(UsageError, match="key=value"):
        CallFilter.parse(tags=["team"])
