"""The shipped triage model (slow): loads offline from models/, the production pipeline reproduces
on dev exactly the numbers its recipe recorded (so what was measured is what runs), and its files
stay small and pickle-free with their provenance."""

from __future__ import annotations

from pathlib import Path

import pytest

from claims.records import read_labeled
from claims.taxonomy import TASKS
from claims_runtime.settings import RuntimeSettings

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[1]


def test_shipped_model_is_small_pickle_free_and_traceable() -> None:
    import json

    model_dir = RuntimeSettings().model_dir
    files = [p for p in model_dir.rglob("*") if p.is_file()]
    assert sum(p.stat().st_size for p in files) < 25 * 1024 * 1024
    assert not [p for p in files if p.suffix in {".bin", ".pkl", ".pt", ".pickle"}]
    assert (model_dir / "README.md").is_file()
    provenance = json.loads((model_dir / "config.json").read_text("utf-8"))["provenance"]
    assert {"recipe", "data_sha256", "pii_tagger_sha256", "library_version", "commit"} <= set(provenance)


def test_shipped_pipeline_reproduces_its_recorded_dev_numbers() -> None:
    from claims.encoder import build_encoder
    from claims_runtime.pipeline import build_pipeline, pii_tagger_sha256

    build_encoder(RuntimeSettings().encoder_path)
    pipeline = build_pipeline()
    config = pipeline.model.config  # type: ignore[attr-defined]
    if config.provenance["pii_tagger_sha256"] != pii_tagger_sha256():
        pytest.fail("the shipped PII tagger is not the one the model was trained with: retrain by its recipe")
    claims = read_labeled(REPO / "data" / "claims" / "dev.jsonl")
    decisions = pipeline.triage([c.text for c in claims])
    recorded = config.metrics["dev"]
    for task in TASKS:
        accuracy = sum(d.label(task) == c.labels[task] for d, c in zip(decisions, claims, strict=True)) / len(claims)
        assert accuracy == pytest.approx(recorded[task], abs=1.5 / len(claims)), task
    auto = sum(not d.needs_review for d in decisions) / len(claims)
    assert auto == pytest.approx(recorded["auto_routed"], abs=1.5 / len(claims))
    assert all(d.model_version == pipeline.model_version for d in decisions)
