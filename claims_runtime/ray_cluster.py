"""A real two-node Ray cluster on loopback, for the tests and the benchmark of ``score --engine
ray`` (and to try a cluster on one machine): a head and a second node, each a ``ray start --block`` child of the test session with one CPU and small memory
(a 2-core CI box), token authentication with a fresh token, and its own temp directory. Stopping
signals exactly those two processes (which take their Ray daemons down with them); it never runs
``ray stop``, which would end every Ray process of the machine."""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

NODE_FLAGS = [
    "--block",
    "--node-ip-address=127.0.0.1",
    "--num-cpus=1",
    "--memory=2000000000",
    "--object-store-memory=150000000",
    "--disable-usage-stats",
]
START_ATTEMPTS = 3
STARTUP_SECONDS = 300  # generous: a loaded CI box takes minutes to start Ray


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cluster_env() -> dict[str, str]:
    """Environment of the nodes and of every driver that joins them (same token). Ray runs its
    workers at niceness 15 by default; on a machine shared with other jobs that starves the actors,
    so they run at the niceness of the local engine they are compared with."""
    return {**os.environ, "RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN": secrets.token_hex(32), "RAY_worker_niceness": "0"}


def _node_count(address: str, env: dict[str, str]) -> int:
    """Alive nodes, or 0 while the head does not answer yet (probing before that would hang)."""
    host, port = address.rsplit(":", 1)
    try:
        socket.create_connection((host, int(port)), timeout=2).close()
    except OSError:
        return 0
    probe = (
        "import ray; ray.init(address=%r, logging_level='ERROR'); print(len([n for n in ray.nodes() if n['Alive']]))"
    )
    try:
        result = subprocess.run(
            [sys.executable, "-c", probe % address], env=env, capture_output=True, text=True, timeout=120
        )
    except subprocess.TimeoutExpired:
        return 0
    return int(result.stdout.strip().splitlines()[-1]) if result.returncode == 0 and result.stdout.strip() else 0


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM lets ``ray start --block`` stop its daemons; its process group is killed if it hangs."""
    if process.poll() is None:
        process.terminate()
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


@contextmanager
def local_cluster(log_dir: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """Yield the head's address and the environment to join it with; stopped even on failure."""
    ray = str(Path(sys.executable).with_name("ray"))
    env = cluster_env()
    port = _free_port()
    address = f"127.0.0.1:{port}"
    temp_dir = tempfile.mkdtemp(prefix="ray", dir="/tmp")  # short: Ray's socket paths have a length limit
    nodes: list[subprocess.Popen[bytes]] = []
    try:
        for name, flags in (
            ("head", ["--head", f"--port={port}", "--include-dashboard=false", f"--temp-dir={temp_dir}"]),
            ("node2", [f"--address={address}"]),
        ):
            for attempt in range(1, START_ATTEMPTS + 1):  # Ray gives its raylet 30 s; a loaded box can miss that
                with (log_dir / f"ray-{name}-{attempt}.log").open("wb") as log:
                    node = subprocess.Popen(
                        [ray, "start", *flags, *NODE_FLAGS],
                        env=env,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                    )
                nodes.append(node)
                deadline = time.monotonic() + STARTUP_SECONDS
                while node.poll() is None and time.monotonic() < deadline and _node_count(address, env) < len(nodes):
                    time.sleep(2)
                if node.poll() is None and _node_count(address, env) >= len(nodes):
                    break
                _stop(nodes.pop())
            else:
                raise RuntimeError(f"Ray {name} did not come up; see {log_dir}/ray-{name}-*.log")
        yield address, env
    finally:
        for node in reversed(nodes):
            _stop(node)
        shutil.rmtree(temp_dir, ignore_errors=True)
