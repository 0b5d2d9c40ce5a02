"""Every command answers ``--help``; errors are one line with a non-zero exit, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from triage_cli.main import app

runner = CliRunner()


@pytest.mark.parametrize(
    "command", [[], ["data"], ["data", "validate"], ["encoder"], ["encoder", "build"], ["encoder", "info"]]
)
def test_help(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_encoder_info_without_a_build_says_how_to_build(tmp_path: Path) -> None:
    result = runner.invoke(app, ["encoder", "info", "--cache", str(tmp_path)])
    assert result.exit_code == 1
    assert "claims-triage encoder build" in result.output and "Traceback" not in result.output


def test_encoder_info_embeds_a_claim_file(tiny_encoder_dir: Path, tmp_path: Path) -> None:
    data = tmp_path / "in.jsonl"
    data.write_text(
        '{"id": "a", "text": "der Sturm"}\n{"id": "b", "text": "the storm"}\n{"id": "c"}\n', encoding="utf-8"
    )
    result = runner.invoke(app, ["encoder", "info", "--cache", str(tiny_encoder_dir), "--data", str(data)])
    assert result.exit_code == 0, result.output
    assert "a: " in result.output and "closest: b" in result.output


def test_encoder_build_reports_an_unwritable_target_cleanly(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    result = runner.invoke(app, ["encoder", "build", "--cache", str(blocker / "enc")])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert result.output.startswith("building") and "error:" in result.output
