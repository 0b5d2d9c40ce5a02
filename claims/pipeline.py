"""ONE path from a claim's text to a routing decision: anonymize -> classify -> guide rules ->
decision with reasons. The service, ``score``, ``evaluate`` and training-data preparation all use
it, so what was measured is what runs."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from claims.taxonomy import TASKS

logger = logging.getLogger(__name__)


class Classifier(Protocol):
    """What the pipeline needs of a model (the triage model and every baseline fit it)."""

    def predict_proba(self, texts: list[str]) -> dict[str, np.ndarray]: ...


@dataclass(frozen=True)
class TaskDecision:
    label: str
    confidence: float


@dataclass(frozen=True)
class TriageDecision:
    """Everything a clerk or the intake system needs about one claim; no personal data inside
    except in ``anonymized_text`` (which has none left that the anonymizer found)."""

    labels: dict[str, TaskDecision]
    needs_review: bool
    review_reasons: tuple[str, ...]
    rule: str | None
    model_version: str
    anonymized_text: str
    entity_counts: dict[str, int] = field(default_factory=dict)

    def label(self, task: str) -> str:
        return self.labels[task].label

    def to_dict(self) -> dict[str, Any]:
        return {
            **{task: d.label for task, d in self.labels.items()},
            "confidence": {task: round(d.confidence, 4) for task, d in self.labels.items()},
            "needs_review": self.needs_review,
            "review_reasons": list(self.review_reasons),
            "rule": self.rule,
            "model_version": self.model_version,
        }


RuleHook = Callable[[str, dict[str, str]], tuple[dict[str, str], str | None]]


class TriagePipeline:
    """Anonymizer + classifier + optional guide rules + review thresholds."""

    def __init__(
        self,
        anonymizer: Any,
        classifier: Classifier,
        labels: Mapping[str, Sequence[str]],
        thresholds: Mapping[str, float],
        model_version: str,
        rules: RuleHook | None = None,
        rule_names: Sequence[str] = (),
    ) -> None:
        self.anonymizer = anonymizer
        self.classifier = classifier
        self.labels = {task: list(labels[task]) for task in TASKS}
        self.thresholds = dict(thresholds)
        self.model_version = model_version
        self.rules = rules
        self.rule_names = tuple(rule_names)  # the guide rules switched on, for display

    def anonymize(self, texts: Sequence[str]) -> list[Any]:
        return [self.anonymizer.anonymize(text) for text in texts]

    def triage(self, texts: Sequence[str]) -> list[TriageDecision]:
        """Decide every text; raises the anonymizer's input error for a text it refuses."""
        anonymized = self.anonymize(texts)
        probs = self.classifier.predict_proba([a.text for a in anonymized])
        decisions = []
        for i, result in enumerate(anonymized):
            labels: dict[str, TaskDecision] = {}
            for task in TASKS:
                row = probs[task][i]
                best = int(row.argmax())
                labels[task] = TaskDecision(self.labels[task][best], float(row[best]))
            rule, ruled = None, set()
            if self.rules is not None:
                changed, rule = self.rules(result.text, {t: d.label for t, d in labels.items()})
                for task, label in changed.items():
                    if label != labels[task].label:
                        labels[task] = TaskDecision(label, labels[task].confidence)
                        ruled.add(task)
            # A task decided by a guide rule needs no review for the model's doubt about it.
            reasons = [
                f"{task} confidence {labels[task].confidence:.2f} below {self.thresholds[task]:.2f}"
                for task in TASKS
                if task not in ruled and labels[task].confidence < self.thresholds.get(task, 0.0)
            ]
            counts: dict[str, int] = {}
            for entity in result.entities:
                counts[entity.type] = counts.get(entity.type, 0) + 1
            decisions.append(
                TriageDecision(
                    labels=labels,
                    needs_review=bool(reasons),
                    review_reasons=tuple(reasons),
                    rule=rule,
                    model_version=self.model_version,
                    anonymized_text=result.text,
                    entity_counts=counts,
                )
            )
        return decisions
