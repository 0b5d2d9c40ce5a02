"""Baselines the triage model must beat, all with the same scikit-learn-style contract.

``fit(texts, labels_by_task) -> self``; ``predict(texts) -> {task: [label, ...]}``;
``predict_proba(texts) -> {task: array (n_texts, n_labels)}`` with columns in the taxonomy's label
order (a label never seen in training gets probability 0); learned state ends in ``_``;
``__init__`` only stores parameters; predicting before ``fit`` raises ``NotFittedError``.
One evaluation function (:func:`claims.metrics.evaluate_predictions`) scores them all.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion

from claims.rules import KeywordRuleClassifier
from claims.taxonomy import TASKS, load_taxonomy

logger = logging.getLogger(__name__)

__all__ = [
    "EmbeddingLogRegBaseline",
    "KeywordRuleClassifier",
    "MajorityBaseline",
    "TfidfLogRegBaseline",
    "check_labels",
]


def check_labels(texts: Sequence[str], labels_by_task: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """Validate training labels: known tasks, one label per text, ids from the taxonomy."""
    taxonomy = load_taxonomy()
    unknown_tasks = sorted(set(labels_by_task) - set(TASKS))
    if unknown_tasks:
        raise ValueError(f"unknown tasks {unknown_tasks}; allowed: {list(TASKS)}")
    if not labels_by_task:
        raise ValueError("labels_by_task holds no task")
    if len(texts) == 0:
        raise ValueError("cannot fit on zero texts")
    out: dict[str, list[str]] = {}
    for task in TASKS:
        if task not in labels_by_task:
            continue
        values = [str(v) for v in labels_by_task[task]]
        if len(values) != len(texts):
            raise ValueError(f"{task}: {len(values)} labels for {len(texts)} texts")
        unknown = sorted(set(values) - set(taxonomy.labels(task)))
        if unknown:
            raise ValueError(f"{task}: labels not in the taxonomy: {unknown}")
        out[task] = values
    return out


class _ConstantClassifier:
    """Stand-in for a task whose training labels hold a single class (LogisticRegression refuses)."""

    def __init__(self, label: str) -> None:
        self.classes_ = np.array([label])

    def predict_proba(self, features: Any) -> np.ndarray:
        return np.ones((features.shape[0], 1))


class _MultiTaskBaseline(BaseEstimator):  # type: ignore[misc]
    """Shared predict / predict_proba: per-task classifiers whose ``classes_`` are re-ordered."""

    def _check_fitted(self) -> None:
        if not hasattr(self, "tasks_"):
            raise NotFittedError(f"{type(self).__name__} is not fitted yet; call fit(texts, labels_by_task) first")

    def _features(self, texts: Sequence[str]) -> Any:
        raise NotImplementedError

    def _fit_classifiers(self, features: Any, labels: Mapping[str, list[str]], make: Callable[[], Any]) -> None:
        taxonomy = load_taxonomy()
        self.tasks_ = tuple(labels)
        self.classes_ = {task: taxonomy.labels(task) for task in self.tasks_}
        self.classifiers_: dict[str, Any] = {}
        for task, values in labels.items():
            if len(set(values)) == 1:
                logger.warning("%s: training labels hold one class only; predicting it always", task)
                self.classifiers_[task] = _ConstantClassifier(values[0])
            else:
                self.classifiers_[task] = make().fit(features, values)

    def predict_proba(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """Per task, an (n_texts, n_labels) array; columns in taxonomy order, rows sum to 1."""
        self._check_fitted()
        texts = list(texts)
        features = self._features(texts) if texts else None
        out: dict[str, np.ndarray] = {}
        for task in self.tasks_:
            classes = self.classes_[task]
            full = np.zeros((len(texts), len(classes)))
            if texts:
                classifier = self.classifiers_[task]
                proba = classifier.predict_proba(features)
                for column, label in enumerate(classifier.classes_):
                    full[:, classes.index(str(label))] = proba[:, column]
            out[task] = full
        return out

    def predict(self, texts: Sequence[str]) -> dict[str, list[str]]:
        """The most probable label per task (ties: the earlier label in taxonomy order)."""
        proba = self.predict_proba(texts)
        return {task: [self.classes_[task][int(i)] for i in proba[task].argmax(axis=1)] for task in self.tasks_}


class MajorityBaseline(_MultiTaskBaseline):
    """Always the training majority; ``predict_proba`` gives the training label frequencies."""

    def __init__(self) -> None:
        pass

    def fit(self, texts: Sequence[str], labels_by_task: Mapping[str, Sequence[str]]) -> MajorityBaseline:
        labels = check_labels(texts, labels_by_task)
        taxonomy = load_taxonomy()
        self.tasks_ = tuple(labels)
        self.classes_ = {task: taxonomy.labels(task) for task in self.tasks_}
        self.priors_: dict[str, np.ndarray] = {}
        self.majority_: dict[str, str] = {}
        for task, values in labels.items():
            counts = Counter(values)
            self.priors_[task] = np.array([counts[label] / len(values) for label in self.classes_[task]])
            # Ties go to the earlier label in taxonomy order, as in predict().
            self.majority_[task] = self.classes_[task][int(self.priors_[task].argmax())]
        return self

    def predict_proba(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        self._check_fitted()
        n = len(list(texts))
        return {task: np.tile(self.priors_[task], (n, 1)) for task in self.tasks_}


class TfidfLogRegBaseline(_MultiTaskBaseline):
    """TF-IDF of word 1-2 grams and char_wb 2-5 grams (sublinear tf), one balanced LogisticRegression
    per task. Character n-grams carry German compounds and typos ("Rohrbruch", "Wasserschadn").
    ``saga`` because it reaches lbfgs's solution on these ~250k sparse features about 6x faster."""

    def __init__(
        self,
        word_ngram_range: tuple[int, int] = (1, 2),
        char_ngram_range: tuple[int, int] = (2, 5),
        min_df: int = 1,
        max_features: int | None = 200_000,
        C: float = 10.0,
        class_weight: str | None = "balanced",
        solver: str = "saga",
        max_iter: int = 2000,
        random_state: int = 0,
    ) -> None:
        self.word_ngram_range = word_ngram_range
        self.char_ngram_range = char_ngram_range
        self.min_df = min_df
        self.max_features = max_features
        self.C = C
        self.class_weight = class_weight
        self.solver = solver
        self.max_iter = max_iter
        self.random_state = random_state

    def _make_vectorizer(self) -> FeatureUnion:
        common: dict[str, Any] = {"sublinear_tf": True, "lowercase": True, "min_df": self.min_df}
        return FeatureUnion(
            [
                (
                    "word",
                    TfidfVectorizer(
                        analyzer="word", ngram_range=self.word_ngram_range, max_features=self.max_features, **common
                    ),
                ),
                (
                    "char",
                    TfidfVectorizer(
                        analyzer="char_wb", ngram_range=self.char_ngram_range, max_features=self.max_features, **common
                    ),
                ),
            ]
        )

    def _make_classifier(self) -> LogisticRegression:
        return LogisticRegression(
            C=self.C,
            class_weight=self.class_weight,
            solver=self.solver,
            max_iter=self.max_iter,
            random_state=self.random_state,
        )

    def fit(self, texts: Sequence[str], labels_by_task: Mapping[str, Sequence[str]]) -> TfidfLogRegBaseline:
        labels = check_labels(texts, labels_by_task)
        self.vectorizer_ = self._make_vectorizer()
        features = self.vectorizer_.fit_transform(list(texts))
        self._fit_classifiers(features, labels, self._make_classifier)
        return self

    def _features(self, texts: Sequence[str]) -> Any:
        return self.vectorizer_.transform(list(texts))


class EmbeddingLogRegBaseline(_MultiTaskBaseline):
    """Balanced LogisticRegression per task on frozen-encoder sentence embeddings.

    ``embed`` maps a list of texts to an (n, dim) array (e.g. the e5 embedder); each distinct text
    is embedded once per ``fit`` / ``predict`` call, so duplicates cost nothing. Rows are
    L2-normalised when ``normalize`` so that C means the same for any encoder.
    """

    dim_: int

    def __init__(
        self,
        embed: Callable[[list[str]], np.ndarray],
        C: float = 1.0,
        class_weight: str | None = "balanced",
        max_iter: int = 2000,
        normalize: bool = True,
        random_state: int = 0,
    ) -> None:
        self.embed = embed
        self.C = C
        self.class_weight = class_weight
        self.max_iter = max_iter
        self.normalize = normalize
        self.random_state = random_state

    def _features(self, texts: Sequence[str]) -> np.ndarray:
        unique = list(dict.fromkeys(texts))
        vectors = np.asarray(self.embed(unique), dtype=np.float64)
        if vectors.ndim != 2 or vectors.shape[0] != len(unique):
            raise ValueError(f"embed returned shape {vectors.shape} for {len(unique)} texts; expected (n, dim)")
        if hasattr(self, "dim_") and vectors.shape[1] != self.dim_:
            raise ValueError(f"embed returned dimension {vectors.shape[1]}, the baseline was fitted on {self.dim_}")
        if self.normalize:
            norms = np.linalg.norm(vectors, axis=1, keepdims=True)
            vectors = vectors / np.where(norms == 0, 1.0, norms)
        row = {text: i for i, text in enumerate(unique)}
        return vectors[[row[text] for text in texts]]

    def fit(self, texts: Sequence[str], labels_by_task: Mapping[str, Sequence[str]]) -> EmbeddingLogRegBaseline:
        labels = check_labels(texts, labels_by_task)
        if hasattr(self, "dim_"):
            del self.dim_
        features = self._features(list(texts))
        self.dim_ = int(features.shape[1])

        def make() -> LogisticRegression:
            return LogisticRegression(
                C=self.C, class_weight=self.class_weight, max_iter=self.max_iter, random_state=self.random_state
            )

        self._fit_classifiers(features, labels, make)
        return self
