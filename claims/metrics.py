"""Evaluation shared by every model and baseline, so auditors read one set of numbers.

Definitions (documented because auditors compare them with other tools):

* accuracy: share of claims whose predicted label equals the gold label, with a 95 % Wilson
  score interval (reliable on small dev sets, unlike the normal approximation).
* per-class precision / recall / F1: a class that is never predicted has precision 0, one that
  never occurs in gold has recall 0 (scikit-learn's ``zero_division=0``).
* macro-F1: the unweighted mean of the per-class F1 over the labels that occur in gold OR in the
  predictions. A label absent from both has no defined F1 and would only drag the mean to 0; this
  equals ``sklearn.metrics.f1_score(gold, pred, average="macro")`` (whose default label set is
  that union). The labels averaged over are reported alongside.
* confusion matrix: rows are gold labels, columns predictions, both in the taxonomy's order.
* selective accuracy: accuracy on the claims whose confidence is ``>= threshold`` (covered) and on
  the rest, i.e. what a "send only confident claims straight through" policy would achieve.

No torch import here: the numbers must be computable from any model's outputs.
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from claims.language import detect_language
from claims.records import LabeledClaim
from claims.taxonomy import TASKS, load_taxonomy

logger = logging.getLogger(__name__)

__all__ = [
    "ClassScores",
    "EvaluationReport",
    "TaskReport",
    "evaluate_predictions",
    "fact_report",
    "plot_confusion_matrices",
    "selective_report",
    "task_report",
    "wilson_interval",
]


def wilson_interval(successes: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson score interval of a proportion ``successes / n``; ``(0.0, 1.0)`` when ``n == 0``.

    Used for accuracies because dev sets are small and accuracies near 1, where the normal
    approximation gives intervals outside [0, 1].
    """
    if n < 0 or successes < 0 or successes > n:
        raise ValueError(f"need 0 <= successes <= n, got successes={successes}, n={n}")
    if n == 0:
        return (0.0, 1.0)
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return (low, high)


@dataclass(frozen=True)
class ClassScores:
    """Precision, recall and F1 of one label, its gold support and how often it was predicted."""

    precision: float
    recall: float
    f1: float
    support: int
    predicted: int

    def to_dict(self) -> dict[str, float | int]:
        return {
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "support": self.support,
            "predicted": self.predicted,
        }


@dataclass(frozen=True)
class TaskReport:
    """Scores of one task; see the module docstring for the definitions."""

    labels: tuple[str, ...]
    n: int
    correct: int
    accuracy: float
    accuracy_ci: tuple[float, float]
    macro_f1: float
    macro_f1_labels: tuple[str, ...]
    per_class: dict[str, ClassScores]
    confusion: tuple[tuple[int, ...], ...]
    task: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "task": self.task,
            "labels": list(self.labels),
            "n": self.n,
            "correct": self.correct,
            "accuracy": self.accuracy,
            "accuracy_ci95": list(self.accuracy_ci),
            "macro_f1": self.macro_f1,
            "macro_f1_labels": list(self.macro_f1_labels),
            "per_class": {label: scores.to_dict() for label, scores in self.per_class.items()},
            "confusion": [list(row) for row in self.confusion],
        }


def _check_same_length(**sequences: Sequence[Any]) -> int:
    lengths = {name: len(seq) for name, seq in sequences.items()}
    if len(set(lengths.values())) > 1:
        raise ValueError(f"length mismatch: {lengths}")
    return next(iter(lengths.values()))


def task_report(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str], task: str = "") -> TaskReport:
    """Accuracy, macro-F1, per-class scores and confusion matrix of one task.

    ``labels`` fixes the order of rows, columns and classes; a gold or predicted label outside it
    raises ``ValueError`` (a silent extra class would change macro-F1). Needs at least one claim.
    """
    n = _check_same_length(gold=gold, pred=pred)
    if n == 0:
        raise ValueError("cannot score an empty set of predictions")
    order = list(labels)
    if len(set(order)) != len(order):
        raise ValueError("labels contain duplicates")
    index = {label: i for i, label in enumerate(order)}
    unknown = sorted((set(gold) | set(pred)) - set(index))
    if unknown:
        raise ValueError(f"labels not in the label list: {unknown}")
    matrix = [[0] * len(order) for _ in order]
    for g, p in zip(gold, pred, strict=True):
        matrix[index[g]][index[p]] += 1
    correct = sum(matrix[i][i] for i in range(len(order)))
    per_class: dict[str, ClassScores] = {}
    for i, label in enumerate(order):
        tp = matrix[i][i]
        support = sum(matrix[i])
        predicted = sum(row[i] for row in matrix)
        precision = tp / predicted if predicted else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_class[label] = ClassScores(precision, recall, f1, support, predicted)
    present = tuple(label for label in order if per_class[label].support or per_class[label].predicted)
    macro_f1 = sum(per_class[label].f1 for label in present) / len(present)
    return TaskReport(
        labels=tuple(order),
        n=n,
        correct=correct,
        accuracy=correct / n,
        accuracy_ci=wilson_interval(correct, n),
        macro_f1=macro_f1,
        macro_f1_labels=present,
        per_class=per_class,
        confusion=tuple(tuple(row) for row in matrix),
        task=task,
    )


def selective_report(
    gold: Sequence[str], pred: Sequence[str], confidence: Sequence[float], threshold: float
) -> dict[str, Any]:
    """Coverage and accuracy when only predictions with ``confidence >= threshold`` are trusted.

    Accuracies of an empty part are ``None`` (not 0: nothing was decided there).
    """
    n = _check_same_length(gold=gold, pred=pred, confidence=confidence)
    covered = [float(c) >= threshold for c in confidence]
    hits = [g == p for g, p in zip(gold, pred, strict=True)]
    n_covered = sum(covered)
    correct_covered = sum(h for h, c in zip(hits, covered, strict=True) if c)
    n_rest = n - n_covered
    correct_rest = sum(hits) - correct_covered
    return {
        "threshold": float(threshold),
        "n": n,
        "covered": n_covered,
        "coverage": n_covered / n if n else 0.0,
        "correct_covered": correct_covered,
        "accuracy_covered": correct_covered / n_covered if n_covered else None,
        "accuracy_covered_ci95": list(wilson_interval(correct_covered, n_covered)) if n_covered else None,
        "rest": n_rest,
        "correct_rest": correct_rest,
        "accuracy_rest": correct_rest / n_rest if n_rest else None,
    }


@dataclass(frozen=True)
class EvaluationReport:
    """Every task's report, accuracy per language, selective accuracy, and all-tasks-correct."""

    n: int
    tasks: dict[str, TaskReport]
    by_language: dict[str, dict[str, Any]] = field(default_factory=dict)
    selective: dict[str, dict[str, Any]] = field(default_factory=dict)
    all_correct: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict (plain floats, ints, strings, lists, ``None``)."""
        return {
            "n": self.n,
            "all_tasks_correct": self.all_correct,
            "tasks": {task: report.to_dict() for task, report in self.tasks.items()},
            "by_language": self.by_language,
            "selective": self.selective,
        }

    def format_text(self) -> str:
        """A plain-text report for people: per task scores, class table, confusion matrix."""
        lines = [f"Evaluation of {self.n} claims; all tasks correct: {self.all_correct:.1%}"]
        for task, report in self.tasks.items():
            low, high = report.accuracy_ci
            lines += [
                "",
                f"== {task} ==",
                f"accuracy {report.accuracy:.1%} ({report.correct}/{report.n}, 95% CI {low:.1%}-{high:.1%})"
                f"   macro-F1 {report.macro_f1:.3f} over {len(report.macro_f1_labels)} labels",
                "",
            ]
            width = max(len(label) for label in report.labels) + 2
            lines.append(f"{'label':<{width}}{'prec':>7}{'rec':>7}{'f1':>7}{'support':>9}{'pred':>6}")
            for label, s in report.per_class.items():
                lines.append(
                    f"{label:<{width}}{s.precision:>7.3f}{s.recall:>7.3f}{s.f1:>7.3f}{s.support:>9d}{s.predicted:>6d}"
                )
            lines += ["", "confusion matrix (rows gold, columns predicted):"]
            heads = short_names(report.labels)
            cell = max(5, max(len(h) for h in heads) + 1)
            lines.append(" " * width + "".join(f"{h:>{cell}}" for h in heads))
            for label, row in zip(report.labels, report.confusion, strict=True):
                lines.append(f"{label:<{width}}" + "".join(f"{v:>{cell}d}" for v in row))
            per_lang = [
                f"{lang} {info['accuracy'][task]:.1%} (n={info['n']})"
                for lang, info in self.by_language.items()
                if task in info["accuracy"]
            ]
            if per_lang:
                lines.append("by language: " + " | ".join(per_lang))
            if task in self.selective:
                sel = self.selective[task]
                covered = "n/a" if sel["accuracy_covered"] is None else f"{sel['accuracy_covered']:.1%}"
                rest = "n/a" if sel["accuracy_rest"] is None else f"{sel['accuracy_rest']:.1%}"
                lines.append(
                    f"selective (confidence >= {sel['threshold']:.2f}): coverage {sel['coverage']:.1%} "
                    f"({sel['covered']}/{sel['n']}), accuracy covered {covered}, rest {rest}"
                )
        return "\n".join(lines) + "\n"


def short_names(labels: Sequence[str], minimum: int = 4) -> list[str]:
    """The shortest unique prefixes (at least ``minimum`` characters) for matrix column headers."""
    for length in range(minimum, max((len(label) for label in labels), default=minimum) + 1):
        heads = [label[:length] for label in labels]
        if len(set(heads)) == len(heads):
            return heads
    return list(labels)


def evaluate_predictions(
    claims: Sequence[LabeledClaim],
    predictions: Mapping[str, Sequence[str]],
    confidences: Mapping[str, Sequence[float]] | None = None,
    thresholds: Mapping[str, float] | None = None,
) -> EvaluationReport:
    """Score ``predictions`` (task -> one label per claim) against the claims' gold labels.

    Tasks are scored in ``TASKS`` order, only those present in ``predictions``; label order comes
    from the taxonomy. A selective report is added for each task that has both a confidence
    sequence and a threshold.
    """
    if not claims:
        raise ValueError("cannot evaluate an empty set of claims")
    unknown_tasks = sorted(set(predictions) - set(TASKS))
    if unknown_tasks:
        raise ValueError(f"unknown tasks {unknown_tasks}; allowed: {list(TASKS)}")
    taxonomy = load_taxonomy()
    tasks = [task for task in TASKS if task in predictions]
    if not tasks:
        raise ValueError("predictions hold no task")
    gold = {task: [claim.labels[task] for claim in claims] for task in tasks}
    reports = {task: task_report(gold[task], predictions[task], taxonomy.labels(task), task=task) for task in tasks}

    languages = [detect_language(claim.text) for claim in claims]
    by_language: dict[str, dict[str, Any]] = {}
    for lang, count in sorted(Counter(languages).items(), key=lambda item: (-item[1], item[0])):
        rows = [i for i, other in enumerate(languages) if other == lang]
        by_language[lang] = {
            "n": count,
            "accuracy": {task: sum(gold[task][i] == predictions[task][i] for i in rows) / count for task in tasks},
        }

    selective: dict[str, dict[str, Any]] = {}
    if confidences and thresholds:
        for task in tasks:
            if task in confidences and task in thresholds:
                selective[task] = selective_report(gold[task], predictions[task], confidences[task], thresholds[task])

    all_correct = sum(all(gold[t][i] == predictions[t][i] for t in tasks) for i in range(len(claims))) / len(claims)
    logger.info("evaluated %d claims on %s", len(claims), ", ".join(tasks))
    return EvaluationReport(
        n=len(claims), tasks=reports, by_language=by_language, selective=selective, all_correct=all_correct
    )


def fact_report(
    gold: Sequence[tuple[frozenset[str], float | None]],
    fact_probabilities: Sequence[Mapping[str, float | None]],
    names: Sequence[str],
) -> dict[str, dict[str, Any]]:
    """Per fact: accuracy (at p >= 0.5) with a Wilson 95% interval, precision, recall and support.

    ``gold`` holds per claim the facts that hold and the annotated amount; the amount row counts
    a predicted amount as right when it falls on the same side of every threshold of the guide
    (500, 10,000, 50,000 EUR), which is all the policy reads of it.
    """
    if len(gold) != len(fact_probabilities):
        raise ValueError(f"{len(gold)} gold rows for {len(fact_probabilities)} predictions")
    out: dict[str, dict[str, Any]] = {}
    for name in names:
        truth = [name in held for held, _ in gold]
        pred = [float(p.get(name) or 0.0) >= 0.5 for p in fact_probabilities]
        tp = sum(t and q for t, q in zip(truth, pred, strict=True))
        correct = sum(t == q for t, q in zip(truth, pred, strict=True))
        low, high = wilson_interval(correct, len(truth))
        out[name] = {
            "accuracy": correct / len(truth) if truth else None,
            "ci95": [low, high],
            "precision": tp / sum(pred) if sum(pred) else None,
            "recall": tp / sum(truth) if sum(truth) else None,
            "support": sum(truth),
            "predicted": sum(pred),
        }

    def band(value: float | None) -> int | None:
        return None if value is None else sum(value > t for t in (499.99, 10_000.0, 50_000.0))

    same = [band(amount) == band(p.get("amount_eur")) for (_, amount), p in zip(gold, fact_probabilities, strict=True)]
    low, high = wilson_interval(sum(same), len(same))
    out["amount_eur"] = {"accuracy": sum(same) / len(same) if same else None, "ci95": [low, high], "support": len(same)}
    return out


def plot_confusion_matrices(report: EvaluationReport, out_dir: Path) -> list[Path]:
    """Write ``confusion_<task>.png`` per task into ``out_dir``; return the paths.

    Colours are row-normalised (recall per gold label) so rare classes stay visible; the cells
    show the counts. matplotlib is imported here only, and drawn with the Agg canvas, so no
    display is needed and importing this module stays light.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for task, tr in report.tasks.items():
        size = len(tr.labels)
        rates = [[v / max(1, sum(row)) for v in row] for row in tr.confusion]
        fig = Figure(figsize=(1.0 + 0.7 * size, 0.8 + 0.6 * size), dpi=120)
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        ax.imshow(rates, cmap="Blues", vmin=0.0, vmax=1.0)
        ax.set_xticks(range(size), labels=list(tr.labels), rotation=45, ha="right", fontsize=8)
        ax.set_yticks(range(size), labels=list(tr.labels), fontsize=8)
        ax.set_xlabel("predicted")
        ax.set_ylabel("gold")
        ax.set_title(f"{task}: accuracy {tr.accuracy:.1%}, macro-F1 {tr.macro_f1:.3f} (n={tr.n})", fontsize=9)
        for i, row in enumerate(tr.confusion):
            for j, value in enumerate(row):
                if value:
                    colour = "white" if rates[i][j] > 0.5 else "black"
                    ax.text(j, i, str(value), ha="center", va="center", fontsize=7, color=colour)
        fig.tight_layout()
        path = out_dir / f"confusion_{task}.png"
        fig.savefig(path)
        paths.append(path)
    return paths
