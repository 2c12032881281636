"""``protege train`` is a command group: ``run`` by default, ``validate`` a sub-command."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from protege.cli import app

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


def test_train_validate_is_a_subcommand_that_checks_a_config(tmp_path: Path) -> None:
    data = tmp_path / "train.jsonl"
    data.write_text("")
    config = ROOT / "configs/liability/tiny-random_lora.yaml"
    ok = runner.invoke(app, ["train", "validate", str(config), f"data.train={data}"])
    assert ok.exit_code == 0, ok.output
    assert "ok (model tiny-random" in ok.stdout
    bad = runner.invoke(app, ["train", "validate", str(config), "train.batch_size=0"])
    assert bad.exit_code == 1 and "train.batch_size" in bad.stderr and "data.train" in bad.stderr
    listed = runner.invoke(app, ["train", "--help"])
    assert "validate" in listed.stdout and "run" in listed.stdout


def test_train_without_a_subcommand_runs(tmp_path: Path) -> None:
    # The same as `protege train run --config ...`: a missing config is the run's own error.
    for args in (["train", "--config", str(tmp_path / "none.yaml")], ["train", "run"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 1
    assert "no such file" in runner.invoke(app, ["train", "run", "-c", "x.yaml"]).stderr
