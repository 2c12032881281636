"""One prompt version: the built-in liability prompt, the same template registered from a file,
and a production call logged through the gateway all carry the same version, so a dataset can
select the calls made with the prompt a model was trained on."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import openai
import pytest
from typer.testing import CliRunner

from protege.cli import app
from protege.contract import load_verified, write_jsonl
from protege.corpus import generate
from protege.datasets.catalog import dataset_dir
from protege.prompts import (
    LIABILITY_HINTS_PROMPT,
    LIABILITY_PROMPT,
    PromptTemplate,
    render_messages,
)
from protege.prompts.registry import PromptRegistry
from protege.prompts.version import content_version

from servers import PROTEGE, start_gateway, start_upstream, stop

runner = CliRunner()


def test_a_template_and_its_file_form_have_one_version() -> None:
    assert LIABILITY_PROMPT.version == content_version(LIABILITY_PROMPT.text)
    back = PromptTemplate.from_text(LIABILITY_PROMPT.id, LIABILITY_PROMPT.text)
    assert back == LIABILITY_PROMPT
    edited = PromptTemplate(LIABILITY_PROMPT.id, LIABILITY_PROMPT.system + " Be exact.", "x")
    assert edited.version != LIABILITY_PROMPT.version
    for bad in ("no sections", "### user\nu\n### system\ns\n", "### system\na\n### system\n"):
        with pytest.raises(ValueError):
            PromptTemplate.from_text("p", bad)


def test_the_builtin_prompt_is_registered_and_a_file_of_it_has_its_version(
    tmp_path: Path,
) -> None:
    listed = json.loads(runner.invoke(app, ["prompts", "list", "--json"]).output)
    assert [(e["id"], e["version"]) for e in listed] == [
        (t.id, t.version) for t in (LIABILITY_PROMPT, LIABILITY_HINTS_PROMPT)
    ]
    shown = runner.invoke(app, ["prompts", "show", LIABILITY_PROMPT.id, "--json"])
    assert json.loads(shown.output)["text"] == LIABILITY_PROMPT.text
    copy = tmp_path / "liability.txt"
    copy.write_text(LIABILITY_PROMPT.text, encoding="utf-8")
    added = json.loads(
        runner.invoke(app, ["prompts", "add", LIABILITY_PROMPT.id, str(copy), "--json"]).output
    )
    assert (added["version"], added["new"]) == (LIABILITY_PROMPT.version, False)
    assert PromptRegistry().latest_versions() == {
        LIABILITY_PROMPT.id: LIABILITY_PROMPT.version,
        LIABILITY_HINTS_PROMPT.id: LIABILITY_HINTS_PROMPT.version,
    }


def test_a_call_logged_with_the_builtin_prompt_is_selected_by_its_version(
    tmp_path: Path,
) -> None:
    corpus = tmp_path / "corpus.jsonl"
    write_jsonl(corpus, (g.to_row() for g in generate(3, seed=5)))
    sources = load_verified(corpus)
    upstream_proc, upstream = start_upstream(corpus)
    store = f"sqlite:///{tmp_path / 'logs.db'}"
    config = tmp_path / "gateway.yaml"
    config.write_text(
        json.dumps(
            {
                "store": store,
                "routes": [{"model": "m", "upstream": upstream, "upstream_model": "oracle"}],
                "spool_dir": str(tmp_path / "spool"),
            }
        )
    )
    gateway_proc, gateway = start_gateway(config)  # PROTEGE_HOME: this test's own, empty
    try:
        client = openai.OpenAI(base_url=gateway, api_key="sk-test", max_retries=0)
        for source, header in zip(
            sources, [LIABILITY_PROMPT.id, "other-prompt@0123456789ab", None], strict=True
        ):
            client.chat.completions.create(
                model="m",
                messages=render_messages(source),  # type: ignore[arg-type]
                extra_headers={"X-Protege-Prompt": header} if header else {},
            )
    finally:
        stop(gateway_proc)  # flushes the log
        stop(upstream_proc)
    env = {**os.environ, "COLUMNS": "200"}
    built = subprocess.run(
        [str(PROTEGE), "dataset", "build", "trained-prompt", "--from-logs", "--store", store,
         "--prompt-version", LIABILITY_PROMPT.version, "--json"],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    meta = json.loads(built.stdout)
    assert meta["counts"]["selected"] == 1
    assert meta["prompt_versions"] == [LIABILITY_PROMPT.version]
    rows_file = dataset_dir("trained-prompt") / "rows.jsonl"
    rows = [json.loads(line) for line in rows_file.read_text().splitlines()]
    assert [row["metadata"]["prompt_version"] for row in rows] == [LIABILITY_PROMPT.version]
    assert rows[0]["messages"][-2]["content"] == render_messages(sources[0])[-1]["content"]


def test_the_plain_show_output_registers_under_the_same_version(tmp_path: Path) -> None:
    shown = runner.invoke(app, ["prompts", "show", LIABILITY_PROMPT.id])
    assert shown.exit_code == 0 and shown.stdout == LIABILITY_PROMPT.text
    assert LIABILITY_PROMPT.version in shown.stderr
    copy = tmp_path / "shown.txt"
    copy.write_text(shown.stdout, encoding="utf-8")
    added = runner.invoke(app, ["prompts", "add", LIABILITY_PROMPT.id, str(copy), "--json"])
    assert json.loads(added.output)["version"] == LIABILITY_PROMPT.version


def test_hints_follow_the_words_a_value_was_read_from() -> None:
    import datetime as dt

    from protege.prompts.hints import mark_candidates

    as_of = dt.date(2025, 3, 17)  # a Monday
    marked = mark_candidates(
        "The payoff is $1,234.56, due this Friday, at six and an eighth percent", as_of
    )
    assert "this Friday [=2025-03-21]" in marked
    assert "six and an eighth percent [=6.125]" in marked
    assert "$1,234.56," in marked  # a plain amount gets no hint: it already is its value
    assert mark_candidates("nothing to read here", as_of) == "nothing to read here"


def test_hints_only_add_to_the_text_and_name_a_candidate_ending_there(tmp_path: Path) -> None:
    import re

    from protege.evidence import find_candidates
    from protege.prompts import LIABILITY_HINTS_PROMPT
    from protege.prompts.hints import hint_text, mark_candidates

    hint = re.compile(r" \[=([^\]]*)\]")
    hinted = 0
    corpus = tmp_path / "corpus.jsonl"
    write_jsonl(corpus, (g.to_row() for g in generate(60, seed=23)))
    for source in load_verified(corpus):
        marked = mark_candidates(source.text, source.as_of)
        assert hint.sub("", marked) == source.text
        offset = 0
        for match in hint.finditer(marked):
            end = match.start() - offset  # where the hint sits in the original text
            readings = {
                hint_text(c) for c in find_candidates(source.text, source.as_of) if c.end == end
            }
            assert set(match.group(1).split(" | ")) <= readings
            offset += len(match.group(0))
            hinted += 1
        user = render_messages(source, LIABILITY_HINTS_PROMPT)[1]["content"]
        assert user.endswith(marked)
    assert hinted > 60
