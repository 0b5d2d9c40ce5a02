"""Dev accuracy of the baselines (trained on train), and of TF-IDF with each guide rule on top.

Reproducible: ``.venv/bin/python scripts/eval_baselines_dev.py [--data-dir data/claims] [--json out.json]``.
The test split is never read.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import fields
from pathlib import Path

from claims.facts import extract_facts
from claims.metrics import evaluate_predictions
from claims.records import read_labeled
from claims.rules import RuleSet, apply_guide_rules
from claims.taxonomy import TASKS
from training.baselines import KeywordRuleClassifier, MajorityBaseline, TfidfLogRegBaseline


def with_rules(texts: list[str], predicted: dict[str, list[str]], rules: RuleSet) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {task: [] for task in TASKS}
    for i, text in enumerate(texts):
        decision = apply_guide_rules(extract_facts(text), {t: predicted[t][i] for t in TASKS}, rules)
        for task in TASKS:
            out[task].append(decision.labels[task])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path, default=Path("data/claims"))
    parser.add_argument("--json", type=Path, default=None, help="also write all numbers as JSON here")
    args = parser.parse_args()

    train = read_labeled(args.data_dir / "train.jsonl")
    dev = read_labeled(args.data_dir / "dev.jsonl")
    texts = [c.text for c in train]
    labels = {task: [c.labels[task] for c in train] for task in TASKS}
    dev_texts = [c.text for c in dev]
    print(f"train {len(train)} claims, dev {len(dev)} claims")

    results: dict[str, dict[str, dict[str, float]]] = {}

    def report(name: str, predicted: dict[str, list[str]]) -> None:
        evaluation = evaluate_predictions(dev, predicted)
        results[name] = {task: {"accuracy": r.accuracy, "macro_f1": r.macro_f1} for task, r in evaluation.tasks.items()}
        cells = "  ".join(f"{task} {r.accuracy:6.1%} (F1 {r.macro_f1:.3f})" for task, r in evaluation.tasks.items())
        print(f"{name:<42}{cells}")

    predictions = {}
    for model in (MajorityBaseline(), KeywordRuleClassifier(), TfidfLogRegBaseline()):
        start = time.perf_counter()
        model.fit(texts, labels)
        predictions[type(model).__name__] = model.predict(dev_texts)
        report(f"{type(model).__name__} ({time.perf_counter() - start:.0f}s)", predictions[type(model).__name__])

    tfidf = predictions["TfidfLogRegBaseline"]
    report("Tfidf + default guide rules", with_rules(dev_texts, tfidf, RuleSet()))
    for switch in fields(RuleSet):
        report(f"Tfidf + only {switch.name}", with_rules(dev_texts, tfidf, RuleSet.only(switch.name)))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
