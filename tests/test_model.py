"""The triage model on the tiny encoder: truncation, save/load round trip of the whole bundle,
training loop with fact heads, calibration and thresholds."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from claims.model import ModelLoadError, TriageConfig, TriageModel
from claims.policy import load_fact_schema, load_policy
from training.calibration import choose_threshold, fit_binary_temperature, fit_temperature
from training.ensemble import fit_lexical
from training.trainer import TrainingArguments, train_triage


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


def test_a_head_per_fact_of_the_schema(tiny_encoder_dir: Path, tiny_config: TriageConfig) -> None:
    model = TriageModel.for_training(tiny_encoder_dir, tiny_config)
    out = model.predict(["der Sturm", "Wasser"])
    assert out.facts.shape == (2, len(load_fact_schema().boolean))
    assert out.damage.shape == (2, 10)
    assert ((out.facts > 0) & (out.facts < 1)).all()


def test_save_load_round_trip_gives_identical_probabilities(
    tiny_encoder_dir: Path, tiny_config: TriageConfig, tmp_path: Path
) -> None:
    model = TriageModel.for_training(tiny_encoder_dir, tiny_config)
    for param in model.heads.parameters():
        param.data.normal_()
    texts = ["der Sturm hat ein Dach", "the storm water", "Wasser", "der die Dach"]
    model.lexical = fit_lexical(texts, ["sturm_hagel", "leitungswasser", "leitungswasser", "sturm_hagel"])
    model.config.lexical_weight = 0.6
    model.config.fact_temperatures = {"loss_ongoing": 2.0}
    model.config.damage_temperature = 0.7
    model.eval()
    before = model.predict(texts)
    model.save_pretrained(tmp_path / "m")
    saved = json.loads((tmp_path / "m" / "config.json").read_text())
    assert saved["facts"] == list(load_fact_schema().boolean) and saved["lexical_weight"] == 0.6
    assert (tmp_path / "m" / "lexical" / "weights.safetensors").is_file()
    assert not list((tmp_path / "m").rglob("*.bin")) and not list((tmp_path / "m").rglob("*.pkl"))
    loaded = TriageModel.from_pretrained(tmp_path / "m", tiny_encoder_dir)
    after = loaded.predict(texts)
    np.testing.assert_allclose(before.facts, after.facts, rtol=0, atol=1e-6)
    np.testing.assert_allclose(before.damage, after.damage, rtol=0, atol=2e-3)  # float16 lexical coefficients
    np.testing.assert_allclose(after.damage.sum(axis=1), 1.0, atol=1e-5)
    merged = TriageModel.from_pretrained(tmp_path / "m", tiny_encoder_dir, merge=True)
    np.testing.assert_allclose(after.facts, merged.predict(texts).facts, atol=1e-5)


def test_loading_an_incomplete_or_old_bundle_fails_clearly(tiny_encoder_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(ModelLoadError, match="no config.json"):
        TriageModel.from_pretrained(tmp_path, tiny_encoder_dir)
    with pytest.raises(ModelLoadError, match="schema 1 is not 2"):
        TriageConfig.from_dict({"schema_version": 1})
    data = {"schema_version": 2, "damage_labels": [], "facts": ["unicorn_seen"], "max_length": 32}
    with pytest.raises(ModelLoadError, match="unicorn_seen"):
        TriageConfig.from_dict(data)


def test_temperature_recovers_a_known_overconfidence() -> None:
    rng = np.random.default_rng(0)
    gold = rng.integers(0, 3, 4000)
    true_logits = rng.normal(0, 1, (4000, 3))
    true_logits[np.arange(4000), gold] += 1.5
    # sample labels from softmax(true_logits) so that temperature 1 on true_logits is calibrated
    probs = np.exp(true_logits) / np.exp(true_logits).sum(axis=1, keepdims=True)
    sampled = np.array([rng.choice(3, p=p) for p in probs])
    assert fit_temperature(true_logits * 3.0, sampled) == pytest.approx(3.0, rel=0.1)
    fact_logits = rng.normal(0, 2, 4000)
    fact_gold = (rng.random(4000) < 1 / (1 + np.exp(-fact_logits))).astype(float)
    assert fit_binary_temperature(fact_logits * 0.5, fact_gold) == pytest.approx(0.5, rel=0.1)


def test_threshold_selection() -> None:
    confidence = np.array([0.99, 0.95, 0.9, 0.8, 0.7])
    correct = np.array([True, True, True, False, True])
    assert choose_threshold(confidence, correct, 1.0) == 0.9
    assert choose_threshold(confidence, correct, 0.8) == 0.7
    assert choose_threshold(np.array([0.9]), np.array([False]), 0.99) > 1.0
    # equal confidences are routed together: no cut between them
    assert choose_threshold(np.array([0.9, 0.9, 0.5]), np.array([True, False, True]), 1.0) > 1.0


def test_training_loop_learns_damage_and_facts(tiny_encoder_dir: Path) -> None:
    from claims.pipeline import TriagePipeline

    names = list(load_fact_schema().boolean)
    texts = ["der Sturm hat ein Dach"] * 8 + ["water water Wasser"] * 8
    damage = ["sturm_hagel"] * 8 + ["leitungswasser"] * 8
    facts = np.zeros((16, len(names)), dtype=np.float32)
    facts[8:, names.index("loss_ongoing")] = 1.0
    seen: list[dict[str, float]] = []

    def scorer(model: TriageModel) -> dict[str, float]:
        decisions = TriagePipeline(None, model, load_policy(), {}, "t").decide(texts)
        score = {
            "damage_type": float(
                np.mean([d.label("damage_type") == g for d, g in zip(decisions, damage, strict=True)])
            ),
            "urgency": float(
                np.mean([d.label("urgency") == ("kritisch" if i >= 8 else "mittel") for i, d in enumerate(decisions)])
            ),
        }
        seen.append(score)
        return score

    args = TrainingArguments(
        epochs=8, batch_size=4, learning_rate=1e-2, head_learning_rate=1e-1, patience=8, class_weighting=False
    )
    amounts = [None] * 8 + [12_000.0] * 8
    model, result = train_triage(
        texts,
        damage,
        facts,
        amounts,
        tiny_encoder_dir,
        scorer,
        args,
        TriageConfig(max_length=16, lora_r=2, lora_alpha=4),
    )
    assert len(result.history) == len(seen) == 8
    assert result.best_epoch == 1 + int(np.argmax([np.mean(list(s.values())) for s in seen]))
    out = model.predict(["der Sturm hat ein Dach", "water water Wasser"])
    assert out.damage.argmax(axis=1).tolist() == [
        model.damage_labels.index("sturm_hagel"),
        model.damage_labels.index("leitungswasser"),
    ]
    j = names.index("loss_ongoing")
    assert out.facts[0, j] < 0.5 < out.facts[1, j]
    with pytest.raises(ValueError, match="fact matrix"):
        train_triage(texts, damage, facts[:, :3], amounts, tiny_encoder_dir, scorer, args)
