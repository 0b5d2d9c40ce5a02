"""The facts the guide's urgency and department rules name (``facts.yaml``): names, kinds,
definitions and examples. One schema serves the annotators, the model's fact heads, the policy
engine and the explanations, so a fact means the same everywhere."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml

from claims.errors import ClaimsError

FACTS_FILE = Path(__file__).with_name("facts.yaml")
AMOUNT = "amount_eur"


class FactSchemaError(ClaimsError, ValueError):
    """A fact schema or a set of fact values does not follow ``facts.yaml``."""


@dataclass(frozen=True)
class FactDefinition:
    name: str
    kind: Literal["bool", "amount"]
    definition: str
    examples: Mapping[str, Sequence[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class FactSchema:
    """All facts in file order; ``boolean`` are the ones the model predicts as probabilities."""

    facts: tuple[FactDefinition, ...]
    currency_to_eur: Mapping[str, float]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.facts)

    @property
    def boolean(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.facts if f.kind == "bool")

    def get(self, name: str) -> FactDefinition:
        for fact in self.facts:
            if fact.name == name:
                return fact
        raise FactSchemaError(f"unknown fact {name!r}; known: {', '.join(self.names)}")


@lru_cache(maxsize=4)
def load_fact_schema(path: Path = FACTS_FILE) -> FactSchema:
    """Parse and check ``facts.yaml`` (unique names, known kinds, exactly one amount)."""
    raw: Any = yaml.safe_load(Path(path).read_text("utf-8"))
    if not isinstance(raw, dict) or not isinstance(raw.get("facts"), list):
        raise FactSchemaError(f"{path}: expected a mapping with a 'facts' list")
    facts = []
    for item in raw["facts"]:
        if not isinstance(item, dict) or set(item) - {"name", "kind", "definition", "examples"}:
            raise FactSchemaError(f"{path}: each fact needs name, kind, definition (and optional examples)")
        if item.get("kind") not in ("bool", "amount"):
            raise FactSchemaError(f"{path}: fact {item.get('name')!r} has kind {item.get('kind')!r}, not bool/amount")
        facts.append(FactDefinition(str(item["name"]), item["kind"], str(item["definition"]), item.get("examples", {})))
    names = [f.name for f in facts]
    if len(set(names)) != len(names):
        raise FactSchemaError(f"{path}: duplicate fact names")
    if [f.name for f in facts if f.kind == "amount"] != [AMOUNT]:
        raise FactSchemaError(f"{path}: exactly one amount fact named {AMOUNT!r} is required")
    return FactSchema(tuple(facts), dict(raw.get("currency_to_eur", {"EUR": 1.0})))


@dataclass(frozen=True)
class ClaimFactValues:
    """The facts of one claim: which boolean facts hold and the estimated amount (EUR or None)."""

    true: frozenset[str]
    amount_eur: float | None = None

    @classmethod
    def from_record(cls, record: Mapping[str, Any], schema: FactSchema | None = None) -> ClaimFactValues:
        """From ``{"facts": [names that hold], "amount_eur": number|null}``; unknown names refused."""
        schema = schema or load_fact_schema()
        names = record.get("facts")
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise FactSchemaError("'facts' must be a list of fact names")
        unknown = sorted(set(names) - set(schema.boolean))
        if unknown:
            raise FactSchemaError(f"unknown fact(s) {unknown}")
        amount = record.get(AMOUNT)
        if amount is not None and (isinstance(amount, bool) or not isinstance(amount, (int, float))):
            raise FactSchemaError(f"'{AMOUNT}' must be a number or null")
        return cls(frozenset(names), None if amount is None else float(amount))

    def to_record(self, schema: FactSchema | None = None) -> dict[str, Any]:
        order = (schema or load_fact_schema()).boolean
        return {"facts": [n for n in order if n in self.true], AMOUNT: self.amount_eur}

    def probabilities(self, schema: FactSchema | None = None) -> dict[str, float]:
        """As certain probabilities (1.0 / 0.0), the form the policy engine takes."""
        return {n: float(n in self.true) for n in (schema or load_fact_schema()).boolean}
