"""Fact annotations of labeled claims (``data/facts/<split>.jsonl``: ``{"id", "facts": [names
that hold], "amount_eur"}``) and the labels the policy derives from them, so the corpus's urgency
and department cannot drift from the guide."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from claims.policy.engine import Policy, load_policy
from claims.policy.schema import ClaimFactValues, FactSchemaError, load_fact_schema


def read_fact_file(path: Path) -> dict[str, ClaimFactValues]:
    """Facts per claim id; a bad line raises :class:`FactSchemaError` naming the line (no text)."""
    schema = load_fact_schema()
    out: dict[str, ClaimFactValues] = {}
    with Path(path).open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                if not isinstance(record, dict) or not isinstance(record.get("id"), str):
                    raise FactSchemaError("each line needs a string 'id'")
                if set(record) - {"id", "facts", "amount_eur"}:
                    raise FactSchemaError("keys must be id, facts, amount_eur")
                if record["id"] in out:
                    raise FactSchemaError(f"duplicate id {record['id']!r}")
                out[record["id"]] = ClaimFactValues.from_record(record, schema)
            except (json.JSONDecodeError, FactSchemaError) as exc:
                raise FactSchemaError(f"{path}:{number}: {exc}") from None
    return out


def write_fact_file(path: Path, facts: Iterable[tuple[str, ClaimFactValues]]) -> None:
    schema = load_fact_schema()
    with Path(path).open("w", encoding="utf-8") as handle:
        for claim_id, values in facts:
            handle.write(json.dumps({"id": claim_id, **values.to_record(schema)}, ensure_ascii=False) + "\n")


def derived_labels(values: ClaimFactValues, policy: Policy | None = None) -> dict[str, str]:
    """urgency and department as the policy (default: the guide) decides them from the facts."""
    outcomes = (policy or load_policy()).decide(dict.fromkeys(values.true, True), values.amount_eur)
    return {task: outcome.label for task, outcome in outcomes.items()}
