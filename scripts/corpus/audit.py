"""Agreement between the corpus labels and the blind second labeling (data/audit).

Prints, per task, accuracy and Cohen's kappa over the audited claims, and lists disagreements.
Usage: python scripts/corpus/audit.py [--disagreements FILE]
"""

from __future__ import annotations

import argparse
import glob
import json
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TASKS = ("damage_type", "urgency", "department")


def cohen_kappa(a: list[str], b: list[str]) -> float:
    n = len(a)
    observed = sum(x == y for x, y in zip(a, b, strict=True)) / n
    ca, cb = Counter(a), Counter(b)
    expected = sum(ca[k] * cb[k] for k in set(ca) | set(cb)) / (n * n)
    return (observed - expected) / (1 - expected) if expected < 1 else 1.0


def load_first(pattern: str) -> dict[str, dict]:
    first = {}
    for path in sorted(glob.glob(pattern)):
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                first[row["id"]] = row
    return first


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--first", default=str(ROOT / "data/audit/first_labels.jsonl"))
    parser.add_argument("--second", default=str(ROOT / "data/audit/second_labels_*.jsonl"))
    parser.add_argument("--disagreements", default=None)
    args = parser.parse_args()
    first = load_first(args.first)
    second = load_first(args.second)
    ids = [i for i in second if i in first]
    print(f"audited claims: {len(ids)}")
    print(f"{'task':12} {'accuracy':>8} {'kappa':>6}")
    rows = []
    for task in TASKS:
        a = [first[i][task] for i in ids]
        b = [second[i][task] for i in ids]
        accuracy = sum(x == y for x, y in zip(a, b, strict=True)) / len(ids)
        print(f"{task:12} {accuracy:>8.3f} {cohen_kappa(a, b):>6.3f}")
    all_three = sum(all(first[i][t] == second[i][t] for t in TASKS) for i in ids) / len(ids)
    print(f"{'all three':12} {all_three:>8.3f}")
    for i in ids:
        diff = {t: (first[i][t], second[i][t]) for t in TASKS if first[i][t] != second[i][t]}
        if diff:
            rows.append({"id": i, "diff": diff, "second_reason": second[i].get("reason", "")})
    if args.disagreements:
        Path(args.disagreements).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    print(f"disagreements: {len(rows)} claims")


if __name__ == "__main__":
    main()
