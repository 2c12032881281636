"""``protege logs list|show|stats|export`` on a store in the test's protege home."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from protege.cli import app
from protege.store import LoggedCall, LogStore

from clitools import assert_clean_error

MakeCall = Callable[..., LoggedCall]
T0 = datetime(2026, 11, 3, 12, 0, tzinfo=UTC)
runner = CliRunner()


def invoke(*args: object) -> Any:
    return runner.invoke(app, [str(a) for a in args])


def ok_json(*args: object) -> Any:
    result = invoke(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture
def calls(protege_home: Path, make_call: MakeCall) -> list[LoggedCall]:
    """Four calls an hour apart in the default store (the protege home)."""
    made = [
        make_call(0, ts=T0, tags={"team": "billing", "env": "prod"}, prompt_version="v1"),
        make_call(1, ts=T0 + timedelta(hours=1), tags={"team": "billing", "env": "dev"}),
        make_call(
            2,
            ts=T0 + timedelta(hours=2),
            model_requested="student",
            prompt_version="v1",
            tags={"team": "ops"},
        ),
        make_call(3, ts=T0 + timedelta(hours=3), status="error", error="503", tags={}),
    ]
    with LogStore() as store:
        store.insert_many(made)
    return made


def test_list_newest_first_with_filters(calls: list[LoggedCall]) -> None:
    assert [c["id"] for c in ok_json("logs", "list")] == [c.id for c in reversed(calls)]
    assert [c["id"] for c in ok_json("logs", "list", "--limit", "2")] == [calls[3].id, calls[2].id]
    assert [c["id"] for c in ok_json("logs", "list", "--model", "student")] == [calls[2].id]
    tagged = ok_json("logs", "list", "--tag", "team=billing", "--tag", "env=prod")
    assert [c["id"] for c in tagged] == [calls[0].id]
    versioned = ok_json("logs", "list", "--prompt-version", "v1")
    assert [c["id"] for c in versioned] == [calls[2].id, calls[0].id]
    window = ok_json("logs", "list", "--since", "2026-11-03T13:00", "--until", "2026-11-03T15:00Z")
    assert [c["id"] for c in window] == [calls[2].id, calls[1].id]
    assert [c["id"] for c in ok_json("logs", "list", "--status", "error")] == [calls[3].id]


def test_list_table_shows_whole_ids(calls: list[LoggedCall]) -> None:
    result = invoke("logs", "list")
    assert result.exit_code == 0, result.output
    assert all(call.id in result.stdout for call in calls)


def test_show(calls: list[LoggedCall]) -> None:
    shown = ok_json("logs", "show", calls[1].id)
    assert LoggedCall.from_dict(shown) == calls[1]
    result = invoke("logs", "show", calls[1].id)
    assert result.exit_code == 0, result.output
    assert "request:" in result.stdout and "q1" in result.stdout


def test_stats(calls: list[LoggedCall]) -> None:
    stats = ok_json("logs", "stats")
    assert (stats["calls"], stats["errors"]) == (4, 1)
    assert {m["model"]: m["calls"] for m in stats["by_model"]} == {"gpt-4o": 3, "student": 1}
    assert ok_json("logs", "stats", "--tag", "team=billing")["calls"] == 2
    table = invoke("logs", "stats")
    assert table.exit_code == 0 and "Per model" in table.stdout


def test_export(calls: list[LoggedCall], tmp_path: Path) -> None:
    out = tmp_path / "calls.jsonl"
    result = invoke("logs", "export", "--model", "gpt-4o", "--out", out)
    assert result.exit_code == 0, result.output
    assert "exported 3 call(s)" in result.stdout
    exported = [LoggedCall.from_dict(json.loads(line)) for line in out.read_text().splitlines()]
    assert exported == [calls[0], calls[1], calls[3]]
    to_stdout = invoke("logs", "export", "--status", "error", "--out", "-")
    assert [json.loads(line)["id"] for line in to_stdout.stdout.splitlines()] == [calls[3].id]


def test_store_option_and_environment(
    tmp_path: Path, make_call: MakeCall, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "elsewhere.db"
    call = make_call()
    with LogStore(str(path)) as store:
        store.insert_many([call])
    for store_option in (f"sqlite:///{path}", str(path)):
        listed = ok_json("logs", "list", "--store", store_option)
        assert [c["id"] for c in listed] == [call.id]
    monkeypatch.setenv("PROTEGE_STORE", str(path))
    assert [c["id"] for c in ok_json("logs", "list")] == [call.id]


def test_postgres_store(pg_url: str, make_call: MakeCall) -> None:
    call = make_call()
    with LogStore(pg_url) as store:
        store.insert_many([call])
    assert ok_json("logs", "show", call.id, "--store", pg_url)["id"] == call.id


def test_bad_input_is_one_line(calls: list[LoggedCall], tmp_path: Path) -> None:
    assert_clean_error(invoke("logs", "list", "--since", "yesterday"), "--since", "ISO")
    assert_clean_error(invoke("logs", "stats", "--until", "11/03/2026"), "--until")
    assert_clean_error(invoke("logs", "list", "--tag", "team"), "--tag", "key=value")
    assert_clean_error(invoke("logs", "show", "NOPE"), "no logged call", "NOPE")
    assert_clean_error(invoke("logs", "list", "--store", "mysql://u@h/db"), "unsupported")
    missing = tmp_path / "typo.db"
    assert_clean_error(invoke("logs", "list", "--store", missing), "no such store file")
    assert not missing.exists()
    assert_clean_error(
        invoke("logs", "list", "--store", "postgresql://postgres@127.0.0.1:1/test"),
        "127.0.0.1",
    )
    assert_clean_error(
        invoke("logs", "export", "--out", tmp_path / "no" / "dir.jsonl"), "--out", "cannot write"
    )
