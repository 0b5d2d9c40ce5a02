"""Issue 14's measurements, in one run on this machine (timings as ratios within the run):

1. the anonymizer (the service's: patterns + PII model) on 20,000-character inputs, pathological
   ones against normal claim text of the same length — seconds, ratio, accepted or refused;
2. the routing service (started here with the shipped model, fresh SQLite): a normal claim's
   latency alone, then while one client keeps 8 pathological claims in flight with another key;
3. the cross-tenant matrix: two intake systems, clerks and auditors granted one tenant or all;
   every key reads, lists, filters and reviews every claim; a leak is any access outside its grant.

Usage: python benchmarks/hardening.py [--part anonymizer,service,tenants] [--repeat 3] [--samples 10]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

from claims.records import read_labeled
from service.process import ServiceProcess, create_key, free_port, service_env

DATA = Path("data/claims/test.jsonl")
LENGTH = 20_000


def normal_text(length: int = LENGTH) -> str:
    """Test claims joined until ``length`` characters: what a long, ordinary report looks like."""
    text, claims = "", [c.text for c in read_labeled(DATA)]
    for claim in claims:
        if len(text) >= length:
            break
        text += claim + "\n\n"
    return text[:length]


def pathological_texts() -> dict[str, str]:
    """The attack run's inputs (issue 14, finding 8) and a few more of the same kind."""
    return {
        "e + U+0301": "e\u0301" * (LENGTH // 2),
        "水": "水" * LENGTH,
        "a.": "a." * (LENGTH // 2),
        "x@": "x@" * (LENGTH // 2),
        "@.": "@." * (LENGTH // 2),
        "grouped IBANs": ("DE02 1203 0000 0000 2020 51 " * 800)[:LENGTH],
        "digits": "1" * LENGTH,
        "1.": "1." * (LENGTH // 2),
        "ab ab ab": ("ab " * 7000)[:LENGTH],
    }


def bench_anonymizer(repeat: int) -> None:
    from claims.anonymizer import Anonymizer, AnonymizerInputError
    from claims_runtime.settings import RuntimeSettings

    anonymizer = Anonymizer.build(RuntimeSettings().encoder_path)
    anonymizer.anonymize("Aufwärmen: Sturm hat das Dach abgedeckt.")
    texts = {"normal claim text": normal_text(), **pathological_texts()}
    times: dict[str, list[float]] = {name: [] for name in texts}
    outcome: dict[str, str] = {}
    for _ in range(repeat):  # interleaved, so that load on the machine hits every input alike
        for name, text in texts.items():
            started = time.perf_counter()
            try:
                anonymizer.anonymize(text)
                outcome[name] = "anonymized"
            except AnonymizerInputError:
                outcome[name] = "refused (422)"
            times[name].append(time.perf_counter() - started)
    base = statistics.median(times["normal claim text"])
    print(f"\nAnonymizer, {LENGTH:,} characters, median of {repeat} (patterns + PII model)\n")
    print("| input | s | × normal | outcome |\n|---|---|---|---|")
    for name in texts:
        value = statistics.median(times[name])
        print(f"| {name} | {value:.2f} | {value / base:.2f} | {outcome[name]} |")
    slowest = max(texts, key=lambda n: statistics.median(times[n]) if n != "normal claim text" else -1)
    print(f"\nslowest pathological input: {slowest}, {statistics.median(times[slowest]) / base:.2f} × normal")


async def _post(http: httpx.AsyncClient, key: str, text: str) -> tuple[int, float]:
    started = time.perf_counter()
    response = await http.post("/v1/claims", json={"text": text}, headers={"X-API-Key": key})
    return response.status_code, time.perf_counter() - started


async def _normal_latencies(http: httpx.AsyncClient, key: str, text: str, samples: int) -> list[float]:
    out = []
    for _ in range(samples):
        status, took = await _post(http, key, text)
        assert status == 201, status
        out.append(took)
        await asyncio.sleep(0.2)
    return out


async def _service_measure(url: str, normal_key: str, attacker_key: str, samples: int) -> None:
    by_length = sorted((c.text for c in read_labeled(DATA)), key=len)
    median_claim = by_length[len(by_length) // 2]
    accepted = pathological_texts()["grouped IBANs"]  # the costliest input the service still accepts
    async with httpx.AsyncClient(base_url=url, timeout=600) as http:
        await _post(http, normal_key, median_claim)
        alone = await _normal_latencies(http, normal_key, median_claim, samples)
        stop = asyncio.Event()
        statuses: list[int] = []

        async def attacker() -> None:
            while not stop.is_set():
                status, _ = await _post(http, attacker_key, accepted)
                statuses.append(status)
                if status == 429:
                    await asyncio.sleep(0.05)

        attackers = [asyncio.create_task(attacker()) for _ in range(8)]
        await asyncio.sleep(3.0)
        loaded = await _normal_latencies(http, normal_key, median_claim, samples)
        stop.set()
        await asyncio.gather(*attackers)
    a, b = statistics.median(alone), statistics.median(loaded)
    print(f"\nService: median test claim ({len(median_claim)} chars), median of {samples} requests\n")
    print("| condition | p50 s | max s |\n|---|---|---|")
    print(f"| alone | {a:.3f} | {max(alone):.3f} |")
    print(
        f"| 8 pathological claims ({len(accepted):,} chars) in flight from another key | {b:.3f} | {max(loaded):.3f} |"
    )
    print(
        f"\nloaded / alone: {b / a:.2f} (goal <= 2); attacker answers: "
        f"{statuses.count(201)} x 201, {statuses.count(429)} x 429, others {len(statuses) - statuses.count(201) - statuses.count(429)}"
    )


def tenant_matrix(http: httpx.Client, keys: dict[str, str], grants: dict[str, set[str] | None]) -> int:
    """Every key against every claim of every tenant; prints the matrix and returns the leaks."""
    claims: dict[str, tuple[str, str]] = {}  # tenant -> (claim id, external ref)
    for name, key in keys.items():
        if name.startswith("intake-"):
            tenant = name.removeprefix("intake-")
            ref = f"REF-{tenant}-1"
            response = http.post(
                "/v1/claims",
                json={"text": "Sturm hat das Dach abgedeckt", "external_ref": ref},
                headers={"X-API-Key": key},
            )
            assert response.status_code == 201, response.text
            claims[tenant] = (response.json()["id"], ref)
    leaks = 0
    print(
        "\n| key | tenant of claim | GET one | in list | ref filter | in audit | verdict |\n|---|---|---|---|---|---|---|"
    )
    for name, key in keys.items():
        headers = {"X-API-Key": key}
        granted = grants[name]
        listed = {
            c["id"] for c in http.get("/v1/claims", params={"limit": 200}, headers=headers).json().get("data", [])
        }
        audit = http.get("/v1/audit/metrics", params={"by_tenant": "true"}, headers=headers)
        audited = {v["tenant"] for v in audit.json()["versions"]} if audit.status_code == 200 else set()
        for tenant, (claim_id, ref) in claims.items():
            allowed = granted is None or tenant in granted
            one = http.get(f"/v1/claims/{claim_id}", headers=headers).status_code
            found = http.get("/v1/claims", params={"external_ref": ref}, headers=headers).json().get("data", [])
            by_ref = any(c["id"] == claim_id for c in found)
            seen = (one == 200, claim_id in listed, by_ref, tenant in audited)
            leak = not allowed and any(seen)
            leaks += leak
            cells = ["yes" if s else "no" for s in seen]
            cells[3] = cells[3] if audit.status_code == 200 else "n/a"
            verdict = "LEAK" if leak else ("sees (granted)" if allowed else "hidden")
            print(f"| {name} | {tenant} | {one} | {cells[1]} | {cells[2]} | {cells[3]} | {verdict} |")
    print(f"\ncross-tenant leaks: {leaks}")
    return leaks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--part", default="anonymizer,service,tenants")
    parser.add_argument("--repeat", type=int, default=3, help="Anonymizer runs per input.")
    parser.add_argument("--samples", type=int, default=10, help="Normal claims timed per condition.")
    args = parser.parse_args(argv)
    parts = {p.strip() for p in args.part.split(",")}
    if "anonymizer" in parts:
        bench_anonymizer(args.repeat)
    leaks = 0
    if parts & {"service", "tenants"}:
        with tempfile.TemporaryDirectory(prefix="claims-hardening-") as tmp:
            env = service_env(Path(tmp), None, None, no_pii_model=False)
            keys = {
                "intake-a": create_key(env, "intake", "bench", ("a",)),
                "intake-b": create_key(env, "intake", "bench", ("b",)),
                "clerk-a": create_key(env, "clerk", "bench", ("a",)),
                "clerk-all": create_key(env, "clerk", "bench"),
                "auditor-b": create_key(env, "auditor", "bench", ("b",)),
                "auditor-all": create_key(env, "auditor", "bench"),
            }
            grants: dict[str, set[str] | None] = {
                "intake-a": {"a"},
                "intake-b": {"b"},
                "clerk-a": {"a"},
                "clerk-all": None,
                "auditor-b": {"b"},
                "auditor-all": None,
            }
            server = ServiceProcess(env, free_port(), Path(tmp) / "server.log")
            server.start()
            try:
                server.wait_ready(300)
                if "tenants" in parts:
                    with httpx.Client(base_url=server.url, timeout=120) as http:
                        leaks = tenant_matrix(http, keys, grants)
                if "service" in parts:
                    asyncio.run(_service_measure(server.url, keys["intake-a"], keys["intake-b"], args.samples))
            finally:
                server.stop()
    return 1 if leaks else 0


if __name__ == "__main__":
    sys.exit(main())
