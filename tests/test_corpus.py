"""Corpus quality checks on small hand-made corpora (the shipped corpus has its own test)."""

from __future__ import annotations

from claims.corpus import CoverageRequirements, coverage_problems, near_duplicates, overused_openings, rule_of
from claims.records import LabeledClaim, Span


def claim(
    cid: str,
    text: str,
    dt: str = "feuer",
    urg: str = "mittel",
    dep: str = "sach_privat",
    note: str = "n",
    spans: tuple[Span, ...] = (),
) -> LabeledClaim:
    return LabeledClaim(cid, text, spans, dt, urg, dep, note)


def test_near_duplicates_finds_a_reworded_copy_and_spares_distinct_claims() -> None:
    base = "Am Sonntag ist bei uns im Keller ein Rohr geplatzt und das Wasser stand zehn Zentimeter hoch im Raum"
    claims = [
        claim("a", base),
        claim("b", base.replace("Sonntag", "Montag")),
        claim("c", "Hagel hat das Dach vom Carport durchschlagen, zwei Platten sind kaputt, Kosten unbekannt"),
    ]
    pairs = near_duplicates(claims, threshold=0.3)
    assert [(a, b) for a, b, _ in pairs] == [("a", "b")]
    assert 0.3 < pairs[0][2] < 1.0


def test_near_duplicates_threshold_is_strict() -> None:
    same = [claim("a", "eins zwei drei vier fünf sechs"), claim("b", "eins zwei drei vier fünf sieben")]
    # one shared 5-gram of three distinct ones -> Jaccard 1/3
    assert near_duplicates(same, threshold=0.34) == []
    assert len(near_duplicates(same, threshold=0.33)) == 1


def test_overused_openings_counts_first_four_words() -> None:
    claims = [claim(str(i), f"Sehr geehrte Damen und Herren, Fall {i}") for i in range(3)]
    claims += [claim(f"x{i}", f"Anderer Anfang Nummer {i} hier") for i in range(97)]
    assert overused_openings(claims, max_share=0.02) == [("sehr geehrte damen und", 3)]
    assert overused_openings(claims, max_share=0.03) == []


def test_rule_of_reads_the_named_rule_only() -> None:
    assert (
        rule_of(claim("a", "t", note="Rule cause-over-consequence: storm broke the window."))
        == "cause-over-consequence"
    )
    assert rule_of(claim("a", "t", note="Rule made-up: x")) is None
    assert rule_of(claim("a", "t", note="Storm broke the window.")) is None


def test_coverage_reports_every_missing_minimum() -> None:
    person = (Span("PERSON", 0, 4),)
    splits = {
        "train": [claim("t1", "Anna hat Feuer", spans=person, note="Rule most-urgent-wins: x")],
        "dev": [claim("d1", "Brand", dep="kfz", dt="kollision")],
        "test": [claim("e1", "Unfall", dt="kollision", dep="personen")],
    }
    req = CoverageRequirements(min_total=3, min_split={"train": 1, "dev": 1, "test": 2}, min_per_label={"urgency": 1})
    problems = coverage_problems(splits, req)
    assert "split test has 1 claims, needs 2" in problems
    assert "urgency=kritisch has 0 claims, needs 1" in problems
    assert "no claim with damage_type=leitungswasser and department=sach_privat" in problems
    assert any(
        "damage_type=kollision and department=personen, a combination the guide does not allow" in p for p in problems
    )
    assert "33.3% of claims carry 1-6 spans, needs 85%" in problems
    assert "LOCATION has 0 spans, needs 150" in problems and "TAX_ID has 0 spans, needs 40" in problems
    assert not any(p.startswith("split train") or p.startswith("corpus has") for p in problems)
    assert not any("exercise a named guide rule" in p for p in problems)  # 1 of 3 = 33% >= 25%
