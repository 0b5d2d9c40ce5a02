"""Backlog files of ``score``: JSON Lines and Parquet, by path or by pyarrow filesystem URI, with the
same claims and the same line errors whichever way they are read."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from claims.errors import DataFileError
from claims.records import ClaimInput, LineError
from claims_runtime.backlog import read_backlog

ROWS: list[dict[str, object]] = [
    {"id": "a", "text": "Sturm hat das Dach beschädigt"},
    {"id": None, "text": "no id"},
    {"id": "b", "text": "  "},
    {"id": "c", "text": "Anruf von [[PERSON:Anna Berger]]"},
]
EXPECTED = [
    (1, ClaimInput("a", "Sturm hat das Dach beschädigt")),
    (2, LineError(2, None, "missing or non-string id")),
    (3, LineError(3, "b", "missing, empty or non-string text")),
    (4, ClaimInput("c", "Anruf von Anna Berger")),
]


def test_parquet_rows_and_json_lines_read_the_same(tmp_path: Path) -> None:
    jsonl = tmp_path / "claims.jsonl"
    jsonl.write_text("".join(json.dumps(row) + "\n" for row in ROWS), encoding="utf-8")
    parquet = tmp_path / "claims.parquet"
    pq.write_table(pa.Table.from_pylist([{**row, "extra": 1} for row in ROWS]), parquet)
    assert list(read_backlog(str(jsonl))) == EXPECTED
    assert list(read_backlog(str(parquet))) == EXPECTED
    assert list(read_backlog(parquet.as_uri())) == EXPECTED  # file://, as s3:// would be


def test_json_lines_keep_their_line_numbers_across_read_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("claims_runtime.backlog.READ_CHUNK_BYTES", 7)  # every line spans several reads
    source = tmp_path / "claims.jsonl"
    source.write_text('{"id": "a", "text": "Dach"}\n\n{broken\n{"id": "b", "text": "Keller"}', encoding="utf-8")
    assert list(read_backlog(source.as_uri())) == [
        (1, ClaimInput("a", "Dach")),
        (3, LineError(3, None, "invalid JSON (Expecting property name enclosed in double quotes)")),
        (4, ClaimInput("b", "Keller")),
    ]


def test_unreadable_backlogs_are_clear_errors(tmp_path: Path) -> None:
    no_text = tmp_path / "no_text.parquet"
    pq.write_table(pa.table({"id": ["a"]}), no_text)
    not_parquet = tmp_path / "broken.parquet"
    not_parquet.write_bytes(b"not parquet at all")
    for location, reason in [
        (str(tmp_path / "missing.jsonl"), "no such file"),
        (str(no_text), "no column text"),
        (str(not_parquet), "not a Parquet file"),
        ("nosuchscheme://bucket/claims.jsonl", "cannot open"),
    ]:
        with pytest.raises(DataFileError, match=reason):
            list(read_backlog(location))
