"""An executable policy: the guide's urgency and department rules as data (``guide.yaml``),
evaluated on a claim's facts. Each decision names the rule that fired and the facts it used, and
under uncertain facts (the model's probabilities) the engine gives the probability of every label
by exact enumeration of the uncertain facts (sampling beyond :data:`MAX_EXACT_FACTS`).

A policy file is refused with a clear :class:`PolicyError` when it names an unknown fact, task,
label or key, repeats a rule id, or lacks a default. Another file (an insurer's narrower reading)
can ``extends: guide`` and ``replace`` or ``insert_after`` rules by id.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from claims.errors import ClaimsError
from claims.policy.schema import AMOUNT, FactSchema, load_fact_schema
from claims.taxonomy import load_taxonomy

GUIDE_POLICY = Path(__file__).with_name("guide.yaml")
POLICY_TASKS = ("urgency", "department")
#: Facts with a probability this close to 0 or 1 are taken as certain (keeps enumeration small).
CERTAIN = 1e-4
MAX_EXACT_FACTS = 14
SAMPLES = 8192


class PolicyError(ClaimsError, ValueError):
    """A policy file that cannot be used; the message names the file and what is wrong."""


# --- conditions -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Condition:
    """``op`` is fact | amount_above | amount_below | all | any | not."""

    op: str
    fact: str = ""
    value: float = 0.0
    children: tuple[Condition, ...] = ()

    def facts(self) -> tuple[str, ...]:
        """Boolean facts this condition reads, in order, each once."""
        if self.op == "fact":
            return (self.fact,)
        return tuple(dict.fromkeys(f for c in self.children for f in c.facts()))

    def uses_amount(self) -> bool:
        return self.op.startswith("amount_") or any(c.uses_amount() for c in self.children)

    def holds(self, facts: Mapping[str, np.ndarray], amount: float | None) -> np.ndarray:
        """Vectorised over rows of fact assignments (each value a bool array of equal length)."""
        size = len(next(iter(facts.values()))) if facts else 1
        if self.op == "fact":
            return facts[self.fact]
        if self.op == "amount_above":
            return np.full(size, amount is not None and amount > self.value)
        if self.op == "amount_below":
            return np.full(size, amount is not None and amount < self.value)
        parts = [c.holds(facts, amount) for c in self.children]
        if self.op == "not":
            return ~parts[0]
        if self.op == "all":
            return np.logical_and.reduce(parts) if parts else np.full(size, True)
        return np.logical_or.reduce(parts) if parts else np.full(size, False)


def _parse_condition(raw: Any, schema: FactSchema, where: str) -> Condition:
    if not isinstance(raw, dict) or len(raw) != 1:
        raise PolicyError(f"{where}: a condition is one of fact/amount_above/amount_below/all/any/not, got {raw!r}")
    ((op, arg),) = raw.items()
    if op == "fact":
        if arg not in schema.boolean:
            raise PolicyError(f"{where}: unknown fact {arg!r}; known facts: {', '.join(schema.boolean)}")
        return Condition("fact", fact=arg)
    if op in ("amount_above", "amount_below"):
        if isinstance(arg, bool) or not isinstance(arg, (int, float)):
            raise PolicyError(f"{where}: {op} needs a number of EUR, got {arg!r}")
        return Condition(op, value=float(arg))
    if op in ("all", "any"):
        if not isinstance(arg, list) or not arg:
            raise PolicyError(f"{where}: {op} needs a non-empty list of conditions")
        return Condition(op, children=tuple(_parse_condition(c, schema, where) for c in arg))
    if op == "not":
        return Condition("not", children=(_parse_condition(arg, schema, where),))
    raise PolicyError(f"{where}: unknown condition {op!r} (allowed: fact, amount_above, amount_below, all, any, not)")


# --- rules and policies ---------------------------------------------------------------------------
@dataclass(frozen=True)
class PolicyRule:
    id: str
    label: str
    guide: str
    when: Condition | None  # None: the task's default


@dataclass(frozen=True)
class RuleOutcome:
    """What decided one task: the label, the rule id and the facts that rule read."""

    label: str
    rule: str
    facts: tuple[str, ...]


@dataclass(frozen=True)
class TaskPolicy:
    rules: tuple[PolicyRule, ...]
    default: PolicyRule

    def decide(self, facts: Mapping[str, bool], amount: float | None) -> RuleOutcome:
        arrays = {name: np.array([value]) for name, value in facts.items()}
        for rule in self.rules:
            assert rule.when is not None
            if bool(rule.when.holds(arrays, amount)[0]):
                used = rule.when.facts() + ((AMOUNT,) if rule.when.uses_amount() else ())
                return RuleOutcome(rule.label, rule.id, used)
        return RuleOutcome(self.default.label, self.default.id, ())

    def first_rule(self, facts: Mapping[str, np.ndarray], amount: float | None, size: int) -> np.ndarray:
        """Index of the deciding rule per row (``len(rules)`` for the default)."""
        decided = np.full(size, len(self.rules))
        open_rows = np.ones(size, dtype=bool)
        for index, rule in enumerate(self.rules):
            assert rule.when is not None
            fires = rule.when.holds(facts, amount) & open_rows
            decided[fires] = index
            open_rows &= ~fires
        return decided

    def rules_independent(self) -> bool:
        """No fact is read by two rules (then rule events are independent)."""
        seen: set[str] = set()
        for rule in self.rules:
            assert rule.when is not None
            facts = set(rule.when.facts())
            if facts & seen:
                return False
            seen |= facts
        return True

    def facts_read(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(f for r in self.rules if r.when is not None for f in r.when.facts()))


@dataclass(frozen=True)
class Policy:
    """Ordered rules per task; the first rule that holds decides, else the default."""

    name: str
    description: str
    tasks: Mapping[str, TaskPolicy]
    source: str = ""

    def rule(self, task: str, rule_id: str) -> PolicyRule:
        policy = self.tasks[task]
        for rule in (*policy.rules, policy.default):
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    def decide(self, facts: Mapping[str, bool], amount: float | None) -> dict[str, RuleOutcome]:
        """The labels for certain facts (missing facts count as false)."""
        schema = load_fact_schema()
        values = {name: bool(facts.get(name, False)) for name in schema.boolean}
        return {task: policy.decide(values, amount) for task, policy in self.tasks.items()}

    def rule_probabilities(
        self, probabilities: Mapping[str, float], amount: float | None, *, seed: int = 0
    ) -> dict[str, dict[str, float]]:
        """P(rule decides) per task, over its rules and its default, when each fact holds
        independently with its probability.

        Exact when the task's rules read disjoint sets of facts (the guide's do): P(rule k decides)
        = P(rule k holds) x P(no earlier rule holds). Otherwise exact enumeration of the uncertain
        facts, or :data:`SAMPLES` draws with a fixed seed beyond :data:`MAX_EXACT_FACTS`.
        """
        p = {n: float(np.clip(v, 0.0, 1.0)) for n, v in probabilities.items()}
        out: dict[str, dict[str, float]] = {}
        for task, policy in self.tasks.items():
            rules = [*policy.rules, policy.default]
            if policy.rules_independent():
                shares, remaining = [], 1.0
                for rule in policy.rules:
                    assert rule.when is not None
                    holds = _condition_probability(rule.when, p, amount)
                    shares.append(remaining * holds)
                    remaining *= 1.0 - holds
                shares.append(remaining)
            else:
                shares = list(_enumerated_shares(policy, p, amount, seed))
            total = float(sum(shares)) or 1.0
            out[task] = {rule.id: float(share) / total for rule, share in zip(rules, shares, strict=True)}
        return out

    def label_probabilities(
        self, probabilities: Mapping[str, float], amount: float | None, *, seed: int = 0
    ) -> dict[str, dict[str, float]]:
        """P(label) per task: the probabilities of the rules that give it, summed."""
        out: dict[str, dict[str, float]] = {}
        for task, shares in self.rule_probabilities(probabilities, amount, seed=seed).items():
            dist: dict[str, float] = {}
            for rule_id, share in shares.items():
                if share > 0:
                    label = self.rule(task, rule_id).label
                    dist[label] = dist.get(label, 0.0) + share
            out[task] = dist
        return out

    def most_probable(
        self, probabilities: Mapping[str, float], amount: float | None
    ) -> dict[str, tuple[RuleOutcome, float]]:
        """Per task the most probable label under the fact probabilities, its probability, and the
        most probable rule giving it (the Bayes decision when the facts are uncertain)."""
        out: dict[str, tuple[RuleOutcome, float]] = {}
        for task, shares in self.rule_probabilities(probabilities, amount).items():
            by_label: dict[str, float] = {}
            for rule_id, share in shares.items():
                label = self.rule(task, rule_id).label
                by_label[label] = by_label.get(label, 0.0) + share
            label = max(by_label, key=lambda k: by_label[k])
            rule_id = max((r for r in shares if self.rule(task, r).label == label), key=lambda r: shares[r])
            rule = self.rule(task, rule_id)
            used = () if rule.when is None else rule.when.facts() + ((AMOUNT,) if rule.when.uses_amount() else ())
            out[task] = (RuleOutcome(label, rule_id, used), by_label[label])
        return out


def _assignments(count: int) -> np.ndarray:
    """Every True/False assignment of ``count`` facts, one per row (one empty row for none)."""
    return np.array(list(itertools.product((False, True), repeat=count)), dtype=bool).reshape(2**count, count)


def _condition_probability(condition: Condition, p: Mapping[str, float], amount: float | None) -> float:
    """P(condition) by enumerating the (few) facts it reads."""
    names = condition.facts()
    grid = _assignments(len(names))
    weights = np.ones(len(grid))
    for j, n in enumerate(names):
        weights *= np.where(grid[:, j], p.get(n, 0.0), 1.0 - p.get(n, 0.0))
    holds = condition.holds({n: grid[:, j] for j, n in enumerate(names)}, amount)
    return float(weights[np.broadcast_to(holds, weights.shape)].sum())


def _enumerated_shares(policy: TaskPolicy, p: Mapping[str, float], amount: float | None, seed: int) -> np.ndarray:
    """P(rule decides) for every rule and the default, by enumeration or sampling."""
    names = policy.facts_read()
    prob = {n: p.get(n, 0.0) for n in names}
    uncertain = [n for n in names if CERTAIN < prob[n] < 1.0 - CERTAIN]
    if len(uncertain) <= MAX_EXACT_FACTS:
        grid = _assignments(len(uncertain))
        weights = np.ones(len(grid))
        for j, n in enumerate(uncertain):
            weights *= np.where(grid[:, j], prob[n], 1.0 - prob[n])
    else:
        rng = np.random.default_rng(seed)
        grid = rng.random((SAMPLES, len(uncertain))) < np.array([prob[n] for n in uncertain])
        weights = np.full(SAMPLES, 1.0 / SAMPLES)
    size = len(grid)
    columns = {n: np.full(size, prob[n] >= 0.5) for n in names}
    for j, n in enumerate(uncertain):
        columns[n] = grid[:, j]
    decided = policy.first_rule(columns, amount, size)
    return np.array([weights[decided == k].sum() for k in range(len(policy.rules) + 1)])


# --- loading --------------------------------------------------------------------------------------
_RULE_KEYS = {"id", "label", "guide", "when"}


def _parse_rule(
    raw: Any, task: str, labels: Sequence[str], schema: FactSchema, where: str, default: bool
) -> PolicyRule:
    if not isinstance(raw, dict):
        raise PolicyError(f"{where}: a rule is a mapping with id, label, guide, when")
    required = {"id", "label", "guide"} | (set() if default else {"when"})
    missing, unknown = sorted(required - set(raw)), sorted(set(raw) - _RULE_KEYS)
    if missing or unknown or (default and "when" in raw):
        raise PolicyError(f"{where}: rule {raw.get('id', '?')!r} missing {missing} / unknown keys {unknown}")
    if raw["label"] not in labels:
        raise PolicyError(f"{where}: rule {raw['id']!r} has label {raw['label']!r}, not a {task} label {list(labels)}")
    when = None if default else _parse_condition(raw["when"], schema, f"{where}: rule {raw['id']!r}")
    return PolicyRule(str(raw["id"]), str(raw["label"]), str(raw["guide"]), when)


def _merge_extension(base: dict[str, Any], ext: dict[str, Any], where: str) -> dict[str, Any]:
    """``replace`` and ``insert_after`` rules of the base policy by id."""
    tasks = {t: {"rules": list(v.get("rules", [])), "default": v.get("default")} for t, v in base["tasks"].items()}
    for task, changes in (ext.get("replace") or {}).items():
        ids = [r.get("id") for r in tasks.get(task, {}).get("rules", [])]
        for rule_id, rule in changes.items():
            if rule_id not in ids:
                raise PolicyError(f"{where}: replace names unknown {task} rule {rule_id!r}")
            tasks[task]["rules"][ids.index(rule_id)] = rule
    for task, changes in (ext.get("insert_after") or {}).items():
        for rule_id, rules in changes.items():
            ids = [r.get("id") for r in tasks.get(task, {}).get("rules", [])]
            if rule_id not in ids:
                raise PolicyError(f"{where}: insert_after names unknown {task} rule {rule_id!r}")
            position = ids.index(rule_id) + 1
            tasks[task]["rules"][position:position] = list(rules)
    return {"tasks": tasks}


def load_policy(path: Path | str | None = None) -> Policy:
    """The default guide policy, or the policy file at ``path`` (``extends: guide`` allowed)."""
    path = Path(path) if path else GUIDE_POLICY
    where = str(path)
    try:
        raw: Any = yaml.safe_load(path.read_text("utf-8"))
    except OSError as exc:
        raise PolicyError(f"{where}: cannot read policy file ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        raise PolicyError(f"{where}: not valid YAML ({exc.__class__.__name__})") from None
    allowed = {"name", "description", "tasks", "extends", "replace", "insert_after"}
    if not isinstance(raw, dict) or set(raw) - allowed:
        raise PolicyError(f"{where}: top-level keys must be among {sorted(allowed)}")
    if raw.get("extends") is not None:
        if raw["extends"] != "guide" or "tasks" in raw:
            raise PolicyError(f"{where}: only 'extends: guide' (without its own tasks) is supported")
        base = yaml.safe_load(GUIDE_POLICY.read_text("utf-8"))
        raw = {**raw, **_merge_extension(base, raw, where)}
    schema, taxonomy = load_fact_schema(), load_taxonomy()
    tasks_raw = raw.get("tasks")
    if not isinstance(tasks_raw, dict) or sorted(tasks_raw) != sorted(POLICY_TASKS):
        raise PolicyError(f"{where}: 'tasks' must define exactly {list(POLICY_TASKS)}")
    tasks: dict[str, TaskPolicy] = {}
    for task in POLICY_TASKS:
        body = tasks_raw[task]
        if not isinstance(body, dict) or set(body) != {"rules", "default"} or not isinstance(body["rules"], list):
            raise PolicyError(f"{where}: task {task!r} needs 'rules' (a list) and 'default'")
        labels = taxonomy[task].ids
        rules = tuple(_parse_rule(r, task, labels, schema, where, False) for r in body["rules"])
        default = _parse_rule(body["default"], task, labels, schema, where, True)
        ids = [r.id for r in (*rules, default)]
        if len(set(ids)) != len(ids):
            raise PolicyError(f"{where}: task {task!r} repeats a rule id")
        tasks[task] = TaskPolicy(rules, default)
    return Policy(str(raw.get("name", path.stem)), str(raw.get("description", "")), tasks, where)
