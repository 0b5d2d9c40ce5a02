"""Score files of two model versions side by side on the same labeled claims: per label, all
three, review routing, per fact, per language and per channel, with Wilson 95% intervals.

Each score file is what ``claims-triage score`` writes (one line per claim id). The old model's file
comes from its own release (it cannot be loaded by this version of the code); the metadata file
gives each claim's channel and language (``data/fresh-test/meta.jsonl``).

Usage: python scripts/side_by_side.py --claims data/fresh-test/claims.jsonl --facts data/fresh-test/facts.jsonl
       --meta data/fresh-test/meta.jsonl --scored OLD_NAME=old.jsonl --scored NEW_NAME=new.jsonl
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from claims.metrics import fact_report, wilson_interval
from claims.policy.annotations import read_fact_file
from claims.records import LabeledClaim, read_labeled
from claims.taxonomy import TASKS


def cell(hits: int, n: int) -> str:
    if n == 0:
        return "n/a"
    low, high = wilson_interval(hits, n)
    return f"{hits / n:.3f} ({low:.2f}-{high:.2f})"


def rows_for(claims: Sequence[LabeledClaim], scored: dict[str, dict[str, Any]]) -> dict[str, str]:
    right = {t: sum(scored[c.id][t] == c.labels[t] for c in claims) for t in TASKS}
    all3 = [all(scored[c.id][t] == c.labels[t] for t in TASKS) for c in claims]
    auto = [not scored[c.id]["needs_review"] for c in claims]
    auto_right = sum(a and r for a, r in zip(auto, all3, strict=True))
    n = len(claims)
    return {
        **{t: cell(right[t], n) for t in TASKS},
        "all three": cell(sum(all3), n),
        "auto-routed": cell(sum(auto), n),
        "right among auto-routed": cell(auto_right, sum(auto)),
    }


def table(title: str, groups: dict[str, list[LabeledClaim]], runs: dict[str, dict[str, dict[str, Any]]]) -> None:
    columns = [*TASKS, "all three", "auto-routed", "right among auto-routed"]
    print(f"\n### {title}\n\n| claims | n | model | " + " | ".join(columns) + " |")
    print("|---|---|---|" + "---|" * len(columns))
    for group, claims in groups.items():
        for name, scored in runs.items():
            row = rows_for(claims, scored)
            print(f"| {group} | {len(claims)} | {name} | " + " | ".join(row[c] for c in columns) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--claims", type=Path, required=True)
    parser.add_argument("--facts", type=Path, required=True)
    parser.add_argument("--meta", type=Path, required=True)
    parser.add_argument("--scored", action="append", required=True, help="NAME=score-output.jsonl (repeatable)")
    args = parser.parse_args()
    claims = read_labeled(args.claims)
    facts = read_fact_file(args.facts)
    meta = {m["id"]: m for m in map(json.loads, args.meta.open(encoding="utf-8"))}
    runs: dict[str, dict[str, dict[str, Any]]] = {}
    for spec in args.scored:
        name, path = spec.split("=", 1)
        runs[name] = {r["id"]: r for r in map(json.loads, Path(path).open(encoding="utf-8"))}
        missing = [c.id for c in claims if c.id not in runs[name]]
        if missing:
            raise SystemExit(f"{path} lacks {len(missing)} claims (first {missing[0]})")

    def by(key: Callable[[LabeledClaim], str]) -> dict[str, list[LabeledClaim]]:
        groups: dict[str, list[LabeledClaim]] = {}
        for c in claims:
            groups.setdefault(key(c), []).append(c)
        return dict(sorted(groups.items()))

    table("All claims", {"all": list(claims)}, runs)
    table("By intake", by(lambda c: "messy" if meta[c.id]["messy"] else "ordinary"), runs)
    table("By channel", by(lambda c: meta[c.id]["channel"]), runs)
    table("By language", by(lambda c: meta[c.id]["language"]), runs)
    table("By writer", by(lambda c: meta[c.id]["writer"]), runs)
    for name, scored in runs.items():
        if not all("explanation" in scored[c.id] for c in claims):
            continue
        report = fact_report(
            [(facts[c.id].true, facts[c.id].amount_eur) for c in claims],
            [scored[c.id]["explanation"]["facts"] for c in claims],
            [n for n in scored[claims[0].id]["explanation"]["facts"] if n != "amount_eur"],
        )
        print(f"\n### Facts read by {name} (accuracy at p >= 0.5, 95% CI; precision / recall; support)\n")
        print("| fact | accuracy | precision | recall | support |\n|---|---|---|---|---|")
        for fact, row in report.items():
            low, high = row["ci95"]
            p, r = row.get("precision"), row.get("recall")
            print(
                f"| {fact} | {row['accuracy']:.3f} ({low:.2f}-{high:.2f}) | {'n/a' if p is None else f'{p:.2f}'} "
                f"| {'n/a' if r is None else f'{r:.2f}'} | {row['support']} |"
            )


if __name__ == "__main__":
    main()
