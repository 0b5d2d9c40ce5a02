"""Inference off the event loop. One worker thread owns the pipeline (torch is not shared between
threads); requests that arrive while it is busy are triaged together as one batch, which is what
keeps throughput up on two cores."""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from claims.pipeline import TriageDecision, TriagePipeline

logger = logging.getLogger(__name__)


@dataclass
class _Job:
    kind: str  # "triage" or "anonymize"
    text: str
    future: Future[Any]


class Triager:
    """Queues texts for the pipeline's worker thread and awaits the results."""

    def __init__(self, pipeline: TriagePipeline, max_batch: int = 8) -> None:
        self.pipeline = pipeline
        self.max_batch = max_batch
        self._jobs: queue.Queue[_Job | None] = queue.Queue()
        self._thread = threading.Thread(target=self._work, name="triage-worker", daemon=True)
        self._thread.start()

    async def triage(self, text: str) -> TriageDecision:
        return await self._submit("triage", text)

    async def anonymize(self, text: str) -> str:
        """The anonymized text (for clerks' comments)."""
        return await self._submit("anonymize", text)

    async def _submit(self, kind: str, text: str) -> Any:
        future: Future[Any] = Future()
        self._jobs.put(_Job(kind, text, future))
        return await asyncio.wrap_future(future)

    def close(self) -> None:
        self._jobs.put(None)
        self._thread.join(timeout=30)

    def _work(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            batch = [job]
            while len(batch) < self.max_batch:
                try:
                    nxt = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if nxt is None:
                    self._jobs.put(None)
                    break
                batch.append(nxt)
            self._run([j for j in batch if j.kind == "anonymize"], batched=False)
            self._run([j for j in batch if j.kind == "triage"], batched=True)

    def _run(self, jobs: list[_Job], *, batched: bool) -> None:
        if not jobs:
            return
        if batched and len(jobs) > 1:
            try:
                for job, decision in zip(jobs, self.pipeline.triage([j.text for j in jobs]), strict=True):
                    job.future.set_result(decision)
                return
            except Exception:  # one refused text must not fail the others: retry one by one
                pass
        for job in jobs:
            try:
                if job.kind == "triage":
                    job.future.set_result(self.pipeline.triage([job.text])[0])
                else:
                    job.future.set_result(self.pipeline.anonymize([job.text])[0].text)
            except Exception as error:
                job.future.set_exception(error)
