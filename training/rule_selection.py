"""Decide on dev which guide rules to put on top of the model: keep a rule only where it helps.

Each switch of :class:`claims.rules.RuleSet` is tried alone on the model's dev predictions; a rule
is kept when it raises the accuracy of the task it changes and lowers no task. The kept set is then
checked as a whole. Test data is never used.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, fields

from claims.facts import extract_facts
from claims.rules import RuleSet, apply_guide_rules
from claims.taxonomy import TASKS


def accuracy_with(
    rules: RuleSet, texts: Sequence[str], predicted: Mapping[str, Sequence[str]], gold: Mapping[str, Sequence[str]]
) -> dict[str, float]:
    facts = [extract_facts(t) for t in texts]
    hits = {t: 0 for t in TASKS}
    for i, fact in enumerate(facts):
        decision = apply_guide_rules(fact, {t: predicted[t][i] for t in TASKS}, rules)
        for task in TASKS:
            hits[task] += decision.labels[task] == gold[task][i]
    return {t: hits[t] / len(texts) for t in TASKS}


def select_rules(
    texts: Sequence[str], predicted: Mapping[str, Sequence[str]], gold: Mapping[str, Sequence[str]]
) -> tuple[dict[str, bool], dict[str, dict[str, float]]]:
    """The switches to keep and the dev accuracies behind the decision (for the model card)."""
    base = accuracy_with(RuleSet.none(), texts, predicted, gold)
    table = {"model only": base}
    kept = []
    for switch in (f.name for f in fields(RuleSet)):
        scores = accuracy_with(RuleSet.only(switch), texts, predicted, gold)
        table[switch] = scores
        if any(scores[t] > base[t] for t in TASKS) and all(scores[t] >= base[t] for t in TASKS):
            kept.append(switch)
    chosen = RuleSet.only(*kept)
    table["model + kept rules"] = accuracy_with(chosen, texts, predicted, gold)
    return asdict(chosen), table
