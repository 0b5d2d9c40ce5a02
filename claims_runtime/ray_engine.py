"""The Ray Data engine of ``score``: the claims to score become a dataset, an actor pool loads the
pipeline once per actor and runs :func:`claims_runtime.scoring.score_batch` on each batch, and the
scored lines stream back to the driver, which alone writes the output (so resumability stays the
local engine's). Ray is the optional extra ``distributed``; nothing here imports it at load time."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, cast

from claims.records import ClaimInput
from claims_runtime.scoring import ScoredClaim, score_batch
from claims_runtime.settings import RuntimeSettings

CLAIMS_PER_BLOCK = 64  # a block is the unit of streaming back (and of work lost to a kill)
RESULT_COLUMNS = ("line", "id", "output", "error")


class ScoreActor:
    """One pipeline per actor, loaded once from paths every node can read."""

    def __init__(self, model_dir: str, settings: RuntimeSettings) -> None:
        from claims_runtime.pipeline import build_pipeline

        self.pipeline = build_pipeline(Path(model_dir), settings=settings)

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
        todo = [
            (int(number), ClaimInput(str(cid), str(text)))
            for number, cid, text in zip(batch["line"], batch["id"], batch["text"], strict=True)
        ]
        outcomes = score_batch(self.pipeline, todo)
        return {column: [getattr(outcome, column) for outcome in outcomes] for column in RESULT_COLUMNS}


def connect(address: str | None) -> None:
    """Join the cluster at ``address`` (``auto``, ``host:port``, ``ray://host:10001``), or start a
    local Ray sized to this machine when there is none; progress is the CLI's bar, not Ray's."""
    import ray

    if address:
        ray.init(address=address, log_to_driver=False)
    else:
        ray.init(num_cpus=os.cpu_count() or 1, include_dashboard=False, log_to_driver=False)
    ray.data.DataContext.get_current().enable_progress_bars = False


def score_on_ray(
    todo: Sequence[tuple[int, ClaimInput]],
    *,
    model_dir: Path,
    settings: RuntimeSettings,
    address: str | None = None,
    actors: int | None = None,
    batch_size: int = 16,
) -> Iterator[list[ScoredClaim]]:
    """Score ``todo`` on Ray and yield the outcomes block by block, in completion order.

    ``actors`` defaults to one per CPU of the cluster (each actor takes one CPU). The Ray instance
    started here (no ``address``) is shut down at the end; a joined cluster is only disconnected.
    """
    import pyarrow as pa
    import ray

    connect(address)
    try:
        pool = actors or max(1, int(ray.cluster_resources().get("CPU", 1)))
        blocks = [
            pa.table(
                {
                    "line": [number for number, _ in chunk],
                    "id": [item.id for _, item in chunk],
                    "text": [item.text for _, item in chunk],
                }
            )
            for chunk in (todo[start : start + CLAIMS_PER_BLOCK] for start in range(0, len(todo), CLAIMS_PER_BLOCK))
        ]
        if not blocks:
            return
        scored = ray.data.from_arrow(blocks).map_batches(
            ScoreActor,
            fn_constructor_kwargs={"model_dir": str(model_dir.resolve()), "settings": settings},
            batch_size=batch_size,
            compute=ray.data.ActorPoolStrategy(size=pool),
            num_cpus=1,
        )
        for batch in scored.iter_batches(batch_size=None, batch_format="pyarrow"):
            yield [ScoredClaim(**row) for row in cast(pa.Table, batch).to_pylist()]
    finally:
        ray.shutdown()
