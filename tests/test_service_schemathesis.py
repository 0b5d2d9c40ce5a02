"""Schemathesis against the live service's OpenAPI schema: every operation, every check, with an
admin key (so authorised paths are explored) — no response may be a 5xx or break the schema."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from service.app import create_app
from service.process import free_port
from tests.service_support import add_key, make_settings

MAX_EXAMPLES = 120  # per operation and phase; the run must reach >= 1,000 generated cases


@pytest.fixture()
def live_service(
    tmp_path: Path, sqlite_url: str, tiny_model_dir: Path, tiny_encoder_dir: Path
) -> Iterator[tuple[str, str]]:
    settings = make_settings(tmp_path, sqlite_url, tiny_model_dir, tiny_encoder_dir)
    key = add_key(settings, "admin")
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/readyz").status_code == 200:
                break
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    yield url, key
    server.should_exit = True
    thread.join(timeout=30)


@pytest.mark.slow
def test_schemathesis_finds_no_server_error(live_service: tuple[str, str], tmp_path: Path) -> None:
    url, key = live_service
    report = tmp_path / "report.ndjson"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "schemathesis.cli",
            "--config-file",
            str(Path(__file__).with_name("schemathesis.toml")),
            "run",
            f"{url}/openapi.json",
            "--checks",
            "all",
            "--max-examples",
            str(MAX_EXAMPLES),
            "--seed",
            os.environ.get("CLAIMS_SCHEMATHESIS_SEED", "7"),  # another seed explores other cases
            "-H",
            f"X-API-Key: {key}",
            "--report",
            "ndjson",
            "--report-ndjson-path",
            str(report),
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=1200,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    summary = re.search(r"(\d+) generated, (\d+) passed", output)
    assert summary, output[-3000:]
    generated, passed = map(int, summary.groups())
    print(summary.group(0))  # shown with pytest -s
    assert generated >= 1000 and passed == generated, summary.group(0)
    assert report.stat().st_size > 0
