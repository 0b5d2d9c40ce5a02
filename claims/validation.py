"""Validate a labeled claim file against every rule of ``shared/data-format.md``.

Lists every problem with its line number and claim id — never a personal-data value — and
summarises the file (labels per task, spans per type, languages, lengths) for a reviewer.
"""

from __future__ import annotations

import json
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from claims.errors import DataFileError, MarkupError
from claims.language import detect_language
from claims.records import LABELED_KEYS, PII_TYPES, parse_markup, read_lines
from claims.taxonomy import TASKS, load_taxonomy

MAX_NOTE_CHARS = 200
_LABEL_SHAPE = re.compile(r"[a-z_]{1,40}")
_IBAN_SHAPE = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{8,30}")


@dataclass(frozen=True)
class Problem:
    """One rule a line breaks. ``message`` never contains personal data."""

    line: int
    id: str | None
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else "file"
        return f"{where}{f' (id {self.id})' if self.id else ''}: {self.message}"


@dataclass
class Summary:
    """What a valid (or partly valid) file contains."""

    claims: int = 0
    labels: dict[str, Counter[str]] = field(default_factory=lambda: {t: Counter() for t in TASKS})
    spans: Counter[str] = field(default_factory=Counter)
    claims_with_spans: int = 0
    languages: Counter[str] = field(default_factory=Counter)
    word_counts: list[int] = field(default_factory=list)

    def length_stats(self) -> dict[str, float]:
        """Words per claim: min, 10th percentile, median, 90th percentile, max."""
        if not self.word_counts:
            return {}
        ordered = sorted(self.word_counts)
        pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
        return {
            "min": ordered[0],
            "p10": pick(0.1),
            "median": statistics.median(ordered),
            "p90": pick(0.9),
            "max": ordered[-1],
        }


@dataclass
class ValidationReport:
    """Every problem found plus the summary; ``ok`` when there is no problem."""

    path: Path
    problems: list[Problem] = field(default_factory=list)
    summary: Summary = field(default_factory=Summary)

    @property
    def ok(self) -> bool:
        return not self.problems


def iban_is_valid(value: str) -> bool:
    """ISO 13616 mod-97 check; spaces are allowed, letters case-insensitive."""
    compact = re.sub(r"\s+", "", value).upper()
    if not _IBAN_SHAPE.fullmatch(compact):
        return False
    digits = "".join(str(int(ch, 36)) for ch in compact[4:] + compact[:4])
    return int(digits) % 97 == 1


def _label_hint(value: object) -> str:
    """Show a wrong label only when it looks like a label id, so no stray text is echoed."""
    if isinstance(value, str) and _LABEL_SHAPE.fullmatch(value):
        return f" '{value}'"
    return ""


def _check_line(number: int, obj: object, seen: dict[str, int], report: ValidationReport) -> None:
    taxonomy = load_taxonomy()
    add = lambda cid, msg: report.problems.append(Problem(number, cid, msg))  # noqa: E731
    if not isinstance(obj, dict):
        add(None, "line is not a JSON object")
        return
    raw_id = obj.get("id")
    cid = raw_id if isinstance(raw_id, str) and len(raw_id) <= 64 else None
    missing = [k for k in LABELED_KEYS if k not in obj]
    unknown = sorted(k for k in obj if k not in LABELED_KEYS)
    if missing:
        add(cid, f"missing keys: {', '.join(missing)}")
    if unknown:
        add(cid, f"unknown keys: {', '.join(k[:40] for k in unknown)}")
    not_str = [k for k in LABELED_KEYS if k in obj and not isinstance(obj[k], str)]
    if not_str:
        add(cid, f"values must be strings: {', '.join(not_str)}")
    if isinstance(raw_id, str):
        if not raw_id.strip():
            add(None, "empty id")
        elif raw_id in seen:
            add(cid, f"duplicate id (first on line {seen[raw_id]})")
        else:
            seen[raw_id] = number
    for task in TASKS:
        value = obj.get(task)
        if isinstance(value, str) and value not in taxonomy.labels(task):
            add(cid, f"unknown {task}{_label_hint(value)}; allowed: {', '.join(taxonomy.labels(task))}")
        elif isinstance(value, str):
            report.summary.labels[task][value] += 1
    note = obj.get("note")
    if isinstance(note, str):
        if not note.strip():
            add(cid, "empty note")
        elif len(note) > MAX_NOTE_CHARS:
            add(cid, f"note has {len(note)} characters (max {MAX_NOTE_CHARS})")
    text = obj.get("text")
    if not isinstance(text, str):
        return
    if not text.strip():
        add(cid, "empty text")
        return
    try:
        plain, spans = parse_markup(text, PII_TYPES)
    except MarkupError as exc:
        add(cid, f"markup: {exc}")
        return
    for span in spans:
        if span.type == "IBAN_CODE" and not iban_is_valid(plain[span.start : span.end]):
            add(cid, f"IBAN_CODE at character {span.start} fails the mod-97 check")
    summary = report.summary
    summary.claims += 1
    summary.spans.update(span.type for span in spans)
    summary.claims_with_spans += bool(spans)
    summary.languages[detect_language(plain)] += 1
    summary.word_counts.append(len(plain.split()))


def validate_file(path: Path) -> ValidationReport:
    """Check every line of a labeled claim file; a file-level problem has line 0."""
    report = ValidationReport(Path(path))
    seen: dict[str, int] = {}
    lines = 0
    try:
        for number, line in read_lines(path):
            lines += 1
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                report.problems.append(Problem(number, None, f"invalid JSON ({exc.msg} at column {exc.colno})"))
                continue
            _check_line(number, obj, seen, report)
    except DataFileError as exc:
        report.problems.append(Problem(0, None, str(exc)))
        return report
    if lines == 0:
        report.problems.append(Problem(0, None, f"{path}: file is empty"))
    return report
