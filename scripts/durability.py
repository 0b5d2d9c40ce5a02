"""Crash test of the routing service's promise that a claim answered with 201 is stored for good.

The intake system deletes its copy of a claim once the service answered 201, so a claim lost by a
crash is lost for good. This script starts the service on a fresh SQLite database, lets several
writer threads post claims (each with its own ``Idempotency-Key``), kills the whole server process
group with SIGKILL at a random moment every round, restarts it, and goes on. Writers retry a request
that got no answer with the same key after the restart, as a real client would, and count an id only
when it came with a 201. At the end the database is opened directly: every counted id must be in
table ``claims`` and ``PRAGMA integrity_check`` must say ``ok``; otherwise the exit code is 1.

Only counts are printed, never a claim's text.

Usage: python scripts/durability.py [--rounds 5] [--writers 8] [--var-dir DIR] [--port PORT]
       [--model-dir DIR] [--encoder-dir DIR] [--no-pii-model]
"""

from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from service.process import ServiceProcess, create_key, free_port, service_env

DB_NAME = "claims-triage.db"
# Short plain texts without personal data: the test is about storage, not about the model.
TEXTS: tuple[str, ...] = (
    "Storm damage: tiles blown off the roof, rain came into the attic.",
    "Burst pipe in the kitchen, water under the floor, plumber needed.",
    "Car hit a post in the car park, rear bumper dented.",
    "Der Sturm hat ein Dach beschädigt, Wasser im Keller.",
    "Bicycle stolen from the locked cellar last night.",
)


@dataclass
class Tally:
    """What the writers saw; one lock guards it all."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: int = 0  # HTTP attempts, retries included
    claims: int = 0  # distinct Idempotency-Keys tried
    ids: set[str] = field(default_factory=set)
    replayed: int = 0  # 201s that were replays of a claim stored before the answer was lost
    transport_errors: int = 0
    statuses: Counter[int] = field(default_factory=Counter)


def writer(url: str, key: str, index: int, stop: threading.Event, tally: Tally) -> None:
    """Posts claims until ``stop``; a request without an answer is retried with the same key."""
    headers = {"X-API-Key": key}
    with httpx.Client(base_url=url, timeout=30.0, headers=headers) as client:
        n = 0
        while not stop.is_set():
            n += 1
            body = {"text": TEXTS[(index + n) % len(TEXTS)]}
            idempotency_key = f"durability-{uuid.uuid4()}"
            with tally.lock:
                tally.claims += 1
            while not stop.is_set():
                with tally.lock:
                    tally.requests += 1
                try:
                    response = client.post("/v1/claims", json=body, headers={"Idempotency-Key": idempotency_key})
                except httpx.TransportError:
                    with tally.lock:
                        tally.transport_errors += 1
                    time.sleep(0.2)
                    continue
                with tally.lock:
                    tally.statuses[response.status_code] += 1
                    if response.status_code == 201:
                        tally.ids.add(response.json()["id"])
                        tally.replayed += response.headers.get("Idempotent-Replayed") == "true"
                if response.status_code == 201:
                    break
                if response.status_code in (401, 403, 413, 422):
                    break  # retrying cannot help; counted in statuses
                time.sleep(0.2)  # 503 while the model loads after a restart, 5xx: try again


@dataclass(frozen=True)
class Check:
    rows: int
    found: int
    missing: int
    integrity: str


def check_database(db_path: Path, ids: set[str]) -> Check:
    """Reads the SQLite file directly, after the server has stopped."""
    connection = sqlite3.connect(f"file:{db_path}?mode=rw", uri=True)
    try:
        stored = {row[0] for row in connection.execute("SELECT id FROM claims")}
        integrity = "; ".join(row[0] for row in connection.execute("PRAGMA integrity_check"))
    finally:
        connection.close()
    found = len(ids & stored)
    return Check(rows=len(stored), found=found, missing=len(ids) - found, integrity=integrity)


def print_table(rounds: int, tally: Tally, check: Check) -> None:
    headers = ["rounds", "requests sent", "claims tried", "201s", "replayed 201s", "ids found", "missing", "rows in db"]
    values = [rounds, tally.requests, tally.claims, len(tally.ids), tally.replayed, check.found, check.missing]
    cells = [str(v) for v in [*values, check.rows]] + [check.integrity]
    headers.append("integrity")
    print("| " + " | ".join(headers) + " |")
    print("|" + "|".join("-" * (len(h) + 2) for h in headers) + "|")
    print("| " + " | ".join(c.rjust(len(h)) for c, h in zip(cells, headers, strict=True)) + " |")
    statuses = ", ".join(f"{code}: {count}" for code, count in sorted(tally.statuses.items()))
    print(f"HTTP answers: {statuses or 'none'}; no answer (connection refused/reset): {tally.transport_errors}")


def run(args: argparse.Namespace, var_dir: Path) -> bool:
    """The whole test; True when nothing was lost and the database is intact."""
    rng = random.Random(args.seed)
    env = service_env(var_dir, args.model_dir, args.encoder_dir, args.no_pii_model)
    key = create_key(env, "intake", "durability")
    server = ServiceProcess(env, args.port or free_port(), var_dir / "server.log")
    server.start()
    took = server.wait_ready(args.ready_timeout)
    print(f"server ready in {took:.1f} s on {server.url}; var dir {var_dir}", flush=True)

    tally = Tally()
    stop = threading.Event()
    threads = [
        threading.Thread(target=writer, args=(server.url, key, i, stop, tally), name=f"writer-{i}", daemon=True)
        for i in range(args.writers)
    ]
    for thread in threads:
        thread.start()
    try:
        for round_no in range(1, args.rounds + 1):
            time.sleep(rng.uniform(args.min_wait, args.max_wait))
            server.kill()
            with tally.lock:
                so_far = len(tally.ids)
            print(f"round {round_no}: killed the server (SIGKILL) after {so_far} ids with 201", flush=True)
            server.start()
            took = server.wait_ready(args.ready_timeout)
            print(f"round {round_no}: restarted, ready in {took:.1f} s", flush=True)
        time.sleep(args.settle)  # let retries of the last round's lost answers come through
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        server.stop()

    check = check_database(var_dir / DB_NAME, tally.ids)
    print_table(args.rounds, tally, check)
    ok = check.missing == 0 and check.integrity == "ok" and len(tally.ids) > 0
    if not tally.ids:
        print("FAIL: no claim got a 201, nothing was tested")
    elif check.missing:
        print(f"FAIL: {check.missing} claims answered with 201 are not in the database")
    elif check.integrity != "ok":
        print("FAIL: PRAGMA integrity_check did not return ok")
    else:
        print("OK: every claim answered with 201 survived the kills; the database is intact")
    return ok


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5, help="How many times the server is killed (default 5).")
    parser.add_argument("--writers", type=int, default=8, help="Concurrent writer threads (default 8).")
    parser.add_argument("--port", type=int, default=0, help="Server port (default a free one).")
    parser.add_argument("--var-dir", type=Path, default=None, help="Database folder (default a new temp dir).")
    parser.add_argument("--model-dir", type=Path, default=None, help="CLAIMS_MODEL_DIR (default the shipped model).")
    parser.add_argument("--encoder-dir", type=Path, default=None, help="CLAIMS_ENCODER_DIR (default the built one).")
    parser.add_argument("--no-pii-model", action="store_true", help="CLAIMS_USE_PII_MODEL=false.")
    parser.add_argument("--min-wait", type=float, default=1.0, help="Shortest run before a kill, seconds.")
    parser.add_argument("--max-wait", type=float, default=3.0, help="Longest run before a kill, seconds.")
    parser.add_argument("--settle", type=float, default=1.0, help="Seconds of writing after the last restart.")
    parser.add_argument("--ready-timeout", type=float, default=180.0, help="Seconds to wait for /readyz.")
    parser.add_argument("--seed", type=int, default=None, help="Seed of the kill times.")
    args = parser.parse_args(argv)
    if args.rounds < 1 or args.writers < 1:
        parser.error("--rounds and --writers must be at least 1")
    if not 0 <= args.min_wait <= args.max_wait:
        parser.error("need 0 <= --min-wait <= --max-wait")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.var_dir is not None:
        args.var_dir.mkdir(parents=True, exist_ok=True)
        if (args.var_dir / DB_NAME).exists():
            raise SystemExit(f"error: {args.var_dir / DB_NAME} exists; give an empty --var-dir")
        return 0 if run(args, args.var_dir) else 1
    var_dir = Path(tempfile.mkdtemp(prefix="claims-durability-"))
    ok = run(args, var_dir)
    if ok:
        shutil.rmtree(var_dir, ignore_errors=True)
    else:
        print(f"kept {var_dir} (database and server.log) for inspection")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
