"""The lexical classifier (TF-IDF of word and character n-grams + one multinomial logistic
regression per task). The training recipe may mix it into the triage model's damage_type
probabilities (:meth:`claims.model.TriageModel.calibrate`), keeping it only when the mix beats the
transformer alone on dev.

Stored without pickle: vocabularies as JSON (terms in column order), idf weights, coefficients
(float16: ~3 significant digits, enough for logits) and intercepts as safetensors."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from claims.errors import ClaimsError
from claims.probability import softmax

VOCABULARY_FILE = "vocabulary.json"
WEIGHTS_FILE = "weights.safetensors"


class LexicalModelError(ClaimsError, ValueError):
    """A saved lexical model is missing or inconsistent."""


class LexicalClassifier:
    """Per task, probabilities over the task's labels (columns in ``labels[task]`` order)."""

    def __init__(
        self,
        vectorizers: Sequence[Any],
        coefficients: Mapping[str, np.ndarray],
        intercepts: Mapping[str, np.ndarray],
        labels: Mapping[str, Sequence[str]],
    ) -> None:
        self.vectorizers = list(vectorizers)
        self.coefficients = {task: np.asarray(c, dtype=np.float32) for task, c in coefficients.items()}
        self.intercepts = {task: np.asarray(i, dtype=np.float32) for task, i in intercepts.items()}
        self.labels = {task: list(labels[task]) for task in coefficients}

    @classmethod
    def from_fitted(
        cls, vectorizers: Sequence[Any], classifiers: Mapping[str, Any], labels: Mapping[str, Sequence[str]]
    ) -> LexicalClassifier:
        """From fitted TfidfVectorizers and multinomial LogisticRegressions (rows re-ordered to the
        task's label order; a label the classifier never saw gets a very low logit)."""
        n_features = sum(len(v.vocabulary_) for v in vectorizers)
        coefficients, intercepts = {}, {}
        for task, classifier in classifiers.items():
            order = list(labels[task])
            coef = np.zeros((len(order), n_features), dtype=np.float32)
            intercept = np.full(len(order), -1e4, dtype=np.float32)
            classes = [str(label) for label in classifier.classes_]
            rows = [order.index(label) for label in classes]
            if not hasattr(classifier, "coef_"):  # one class in training: always that label
                intercept[rows[0]] = 0.0
            elif len(classes) == 2:  # binary LR: p(second) = sigmoid(z) = softmax([0, z])
                intercept[rows[0]] = 0.0
                coef[rows[1]] = classifier.coef_[0]
                intercept[rows[1]] = classifier.intercept_[0]
            else:
                for row, index in enumerate(rows):
                    coef[index] = classifier.coef_[row]
                    intercept[index] = classifier.intercept_[row]
            coefficients[task], intercepts[task] = coef, intercept
        return cls(vectorizers, coefficients, intercepts, labels)

    def features(self, texts: Sequence[str]) -> sparse.csr_matrix:
        return sparse.hstack([v.transform(list(texts)) for v in self.vectorizers], format="csr")

    def predict_proba(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        x = self.features(texts)
        return {
            task: softmax(np.asarray(x @ coef.T) + self.intercepts[task]) for task, coef in self.coefficients.items()
        }

    def save(self, directory: Path) -> None:
        from safetensors.numpy import save_file

        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        vocabulary = {
            "labels": self.labels,
            "vectorizers": [
                {
                    "params": {
                        "analyzer": v.analyzer,
                        "ngram_range": list(v.ngram_range),
                        "lowercase": v.lowercase,
                        "sublinear_tf": v.sublinear_tf,
                        "norm": v.norm,
                        "smooth_idf": v.smooth_idf,
                    },
                    "terms": [term for term, _ in sorted(v.vocabulary_.items(), key=lambda item: item[1])],
                }
                for v in self.vectorizers
            ],
        }
        (directory / VOCABULARY_FILE).write_text(json.dumps(vocabulary, ensure_ascii=False), "utf-8")
        tensors: dict[str, np.ndarray] = {}
        for i, v in enumerate(self.vectorizers):
            tensors[f"idf.{i}"] = np.asarray(v.idf_, dtype=np.float32)
        for task in self.coefficients:
            tensors[f"coef.{task}"] = self.coefficients[task].astype(np.float16)
            tensors[f"intercept.{task}"] = self.intercepts[task]
        save_file(tensors, str(directory / WEIGHTS_FILE))

    @classmethod
    def load(cls, directory: Path) -> LexicalClassifier:
        from safetensors.numpy import load_file
        from sklearn.feature_extraction.text import TfidfVectorizer

        directory = Path(directory)
        for name in (VOCABULARY_FILE, WEIGHTS_FILE):
            if not (directory / name).is_file():
                raise LexicalModelError(f"{directory} has no {name}; not a saved lexical model")
        vocabulary = json.loads((directory / VOCABULARY_FILE).read_text("utf-8"))
        tensors = load_file(str(directory / WEIGHTS_FILE))
        vectorizers = []
        for i, spec in enumerate(vocabulary["vectorizers"]):
            params = dict(spec["params"], ngram_range=tuple(spec["params"]["ngram_range"]))
            vectorizer = TfidfVectorizer(vocabulary={t: j for j, t in enumerate(spec["terms"])}, **params)
            vectorizer.idf_ = tensors[f"idf.{i}"].astype(np.float64)
            vectorizers.append(vectorizer)
        labels = vocabulary["labels"]
        n_features = sum(len(spec["terms"]) for spec in vocabulary["vectorizers"])
        coefficients = {task: tensors[f"coef.{task}"] for task in labels}
        for task, coef in coefficients.items():
            if coef.shape != (len(labels[task]), n_features):
                raise LexicalModelError(f"{directory}: coefficients of {task} have shape {coef.shape}")
        return cls(vectorizers, coefficients, {task: tensors[f"intercept.{task}"] for task in labels}, labels)
