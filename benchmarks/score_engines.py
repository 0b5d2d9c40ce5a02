"""Throughput of ``claims-triage score``: the local engine against the Ray engine, whole commands
(start-up, model loading and Ray's own start-up included), with the shipped model.

Why: Ray is worth its overhead only where a backlog outgrows one machine; this table says what it
costs on one machine and what one actor scores, from which the per-node scaling follows.

Runs, all in one invocation so the ratios share the machine's load:
1. the test split: local engine; Ray on a local instance with 1 actor; with 2 actors;
2. a synthetic backlog (the test split repeated under new ids, default 10,000 claims): local
   engine; Ray on a real two-node cluster on loopback (``ray start`` head + node, 1 CPU each).

Usage: python benchmarks/score_engines.py [--data data/claims/test.jsonl] [--backlog 10000]
       [--skip-backlog]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from claims.records import read_labeled
from claims_runtime.ray_cluster import local_cluster

CLI = str(Path(sys.executable).with_name("claims-triage"))


def timed_score(source: Path, out: Path, extra: list[str], env: dict[str, str]) -> float:
    """Seconds of one whole ``score`` command; any failed line or error aborts the benchmark."""
    started = time.perf_counter()
    result = subprocess.run(
        [CLI, "score", "-i", str(source), "-o", str(out), *extra], env=env, capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"score {' '.join(extra)} failed:\n{result.stderr[-2000:]}")
    return seconds


def synthetic_backlog(data: Path, size: int, dest: Path) -> Path:
    """The split's claims repeated under fresh ids until ``size`` lines."""
    claims = read_labeled(data)
    with dest.open("w", encoding="utf-8") as handle:
        for i in range(size):
            claim = claims[i % len(claims)]
            handle.write(json.dumps({"id": f"{i}-{claim.id}", "text": claim.text}, ensure_ascii=False) + "\n")
    return dest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=Path("data/claims/test.jsonl"))
    parser.add_argument("--backlog", type=int, default=10_000)
    parser.add_argument("--skip-backlog", action="store_true")
    args = parser.parse_args()
    env = {**os.environ, "RAY_worker_niceness": "0"}  # Ray's default 15 would favour the local engine
    split = len(read_labeled(args.data))
    print(f"{'run':<52} {'claims':>7} {'seconds':>8} {'claims/s':>9} {'vs local':>9}", flush=True)
    with tempfile.TemporaryDirectory(prefix="score-bench") as tmp:
        work = Path(tmp)
        local = timed_score(args.data, work / "local.jsonl", [], env)
        report("test split: local engine", split, local, local)
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"(peak RSS of the local engine = one loaded pipeline + its batch: {peak_mb:.0f} MB)", flush=True)
        for actors in (1, 2):
            seconds = timed_score(
                args.data, work / f"ray{actors}.jsonl", ["--engine", "ray", "--actors", str(actors)], env
            )
            report(f"test split: Ray local instance, {actors} actor(s)", split, seconds, local)
        if not args.skip_backlog:
            backlog = synthetic_backlog(args.data, args.backlog, work / "backlog.jsonl")
            local = timed_score(backlog, work / "backlog-local.jsonl", [], env)
            report("backlog: local engine", args.backlog, local, local)
            with local_cluster(work) as (address, cluster_env):
                extra = ["--engine", "ray", "--ray-address", address, "--actors", "2"]
                seconds = timed_score(backlog, work / "backlog-ray.jsonl", extra, cluster_env)
            report("backlog: Ray two-node loopback cluster, 2 actors", args.backlog, seconds, local)
    print(f"machine: {os.cpu_count()} CPUs; whole commands incl. model load; one run, ratios within it")


def report(run: str, claims: int, seconds: float, local_seconds: float) -> None:
    """One table row as soon as it is measured (a long run shows its rows as they come)."""
    print(f"{run:<52} {claims:>7} {seconds:>8.1f} {claims / seconds:>9.2f} {local_seconds / seconds:>8.0%}", flush=True)


if __name__ == "__main__":
    main()
