"""ONE path from a claim's text to a routing decision: anonymize -> model reads damage_type and
the facts -> amount extractor -> policy decides urgency and department -> review routing. The
service, ``score``, ``evaluate``, ``compare`` and training all use it, so what was measured is
what runs.

Each decision explains itself: the fact probabilities (and the amount) the model read, and the
policy rule that decided urgency and department. The confidence of a derived label is the
probability that the policy's decision holds when every fact is drawn from its probability
(:meth:`claims.policy.Policy.label_probabilities`)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from claims.facts import extract_facts
from claims.model import DAMAGE, ModelOutput, amount_from_heads
from claims.policy import AMOUNT, Policy
from claims.taxonomy import TASKS, load_taxonomy

logger = logging.getLogger(__name__)


class FactReader(Protocol):
    """What the pipeline needs of a model: damage_type and fact probabilities for anonymized texts."""

    @property
    def damage_labels(self) -> Sequence[str]: ...

    @property
    def fact_names(self) -> Sequence[str]: ...

    @property
    def amount_source(self) -> str: ...

    @property
    def decision_mode(self) -> str: ...

    def predict(self, texts: list[str]) -> ModelOutput: ...


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
    explanation: dict[str, Any]
    model_version: str
    anonymized_text: str
    entity_counts: dict[str, int] = field(default_factory=dict)

    def label(self, task: str) -> str:
        return self.labels[task].label

    @property
    def rules(self) -> dict[str, str]:
        """The policy rule that decided urgency and department."""
        return dict(self.explanation["rules"])

    def to_dict(self) -> dict[str, Any]:
        return {
            **{task: d.label for task, d in self.labels.items()},
            "confidence": {task: round(d.confidence, 4) for task, d in self.labels.items()},
            "needs_review": self.needs_review,
            "review_reasons": list(self.review_reasons),
            "explanation": self.explanation,
            "model_version": self.model_version,
        }


def estimated_amount(text: str, heads: np.ndarray | None, source: str) -> float | None:
    """The estimated damage in EUR that the policy's amount rules read (None without one): the
    text's figures, the model's amount heads, or the figures and the heads where there are none."""
    if source == "model" and heads is not None:
        return amount_from_heads(heads)
    found = extract_facts(text).estimated_amount_eur
    if found is None and source == "extractor_then_model" and heads is not None:
        return amount_from_heads(heads)
    return found


class TriagePipeline:
    """Anonymizer + fact reader + amount extractor + policy + review thresholds."""

    def __init__(
        self,
        anonymizer: Any,
        model: FactReader,
        policy: Policy,
        thresholds: dict[str, float],
        model_version: str,
    ) -> None:
        self.anonymizer = anonymizer
        self.model = model
        self.policy = policy
        self.thresholds = dict(thresholds)
        self.model_version = model_version

    @property
    def labels(self) -> dict[str, list[str]]:
        """Label ids per task in taxonomy order (damage_type: as the model's head orders them)."""
        taxonomy = load_taxonomy()
        return {
            task: list(self.model.damage_labels) if task == DAMAGE else list(taxonomy.labels(task)) for task in TASKS
        }

    def anonymize(self, texts: Sequence[str]) -> list[Any]:
        return [self.anonymizer.anonymize(text) for text in texts]

    def triage(self, texts: Sequence[str]) -> list[TriageDecision]:
        """Decide every text; raises the anonymizer's input error for a text it refuses."""
        anonymized = self.anonymize(texts)
        decisions = self.decide([a.text for a in anonymized])
        out = []
        for decision, result in zip(decisions, anonymized, strict=True):
            counts: dict[str, int] = {}
            for entity in result.entities:
                counts[entity.type] = counts.get(entity.type, 0) + 1
            out.append(
                TriageDecision(
                    labels=decision.labels,
                    needs_review=decision.needs_review,
                    review_reasons=decision.review_reasons,
                    explanation=decision.explanation,
                    model_version=decision.model_version,
                    anonymized_text=result.text,
                    entity_counts=counts,
                )
            )
        return out

    def decide(self, anonymized_texts: Sequence[str]) -> list[TriageDecision]:
        """The decisions for texts that are already anonymized (training, compare, evaluate)."""
        texts = list(anonymized_texts)
        if not texts:
            return []
        output = self.model.predict(texts)
        return [
            self.decide_one(
                text,
                output.damage[i],
                dict(zip(self.model.fact_names, output.facts[i].tolist(), strict=True)),
                estimated_amount(text, output.amount[i], self.model.amount_source),
            )
            for i, text in enumerate(texts)
        ]

    def decide_one(
        self, text: str, damage: np.ndarray, facts: dict[str, float], amount: float | None
    ) -> TriageDecision:
        best = int(damage.argmax())
        labels = {DAMAGE: TaskDecision(self.model.damage_labels[best], float(damage[best]))}
        if self.model.decision_mode == "most_probable":
            best_rules = self.policy.most_probable(facts, amount)
            outcomes = {task: outcome for task, (outcome, _) in best_rules.items()}
            for task, (outcome, probability) in best_rules.items():
                labels[task] = TaskDecision(outcome.label, probability)
        else:
            outcomes = self.policy.decide({name: p >= 0.5 for name, p in facts.items()}, amount)
            distribution = self.policy.label_probabilities(facts, amount)
            for task, outcome in outcomes.items():
                labels[task] = TaskDecision(outcome.label, float(distribution[task].get(outcome.label, 0.0)))
        labels = {task: labels[task] for task in TASKS}
        reasons = tuple(
            f"{task} confidence {labels[task].confidence:.2f} below {self.thresholds[task]:.2f}"
            for task in TASKS
            if labels[task].confidence < self.thresholds.get(task, 0.0)
        )
        explanation = {
            "facts": {**{name: round(p, 4) for name, p in facts.items()}, AMOUNT: amount},
            "rules": {task: outcome.rule for task, outcome in outcomes.items()},
            "policy": self.policy.name,
        }
        return TriageDecision(
            labels=labels,
            needs_review=bool(reasons),
            review_reasons=reasons,
            explanation=explanation,
            model_version=self.model_version,
            anonymized_text=text,
        )
