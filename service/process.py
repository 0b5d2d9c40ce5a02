"""The service as a child process (``claims-triage serve``), for the tools that must treat it as a
black box: the durability check kills it with SIGKILL, the load benchmark measures it over HTTP.
One launcher, so both start, wait for and stop the service the same way."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import IO, NoReturn

import httpx


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
    """A port the kernel just handed out on loopback."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def service_env(var_dir: Path, model_dir: Path | None, encoder_dir: Path | None, no_pii_model: bool) -> dict[str, str]:
    """The environment of the key command and the server: SQLite in ``var_dir``, offline models."""
    env = dict(os.environ)
    env.pop("CLAIMS_DATABASE_URL", None)  # callers read or discard the SQLite file in var_dir
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


def create_key(env: dict[str, str], role: str, label: str, tenants: tuple[str, ...] = ()) -> str:
    """A fresh key through the CLI (which also migrates a new database)."""
    result = subprocess.run(
        [cli_path(), "keys", "create", "--role", role, "--label", label, *(f"--tenant={t}" for t in tenants)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        raise SystemExit(f"error: `claims-triage keys create` failed ({result.returncode}):\n{result.stderr.strip()}")
    return result.stdout.strip().splitlines()[-1]


class ServiceProcess:
    """``claims-triage serve`` in its own session, so that a signal reaches the whole group."""

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

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    @property
    def returncode(self) -> int | None:
        return None if self.process is None else self.process.poll()

    def wait_ready(self, timeout: float) -> float:
        return wait_ready(self.url, timeout, self)

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
        if not self.alive():
            self._close_log()
            return
        assert self.process is not None
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
        except ProcessLookupError:
            pass
        self._close_log()

    def log_tail(self, lines: int = 20) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None


def wait_ready(url: str, timeout: float, process: ServiceProcess | None = None) -> float:
    """Seconds until ``/readyz`` said 200. Exits with the reason (and the log's tail, after stopping
    ``process``) when the server died, could not load its model, or hung."""
    started = time.monotonic()
    with httpx.Client(base_url=url, timeout=2.0) as client:
        while time.monotonic() - started < timeout:
            if process is not None and not process.alive():
                _not_ready(f"the server exited with code {process.returncode} before it was ready", process)
            try:
                response = client.get("/readyz")
                if response.status_code == 200:
                    return time.monotonic() - started
                if "error" in response.json():
                    _not_ready(f"the service could not load its model: {response.json()['error']}", process)
            except httpx.TransportError:
                pass
            time.sleep(0.1)
    _not_ready(f"{url} was not ready within {timeout:.0f} s", process)


def _not_ready(message: str, process: ServiceProcess | None) -> NoReturn:
    if process is not None:
        message += f"; server log {process.log_path}:\n{process.log_tail()}"  # read before stop() may clean up
        process.stop(timeout=5.0)
    raise SystemExit(f"error: {message}")
