"""Load benchmark of the routing service: claims/s and latency of ``POST /v1/claims`` under closed-loop
concurrency, and whether ``/healthz`` stays quick while the model is busy.

Why: the intake system posts claims concurrently and the service's target is p95 <= 150 ms at
8 clients for a claim of median length; a busy inference thread must also not starve the liveness
probe (an orchestrator would restart a healthy but loaded service).

By default the script starts the service itself (``claims-triage serve``) with the shipped model on
a fresh SQLite database in a temp dir and creates an intake key; ``--url`` with ``--key`` measures a
running service instead. Two texts come from the test split (markup removed): the claim whose word
count is the median, and one near the 95th percentile ("long"). For each text and each concurrency
level, N clients post that text back to back (no Idempotency-Key) for ``--seconds``, while a prober
calls ``/healthz`` every 100 ms. Client and server share the machine, so the numbers include the
client's own CPU use. Claim texts are never printed.

Usage: python benchmarks/load.py [--clients 1,4,8,16] [--seconds 15] [--json PATH]
       [--url URL --key KEY] [--data data/claims/test.jsonl]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import platform
import shutil
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx

from claims.records import read_labeled
from service.process import ServiceProcess, create_key, free_port, service_env, wait_ready

REPO = Path(__file__).resolve().parents[1]
TARGET_CLIENTS = 8
TARGET_P95_MS = 150.0
PROBE_INTERVAL = 0.1


@dataclass(frozen=True)
class Text:
    kind: str
    claim_id: str
    words: int
    chars: int
    text: str


@dataclass(frozen=True)
class Result:
    kind: str
    clients: int
    requests: int
    errors: int
    seconds: float
    claims_per_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    healthz_probes: int
    healthz_p50_ms: float
    healthz_p95_ms: float
    healthz_max_ms: float


def percentile(values: list[float], q: float) -> float:
    """Linear interpolation between closest ranks; NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    low, high = math.floor(pos), math.ceil(pos)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def pick_texts(path: Path) -> list[Text]:
    """The median-length claim and a long one (95th percentile of word counts), as plain text."""
    claims = sorted(read_labeled(path), key=lambda c: (len(c.text.split()), c.id))
    if not claims:
        raise SystemExit(f"error: no claims in {path}")
    picks = {"median": claims[(len(claims) - 1) // 2], "long": claims[round(0.95 * (len(claims) - 1))]}
    return [Text(kind, c.id, len(c.text.split()), len(c.text), c.text) for kind, c in picks.items()]


class LocalServer(ServiceProcess):
    """The service on a temp SQLite database; the temp dir is kept (with server.log) when the
    server died on its own, for inspection."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.var_dir = Path(tempfile.mkdtemp(prefix="claims-load-"))
        env = service_env(self.var_dir, args.model_dir, args.encoder_dir, args.no_pii_model)
        super().__init__(env, args.port or free_port(), self.var_dir / "server.log")

    def stop(self, timeout: float = 30.0) -> None:
        died = self.process is not None and not self.alive()
        super().stop(timeout)
        if died:
            print(f"kept {self.var_dir} (server.log) for inspection", file=sys.stderr)
        else:
            shutil.rmtree(self.var_dir, ignore_errors=True)


async def client_loop(
    http: httpx.AsyncClient, body: dict[str, str], deadline: float, latencies: list[float], errors: list[str]
) -> None:
    """One closed-loop client: the next request leaves as soon as the previous one is answered."""
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        try:
            response = await http.post("/v1/claims", json=body)
        except httpx.HTTPError as error:
            errors.append(type(error).__name__)
            await asyncio.sleep(0.05)  # the service is gone or overloaded: do not spin
            continue
        if response.status_code == 201:
            latencies.append((time.perf_counter() - started) * 1000)
        else:
            errors.append(str(response.status_code))


async def prober(http: httpx.AsyncClient, stop: asyncio.Event, latencies: list[float], errors: list[str]) -> None:
    """``/healthz`` every 100 ms (on its own connection), as a liveness probe would."""
    while not stop.is_set():
        started = time.perf_counter()
        try:
            response = await http.get("/healthz")
            if response.status_code == 200:
                latencies.append((time.perf_counter() - started) * 1000)
            else:
                errors.append(str(response.status_code))
        except httpx.HTTPError as error:
            errors.append(type(error).__name__)
        try:
            await asyncio.wait_for(stop.wait(), timeout=max(0.0, PROBE_INTERVAL - (time.perf_counter() - started)))
        except TimeoutError:
            pass


async def run_level(url: str, key: str, text: Text, clients: int, seconds: float) -> Result:
    """``clients`` closed-loop clients on ``text`` for ``seconds``, with the prober alongside."""
    headers = {"X-API-Key": key}
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    latencies: list[float] = []
    errors: list[str] = []
    probe_latencies: list[float] = []
    probe_errors: list[str] = []
    body = {"text": text.text}
    async with (
        httpx.AsyncClient(base_url=url, headers=headers, limits=limits, timeout=60.0) as http,
        httpx.AsyncClient(base_url=url, timeout=10.0) as probe_http,
    ):
        stop = asyncio.Event()
        probe = asyncio.create_task(prober(probe_http, stop, probe_latencies, probe_errors))
        started = time.perf_counter()
        deadline = started + seconds
        await asyncio.gather(*(client_loop(http, body, deadline, latencies, errors) for _ in range(clients)))
        elapsed = time.perf_counter() - started
        stop.set()
        await probe
    return Result(
        kind=text.kind,
        clients=clients,
        requests=len(latencies) + len(errors),
        errors=len(errors),
        seconds=round(elapsed, 2),
        claims_per_s=round(len(latencies) / elapsed, 2),
        p50_ms=round(percentile(latencies, 50), 1),
        p95_ms=round(percentile(latencies, 95), 1),
        p99_ms=round(percentile(latencies, 99), 1),
        healthz_probes=len(probe_latencies) + len(probe_errors),
        healthz_p50_ms=round(percentile(probe_latencies, 50), 1),
        healthz_p95_ms=round(percentile(probe_latencies, 95), 1),
        healthz_max_ms=round(max(probe_latencies, default=math.nan), 1),
    )


async def warm_up(url: str, key: str, texts: list[Text]) -> None:
    """A few requests first, so that the first level does not pay for lazy initialisation."""
    async with httpx.AsyncClient(base_url=url, headers={"X-API-Key": key}, timeout=60.0) as http:
        for text in texts:
            for _ in range(3):
                response = await http.post("/v1/claims", json={"text": text.text})
                if response.status_code != 201:
                    raise SystemExit(f"error: warm-up request answered {response.status_code} (is the key intake?)")


def markdown(results: list[Result]) -> str:
    header = (
        "| kind | clients | requests | claims/s | p50 ms | p95 ms | p99 ms | healthz p50 ms | healthz p95 ms | errors |\n"
        "|------|--------:|---------:|---------:|-------:|-------:|-------:|---------------:|---------------:|-------:|"
    )
    rows = [
        f"| {r.kind} | {r.clients} | {r.requests} | {r.claims_per_s:.1f} | {r.p50_ms:.0f} | {r.p95_ms:.0f} | "
        f"{r.p99_ms:.0f} | {r.healthz_p50_ms:.1f} | {r.healthz_p95_ms:.1f} | {r.errors} |"
        for r in results
    ]
    return "\n".join([header, *rows])


def target_verdict(results: list[Result]) -> tuple[bool | None, str]:
    """The service's target: p95 <= 150 ms at 8 clients for median claims."""
    match = [r for r in results if r.kind == "median" and r.clients == TARGET_CLIENTS]
    if not match:
        return None, f"target p95 <= {TARGET_P95_MS:.0f} ms at {TARGET_CLIENTS} clients (median): not measured"
    p95 = match[0].p95_ms
    met = p95 <= TARGET_P95_MS and match[0].errors == 0
    verdict = "MET" if met else "NOT MET"
    return met, (
        f"target p95 <= {TARGET_P95_MS:.0f} ms at {TARGET_CLIENTS} clients for median claims: {verdict} "
        f"(p95 {p95:.0f} ms, {match[0].errors} errors)"
    )


async def measure(
    url: str, key: str, texts: list[Text], levels: list[int], seconds: float, server: LocalServer | None
) -> list[Result]:
    await warm_up(url, key, texts)
    results = []
    for text in texts:
        for clients in levels:
            result = await run_level(url, key, text, clients, seconds)
            print(
                f"  {text.kind:6} {clients:3} clients: {result.claims_per_s:6.1f} claims/s, p95 {result.p95_ms:.0f} ms",
                file=sys.stderr,
                flush=True,
            )
            results.append(result)
            if server is not None and not server.alive():
                raise SystemExit(
                    f"error: the server died during {text.kind} x {clients} (exit code {server.returncode}):\n"
                    + server.log_tail()
                )
    return results


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=None, help="A running service (default: start one).")
    parser.add_argument("--key", default=None, help="Intake key of the running service (with --url).")
    parser.add_argument("--data", type=Path, default=REPO / "data" / "claims" / "test.jsonl")
    parser.add_argument("--clients", default="1,4,8,16", help="Concurrency levels, comma-separated.")
    parser.add_argument("--seconds", type=float, default=15.0, help="Duration of each level (default 15).")
    parser.add_argument("--kinds", default="median,long", help="Texts to post: median, long or both.")
    parser.add_argument("--json", type=Path, default=None, help="Also write the results as JSON here.")
    parser.add_argument("--port", type=int, default=0, help="Port of the started server (default a free one).")
    parser.add_argument("--model-dir", type=Path, default=None, help="CLAIMS_MODEL_DIR of the started server.")
    parser.add_argument("--encoder-dir", type=Path, default=None, help="CLAIMS_ENCODER_DIR of the started server.")
    parser.add_argument("--no-pii-model", action="store_true", help="CLAIMS_USE_PII_MODEL=false for the server.")
    parser.add_argument("--ready-timeout", type=float, default=180.0)
    args = parser.parse_args(argv)
    try:
        args.levels = [int(part) for part in args.clients.split(",") if part.strip()]
    except ValueError:
        parser.error("--clients takes comma-separated integers, e.g. 1,4,8,16")
    if not args.levels or min(args.levels) < 1:
        parser.error("--clients needs at least one level >= 1")
    args.kind_list = [k.strip() for k in args.kinds.split(",") if k.strip()]
    if not args.kind_list or set(args.kind_list) - {"median", "long"}:
        parser.error("--kinds takes median, long or median,long")
    if (args.url is None) != (args.key is None):
        parser.error("--url and --key go together")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    texts = [t for t in pick_texts(args.data) if t.kind in args.kind_list]
    server: LocalServer | None = None
    try:
        if args.url is None:
            server = LocalServer(args)
            key = create_key(server.env, "intake", "load-benchmark")
            server.start()
            url = server.url
        else:
            url, key = args.url.rstrip("/"), args.key
        took = wait_ready(url, args.ready_timeout, server)
        where = "started locally" if server else "running"
        print(f"service {url} ({where}) ready after {took:.1f} s", file=sys.stderr, flush=True)
        results = asyncio.run(measure(url, key, texts, args.levels, args.seconds, server))
    finally:
        if server is not None:
            server.stop()

    print(f"Load benchmark, {args.seconds:g} s per level, {os.cpu_count()} CPUs, {platform.platform()}")
    for text in texts:
        print(f"- {text.kind}: claim {text.claim_id} of {args.data.name}, {text.words} words, {text.chars} characters")
    print()
    print(markdown(results))
    print()
    met, verdict = target_verdict(results)
    print(verdict)
    if args.json is not None:
        payload = {
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "url": url if server is None else "local",
            "seconds_per_level": args.seconds,
            "cpus": os.cpu_count(),
            "texts": [{k: v for k, v in asdict(t).items() if k != "text"} for t in texts],
            "results": [asdict(r) for r in results],
            "target": {"clients": TARGET_CLIENTS, "p95_ms": TARGET_P95_MS, "met": met},
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
        print(f"results written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
