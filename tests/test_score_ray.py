"""``claims-triage score --engine ray`` against a real two-node Ray cluster on loopback: the same
lines and errors as the local engine, kill-and-resume without loss or duplicates, and the shipped
model's decisions on the test split identical to the local engine's."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from claims.taxonomy import TASKS
from claims_runtime.ray_cluster import local_cluster

REPO = Path(__file__).resolve().parents[1]
CLI = str(Path(sys.executable).with_name("claims-triage"))
TEXTS = [
    "der Sturm hat ein Dach",
    "Wasser im Keller, Herr Koch, Tel. 0721 556 23 10",
    "the storm hit the roof",
    "Wasserschaden in der Küche",
    "passage: die Sturm Dach",
]


@pytest.fixture(scope="session")
def ray_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    with local_cluster(tmp_path_factory.mktemp("ray-logs")) as cluster:
        yield cluster


@pytest.fixture()
def tiny_env(ray_cluster: tuple[str, dict[str, str]], tiny_encoder_dir: Path, tiny_model_dir: Path) -> dict[str, str]:
    return {
        **ray_cluster[1],
        "CLAIMS_ENCODER_DIR": str(tiny_encoder_dir),
        "CLAIMS_MODEL_DIR": str(tiny_model_dir),
        "CLAIMS_USE_PII_MODEL": "false",
    }


def score(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CLI, "score", *args], env=env, capture_output=True, text=True, timeout=900, cwd=REPO)


def on_ray(address: str) -> list[str]:
    return ["--engine", "ray", "--ray-address", address, "--actors", "2"]


def by_id(path: Path) -> dict[str, dict[str, object]]:
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    ids = [line["id"] for line in lines]
    assert len(ids) == len(set(ids)), "an id was written twice"
    return {line["id"]: line for line in lines}


def assert_same_decisions(local: dict[str, dict[str, object]], ray: dict[str, dict[str, object]]) -> None:
    """Labels and every other field identical; confidences equal within float tolerance."""
    assert local.keys() == ray.keys()
    for cid, line in local.items():
        other = dict(ray[cid])
        for task in TASKS:
            assert other[task] == line[task], (cid, task)
        confidence, other_confidence = line["confidence"], other.pop("confidence")
        assert isinstance(confidence, dict) and isinstance(other_confidence, dict)
        for task in TASKS:
            assert abs(confidence[task] - other_confidence[task]) <= 2e-3, (cid, task)
        assert {k: v for k, v in line.items() if k != "confidence"} == other, cid


def test_ray_engine_writes_the_local_engines_lines_and_errors(
    ray_cluster: tuple[str, dict[str, str]], tiny_env: dict[str, str], tmp_path: Path
) -> None:
    rows: list[object] = [{"id": f"c{i}", "text": f"{TEXTS[i % len(TEXTS)]} {i}"} for i in range(150)]
    rows[10:10] = ["{broken", {"id": "b", "text": ""}, {"id": "c", "text": "x" * 20_001}, {"id": "c1", "text": "dup"}]
    rows.append({"id": "e", "text": "nul\x00byte"})
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    local = score(["-i", str(source), "-o", str(tmp_path / "local.jsonl"), "--batch-size", "8"], tiny_env)
    ray = score(
        ["-i", str(source), "-o", str(tmp_path / "ray.jsonl"), "--batch-size", "8", *on_ray(ray_cluster[0])], tiny_env
    )
    assert local.returncode == 1 and ray.returncode == 1, ray.stderr[-3000:]
    assert "scored 150 claim(s)" in ray.stdout and "5 failed" in ray.stdout, ray.stdout
    assert_same_decisions(by_id(tmp_path / "local.jsonl"), by_id(tmp_path / "ray.jsonl"))
    errors = (tmp_path / "ray.jsonl.errors.jsonl").read_text(encoding="utf-8")
    assert errors == (tmp_path / "local.jsonl.errors.jsonl").read_text(encoding="utf-8")
    assert [(e["line"], e["id"]) for e in map(json.loads, errors.splitlines())] == [
        (11, None), (12, "b"), (13, "c"), (14, "c1"), (155, "e"),
    ]  # fmt: skip
    for written in (tmp_path / "ray.jsonl").read_text(encoding="utf-8"), errors, ray.stdout, ray.stderr:
        assert "0721" not in written and "Koch" not in written


def test_killed_ray_run_resumes_with_every_id_exactly_once(
    ray_cluster: tuple[str, dict[str, str]], tiny_env: dict[str, str], tmp_path: Path
) -> None:
    total = 1200
    source = tmp_path / "in.jsonl"
    source.write_text(
        "".join(json.dumps({"id": str(i), "text": f"{TEXTS[i % len(TEXTS)]} {i}"}) + "\n" for i in range(total)),
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    args = ["-i", str(source), "-o", str(out), "--batch-size", "4", *on_ray(ray_cluster[0])]
    run = subprocess.Popen([CLI, "score", *args], env=tiny_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 600
    while run.poll() is None and (not out.exists() or out.stat().st_size == 0) and time.monotonic() < deadline:
        time.sleep(0.05)
    run.send_signal(signal.SIGKILL)
    run.wait(timeout=60)
    written = out.read_text(encoding="utf-8").count("\n")
    assert run.returncode == -signal.SIGKILL and 0 < written < total, (run.returncode, written)
    resumed = score(args, tiny_env)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert sorted(by_id(out), key=int) == [str(i) for i in range(total)]


@pytest.mark.slow
def test_shipped_model_on_the_test_split_decides_as_the_local_engine(
    ray_cluster: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    source = str(REPO / "data" / "claims" / "test.jsonl")
    env = ray_cluster[1]
    local = score(["-i", source, "-o", str(tmp_path / "local.jsonl")], env)
    ray = score(["-i", source, "-o", str(tmp_path / "ray.jsonl"), *on_ray(ray_cluster[0])], env)
    assert local.returncode == 0 and ray.returncode == 0, ray.stderr[-3000:]
    local_lines = by_id(tmp_path / "local.jsonl")
    assert len(local_lines) == sum(1 for line in open(source, encoding="utf-8") if line.strip())
    assert_same_decisions(local_lines, by_id(tmp_path / "ray.jsonl"))
