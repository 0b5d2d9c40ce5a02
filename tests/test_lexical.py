"""The lexical damage_type model: pickle-free save/load gives the fitted scikit-learn
probabilities (the mix itself is tested with the model bundle in test_model.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from claims.lexical import LexicalClassifier, LexicalModelError
from claims.taxonomy import load_taxonomy
from training.baselines import TfidfLogRegBaseline
from training.ensemble import fit_lexical

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
LABELS = {"damage_type": list(load_taxonomy().labels("damage_type"))}


def test_saved_lexical_model_reproduces_scikit_learn(tmp_path: Path) -> None:
    baseline = TfidfLogRegBaseline().fit(TEXTS, {"damage_type": DAMAGE})
    lexical = fit_lexical(TEXTS, DAMAGE)
    lexical.save(tmp_path / "lexical")
    loaded = LexicalClassifier.load(tmp_path / "lexical")
    probe = ["Wasser im Keller", "ein völlig neuer Text über einen Sturm", "Autobahn"]
    expected = baseline.predict_proba(probe)
    got = loaded.predict_proba(probe)
    for task in ("damage_type",):
        assert got[task].shape == (3, len(LABELS[task]))
        np.testing.assert_allclose(got[task].sum(axis=1), 1.0, rtol=1e-6)
        # float16 coefficients: probabilities within a few 1e-3 of scikit-learn's
        np.testing.assert_allclose(got[task], expected[task], atol=5e-3)
        assert (got[task].argmax(axis=1) == expected[task].argmax(axis=1)).all()
    assert not any(p.suffix == ".pkl" for p in (tmp_path / "lexical").iterdir())


def test_loading_an_incomplete_directory_fails_clearly(tmp_path: Path) -> None:
    with pytest.raises(LexicalModelError, match="vocabulary.json"):
        LexicalClassifier.load(tmp_path)
