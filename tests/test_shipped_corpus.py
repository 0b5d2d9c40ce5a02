"""The shipped corpus passes its quality gate: every split valid, no near-duplicates, no over-used
openings, coverage minima met, no id or claim leaking across splits."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from triage_cli.main import app

CORPUS = Path(__file__).resolve().parents[1] / "data" / "claims"


def test_shipped_corpus_passes_check_corpus() -> None:
    result = CliRunner().invoke(app, ["data", "check-corpus", str(CORPUS)])
    assert result.exit_code == 0, result.output
    assert "corpus OK" in result.output


def test_each_split_validates() -> None:
    for split in ("train", "dev", "test"):
        result = CliRunner().invoke(app, ["data", "validate", str(CORPUS / f"{split}.jsonl")])
        assert result.exit_code == 0, result.output
