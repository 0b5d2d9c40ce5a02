"""The lexical damage_type model the recipe may mix with the transformer: TF-IDF of word and
character n-grams + logistic regression, fitted on anonymized train, stored pickle-free."""

from __future__ import annotations

from collections.abc import Sequence

from claims.lexical import LexicalClassifier
from claims.model import DAMAGE
from claims.taxonomy import load_taxonomy
from training.baselines import TfidfLogRegBaseline


def fit_lexical(texts: Sequence[str], damage: Sequence[str]) -> LexicalClassifier:
    """The TF-IDF + LR baseline, exactly as ``compare`` scores it, for damage_type only."""
    baseline = TfidfLogRegBaseline().fit(list(texts), {DAMAGE: list(damage)})
    vectorizers = [transformer for _, transformer in baseline.vectorizer_.transformer_list]
    return LexicalClassifier.from_fitted(vectorizers, baseline.classifiers_, {DAMAGE: load_taxonomy().labels(DAMAGE)})
