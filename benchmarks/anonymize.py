"""Benchmark the anonymizer: ms per claim (p50, p95) and claims/s at the corpus's median and
maximum claim length, with and without the PII model and without the spoken-value step (the
ratio of the two PII-model rows is that step's cost), plus peak RSS. Prints a table.

Usage: python benchmarks/anonymize.py [--data data/claims/test.jsonl] [--repeat 50]
Set the thread count with OMP_NUM_THREADS / torch.set_num_threads (default: 2, the target machine).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
from pathlib import Path

import torch

from claims.anonymizer import Anonymizer, AnonymizerConfig
from claims.records import read_labeled
from claims_runtime.pipeline import build_anonymizer
from claims_runtime.settings import RuntimeSettings


def timings(anonymizer: Anonymizer, text: str, repeat: int) -> list[float]:
    anonymizer.anonymize(text)  # warm-up
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        anonymizer.anonymize(text)
        out.append((time.perf_counter() - started) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=Path("data/claims/test.jsonl"))
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    claims = sorted(read_labeled(args.data), key=lambda c: len(c.text))
    median, longest = claims[len(claims) // 2], claims[-1]
    without_spoken = AnonymizerConfig.load().model_copy(update={"spoken_values": False})
    setups = {
        "rules only": build_anonymizer(RuntimeSettings(), rules_only=True),
        "rules + PII model (int8)": build_anonymizer(RuntimeSettings()),
        "same, no spoken values": Anonymizer.build(RuntimeSettings().encoder_path, config=without_spoken),
    }
    print(f"threads: {args.threads}; repeats: {args.repeat}; data: {args.data}")
    print(f"{'setup':28} {'claim':8} {'chars':>6} {'p50 ms':>8} {'p95 ms':>8} {'claims/s':>9}")
    for name, anonymizer in setups.items():
        for label, claim in (("median", median), ("maximum", longest)):
            ms = sorted(timings(anonymizer, claim.text, args.repeat))
            p95 = ms[min(len(ms) - 1, int(0.95 * len(ms)))]
            print(
                f"{name:28} {label:8} {len(claim.text):>6} {statistics.median(ms):>8.1f} {p95:>8.1f} {1000 / statistics.mean(ms):>9.1f}"
            )
    for name in ("rules + PII model (int8)", "same, no spoken values"):
        started = time.perf_counter()
        for claim in claims:
            setups[name].anonymize(claim.text)
        elapsed = time.perf_counter() - started
        print(f"whole file, {name}: {len(claims)} claims, {len(claims) / elapsed:.1f} claims/s")
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
