"""The shipped triage model (slow): loads offline from models/, scores the dev split through the
whole pipeline well above the strongest baseline's floor, and its files stay small and pickle-free."""

from __future__ import annotations

from pathlib import Path

import pytest

from claims.records import read_labeled
from claims.taxonomy import TASKS
from claims_runtime.settings import RuntimeSettings

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[1]


def test_shipped_model_is_small_and_pickle_free() -> None:
    model_dir = RuntimeSettings().model_dir
    files = [p for p in model_dir.rglob("*") if p.is_file()]
    assert sum(p.stat().st_size for p in files) < 25 * 1024 * 1024
    assert not [p for p in files if p.suffix in {".bin", ".pkl", ".pt", ".pickle"}]
    assert (model_dir / "README.md").is_file()


def test_shipped_pipeline_on_dev() -> None:
    from claims.encoder import build_encoder
    from claims_runtime.pipeline import build_pipeline

    build_encoder(RuntimeSettings().encoder_path)
    pipeline = build_pipeline()
    claims = read_labeled(REPO / "data" / "claims" / "dev.jsonl")[:80]
    decisions = pipeline.triage([c.text for c in claims])
    for task in TASKS:
        accuracy = sum(d.label(task) == c.labels[task] for d, c in zip(decisions, claims, strict=True)) / len(claims)
        assert accuracy >= 0.8, (task, accuracy)
    assert all(d.model_version == pipeline.model_version for d in decisions)
