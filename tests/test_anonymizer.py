"""The anonymizer end to end: placeholders, offsets, bad input, canaries, the PII model plumbing."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claims.anonymizer import Anonymizer, AnonymizerConfig, AnonymizerInputError
from claims.anonymizer.engine import DetectedEntity, resolve_overlaps
from claims.anonymizer.evaluation import evaluate_anonymizer
from claims.records import LabeledClaim, Span, read_labeled
from triage_cli.main import app

FIXTURES = Path(__file__).parent / "fixtures"

CANARIES = {
    "PERSON": "Herr Quirinus Zwetschgenbaum",
    "LOCATION": "Anschrift: Quittenweg 71, 99887 Kleinkuhnheim",
    "PHONE_NUMBER": "Tel. 0176 9183 4471",
    "EMAIL_ADDRESS": "Mail q.zwetschgenbaum@example-mail.de",
    "IBAN_CODE": "IBAN DE02 1203 0000 0000 2020 51",
    "DATE_OF_BIRTH": "geb. 29.02.1956",
    "POLICY_NUMBER": "VS-Nr. QZ-7719-40331",
    "CLAIM_NUMBER": "Schaden-Nr. SN 2099-01-77113",
    "LICENSE_PLATE": "Kennzeichen QZ-WX 9191",
    "TAX_ID": "Steuer-ID 86 095 742 719",
    "SOCIAL_SECURITY": "SV-Nr. 65 170839 J 003",
}


def value_of(phrase: str) -> str:
    return phrase.split(" ", 1)[1] if not phrase.startswith("Herr") else phrase.removeprefix("Herr ")


@pytest.fixture(scope="module")
def rules() -> Anonymizer:
    return Anonymizer.build(None, use_pii_model=False)


def test_placeholders_are_typed_numbered_and_reused(rules: Anonymizer) -> None:
    text = "Herr Koch rief an. Herr Wolf auch. Dann nochmal Herr Koch, Tel. 0721 556 23 10 oder 0721 556 23 10."
    result = rules.anonymize(text)
    assert result.text == (
        "Herr <PERSON_1> rief an. Herr <PERSON_2> auch. Dann nochmal Herr <PERSON_1>, Tel. <PHONE_NUMBER_1> "
        "oder <PHONE_NUMBER_1>."
    )
    for entity in result.entities:
        assert text[entity.start : entity.end] in {"Koch", "Wolf", "0721 556 23 10"}


def test_every_canary_type_is_removed(rules: Anonymizer) -> None:
    text = "Meldung: Wasserschaden am 12.03.2024, ca. 1.400 €. " + ". ".join(CANARIES.values()) + "."
    result = rules.anonymize(text)
    for typ, phrase in CANARIES.items():
        assert value_of(phrase) not in result.text, typ
    assert "12.03.2024" in result.text and "1.400 €" in result.text
    assert {e.type for e in result.entities} >= set(CANARIES) - {"PERSON"}


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("   \n", "empty"),
        ("a" * 100_001, "limit is 100,000"),
        ("ab\x00cd Quirinus", "binary"),
        (b"bytes", "string"),
    ],
)
def test_bad_input_is_a_clear_error_without_the_text(rules: Anonymizer, text: object, reason: str) -> None:
    with pytest.raises(AnonymizerInputError, match=reason) as info:
        rules.anonymize(text)  # type: ignore[arg-type]
    assert "Quirinus" not in str(info.value)


def test_mixed_script_text_gets_a_correct_result(rules: Anonymizer) -> None:
    text = "Schaden 🚗💥 у машины, 車が壊れた. Tel. 0176 9183 4471"
    assert "0176 9183 4471" not in rules.anonymize(text).text


def test_overlaps_merge_into_the_union_typed_by_the_best_score() -> None:
    merged = resolve_overlaps(
        [
            DetectedEntity("POLICY_NUMBER", 5, 20, 0.4),
            DetectedEntity("LICENSE_PLATE", 0, 10, 0.9),
            DetectedEntity("PERSON", 30, 35, 0.5),
        ]
    )
    assert merged == [DetectedEntity("LICENSE_PLATE", 0, 20, 0.9), DetectedEntity("PERSON", 30, 35, 0.5)]


def test_evaluation_counts_caught_spans_and_survivors(rules: Anonymizer) -> None:
    claims = read_labeled(FIXTURES / "external_claims.jsonl")
    report = evaluate_anonymizer(rules.analyze, claims)
    assert report.per_type["PHONE_NUMBER"].recall == 1.0
    assert report.per_type["IBAN_CODE"].recall == 1.0
    assert report.per_type["LOCATION"].gold == 1
    payload = report.to_dict()
    assert set(payload["per_type"]) >= {"PERSON", "TAX_ID"}
    phone = payload["per_type"]["PHONE_NUMBER"]
    assert phone["recall_ci95"][0] < phone["recall"] <= phone["recall_ci95"][1] == 1.0
    assert 0.0 <= phone["precision_ci95"][0] <= phone["precision"] <= phone["precision_ci95"][1] <= 1.0
    assert set(payload["slices"]) == {"spoken", "ocr"}
    json.dumps(payload)


def test_evaluation_slices_spoken_and_ocr_values_and_lists_survivors(rules: Anonymizer) -> None:
    text = (
        "Rückruf unter null eins sieben sechs drei acht acht zwo eins neun null vier. "
        "Unterschrift: K. Ziircher, wohnhaft Hohe StraBe 27."
    )
    spans = []
    for typ, value in (
        ("PHONE_NUMBER", "null eins sieben sechs drei acht acht zwo eins neun null vier"),
        ("PERSON", "K. Ziircher"),
        ("LOCATION", "Hohe StraBe 27"),
    ):
        spans.append(Span(typ, text.index(value), text.index(value) + len(value)))
    claim = LabeledClaim("S1", text, tuple(spans), "leitungswasser", "mittel", "sach_privat", "n")
    report = evaluate_anonymizer(lambda t: [], [claim])  # finds nothing: every value survives
    payload = report.to_dict()
    assert payload["slices"]["spoken"]["PHONE_NUMBER"]["gold"] == 1
    assert payload["slices"]["ocr"]["PERSON"]["gold"] == 1 and payload["slices"]["ocr"]["LOCATION"]["gold"] == 1
    assert "PERSON" not in payload["slices"]["spoken"] or payload["slices"]["spoken"]["PERSON"]["gold"] == 0
    assert payload["per_type"]["PHONE_NUMBER"]["claims_with_surviving_value"] == ["S1"]
    caught = evaluate_anonymizer(rules.analyze, [claim]).to_dict()
    assert caught["slices"]["spoken"]["PHONE_NUMBER"]["recall"] == 1.0


def test_no_canary_in_logs_errors_or_cli_output(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    lines = [
        json.dumps({"id": f"c{i}", "text": f"Einbruch, Tür kaputt. {phrase}"})
        for i, phrase in enumerate(CANARIES.values())
    ]
    lines += [
        "{not json " + CANARIES["PERSON"],
        json.dumps({"id": "e", "text": "   "}),
        json.dumps({"id": "b", "text": "x\x00" + CANARIES["IBAN_CODE"]}),
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["anonymize", "--input", str(source), "--output", str(out), "--rules-only"])
    assert result.exit_code == 1  # three bad lines
    written = out.read_text(encoding="utf-8")
    assert len(written.splitlines()) == len(CANARIES)
    everything = written + result.output + caplog.text
    for typ, phrase in CANARIES.items():
        if typ != "PERSON":  # rules alone catch names only after a title; the canary has one
            assert value_of(phrase) not in everything, typ
    assert "Zwetschgenbaum" not in everything
    first = json.loads(written.splitlines()[0])
    assert set(first) == {"id", "text", "entities"} and set(first["entities"][0]) == {"type", "start", "end", "score"}


def test_config_is_typed_and_refuses_unknown_keys(tmp_path: Path) -> None:
    bad = tmp_path / "c.yaml"
    bad.write_text("languages: [de]\nscore_treshold: 0.3\n", encoding="utf-8")
    with pytest.raises(ValueError, match="score_treshold"):
        AnonymizerConfig.load(bad)
