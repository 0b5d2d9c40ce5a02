"""``claims-triage score``: output shape, resumability, bad lines, no loss and no duplicates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claims.model import TriageConfig, TriageModel
from claims.taxonomy import TASKS
from triage_cli.main import app


@pytest.fixture()
def tiny_model(tiny_encoder_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    model = TriageModel.for_training(tiny_encoder_dir, TriageConfig(max_length=32, lora_r=2, model_version="tiny-1"))
    model.save_pretrained(tmp_path / "model")
    monkeypatch.setenv("CLAIMS_ENCODER_DIR", str(tiny_encoder_dir))
    monkeypatch.setenv("CLAIMS_MODEL_DIR", str(tmp_path / "model"))
    monkeypatch.setenv("CLAIMS_USE_PII_MODEL", "false")
    return tmp_path / "model"


def write_input(path: Path, rows: list[object]) -> Path:
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def test_scores_every_good_line_and_reports_bad_ones(tiny_model: Path, tmp_path: Path) -> None:
    source = write_input(
        tmp_path / "in.jsonl",
        [
            {"id": "a", "text": "der Sturm hat ein Dach"},
            "{broken",
            {"id": "b", "text": ""},
            {"id": "c", "text": "x" * 20_001},
            {"id": "a", "text": "duplicate id"},
            {"id": "d", "text": "Wasser im Keller, Herr Koch, Tel. 0721 556 23 10"},
            {"id": "e", "text": "nul\x00byte"},
        ],
    )
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["score", "--input", str(source), "--output", str(out), "--batch-size", "8"])
    assert result.exit_code == 1, result.output
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    assert [x["id"] for x in lines] == ["a", "d"]
    for line in lines:
        assert set(line) >= {"id", *TASKS, "confidence", "needs_review", "model_version"}
        assert line["model_version"] == "tiny-1"
    errors = [json.loads(x) for x in (tmp_path / "out.jsonl.errors.jsonl").read_text().splitlines()]
    assert [(e["line"], e["id"]) for e in errors] == [(2, None), (3, "b"), (4, "c"), (5, "a"), (7, "e")]
    assert "0721" not in out.read_text() and "Koch" not in out.read_text()


def test_rerun_skips_done_ids_and_repairs_a_torn_last_line(tiny_model: Path, tmp_path: Path) -> None:
    source = write_input(tmp_path / "in.jsonl", [{"id": str(i), "text": f"der Sturm {i}"} for i in range(5)])
    out = tmp_path / "out.jsonl"
    runner = CliRunner()
    assert runner.invoke(app, ["score", "-i", str(source), "-o", str(out)]).exit_code == 0
    full = out.read_text().splitlines()
    out.write_text("\n".join(full[:3]) + "\n" + full[3][:20], encoding="utf-8")  # crash mid-write
    result = runner.invoke(app, ["score", "-i", str(source), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "skipped 3" in result.output
    ids = [json.loads(x)["id"] for x in out.read_text().splitlines()]
    assert sorted(ids) == ["0", "1", "2", "3", "4"] and len(ids) == 5


def test_export_writes_the_scored_lines_as_parquet(tiny_model: Path, tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    source = write_input(tmp_path / "in.jsonl", [{"id": str(i), "text": f"der Sturm {i}"} for i in range(5)])
    out, export = tmp_path / "out.jsonl", tmp_path / "remote" / "scored.parquet"
    export.parent.mkdir()
    result = CliRunner().invoke(app, ["score", "-i", str(source), "-o", str(out), "--export", export.as_uri()])
    assert result.exit_code == 0, result.output
    assert pq.read_table(export).to_pylist() == [json.loads(line) for line in out.read_text().splitlines()]
