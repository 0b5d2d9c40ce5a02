"""Quality checks of a labeled corpus: near-duplicates, over-used openings and coverage minima.

A model trained on look-alike claims learns the writer, not the claim; these checks keep the
shipped corpus varied and covering every label, rule and personal-data type the guide names.
They work on any list of labeled claims (an insurer's file too), with thresholds as parameters.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from claims.records import PII_TYPES, LabeledClaim
from claims.taxonomy import TASKS, load_taxonomy

GUIDE_RULES: tuple[str, ...] = (
    "cause-over-consequence",
    "third-party-damage",
    "collision-with-injuries",
    "amount-under-500",
    "amount-over-500",
    "amount-under-10000",
    "amount-over-10000",
    "amount-under-50000",
    "amount-over-50000",
    "most-urgent-wins",
    "department-order",
    "earlier-incident-ignored",
)
_RULE_NOTE = re.compile(r"^Rule ([a-z0-9-]+):")
_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def shingles(text: str, n: int = 5) -> set[tuple[str, ...]]:
    tokens = words(text)
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def rule_of(claim: LabeledClaim) -> str | None:
    """The guide rule a claim's note names (``Rule <name>: ...``), if any."""
    match = _RULE_NOTE.match(claim.note)
    return match.group(1) if match and match.group(1) in GUIDE_RULES else None


def near_duplicates(claims: Sequence[LabeledClaim], threshold: float = 0.3, n: int = 5) -> list[tuple[str, str, float]]:
    """Pairs of claims whose word n-gram Jaccard similarity exceeds ``threshold``.

    An inverted index over n-grams restricts the comparison to pairs sharing at least one n-gram.
    """
    sets = [shingles(c.text, n) for c in claims]
    index: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i, grams in enumerate(sets):
        for gram in grams:
            index[gram].append(i)
    shared: Counter[tuple[int, int]] = Counter()
    for members in index.values():
        if len(members) > 1:
            for a_pos, a in enumerate(members):
                for b in members[a_pos + 1 :]:
                    shared[(a, b)] += 1
    pairs = []
    for (a, b), common in shared.items():
        jaccard = common / (len(sets[a]) + len(sets[b]) - common)
        if jaccard > threshold:
            pairs.append((claims[a].id, claims[b].id, round(jaccard, 3)))
    return sorted(pairs, key=lambda p: -p[2])


def overused_openings(claims: Sequence[LabeledClaim], max_share: float = 0.02, n: int = 4) -> list[tuple[str, int]]:
    """First-``n``-word sequences used by more than ``max_share`` of the claims."""
    counts = Counter(" ".join(words(c.text)[:n]) for c in claims)
    limit = max_share * len(claims)
    return [(opening, count) for opening, count in counts.most_common() if count > limit]


@dataclass(frozen=True)
class CoverageRequirements:
    """Minima the shipped corpus must meet (the corpus issue's numbers by default)."""

    min_total: int = 2400
    min_split: Mapping[str, int] = field(default_factory=lambda: {"train": 1800, "dev": 300, "test": 300})
    min_per_label: Mapping[str, int] = field(
        default_factory=lambda: {"damage_type": 150, "urgency": 300, "department": 200}
    )
    min_rule_share: float = 0.25
    min_share_with_spans: float = 0.85
    max_spans_per_claim: int = 6
    min_spans: Mapping[str, int] = field(
        default_factory=lambda: {
            t: 150 if t in {"PERSON", "LOCATION", "PHONE_NUMBER", "POLICY_NUMBER", "LICENSE_PLATE"} else 40
            for t in PII_TYPES
        }
    )
    require_all_combinations: bool = True


@dataclass
class CorpusStats:
    """Counts the data card reports."""

    total: int
    splits: dict[str, int]
    labels: dict[str, Counter[str]]
    combinations: Counter[tuple[str, str]]
    rules: Counter[str]
    spans: Counter[str]
    share_with_1_to_max_spans: float
    median_words: float


def corpus_stats(splits: Mapping[str, Sequence[LabeledClaim]], max_spans: int = 6) -> CorpusStats:
    everything = [c for claims in splits.values() for c in claims]
    labels = {task: Counter(c.labels[task] for c in everything) for task in TASKS}
    with_spans = sum(1 <= len(c.spans) <= max_spans for c in everything)
    return CorpusStats(
        total=len(everything),
        splits={name: len(claims) for name, claims in splits.items()},
        labels=labels,
        combinations=Counter((c.damage_type, c.department) for c in everything),
        rules=Counter(r for c in everything if (r := rule_of(c))),
        spans=Counter(s.type for c in everything for s in c.spans),
        share_with_1_to_max_spans=with_spans / max(1, len(everything)),
        median_words=statistics.median(len(c.text.split()) for c in everything) if everything else 0.0,
    )


def coverage_problems(
    splits: Mapping[str, Sequence[LabeledClaim]], requirements: CoverageRequirements | None = None
) -> list[str]:
    """Every coverage minimum the corpus misses, as readable sentences (no claim text)."""
    req = requirements or CoverageRequirements()
    stats = corpus_stats(splits, req.max_spans_per_claim)
    taxonomy = load_taxonomy()
    problems = []
    if stats.total < req.min_total:
        problems.append(f"corpus has {stats.total} claims, needs {req.min_total}")
    for split, minimum in req.min_split.items():
        if stats.splits.get(split, 0) < minimum:
            problems.append(f"split {split} has {stats.splits.get(split, 0)} claims, needs {minimum}")
    for task, minimum in req.min_per_label.items():
        for label in taxonomy.labels(task):
            if stats.labels[task][label] < minimum:
                problems.append(f"{task}={label} has {stats.labels[task][label]} claims, needs {minimum}")
    allowed = taxonomy.allowed_combinations()
    if req.require_all_combinations:
        for combo in sorted(allowed - set(stats.combinations)):
            problems.append(f"no claim with damage_type={combo[0]} and department={combo[1]}")
    for combo in sorted(set(stats.combinations) - allowed):
        problems.append(
            f"{stats.combinations[combo]} claim(s) with damage_type={combo[0]} and department={combo[1]}, "
            "a combination the guide does not allow"
        )
    rule_share = sum(stats.rules.values()) / max(1, stats.total)
    if rule_share < req.min_rule_share:
        problems.append(f"{rule_share:.1%} of claims exercise a named guide rule, needs {req.min_rule_share:.0%}")
    if stats.share_with_1_to_max_spans < req.min_share_with_spans:
        problems.append(
            f"{stats.share_with_1_to_max_spans:.1%} of claims carry 1-{req.max_spans_per_claim} spans, "
            f"needs {req.min_share_with_spans:.0%}"
        )
    for typ, minimum in req.min_spans.items():
        if stats.spans[typ] < minimum:
            problems.append(f"{typ} has {stats.spans[typ]} spans, needs {minimum}")
    return problems
