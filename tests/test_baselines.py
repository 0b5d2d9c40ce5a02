"""One conformance test for every baseline (the scikit-learn contract), plus what each must learn."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from claims.taxonomy import TASKS, load_taxonomy
from training.baselines import (
    EmbeddingLogRegBaseline,
    KeywordRuleClassifier,
    MajorityBaseline,
    TfidfLogRegBaseline,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "claims"


class HashingEmbedder:
    """A fake frozen encoder: hashed word/char features, normalised; counts the texts it embeds."""

    def __init__(self, dim: int = 64) -> None:
        self.dim = dim
        self.calls: list[int] = []

    def __call__(self, texts: list[str]) -> np.ndarray:
        self.calls.append(len(texts))
        out = np.zeros((len(texts), self.dim))
        for row, text in enumerate(texts):
            for token in re.findall(r"\w+", text.lower()):
                for gram in (token, *(token[i : i + 4] for i in range(max(1, len(token) - 3)))):
                    digest = int(hashlib.md5(gram.encode()).hexdigest(), 16)
                    out[row, digest % self.dim] += 1.0 if digest & 1 else -1.0
        return out


# A tiny separable toy set: each damage type / urgency / department has its own words.
TOY: list[tuple[str, str, str, str]] = [
    ("Rohrbruch in der Küche, Wasser überall", "leitungswasser", "kritisch", "sach_privat"),
    ("Rohrbruch im Bad, Wasser läuft", "leitungswasser", "kritisch", "sach_privat"),
    ("burst pipe water everywhere in the kitchen", "leitungswasser", "kritisch", "sach_privat"),
    ("Brand im Laden, Feuer gelöscht, alles Ruß", "feuer", "hoch", "gewerbe"),
    ("Feuer in der Backstube, Brand, Ruß an den Wänden", "feuer", "hoch", "gewerbe"),
    ("fire in our shop, soot everywhere", "feuer", "hoch", "gewerbe"),
    ("Auffahrunfall mit dem Auto, Stoßstange kaputt", "kollision", "mittel", "kfz"),
    ("Auto gerammt beim Ausparken, Parkschaden", "kollision", "mittel", "kfz"),
    ("car rear-ended at the lights, bumper dented", "kollision", "mittel", "kfz"),
    ("Glas der Duschwand gesprungen, bereits ersetzt", "glasbruch", "niedrig", "sach_privat"),
    ("Ceranfeld gesprungen, Glas schon ersetzt", "glasbruch", "niedrig", "sach_privat"),
    ("glass shower screen cracked, already replaced", "glasbruch", "niedrig", "sach_privat"),
]
TEXTS = [row[0] for row in TOY]
LABELS = {task: [row[i + 1] for row in TOY] for i, task in enumerate(TASKS)}

BASELINES: dict[str, Callable[[], object]] = {
    "majority": MajorityBaseline,
    "tfidf": TfidfLogRegBaseline,
    "embedding": lambda: EmbeddingLogRegBaseline(HashingEmbedder(), C=10.0),
    "keyword": KeywordRuleClassifier,
}


@pytest.mark.parametrize("name", list(BASELINES))
def test_baseline_follows_the_contract(name: str) -> None:
    model = BASELINES[name]()
    taxonomy = load_taxonomy()
    with pytest.raises(NotFittedError):
        model.predict(["Rohrbruch"])  # type: ignore[attr-defined]
    with pytest.raises(NotFittedError):
        model.predict_proba(["Rohrbruch"])  # type: ignore[attr-defined]
    assert not [key for key in vars(model) if key.endswith("_")], "__init__ must not set learned state"

    assert model.fit(TEXTS, LABELS) is model  # type: ignore[attr-defined]
    assert [key for key in vars(model) if key.endswith("_")], "fit must set learned state ending in _"

    new = ["Rohrbruch im Keller", "Brand in der Werkstatt", "Parkschaden am Auto"]
    predicted = model.predict(new)  # type: ignore[attr-defined]
    proba = model.predict_proba(new)  # type: ignore[attr-defined]
    assert set(predicted) == set(TASKS) == set(proba)
    for task in TASKS:
        labels = taxonomy.labels(task)
        assert len(predicted[task]) == len(new)
        assert set(predicted[task]) <= set(labels)
        assert proba[task].shape == (len(new), len(labels))
        assert (proba[task] >= 0).all()
        np.testing.assert_allclose(proba[task].sum(axis=1), 1.0, atol=1e-9)
        # columns are in taxonomy order: the argmax column names the predicted label
        assert [labels[i] for i in proba[task].argmax(axis=1)] == predicted[task]
        # labels never seen in training get no probability (except the rule baseline's one-hot)
        unseen = [i for i, label in enumerate(labels) if label not in LABELS[task]]
        if name != "keyword":
            assert np.all(proba[task][:, unseen] == 0.0)

    empty = model.predict_proba([])  # type: ignore[attr-defined]
    assert all(empty[task].shape == (0, len(taxonomy.labels(task))) for task in TASKS)


@pytest.mark.parametrize("name", ["majority", "tfidf", "embedding"])
def test_init_only_stores_parameters_and_clone_works(name: str) -> None:
    model = BASELINES[name]()
    params = model.get_params()  # type: ignore[attr-defined]
    assert clone(model).get_params().keys() == params.keys()  # type: ignore[arg-type]


def test_tfidf_learns_a_separable_toy_set() -> None:
    model = TfidfLogRegBaseline().fit(TEXTS, LABELS)
    assert model.predict(TEXTS) == LABELS
    predicted = model.predict(["Rohrbruch, Wasser im Flur", "Brand, Ruß im Laden", "Duschwand Glas gesprungen"])
    assert predicted["damage_type"] == ["leitungswasser", "feuer", "glasbruch"]
    assert predicted["department"] == ["sach_privat", "gewerbe", "sach_privat"]


def test_embedding_baseline_learns_and_embeds_each_distinct_text_once() -> None:
    embed = HashingEmbedder()
    texts = TEXTS + TEXTS[:3]  # duplicates
    labels = {task: values + values[:3] for task, values in LABELS.items()}
    model = EmbeddingLogRegBaseline(embed, C=10.0).fit(texts, labels)
    assert embed.calls == [len(TEXTS)]
    assert model.predict(TEXTS)["damage_type"] == LABELS["damage_type"]
    model.predict(["Rohrbruch", "Rohrbruch", "Brand"])
    assert embed.calls[-1] == 2


def test_embedding_baseline_checks_the_embedder_shape() -> None:
    model = EmbeddingLogRegBaseline(lambda texts: np.zeros(len(texts)))
    with pytest.raises(ValueError, match="shape"):
        model.fit(TEXTS, LABELS)


def test_majority_baseline_predicts_the_majority_with_training_frequencies() -> None:
    model = MajorityBaseline().fit(["a", "b", "c"], {"urgency": ["hoch", "hoch", "niedrig"]})
    assert model.predict(["x", "y"]) == {"urgency": ["hoch", "hoch"]}
    labels = load_taxonomy().labels("urgency")
    expected = np.zeros(len(labels))
    expected[labels.index("hoch")] = 2 / 3
    expected[labels.index("niedrig")] = 1 / 3
    np.testing.assert_allclose(model.predict_proba(["x"])["urgency"][0], expected)


def test_single_class_task_is_predicted_always() -> None:
    model = TfidfLogRegBaseline().fit(
        TEXTS[:3], {"urgency": ["kritisch"] * 3, "damage_type": LABELS["damage_type"][:3]}
    )
    assert model.predict(["irgendwas"])["urgency"] == ["kritisch"]


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        ({"peril": ["x"] * 12}, "unknown tasks"),
        ({"urgency": ["sofort"] * 12}, "not in the taxonomy"),
        ({"urgency": ["hoch"] * 3}, "3 labels for 12 texts"),
        ({}, "no task"),
    ],
)
def test_fit_validates_labels(labels: dict[str, list[str]], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        TfidfLogRegBaseline().fit(TEXTS, labels)


@pytest.mark.slow
def test_tfidf_beats_majority_on_the_shipped_corpus() -> None:
    if not (DATA / "train.jsonl").is_file() or not (DATA / "dev.jsonl").is_file():
        pytest.skip("corpus not built")
    from claims.records import read_labeled

    train, dev = read_labeled(DATA / "train.jsonl"), read_labeled(DATA / "dev.jsonl")
    labels = {task: [c.labels[task] for c in train] for task in TASKS}
    predicted = TfidfLogRegBaseline().fit([c.text for c in train], labels).predict([c.text for c in dev])
    for task in TASKS:
        accuracy = np.mean([p == c.labels[task] for p, c in zip(predicted[task], dev, strict=True)])
        assert accuracy > 0.7, task
