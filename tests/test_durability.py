"""The crash test of scripts/durability.py (slow: it starts and SIGKILLs real server processes), on the
tiny model so that each restart is quick: a claim answered with 201 must survive a killed server."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def table_row(output: str) -> dict[str, str]:
    """The summary table as {column: value} (the first markdown table of the output)."""
    lines = [line for line in output.splitlines() if line.startswith("|")]
    assert len(lines) >= 3, output
    headers = [cell.strip() for cell in lines[0].strip("|").split("|")]
    values = [cell.strip() for cell in lines[2].strip("|").split("|")]
    return dict(zip(headers, values, strict=True))


@pytest.mark.slow
def test_claims_answered_201_survive_sigkill(tiny_model_dir: Path, tiny_encoder_dir: Path, tmp_path: Path) -> None:
    command = [
        sys.executable,
        str(REPO / "scripts" / "durability.py"),
        "--rounds",
        "2",
        "--writers",
        "4",
        "--var-dir",
        str(tmp_path / "var"),
        "--model-dir",
        str(tiny_model_dir),
        "--encoder-dir",
        str(tiny_encoder_dir),
        "--no-pii-model",
        "--seed",
        "0",
        "--ready-timeout",
        "40",
    ]
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    row = table_row(result.stdout)
    assert row["rounds"] == "2"
    assert int(row["ids found"]) > 0
    assert row["missing"] == "0"
    assert row["integrity"] == "ok"
    assert int(row["ids found"]) == int(row["201s"])
