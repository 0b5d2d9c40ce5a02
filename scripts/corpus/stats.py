"""Print the data card's distribution tables (Markdown) for the shipped corpus.

Usage: python scripts/corpus/stats.py > /tmp/tables.md
Channels and senders come from the writing plan (data/plan), joined by claim id.
"""

from __future__ import annotations

import glob
import json
import statistics
from collections import Counter
from pathlib import Path

from claims.corpus import corpus_stats, rule_of
from claims.language import detect_language
from claims.records import read_labeled
from claims.taxonomy import TASKS, load_taxonomy

ROOT = Path(__file__).resolve().parents[2]
SPLITS = ("train", "dev", "test")


def table(header: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def main() -> None:
    splits = {s: read_labeled(ROOT / "data/claims" / f"{s}.jsonl") for s in SPLITS}
    plan = {s["id"]: s for f in glob.glob(str(ROOT / "data/plan/*.json")) for s in json.loads(Path(f).read_text())}
    taxonomy = load_taxonomy()
    stats = corpus_stats(splits)
    print(f"Total claims: {stats.total} ({', '.join(f'{k} {v}' for k, v in stats.splits.items())})\n")
    for task in TASKS:
        rows = [[label, *[sum(c.labels[task] == label for c in splits[s]) for s in SPLITS], stats.labels[task][label]] for label in taxonomy.labels(task)]
        print(f"### {task}\n\n" + table(["label", *SPLITS, "total"], rows) + "\n")
    langs = {s: Counter(detect_language(c.text) for c in cs) for s, cs in splits.items()}
    keys = sorted(set().union(*langs.values()))
    print("### language (detected)\n\n" + table(["language", *SPLITS], [[k, *[langs[s][k] for s in SPLITS]] for k in keys]) + "\n")
    planned = Counter(plan[c.id]["language"] for cs in splits.values() for c in cs if c.id in plan)
    print("planned language of the writer: " + ", ".join(f"{k} {v}" for k, v in planned.most_common()) + "\n")
    channels = Counter(plan[c.id]["channel"].split(" (")[0] for cs in splits.values() for c in cs if c.id in plan)
    print("### channel\n\n" + table(["channel", "claims"], [[k, v] for k, v in channels.most_common()]) + "\n")
    senders = Counter(plan[c.id]["sender"].split(",")[0].split(" (")[0] for cs in splits.values() for c in cs if c.id in plan)
    print("### sender\n\n" + table(["sender", "claims"], [[k, v] for k, v in senders.most_common()]) + "\n")
    words = [len(c.text.split()) for cs in splits.values() for c in cs]
    q = sorted(words)
    print("### length (words)\n\n" + table(["min", "p10", "median", "p90", "max"], [[q[0], q[len(q) // 10], statistics.median(q), q[9 * len(q) // 10], q[-1]]]) + "\n")
    rules = Counter(r for cs in splits.values() for c in cs if (r := rule_of(c)))
    print(f"### guide rules named in notes ({sum(rules.values())} claims, {sum(rules.values()) / stats.total:.1%})\n\n" + table(["rule", "claims"], [[k, v] for k, v in rules.most_common()]) + "\n")
    print(f"### personal data ({stats.share_with_1_to_max_spans:.1%} of claims carry 1-6 spans)\n\n" + table(["type", "spans"], [[k, v] for k, v in stats.spans.most_common()]) + "\n")
    combos = stats.combinations
    print("### damage_type x department\n\n" + table(["damage_type", *taxonomy.labels("department")], [[d, *[combos[(d, p)] for p in taxonomy.labels("department")]] for d in taxonomy.labels("damage_type")]))


if __name__ == "__main__":
    main()
