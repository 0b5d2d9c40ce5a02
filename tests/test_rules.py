"""The keyword baseline: the guide's typical words and rules over regex facts."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from claims.rules import KeywordRuleClassifier
from claims.taxonomy import TASKS, load_taxonomy

# Keyword baseline ---------------------------------------------------------------------------

TOY = [
    ("Rohrbruch im Bad, Wasser läuft noch", "leitungswasser", "kritisch", "sach_privat"),
    ("Blitzeinschlag, Dachstuhl verrußt, Schaden 80.000 €", "feuer", "hoch", "grossschaden"),
    ("Auffahrunfall mit meinem Auto, fahrbereit, 2.400 Euro", "kollision", "mittel", "kfz"),
    ("Wildunfall mit einem Reh, Auto nicht fahrbereit", "tierschaden", "hoch", "kfz"),
    ("Einbruch in die Wohnung, Laptop gestohlen, 900 Euro", "einbruch_diebstahl", "mittel", "sach_privat"),
    ("Hagel hat das Dach unseres Restaurants beschädigt, 3.000 €", "sturm_hagel", "mittel", "gewerbe"),
    ("Ceranfeld gesprungen, schon repariert, 180 €", "glasbruch", "niedrig", "sach_privat"),
    ("Mein Hund hat den Postboten gebissen, fremdes Eigentum beschädigt", "haftpflicht", "kritisch", "haftpflicht"),
]


def toy_fit() -> KeywordRuleClassifier:
    texts = [row[0] for row in TOY]
    labels = {task: [row[i + 1] for row in TOY] for i, task in enumerate(TASKS)}
    return KeywordRuleClassifier().fit(texts, labels)


def test_keyword_classifier_is_not_fitted_before_fit() -> None:
    with pytest.raises(NotFittedError):
        KeywordRuleClassifier().predict(["x"])
    with pytest.raises(NotFittedError):
        KeywordRuleClassifier().predict_proba(["x"])


def test_keyword_classifier_follows_the_guide_on_clear_cases() -> None:
    model = toy_fit()
    predicted_labels = model.predict([row[0] for row in TOY])
    for i, task in enumerate(TASKS):
        assert predicted_labels[task] == [row[i + 1] for row in TOY], task


def test_keyword_classifier_proba_is_one_hot_in_taxonomy_order() -> None:
    model = toy_fit()
    proba = model.predict_proba(["Rohrbruch im Keller", "Brand in der Küche"])
    taxonomy = load_taxonomy()
    for task in TASKS:
        assert proba[task].shape == (2, len(taxonomy.labels(task)))
        np.testing.assert_allclose(proba[task].sum(axis=1), 1.0)
    assert taxonomy.labels("damage_type")[int(proba["damage_type"][0].argmax())] == "leitungswasser"


def test_keyword_classifier_falls_back_to_the_training_majority() -> None:
    model = KeywordRuleClassifier().fit(["a", "b", "c"], {"damage_type": ["glasbruch", "glasbruch", "feuer"]})
    assert model.fallbacks_["damage_type"] == "glasbruch"
    assert model.predict(["Guten Tag, bitte um Rückruf."])["damage_type"] == ["glasbruch"]


def test_keyword_classifier_rejects_unknown_labels() -> None:
    with pytest.raises(ValueError, match="unknown labels"):
        KeywordRuleClassifier().fit(["a"], {"urgency": ["sofort"]})
