"""The three triage tasks and their labels, loaded from the packaged ``taxonomy.yaml``.

The YAML file is the single source; every other module asks this one for label ids and order.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

TASKS: tuple[str, ...] = ("damage_type", "urgency", "department")


@dataclass(frozen=True)
class Label:
    """One label of a task with short German and English descriptions."""

    id: str
    de: str
    en: str
    allowed_departments: tuple[str, ...] = ()


@dataclass(frozen=True)
class Task:
    """A classification task: its ordered labels (the guide's order)."""

    name: str
    title_de: str
    title_en: str
    labels: tuple[Label, ...]

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(label.id for label in self.labels)

    def index(self, label_id: str) -> int:
        """Position of ``label_id`` in this task's order; ``LookupError`` when unknown."""
        try:
            return self.ids.index(label_id)
        except ValueError:
            raise LookupError(f"unknown {self.name} label") from None


@dataclass(frozen=True)
class Taxonomy:
    """All tasks. Department labels are in the guide's rule order (first match wins)."""

    tasks: dict[str, Task]

    def __getitem__(self, name: str) -> Task:
        return self.tasks[name]

    def labels(self, task: str) -> tuple[str, ...]:
        return self.tasks[task].ids

    @property
    def department_rule_order(self) -> tuple[str, ...]:
        return self.tasks["department"].ids

    def allowed_combinations(self) -> set[tuple[str, str]]:
        """(damage_type, department) pairs the guide allows, as the corpus must cover them."""
        return {(label.id, dept) for label in self.tasks["damage_type"].labels for dept in label.allowed_departments}


@cache
def load_taxonomy() -> Taxonomy:
    """Parse the packaged taxonomy once per process."""
    raw = yaml.safe_load(resources.files("claims").joinpath("taxonomy.yaml").read_text("utf-8"))
    tasks = {}
    for name in TASKS:
        spec = raw["tasks"][name]
        labels = tuple(
            Label(
                id=item["id"],
                de=item["de"],
                en=item["en"],
                allowed_departments=tuple(item.get("allowed_departments", ())),
            )
            for item in spec["labels"]
        )
        tasks[name] = Task(name, spec["title"]["de"], spec["title"]["en"], labels)
    return Taxonomy(tasks)
