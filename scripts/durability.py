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
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx

DB_NAME = "claims-triage.db"
# Short plain texts without personal data: the test is about storage, not about the model.
TEXTS: tuple[str, ...] = (
    "Storm damage: tiles blown off the roof, rain came into the attic.",
    "Burst pipe in the kitchen, water under the floor, plumber needed.",
    "Car hit a post in the car park, rear bumper dented.",
    "Der Sturm hat ein Dach beschädigt, Wasser im Keller.",
    "Bicycle stolen from the locked cellar last night.",
)


def cli_path() -> str:
    """The ``claims-triage`` command of the running interpreter's environment (the venv)."""
    beside = Path(sys.executable).parent / "claims-triage"
    if beside.exists():
        return str(beside)
    found = shutil.which("claims-triage")
    if found is None:
        raise SystemExit("error: the claims-triage command is not installed in this environment")
    return found


def free_port() -> int:
    """A port the kernel just handed out (it is reused for every restart)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def service_env(var_dir: Path, model_dir: Path | None, encoder_dir: Path | None, no_pii_model: bool) -> dict[str, str]:
    """The environment of the key command and the server: SQLite in ``var_dir``, offline models."""
    env = dict(os.environ)
    env.pop("CLAIMS_DATABASE_URL", None)  # the check reads the SQLite file directly
    env["CLAIMS_VAR_DIR"] = str(var_dir)
    if model_dir is not None:
        env["CLAIMS_MODEL_DIR"] = str(model_dir)
    if encoder_dir is not None:
        env["CLAIMS_ENCODER_DIR"] = str(encoder_dir)
    if no_pii_model:
        env["CLAIMS_USE_PII_MODEL"] = "false"
    for name, value in (("HF_HUB_OFFLINE", "1"), ("TRANSFORMERS_OFFLINE", "1"), ("TOKENIZERS_PARALLELISM", "false")):
        env.setdefault(name, value)
    return env


def create_intake_key(env: dict[str, str]) -> str:
    """A fresh intake key through the CLI (which also migrates the new database)."""
    result = subprocess.run(
        [cli_path(), "keys", "create", "--role", "intake", "--label", "durability"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        raise SystemExit(f"error: `claims-triage keys create` failed ({result.returncode}):\n{result.stderr.strip()}")
    return result.stdout.strip().splitlines()[-1]


class Server:
    """The service as a child process in its own session, so that SIGKILL takes the whole group."""

    def __init__(self, env: dict[str, str], port: int, log_path: Path) -> None:
        self.env = env
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    def start(self) -> None:
        self._log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [cli_path(), "serve", "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning"],
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float) -> float:
        """Seconds until ``/readyz`` said 200; exits with the log's tail if the server died or hung."""
        assert self.process is not None
        started = time.monotonic()
        with httpx.Client(base_url=self.url, timeout=2.0) as client:
            while time.monotonic() - started < timeout:
                if self.process.poll() is not None:
                    self._fail(f"the server exited with code {self.process.returncode} before it was ready")
                try:
                    response = client.get("/readyz")
                    if response.status_code == 200:
                        return time.monotonic() - started
                    if "error" in response.json():
                        self._fail(f"the server could not load the model: {response.json()['error']}")
                except httpx.TransportError:
                    pass
                time.sleep(0.1)
        self._fail(f"the server was not ready within {timeout:.0f} s")
        raise AssertionError  # unreachable: _fail exits

    def kill(self) -> None:
        """SIGKILL to the whole process group: no shutdown hook, no flush, no goodbye."""
        assert self.process is not None
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()
        self._close_log()

    def stop(self, timeout: float = 30.0) -> None:
        """Graceful stop (SIGTERM), SIGKILL if it does not end in time."""
        if self.process is None or self.process.poll() is not None:
            self._close_log()
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
        except ProcessLookupError:
            pass
        self._close_log()

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None

    def _fail(self, message: str) -> None:
        self.stop(timeout=5.0)
        tail = self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-20:]
        raise SystemExit(f"error: {message}; server log {self.log_path}:\n" + "\n".join(tail))


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
    key = create_intake_key(env)
    server = Server(env, args.port or free_port(), var_dir / "server.log")
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
