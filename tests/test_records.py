"""Markup parsing and rendering, labeled-file I/O and unlabeled input reading."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claims.errors import DataFileError, MarkupError
from claims.records import (
    LabeledClaim,
    LineError,
    Span,
    iter_inputs,
    parse_markup,
    read_labeled,
    render_markup,
    write_labeled,
)

FIXTURES = Path(__file__).parent / "fixtures"


def test_parse_markup_gives_plain_text_and_spans(format_example: dict[str, str]) -> None:
    plain, spans = parse_markup(format_example["text"])
    assert "[[" not in plain and "]]" not in plain
    assert [(s.type, plain[s.start : s.end]) for s in spans] == [
        ("LICENSE_PLATE", "KA-JS 318"),
        ("PERSON", "Jana Seidel"),
        ("PHONE_NUMBER", "0721 556 23 10"),
    ]


@pytest.mark.parametrize(
    "marked",
    [
        "keine personenbezogenen Daten",
        "[[PERSON:Anna]]",
        "Herr [[PERSON:Koch]] ([[PHONE_NUMBER:+49 (0)89 123456-0]]) und [[PERSON:Ümit Öztürk]]",
        "Zeile 1\n[[LOCATION:Am Hang 4\n12345 Berg]] Ende",
        "Betrag [1.400 €] und [[CLAIM_NUMBER:SN 2024-11-03345]]",
    ],
)
def test_markup_round_trip_is_identical(marked: str) -> None:
    plain, spans = parse_markup(marked)
    assert render_markup(plain, spans) == marked


def test_round_trip_of_the_format_example(format_example: dict[str, str]) -> None:
    plain, spans = parse_markup(format_example["text"])
    assert render_markup(plain, spans) == format_example["text"]


@pytest.mark.parametrize(
    ("marked", "reason"),
    [
        ("Hallo [[PERSON:Anna Gruß", "never closed"),
        ("Hallo PERSON:Anna]] Gruß", "without '[['"),
        ("[[NAME:Anna]]", "unknown type NAME"),
        ("[[PERSON:]]", "empty PERSON"),
        ("[[PERSON: Anna]]", "whitespace"),
        ("[[PERSON Anna]]", "not [[TYPE:value]]"),
        ("[[PERSON:[[PERSON:Anna]]]]", "bracket"),
    ],
)
def test_broken_markup_is_rejected_without_echoing_the_value(marked: str, reason: str) -> None:
    with pytest.raises(MarkupError) as info:
        parse_markup(marked)
    assert reason in str(info.value)
    assert "Anna" not in str(info.value)


def test_render_rejects_overlapping_spans() -> None:
    with pytest.raises(MarkupError):
        render_markup("abcdef", [Span("PERSON", 0, 3), Span("PERSON", 2, 4)])


def test_write_then_read_gives_the_same_claims(tmp_path: Path) -> None:
    claims = read_labeled(FIXTURES / "external_claims.jsonl")
    out = tmp_path / "copy.jsonl"
    write_labeled(out, claims)
    assert read_labeled(out) == claims
    first = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert list(first) == ["id", "text", "damage_type", "urgency", "department", "note"]


def test_labeled_claim_keeps_plain_text_and_labels() -> None:
    claim = read_labeled(FIXTURES / "external_claims.jsonl")[0]
    assert isinstance(claim, LabeledClaim)
    assert claim.text.startswith("Rohrbruch im Bad, das Wasser läuft noch!")
    assert claim.labels == {"damage_type": "leitungswasser", "urgency": "kritisch", "department": "sach_privat"}
    assert claim.text[claim.spans[0].start : claim.spans[0].end] == "Dora Kleinschmidt"


def test_read_labeled_names_the_bad_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    lines = (FIXTURES / "external_claims.jsonl").read_text(encoding="utf-8-sig").splitlines()
    bad.write_text(lines[0] + "\n{not json\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"bad.jsonl:2: invalid JSON"):
        read_labeled(bad)


@pytest.mark.parametrize("content", [b"", b"\n\n"])
def test_read_labeled_rejects_an_empty_file(tmp_path: Path, content: bytes) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(content)
    with pytest.raises(DataFileError, match="no claims"):
        read_labeled(empty)


def test_read_labeled_rejects_latin1(tmp_path: Path) -> None:
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes('{"id": "1", "text": "Schaden in Köln"}\n'.encode("latin-1"))
    with pytest.raises(DataFileError, match="not valid UTF-8"):
        read_labeled(latin)


def test_iter_inputs_reports_bad_lines_and_keeps_going(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(
        "\n".join(
            [
                json.dumps({"id": "a", "text": "Wasser im Keller"}),
                "{broken",
                json.dumps({"id": "b", "text": "   "}),
                json.dumps({"text": "ohne id"}),
                json.dumps(["not", "an", "object"]),
                json.dumps({"id": "c", "text": "Gruß [[PERSON:Eva Fuchs]]", "damage_type": "feuer"}),
            ]
        ),
        encoding="utf-8",
    )
    results = list(iter_inputs(path))
    assert [n for n, _ in results] == [1, 2, 3, 4, 5, 6]
    errors = [r for _, r in results if isinstance(r, LineError)]
    assert [(e.line, e.id) for e in errors] == [(2, None), (3, "b"), (4, None), (5, None)]
    last = results[-1][1]
    assert not isinstance(last, LineError) and last.text == "Gruß Eva Fuchs"
