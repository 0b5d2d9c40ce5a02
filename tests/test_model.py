"""The triage model on the tiny encoder: truncation, save/load round trip, training loop, calibration."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from claims.model import ModelLoadError, TriageConfig, TriageModel
from claims.taxonomy import TASKS, load_taxonomy
from training.trainer import TrainingArguments, choose_threshold, fit_temperature, train_triage


@pytest.fixture()
def tiny_config() -> TriageConfig:
    return TriageConfig(max_length=16, lora_r=2, lora_alpha=4)


def test_head_tail_truncation_keeps_start_and_end(tiny_encoder_dir: Path, tiny_config: TriageConfig) -> None:
    model = TriageModel.for_training(tiny_encoder_dir, tiny_config)
    text = "der " * 30 + "Wasser"
    batch = model.encode_texts([text, "der Sturm"])
    ids = batch["input_ids"][0].tolist()
    water = model.tokenizer("Wasser", add_special_tokens=False)["input_ids"]
    assert len(ids) == 16 and ids[0] == 0 and ids[-1] == 2
    assert ids[-1 - len(water) : -1] == water
    assert batch["attention_mask"][1].sum() < 16
    head_only = TriageModel.for_training(tiny_encoder_dir, TriageConfig(max_length=16, truncation="head", lora_r=2))
    assert head_only.encode_texts([text])["input_ids"][0].tolist()[-2] != water[-1]


def test_config_errors_name_field_and_value() -> None:
    with pytest.raises(ValueError, match="truncation='tail'"):
        TriageConfig(truncation="tail")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="head_share=0"):
        TriageConfig(head_share=0)


def test_save_load_round_trip_gives_identical_probabilities(
    tiny_encoder_dir: Path, tiny_config: TriageConfig, tmp_path: Path
) -> None:
    model = TriageModel.for_training(tiny_encoder_dir, tiny_config)
    for param in model.heads.parameters():
        param.data.normal_()
    model.eval()
    texts = ["der Sturm hat ein Dach", "the storm water", "Wasser"]
    before = model.predict_proba(texts)
    model.save_pretrained(tmp_path / "m")
    saved = json.loads((tmp_path / "m" / "config.json").read_text())
    assert saved["labels"]["department"] == list(load_taxonomy().labels("department"))
    assert (tmp_path / "m" / "heads.safetensors").is_file() and (
        tmp_path / "m" / "adapter" / "adapter_model.safetensors"
    ).is_file()
    assert not list((tmp_path / "m").rglob("*.bin")) and not list((tmp_path / "m").rglob("*.pkl"))
    loaded = TriageModel.from_pretrained(tmp_path / "m", tiny_encoder_dir)
    after = loaded.predict_proba(texts)
    for task in TASKS:
        np.testing.assert_allclose(before[task], after[task], rtol=0, atol=1e-6)
        np.testing.assert_allclose(after[task].sum(axis=1), 1.0, atol=1e-5)
    merged = TriageModel.from_pretrained(tmp_path / "m", tiny_encoder_dir, merge=True)
    for task in TASKS:
        np.testing.assert_allclose(after[task], merged.predict_proba(texts)[task], atol=1e-5)


def test_loading_an_incomplete_directory_fails_clearly(tiny_encoder_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(ModelLoadError, match="no config.json"):
        TriageModel.from_pretrained(tmp_path, tiny_encoder_dir)


def test_temperature_and_threshold_selection() -> None:
    rng = np.random.default_rng(0)
    gold = rng.integers(0, 3, 400)
    logits = rng.normal(0, 1, (400, 3))
    logits[np.arange(400), gold] += 6.0  # overconfident and mostly right
    t = fit_temperature(logits, gold)
    assert 0.25 <= t <= 8.0
    confidence = np.array([0.99, 0.95, 0.9, 0.8, 0.7])
    correct = np.array([True, True, True, False, True])
    assert choose_threshold(confidence, correct, 1.0) == 0.9
    assert choose_threshold(confidence, correct, 0.8) == 0.7
    assert choose_threshold(np.array([0.9]), np.array([False]), 0.99) > 1.0


def test_training_loop_learns_and_saves(tiny_encoder_dir: Path, tmp_path: Path) -> None:
    taxonomy = load_taxonomy()
    texts = ["der Sturm hat ein Dach"] * 8 + ["water water Wasser"] * 8
    labels = {task: [taxonomy.labels(task)[0]] * 8 + [taxonomy.labels(task)[1]] * 8 for task in TASKS}
    result = train_triage(
        texts,
        labels,
        texts,
        labels,
        tiny_encoder_dir,
        tmp_path / "m",
        TrainingArguments(epochs=3, batch_size=4, learning_rate=5e-3, head_learning_rate=5e-2),
        TriageConfig(max_length=16, lora_r=2, lora_alpha=4),
    )
    assert result.best_epoch >= 1 and len(result.history) >= 1
    model = TriageModel.from_pretrained(tmp_path / "m", tiny_encoder_dir)
    assert model.predict(["der Sturm hat ein Dach"])["damage_type"] == [taxonomy.labels("damage_type")[0]]
    assert set(model.config.thresholds) == set(TASKS) and model.config.metrics["best_epoch"] == result.best_epoch
