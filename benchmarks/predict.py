"""Benchmark the triage model: classify-only and end-to-end (anonymize + classify) latency at batch
1 (p50/p95 ms per claim) and throughput at batch 32 (claims/s), peak RSS; naive path (unmerged
LoRA adapter, fp32) against optimized paths (merged adapter; merged + dynamic int8), with label
agreement (damage_type, and urgency/department as the policy derives them from the facts)
against the naive path on every claim of the file.

Usage: python benchmarks/predict.py [--data data/claims/test.jsonl] [--model DIR] [--repeat 40]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
from pathlib import Path

import torch
from torch import nn

from claims.model import TriageModel
from claims.pipeline import TriagePipeline
from claims.policy import load_policy
from claims.records import read_labeled
from claims.taxonomy import TASKS
from claims_runtime.pipeline import build_anonymizer
from claims_runtime.settings import RuntimeSettings


def latency(fn, text: str, repeat: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    fn([text])
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn([text])
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(0.95 * len(samples)))]


def throughput(fn, texts: list[str]) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    for i in range(0, len(texts), 32):
        fn(texts[i : i + 32])
    return len(texts) / (time.perf_counter() - started)


def labels_of(pipeline: TriagePipeline, texts: list[str]) -> dict[str, list[str]]:
    """The decided label per task for anonymized texts."""
    decisions = pipeline.decide(texts)
    return {task: [d.label(task) for d in decisions] for task in TASKS}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=Path("data/claims/test.jsonl"))
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    settings = RuntimeSettings()
    model_dir = args.model or settings.model_dir
    claims = sorted(read_labeled(args.data), key=lambda c: len(c.text))
    median = claims[len(claims) // 2]
    anonymizer = build_anonymizer(settings)
    anonymized = [anonymizer.anonymize(c.text).text for c in claims]
    median_anon = anonymizer.anonymize(median.text).text

    naive = TriageModel.from_pretrained(model_dir, settings.encoder_path, merge=False)
    merged = TriageModel.from_pretrained(model_dir, settings.encoder_path, merge=True)
    int8 = TriageModel.from_pretrained(model_dir, settings.encoder_path, merge=True)
    int8.encoder = torch.ao.quantization.quantize_dynamic(int8.encoder, {nn.Linear}, dtype=torch.qint8)
    policy = load_policy(settings.policy)
    paths: dict[str, TriagePipeline] = {
        name: TriagePipeline(anonymizer, model, policy, model.config.thresholds, model.config.model_version)
        for name, model in (
            ("naive (LoRA unmerged, fp32)", naive),
            ("merged adapter, fp32", merged),
            ("merged + dynamic int8", int8),
        )
    }
    reference = labels_of(paths["naive (LoRA unmerged, fp32)"], anonymized)
    print(f"threads {args.threads}; {len(claims)} claims from {args.data}; median claim {len(median.text)} chars")
    print(
        f"{'path':30} {'classify p50':>12} {'p95':>7} {'e2e p50':>8} {'p95':>7} {'b32 claims/s':>12} {'agreement':>10}"
    )
    for name, pipeline in paths.items():
        c50, c95 = latency(pipeline.decide, median_anon, args.repeat)
        e50, e95 = latency(pipeline.triage, median.text, args.repeat)
        rate = throughput(pipeline.decide, anonymized)
        pred = labels_of(pipeline, anonymized)
        agreement = min(sum(a == b for a, b in zip(pred[t], reference[t], strict=True)) / len(claims) for t in TASKS)
        print(f"{name:30} {c50:>12.1f} {c95:>7.1f} {e50:>8.1f} {e95:>7.1f} {rate:>12.1f} {agreement:>10.3f}")
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
