"""Claim records and claim files (``shared/data-format.md``).

A labeled claim file is UTF-8 JSON Lines with the keys ``id, text, damage_type, urgency,
department, note``; personal data inside ``text`` is marked ``[[TYPE:value]]``. Stripping the
markup gives the plain text the product receives in production plus gold spans for free.
Unlabeled input for scoring is ``{"id", "text"}`` per line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from claims.errors import DataFileError, MarkupError

PII_TYPES: tuple[str, ...] = (
    "PERSON",
    "LOCATION",
    "PHONE_NUMBER",
    "EMAIL_ADDRESS",
    "IBAN_CODE",
    "DATE_OF_BIRTH",
    "POLICY_NUMBER",
    "CLAIM_NUMBER",
    "LICENSE_PLATE",
    "TAX_ID",
    "SOCIAL_SECURITY",
)
LABELED_KEYS: tuple[str, ...] = ("id", "text", "damage_type", "urgency", "department", "note")
INPUT_KEYS: tuple[str, ...] = ("id", "text")

_OPEN, _CLOSE = "[[", "]]"
_TYPE_RE = re.compile(r"[A-Z_]+")


@dataclass(frozen=True)
class Span:
    """A piece of personal data: its type and ``[start, end)`` offsets in the plain text."""

    type: str
    start: int
    end: int


@dataclass(frozen=True)
class LabeledClaim:
    """One labeled claim: plain text, gold personal-data spans, three labels and a note."""

    id: str
    text: str
    spans: tuple[Span, ...]
    damage_type: str
    urgency: str
    department: str
    note: str

    @property
    def labels(self) -> dict[str, str]:
        return {"damage_type": self.damage_type, "urgency": self.urgency, "department": self.department}

    @property
    def marked_text(self) -> str:
        return render_markup(self.text, self.spans)

    def to_json(self) -> dict[str, str]:
        """The line as the data format writes it (text with markup)."""
        return {
            "id": self.id,
            "text": self.marked_text,
            "damage_type": self.damage_type,
            "urgency": self.urgency,
            "department": self.department,
            "note": self.note,
        }


@dataclass(frozen=True)
class ClaimInput:
    """An unlabeled claim to anonymize or score."""

    id: str
    text: str


@dataclass(frozen=True)
class LineError:
    """A line of an input file that could not be read; never carries the line's content."""

    line: int
    id: str | None
    reason: str


def parse_markup(marked: str, known_types: Iterable[str] = PII_TYPES) -> tuple[str, tuple[Span, ...]]:
    """Strip ``[[TYPE:value]]`` markup; return the plain text and the spans of the values.

    Raises ``MarkupError`` naming the character offset and the problem (never the value).
    """
    known = set(known_types)
    plain: list[str] = []
    spans: list[Span] = []
    pos = 0
    length = 0
    while True:
        opening = marked.find(_OPEN, pos)
        closing = marked.find(_CLOSE, pos)
        if opening < 0:
            if closing >= 0:
                raise MarkupError(f"']]' without '[[' at character {closing}")
            rest = marked[pos:]
            plain.append(rest)
            break
        if 0 <= closing < opening:
            raise MarkupError(f"']]' without '[[' at character {closing}")
        chunk = marked[pos:opening]
        plain.append(chunk)
        length += len(chunk)
        end = marked.find(_CLOSE, opening + 2)
        if end < 0:
            raise MarkupError(f"'[[' at character {opening} is never closed")
        body = marked[opening + 2 : end]
        if "[" in body or "]" in body:
            raise MarkupError(f"nested or stray bracket inside markup at character {opening}")
        typ, sep, value = body.partition(":")
        if not sep or not _TYPE_RE.fullmatch(typ):
            raise MarkupError(f"markup at character {opening} is not [[TYPE:value]]")
        if typ not in known:
            raise MarkupError(f"unknown type {typ} at character {opening}")
        if not value:
            raise MarkupError(f"empty {typ} value at character {opening}")
        if value != value.strip():
            raise MarkupError(f"{typ} value at character {opening} has leading or trailing whitespace")
        spans.append(Span(typ, length, length + len(value)))
        plain.append(value)
        length += len(value)
        pos = end + 2
    return "".join(plain), tuple(spans)


def render_markup(plain: str, spans: Iterable[Span]) -> str:
    """Inverse of :func:`parse_markup`: wrap each span of ``plain`` in ``[[TYPE:value]]``."""
    out: list[str] = []
    pos = 0
    for span in sorted(spans, key=lambda s: s.start):
        if span.start < pos or span.end > len(plain) or span.start >= span.end:
            raise MarkupError(f"span {span.type} [{span.start}, {span.end}) overlaps or is out of range")
        out.append(plain[pos : span.start])
        out.append(f"{_OPEN}{span.type}:{plain[span.start : span.end]}{_CLOSE}")
        pos = span.end
    out.append(plain[pos:])
    return "".join(out)


def read_lines(path: Path) -> Iterator[tuple[int, str]]:
    """Yield ``(line_number, line)`` of a UTF-8 text file, skipping blank lines.

    Raises ``DataFileError`` for a missing file or for bytes that are not UTF-8 (with the line).
    """
    path = Path(path)
    if not path.is_file():
        raise DataFileError(f"{path}: no such file")
    with path.open("rb") as handle:
        yield from decode_lines(handle, str(path))


def decode_lines(handle: Iterable[bytes], name: str) -> Iterator[tuple[int, str]]:
    """:func:`read_lines` on an open binary stream (a local file or any pyarrow filesystem's)."""
    for number, raw in enumerate(handle, start=1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise DataFileError(f"{name}:{number}: not valid UTF-8") from None
        if number == 1:
            line = line.removeprefix("\ufeff")
        if line.strip():
            yield number, line


def labeled_from_json(obj: object) -> LabeledClaim:
    """Build a record from one decoded line; ``DataFileError``/``MarkupError`` when malformed."""
    if not isinstance(obj, dict):
        raise DataFileError("line is not a JSON object")
    missing = [k for k in LABELED_KEYS if k not in obj]
    if missing:
        raise DataFileError(f"missing keys: {', '.join(missing)}")
    wrong = [k for k in LABELED_KEYS if not isinstance(obj[k], str)]
    if wrong:
        raise DataFileError(f"keys must be strings: {', '.join(wrong)}")
    plain, spans = parse_markup(obj["text"])
    return LabeledClaim(
        id=obj["id"],
        text=plain,
        spans=spans,
        damage_type=obj["damage_type"],
        urgency=obj["urgency"],
        department=obj["department"],
        note=obj["note"],
    )


def read_labeled(path: Path) -> list[LabeledClaim]:
    """Read a labeled claim file strictly: the first bad line raises ``DataFileError``.

    Use :func:`claims.validation.validate_file` to list every problem of a file instead.
    """
    claims: list[LabeledClaim] = []
    for number, line in read_lines(path):
        try:
            claims.append(labeled_from_json(json.loads(line)))
        except json.JSONDecodeError as exc:
            raise DataFileError(f"{path}:{number}: invalid JSON ({exc.msg})") from None
        except (DataFileError, MarkupError) as exc:
            raise DataFileError(f"{path}:{number}: {exc}") from None
    if not claims:
        raise DataFileError(f"{path}: file holds no claims")
    return claims


def write_labeled(path: Path, claims: Iterable[LabeledClaim]) -> None:
    """Write claims in the data format (markup restored), one JSON object per line."""
    with Path(path).open("w", encoding="utf-8") as handle:
        for claim in claims:
            handle.write(json.dumps(claim.to_json(), ensure_ascii=False) + "\n")


def iter_inputs(path: Path) -> Iterator[tuple[int, ClaimInput | LineError]]:
    """Yield each line of an unlabeled ``{"id", "text"}`` file as a claim or a ``LineError``.

    One bad line never stops the rest; extra keys (e.g. labels) are ignored so a labeled file
    can be scored too. Markup, if present, is stripped.
    """
    for number, line in read_lines(path):
        yield number, input_from_line(number, line)


def input_from_line(number: int, line: str) -> ClaimInput | LineError:
    """One JSON line of an unlabeled file as a claim, or the reason it is not one."""
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return LineError(number, None, f"invalid JSON ({exc.msg})")
    return input_from_object(number, obj)


def input_from_object(number: int, obj: object) -> ClaimInput | LineError:
    """A decoded record (a JSON line or a Parquet row) as a claim, or the reason it is not one."""
    if not isinstance(obj, dict):
        return LineError(number, None, "line is not a JSON object")
    cid = obj.get("id")
    if not isinstance(cid, str) or not cid.strip():
        return LineError(number, None, "missing or non-string id")
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        return LineError(number, cid, "missing, empty or non-string text")
    try:
        plain, _ = parse_markup(text) if _OPEN in text else (text, ())
    except MarkupError as exc:
        return LineError(number, cid, str(exc))
    return ClaimInput(cid, plain)
