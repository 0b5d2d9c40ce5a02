"""Every rule of the data format, checked by ``validate_file`` and by ``claims-triage data validate``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claims.validation import iban_is_valid, validate_file
from triage_cli.main import app

FIXTURES = Path(__file__).parent / "fixtures"
CANARY_NAME = "Xaverius Quengelmeier"
CANARY_IBAN = "DE89 3704 0044 0532 0130 01"  # fails mod-97 on purpose


def good(**overrides: object) -> dict[str, object]:
    claim: dict[str, object] = {
        "id": "V1",
        "text": f"Sturm hat das Dach beschädigt. Gruß [[PERSON:{CANARY_NAME}]]",
        "damage_type": "sturm_hagel",
        "urgency": "mittel",
        "department": "sach_privat",
        "note": "Storm damage to a private roof, nothing urgent.",
    }
    claim.update(overrides)
    return claim


def write(tmp_path: Path, *rows: object, raw: str | None = None) -> Path:
    path = tmp_path / "claims.jsonl"
    if raw is not None:
        path.write_text(raw, encoding="utf-8")
    else:
        path.write_text(
            "\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows) + "\n",
            encoding="utf-8",
        )
    return path


def test_the_data_format_example_is_valid(tmp_path: Path, format_example: dict[str, str]) -> None:
    report = validate_file(write(tmp_path, format_example))
    assert report.ok, report.problems
    assert report.summary.claims == 1
    assert report.summary.spans == {"LICENSE_PLATE": 1, "PERSON": 1, "PHONE_NUMBER": 1}


def test_an_external_file_with_bom_crlf_and_escapes_is_valid() -> None:
    report = validate_file(FIXTURES / "external_claims.jsonl")
    assert report.ok, report.problems
    assert report.summary.claims == 3
    assert report.summary.languages["de"] == 2 and report.summary.languages["en"] == 1
    assert report.summary.labels["urgency"] == {"kritisch": 1, "mittel": 1, "niedrig": 1}


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({k: v for k, v in good().items() if k != "note"}, "missing keys: note"),
        (good(extra="y"), "unknown keys: extra"),
        (good(urgency=3), "values must be strings: urgency"),
        (good(damage_type="sturm"), "unknown damage_type 'sturm'"),
        (good(urgency="sofort"), "unknown urgency 'sofort'"),
        (good(department="kasko"), "unknown department 'kasko'"),
        (good(text=f"Gruß [[PERSON:{CANARY_NAME}"), "never closed"),
        (good(text=f"Gruß [[NAME:{CANARY_NAME}]]"), "unknown type NAME"),
        (good(text=f"Konto [[IBAN_CODE:{CANARY_IBAN}]]"), "IBAN_CODE at character 6 fails the mod-97 check"),
        (good(note="x" * 201), "note has 201 characters"),
        (good(note=" "), "empty note"),
        (good(text="  "), "empty text"),
        (good(id=""), "empty id"),
        ([1, 2], "not a JSON object"),
        ("{not json", "invalid JSON"),
    ],
)
def test_each_rule_is_reported_with_line_and_without_personal_data(tmp_path: Path, row: object, message: str) -> None:
    report = validate_file(write(tmp_path, good(id="OK1"), row))
    assert not report.ok
    assert any(p.line == 2 and message in p.message for p in report.problems), report.problems
    rendered = " ".join(str(p) for p in report.problems)
    assert CANARY_NAME not in rendered and CANARY_IBAN not in rendered and "Quengel" not in rendered


def test_a_wrong_label_that_is_not_label_shaped_is_not_echoed(tmp_path: Path) -> None:
    report = validate_file(write(tmp_path, good(urgency=CANARY_NAME)))
    assert "unknown urgency;" in report.problems[0].message
    assert CANARY_NAME not in str(report.problems[0])


def test_duplicate_ids_name_the_first_line(tmp_path: Path) -> None:
    report = validate_file(write(tmp_path, good(id="D"), good(id="E"), good(id="D")))
    assert [(p.line, p.message) for p in report.problems] == [(3, "duplicate id (first on line 1)")]


def test_every_problem_is_listed_not_just_the_first(tmp_path: Path) -> None:
    report = validate_file(write(tmp_path, good(id="A", urgency="x"), "{", good(id="B", department="y")))
    assert [p.line for p in report.problems] == [1, 2, 3]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        (b"", "file is empty"),
        (b"\n  \n", "file is empty"),
        (b'{"id": "K\xf6ln"}\n', "not valid UTF-8"),
    ],
)
def test_file_level_problems(tmp_path: Path, content: bytes | None, message: str) -> None:
    path = tmp_path / "f.jsonl"
    if content is not None:
        path.write_bytes(content)
    report = validate_file(path)
    assert not report.ok and message in report.problems[0].message


@pytest.mark.parametrize(
    ("iban", "valid"),
    [
        ("DE89 3704 0044 0532 0130 00", True),
        ("DE89370400440532013000", True),
        ("at61 1904 3002 3457 3201", True),
        ("CH93 0076 2011 6238 5295 7", True),
        ("DE89 3704 0044 0532 0130 01", False),
        ("DE89", False),
        ("1234567890", False),
    ],
)
def test_iban_mod97(iban: str, valid: bool) -> None:
    assert iban_is_valid(iban) is valid


runner = CliRunner()


def test_cli_passes_a_file_the_project_did_not_write() -> None:
    result = runner.invoke(app, ["data", "validate", str(FIXTURES / "external_claims.jsonl")])
    assert result.exit_code == 0, result.output
    assert "valid" in result.output and "claims: 3" in result.output
    assert "urgency:" in result.output and "languages:" in result.output and "words per claim:" in result.output


def test_cli_rejects_a_corrupted_copy_listing_every_problem(tmp_path: Path) -> None:
    lines = (FIXTURES / "external_claims.jsonl").read_text(encoding="utf-8-sig").splitlines()
    rows = [json.loads(line) for line in lines if line.strip()]
    rows[0]["urgency"] = "asap"
    rows[1]["text"] = rows[1]["text"].replace("0532 0130 00", "0532 0130 09")
    rows[2]["id"] = rows[0]["id"]
    corrupted = write(tmp_path, *rows, "{oops")
    result = runner.invoke(app, ["data", "validate", str(corrupted)])
    assert result.exit_code == 1
    out = result.output
    assert "line 1 (id EXT-1): unknown urgency 'asap'" in out
    assert "line 2 (id EXT-2): IBAN_CODE" in out and "mod-97" in out
    assert "line 3 (id EXT-1): duplicate id" in out
    assert "line 4: invalid JSON" in out
    assert "INVALID: 4 problem(s)" in out
    assert "3704 0044" not in out and "Traceback" not in out


def test_cli_json_output(tmp_path: Path) -> None:
    result = runner.invoke(app, ["data", "validate", "--json", str(FIXTURES / "external_claims.jsonl")])
    payload = json.loads(result.output)
    assert payload["ok"] is True and payload["summary"]["claims"] == 3


def test_cli_missing_file_is_one_line_and_exit_1(tmp_path: Path) -> None:
    result = runner.invoke(app, ["data", "validate", str(tmp_path / "nope.jsonl")])
    assert result.exit_code == 1 and "no such file" in result.output and "Traceback" not in result.output
