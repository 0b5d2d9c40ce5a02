"""Backlog files for ``score``: JSON Lines or Parquet, on a local path or on any filesystem pyarrow
supports (``s3://bucket/key``, ``gs://...``, ``hdfs://...``). Both engines read through here, so a
bad record gets the same line number and reason whichever engine scores the rest."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from claims.errors import DataFileError
from claims.records import ClaimInput, LineError, decode_lines, input_from_line, input_from_object

READ_CHUNK_BYTES = 1 << 20
PARQUET_COLUMNS = ("id", "text")


def resolve(location: str) -> tuple[Any, str]:
    """The pyarrow filesystem and path of ``location``: a URI (``s3://...``) or a local path."""
    from pyarrow import fs

    if "://" in location:
        try:
            return fs.FileSystem.from_uri(location)
        except (ValueError, OSError) as exc:
            raise DataFileError(f"{location}: cannot open ({exc})") from None
    return fs.LocalFileSystem(), str(Path(location).resolve())


def read_backlog(location: str) -> Iterator[tuple[int, ClaimInput | LineError]]:
    """Each record as a claim or a ``LineError``; ``.parquet`` files by row (row 1 = "line" 1),
    anything else as JSON Lines. Raises ``DataFileError`` for a missing or unreadable file."""
    from pyarrow import fs

    filesystem, path = resolve(location)
    if filesystem.get_file_info(path).type != fs.FileType.File:
        raise DataFileError(f"{location}: no such file")
    if path.endswith(".parquet"):
        yield from _parquet_rows(filesystem, path, location)
        return
    with filesystem.open_input_stream(path) as stream:
        for number, line in decode_lines(_split_lines(stream), location):
            yield number, input_from_line(number, line)


def _split_lines(stream: Any) -> Iterator[bytes]:
    """Lines of a pyarrow input stream (which, unlike a local file, cannot iterate lines itself)."""
    tail = b""
    while chunk := stream.read(READ_CHUNK_BYTES):
        lines = (tail + chunk).split(b"\n")
        tail = lines.pop()
        yield from (line + b"\n" for line in lines)
    if tail:
        yield tail


def _parquet_rows(filesystem: Any, path: str, location: str) -> Iterator[tuple[int, ClaimInput | LineError]]:
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path, filesystem=filesystem)
    except Exception as exc:  # pyarrow raises several types for a file that is not Parquet
        raise DataFileError(f"{location}: not a Parquet file ({type(exc).__name__})") from None
    missing = [column for column in PARQUET_COLUMNS if column not in parquet.schema_arrow.names]
    if missing:
        raise DataFileError(f"{location}: Parquet file has no column {', '.join(missing)}")
    number = 0
    for batch in parquet.iter_batches(columns=list(PARQUET_COLUMNS)):
        for row in batch.to_pylist():
            number += 1
            yield number, input_from_object(number, row)


def export_scored(scored: Path, location: str) -> int:
    """Copy the finished output (the local, append-only file that makes runs resumable) to
    ``location`` on any pyarrow filesystem: Parquet for ``.parquet``, else JSON Lines. Returns the
    number of lines written."""
    import json

    import pyarrow as pa
    import pyarrow.parquet as pq

    filesystem, path = resolve(location)
    lines = [line for line in scored.read_text(encoding="utf-8").splitlines() if line.strip()]
    if path.endswith(".parquet"):
        pq.write_table(pa.Table.from_pylist([json.loads(line) for line in lines]), path, filesystem=filesystem)
    else:
        with filesystem.open_output_stream(path) as stream:
            stream.write("".join(line + "\n" for line in lines).encode("utf-8"))
    return len(lines)
