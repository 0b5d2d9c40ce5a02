"""The lexical model: pickle-free save/load gives the fitted scikit-learn probabilities; the mix
and the dev choice of weights and thresholds behave as documented."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from claims.lexical import LexicalClassifier, LexicalModelError, MixedClassifier
from claims.model import TriageConfig
from claims.rules import RuleSet
from claims.taxonomy import TASKS, load_taxonomy
from training.baselines import TfidfLogRegBaseline
from training.ensemble import add_ensemble, choose_weights, fit_lexical

TEXTS = [
    "Wasser im Keller nach Rohrbruch",
    "Sturm hat das Dach abgedeckt",
    "Einbruch in die Garage, Fahrrad gestohlen",
    "Auffahrunfall auf der Autobahn",
    "Leitung geplatzt, Wasser im Bad",
    "Hagel hat die Markise zerstört",
    "Diebstahl aus dem Keller",
    "Parkrempler auf dem Supermarktparkplatz",
]
DAMAGE = ["leitungswasser", "sturm_hagel", "einbruch_diebstahl", "kollision"] * 2
URGENCY = ["hoch", "mittel", "niedrig", "mittel", "hoch", "niedrig", "mittel", "niedrig"]
DEPARTMENT = ["sach_privat", "sach_privat", "sach_privat", "kfz", "sach_privat", "sach_privat", "sach_privat", "kfz"]
GOLD = {"damage_type": DAMAGE, "urgency": URGENCY, "department": DEPARTMENT}
LABELS = {t: list(load_taxonomy().labels(t)) for t in TASKS}


def test_saved_lexical_model_reproduces_scikit_learn(tmp_path: Path) -> None:
    baseline = TfidfLogRegBaseline().fit(TEXTS, GOLD)
    lexical = fit_lexical(TEXTS, GOLD, LABELS)
    lexical.save(tmp_path / "lexical")
    loaded = LexicalClassifier.load(tmp_path / "lexical")
    probe = ["Wasser im Keller", "ein völlig neuer Text über einen Sturm", "Autobahn"]
    expected = baseline.predict_proba(probe)
    got = loaded.predict_proba(probe)
    for task in TASKS:
        assert got[task].shape == (3, len(LABELS[task]))
        np.testing.assert_allclose(got[task].sum(axis=1), 1.0, rtol=1e-6)
        # float16 coefficients: probabilities within a few 1e-3 of scikit-learn's
        np.testing.assert_allclose(got[task], expected[task], atol=5e-3)
        assert (got[task].argmax(axis=1) == expected[task].argmax(axis=1)).all()
    assert not any(p.suffix == ".pkl" for p in (tmp_path / "lexical").iterdir())


def test_loading_an_incomplete_directory_fails_clearly(tmp_path: Path) -> None:
    with pytest.raises(LexicalModelError, match="vocabulary.json"):
        LexicalClassifier.load(tmp_path)


class _Fixed:
    def __init__(self, probs: dict[str, np.ndarray]) -> None:
        self.probs = probs

    def predict_proba(self, texts: list[str]) -> dict[str, np.ndarray]:
        return self.probs


def test_mix_weights_the_model_and_refuses_out_of_range() -> None:
    lexical = fit_lexical(TEXTS, GOLD, LABELS)
    model_probs = {t: np.full((1, len(LABELS[t])), 1 / len(LABELS[t])) for t in TASKS}
    lexical_probs = lexical.predict_proba(["Wasser"])
    mixed = MixedClassifier(_Fixed(model_probs), lexical, {"damage_type": 0.25, "urgency": 1.0, "department": 0.0})
    out = mixed.predict_proba(["Wasser"])
    np.testing.assert_allclose(
        out["damage_type"], 0.25 * model_probs["damage_type"] + 0.75 * lexical_probs["damage_type"]
    )
    np.testing.assert_allclose(out["urgency"], model_probs["urgency"])
    np.testing.assert_allclose(out["department"], lexical_probs["department"])
    with pytest.raises(ValueError, match="must be in"):
        MixedClassifier(_Fixed(model_probs), lexical, {"urgency": 1.5})


def test_weights_prefer_the_better_source_per_task() -> None:
    n = len(TEXTS)
    onehot = {t: np.eye(len(LABELS[t]))[[LABELS[t].index(g) for g in GOLD[t]]] for t in TASKS}
    uniform = {
        t: np.full((n, len(LABELS[t])), 1 / len(LABELS[t])) + 1e-3 * np.eye(len(LABELS[t]))[np.zeros(n, int)]
        for t in TASKS
    }
    # The model knows damage type perfectly, the lexical side knows urgency and department.
    model = {"damage_type": onehot["damage_type"], "urgency": uniform["urgency"], "department": uniform["department"]}
    lexical = {"damage_type": uniform["damage_type"], "urgency": onehot["urgency"], "department": onehot["department"]}
    weights, table = choose_weights(model, lexical, TEXTS, GOLD, LABELS, RuleSet.none())
    assert weights["damage_type"] == 1.0 and weights["urgency"] < 1.0 and weights["department"] < 1.0
    assert table["1.0"]["urgency"] < table[f"{weights['urgency']:.1f}"]["urgency"]
    assert set(table) == {f"{0.1 * i:.1f}" for i in range(11)}


def test_add_ensemble_records_weights_thresholds_and_saves(tmp_path: Path) -> None:
    config = TriageConfig(model_version="m-1")
    (tmp_path / "config.json").write_text(json.dumps(config.__dict__))
    lexical = fit_lexical(TEXTS, GOLD, LABELS)
    model_probs = {t: np.full((len(TEXTS), len(LABELS[t])), 1 / len(LABELS[t])) for t in TASKS}
    record = add_ensemble(tmp_path, model_probs, lexical, TEXTS, GOLD, version="m-2")
    saved = json.loads((tmp_path / "config.json").read_text())
    assert saved["model_version"] == "m-2" and saved["ensemble"] == record["weights"]
    assert saved["thresholds"] == record["thresholds"] and "ensemble_dev" in saved["metrics"]
    assert LexicalClassifier.load(tmp_path / "lexical").predict_proba(["x"])["urgency"].shape == (1, 4)
