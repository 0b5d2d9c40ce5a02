"""Turn the blind fact annotations and their adjudication into ``data/facts/<split>.jsonl`` and
derive every split's urgency and department from the facts with the default (guide) policy.

Inputs: ``data/audit/fact-annotations.jsonl`` (one line per claim, written by three annotators who
saw only the guide, ``claims/policy/facts.yaml`` and the text) and
``data/audit/fact-adjudication.jsonl`` (every claim whose annotated facts did not reproduce its
labels, decided against the guide: ``facts_fixed``, ``label_follows_guide`` or ``both``).
A claim whose labels change gets a note naming the deciding rules.

Usage: python scripts/corpus/apply_facts.py [--data data/claims] [--facts data/facts]
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from claims.policy import ClaimFactValues, load_policy
from claims.policy.annotations import write_fact_file

SPLITS = ("train", "dev", "test")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=Path("data/claims"))
    parser.add_argument("--facts", type=Path, default=Path("data/facts"))
    parser.add_argument("--audit", type=Path, default=Path("data/audit"))
    args = parser.parse_args()
    policy = load_policy()
    annotated = {r["id"]: r for r in map(json.loads, (args.audit / "fact-annotations.jsonl").open(encoding="utf-8"))}
    adjudicated = {r["id"]: r for r in map(json.loads, (args.audit / "fact-adjudication.jsonl").open(encoding="utf-8"))}
    verdicts = Counter(r["verdict"] for r in adjudicated.values())
    changed: Counter[str] = Counter()
    args.facts.mkdir(parents=True, exist_ok=True)
    for split in SPLITS:
        path = args.data / f"{split}.jsonl"
        rows = [json.loads(line) for line in path.open(encoding="utf-8")]
        facts = []
        for row in rows:
            source = adjudicated.get(row["id"])
            if source is not None:
                values = ClaimFactValues.from_record({"facts": source["facts"], "amount_eur": source["amount_eur"]})
            else:
                raw = annotated[row["id"]]
                values = ClaimFactValues.from_record({"facts": raw["true"], "amount_eur": raw["amount_eur"]})
            facts.append((row["id"], values))
            outcome = policy.decide(dict.fromkeys(values.true, True), values.amount_eur)
            new = {task: outcome[task].label for task in ("urgency", "department")}
            if any(row[task] != new[task] for task in new):
                for task in new:
                    if row[task] != new[task]:
                        changed[f"{split} {task} {row[task]} -> {new[task]}"] += 1
                row.update(new)
                note = f"Guide policy: {outcome['urgency'].rule}; {outcome['department'].rule}."
                reason = (source or {}).get("reason", "")
                row["note"] = (note + (" " + reason if reason else ""))[:200]
        write_fact_file(args.facts / f"{split}.jsonl", facts)
        with path.open("w", encoding="utf-8") as handle:
            for row in rows:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"adjudicated {len(adjudicated)}: {dict(verdicts)}")
    for key, count in sorted(changed.items()):
        print(f"{count:5d}  {key}")
    print(f"labels changed: {sum(changed.values())}")


if __name__ == "__main__":
    main()
