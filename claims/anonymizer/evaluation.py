"""How well the anonymizer removes personal data, measured on gold markup.

Recall per type counts a gold span as caught when at least 80% of its characters are covered by
any detection (the value is gone, whatever type it got). Precision counts a detection as right
when it overlaps any gold span. F2 weighs recall four times as much as precision: a value left in
the text is worse than a word removed too many. Amounts and loss dates must stay: their keep rate
is measured on the plain text outside gold spans. Every recall and precision carries a Wilson 95%
interval (the test split has a few dozen values of most types).

Two slices show the messy channels: ``spoken`` (gold values said or spelled out: number words,
"punkt"/"at", spelled letters) and ``ocr`` (gold values with OCR marks: "ii" for "ü", "B" for
"ß" inside a word, a digit inside a word, "rn" read as "m" cannot be told apart and is not
counted). Slices are decided from the gold value alone, not from what the anonymizer did.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from claims.anonymizer.engine import DetectedEntity
from claims.anonymizer.spoken import is_spoken_value
from claims.metrics import wilson_interval
from claims.records import PII_TYPES, LabeledClaim, Span

CAUGHT_COVERAGE = 0.8
_AMOUNT = re.compile(
    r"(?:(?:€|EUR|Euro|CHF)\s?\d[\d.,']*(?:,-)?|\d[\d.,']*(?:,-)?\s?(?:€|EUR|Euro|Eur|euro|CHF|Franken|Tsd\.?|k)(?!\w))"
)
_DATE = re.compile(
    r"\b\d{1,2}\.\s?\d{1,2}\.(?:\s?\d{2,4})?|\b\d{1,2}\.\s(?:Jan|Jän|Feb|März|Apr|Mai|Juni|Juli|Aug|Sep|Okt|Nov|Dez)\w*"
)


_OCR_MARKS = re.compile(r"[a-zäöü]B[a-zäöü]|[A-Za-z]ii[a-z]|[a-zäöü][0-9][a-zäöü]|[a-zäöü][I|][a-zäöü]")


def is_ocr_value(value: str) -> bool:
    """Whether a gold value shows OCR damage ("K. Ziircher", "Hohe StraBe 27", "Schm1dt")."""
    return bool(_OCR_MARKS.search(value))


SLICES: dict[str, Callable[[str], bool]] = {"spoken": is_spoken_value, "ocr": is_ocr_value}


@dataclass
class TypeReport:
    gold: int = 0
    caught: int = 0
    detected: int = 0
    detected_correct: int = 0

    @property
    def recall(self) -> float:
        return self.caught / self.gold if self.gold else 1.0

    @property
    def precision(self) -> float:
        return self.detected_correct / self.detected if self.detected else 1.0

    @property
    def f2(self) -> float:
        p, r = self.precision, self.recall
        return 5 * p * r / (4 * p + r) if p + r else 0.0

    def recall_ci(self) -> tuple[float, float]:
        return wilson_interval(self.caught, self.gold)

    def precision_ci(self) -> tuple[float, float]:
        return wilson_interval(self.detected_correct, self.detected)

    def to_dict(self) -> dict[str, object]:
        return {
            "gold": self.gold,
            "recall": round(self.recall, 4),
            "recall_ci95": [round(x, 4) for x in self.recall_ci()],
            "detected": self.detected,
            "precision": round(self.precision, 4),
            "precision_ci95": [round(x, 4) for x in self.precision_ci()],
            "f2": round(self.f2, 4),
        }


@dataclass
class AnonymizationReport:
    per_type: dict[str, TypeReport] = field(default_factory=lambda: defaultdict(TypeReport))
    surviving_claims: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    slices: dict[str, dict[str, TypeReport]] = field(
        default_factory=lambda: {name: defaultdict(TypeReport) for name in SLICES}
    )
    kept: Counter[str] = field(default_factory=Counter)
    seen: Counter[str] = field(default_factory=Counter)
    claims: int = 0

    def keep_rate(self, kind: str) -> float:
        return self.kept[kind] / self.seen[kind] if self.seen[kind] else 1.0

    def overall(self) -> TypeReport:
        total = TypeReport()
        for rep in self.per_type.values():
            total.gold += rep.gold
            total.caught += rep.caught
            total.detected += rep.detected
            total.detected_correct += rep.detected_correct
        return total

    def to_dict(self) -> dict[str, object]:
        return {
            "claims": self.claims,
            "per_type": {
                t: {**r.to_dict(), "claims_with_surviving_value": sorted(set(self.surviving_claims.get(t, [])))}
                for t, r in sorted(self.per_type.items())
            },
            "overall": self.overall().to_dict(),
            "slices": {
                name: {
                    t: {k: v for k, v in r.to_dict().items() if "recall" in k or k == "gold"}
                    for t, r in sorted(reps.items())
                }
                for name, reps in self.slices.items()
            },
            "amounts_kept": round(self.keep_rate("amount"), 4),
            "loss_dates_kept": round(self.keep_rate("date"), 4),
            "amounts_seen": self.seen["amount"],
            "dates_seen": self.seen["date"],
        }


def _covered(span_start: int, span_end: int, detections: Sequence[DetectedEntity]) -> int:
    return sum(max(0, min(span_end, d.end) - max(span_start, d.start)) for d in detections)


def _outside(start: int, end: int, spans: Iterable[Span]) -> bool:
    return all(end <= s.start or start >= s.end for s in spans)


def evaluate_anonymizer(
    analyze: Callable[[str], Sequence[DetectedEntity]], claims: Iterable[LabeledClaim], progress: Callable | None = None
) -> AnonymizationReport:
    """Score ``analyze`` (text -> detections) against the gold spans of ``claims``."""
    report = AnonymizationReport()
    for t in PII_TYPES:
        report.per_type[t]  # every type appears, even with no gold span
    iterable = progress(list(claims)) if progress else claims
    for claim in iterable:
        report.claims += 1
        detections = list(analyze(claim.text))
        for span in claim.spans:
            value = claim.text[span.start : span.end]
            reports = [report.per_type[span.type]] + [
                report.slices[name][span.type] for name, belongs in SLICES.items() if belongs(value)
            ]
            caught = _covered(span.start, span.end, detections) >= CAUGHT_COVERAGE * (span.end - span.start)
            for rep in reports:
                rep.gold += 1
                rep.caught += caught
            if not caught:
                report.surviving_claims[span.type].append(claim.id)
        for det in detections:
            rep = report.per_type[det.type]
            rep.detected += 1
            if not all(det.end <= s.start or det.start >= s.end for s in claim.spans):
                rep.detected_correct += 1
        for kind, pattern in (("amount", _AMOUNT), ("date", _DATE)):
            for match in pattern.finditer(claim.text):
                if not _outside(match.start(), match.end(), claim.spans):
                    continue
                report.seen[kind] += 1
                if _covered(match.start(), match.end(), detections) == 0:
                    report.kept[kind] += 1
    return report
