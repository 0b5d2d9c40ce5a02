"""Evaluation numbers: checked against scikit-learn and by hand; reports serialise and render."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support

from claims.metrics import (
    evaluate_predictions,
    plot_confusion_matrices,
    selective_report,
    short_names,
    task_report,
    wilson_interval,
)
from claims.records import LabeledClaim
from claims.taxonomy import TASKS, load_taxonomy

LABELS = ["a", "b", "c", "d"]  # "d" occurs nowhere
GOLD = ["a", "a", "a", "b", "b", "c", "c", "c", "c", "a"]
PRED = ["a", "b", "a", "b", "c", "c", "c", "a", "c", "a"]


def test_task_report_matches_sklearn() -> None:
    report = task_report(GOLD, PRED, LABELS)
    assert report.accuracy == pytest.approx(accuracy_score(GOLD, PRED))
    # macro-F1 over the labels present in gold or pred == sklearn's default label set
    assert report.macro_f1 == pytest.approx(f1_score(GOLD, PRED, average="macro"))
    assert report.macro_f1_labels == ("a", "b", "c")
    precision, recall, f1, support = precision_recall_fscore_support(GOLD, PRED, labels=LABELS, zero_division=0)
    for i, label in enumerate(LABELS):
        scores = report.per_class[label]
        assert scores.precision == pytest.approx(precision[i])
        assert scores.recall == pytest.approx(recall[i])
        assert scores.f1 == pytest.approx(f1[i])
        assert scores.support == support[i]
    np.testing.assert_array_equal(np.array(report.confusion), confusion_matrix(GOLD, PRED, labels=LABELS))


def test_confusion_rows_are_gold_columns_are_predictions_in_label_order() -> None:
    report = task_report(["x", "x", "y"], ["y", "y", "y"], ["y", "x"])
    assert report.confusion == ((1, 0), (2, 0))  # row "y": 1 correct; row "x": both predicted "y"
    assert report.per_class["x"].precision == 0.0  # never predicted: 0, not an error


def test_task_report_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="length"):
        task_report(["a"], ["a", "b"], LABELS)
    with pytest.raises(ValueError, match="not in the label list"):
        task_report(["a", "z"], ["a", "a"], LABELS)
    with pytest.raises(ValueError, match="empty"):
        task_report([], [], LABELS)


def test_perfect_predictions() -> None:
    report = task_report(GOLD, GOLD, LABELS)
    assert report.accuracy == 1.0 and report.macro_f1 == 1.0
    assert report.accuracy_ci[1] == 1.0


@pytest.mark.parametrize(
    ("successes", "n", "expected"),
    [
        (8, 10, (0.4901624, 0.9433178)),  # textbook values for 8/10
        (0, 10, (0.0, 0.2775328)),
        (10, 10, (0.7224672, 1.0)),
    ],
)
def test_wilson_interval(successes: int, n: int, expected: tuple[float, float]) -> None:
    low, high = wilson_interval(successes, n, z=1.959964)  # the exact 97.5 % normal quantile
    assert low == pytest.approx(expected[0], abs=1e-6)
    assert high == pytest.approx(expected[1], abs=1e-6)


def test_wilson_interval_edges() -> None:
    assert wilson_interval(0, 0) == (0.0, 1.0)
    assert wilson_interval(0, 10)[1] == pytest.approx(1.96**2 / (10 + 1.96**2))  # closed form at 0 successes
    low, high = wilson_interval(50, 100, z=2.576)
    assert low < 0.5 < high and math.isclose(0.5 - low, high - 0.5)
    with pytest.raises(ValueError):
        wilson_interval(3, 2)


def test_selective_report() -> None:
    gold = ["a", "a", "b", "b"]
    pred = ["a", "b", "b", "a"]
    conf = [0.9, 0.4, 0.8, 0.5]
    sel = selective_report(gold, pred, conf, threshold=0.8)
    assert sel["covered"] == 2 and sel["coverage"] == 0.5  # >= threshold counts as covered
    assert sel["accuracy_covered"] == 1.0
    assert sel["rest"] == 2 and sel["accuracy_rest"] == 0.0
    everything = selective_report(gold, pred, conf, threshold=0.0)
    assert everything["accuracy_rest"] is None and everything["accuracy_covered"] == 0.5
    nothing = selective_report(gold, pred, conf, threshold=0.95)
    assert nothing["accuracy_covered"] is None and nothing["coverage"] == 0.0


def claim(i: int, text: str, damage_type: str, urgency: str, department: str) -> LabeledClaim:
    return LabeledClaim(f"T{i:03d}", text, (), damage_type, urgency, department, "")


CLAIMS = [
    claim(
        1,
        "Bei uns ist ein Rohr im Keller geplatzt und das Wasser steht hoch.",
        "leitungswasser",
        "kritisch",
        "sach_privat",
    ),
    claim(2, "Der Sturm hat gestern das Dach von unserem Haus abgedeckt.", "sturm_hagel", "hoch", "sach_privat"),
    claim(3, "The storm damaged the roof of our house and the garage.", "sturm_hagel", "hoch", "sach_privat"),
    claim(
        4,
        "Someone broke into our flat and stole the laptop, police was there.",
        "einbruch_diebstahl",
        "mittel",
        "sach_privat",
    ),
    claim(5, "Auffahrunfall mit dem Firmenwagen, der Wagen ist nicht fahrbereit.", "kollision", "hoch", "kfz"),
]


def predictions() -> dict[str, list[str]]:
    return {
        "damage_type": ["leitungswasser", "sturm_hagel", "sturm_hagel", "einbruch_diebstahl", "kollision"],
        "urgency": ["kritisch", "hoch", "mittel", "mittel", "hoch"],
        "department": ["sach_privat", "sach_privat", "sach_privat", "sach_privat", "sach_privat"],
    }


def test_evaluate_predictions_per_task_language_and_selective() -> None:
    conf = {"urgency": [0.9, 0.9, 0.3, 0.8, 0.95]}
    report = evaluate_predictions(CLAIMS, predictions(), conf, {"urgency": 0.5, "department": 0.5})
    assert list(report.tasks) == list(TASKS)
    assert report.tasks["damage_type"].accuracy == 1.0
    assert report.tasks["urgency"].accuracy == pytest.approx(0.8)
    assert report.tasks["department"].accuracy == pytest.approx(0.8)
    assert report.tasks["department"].labels == load_taxonomy().labels("department")
    assert report.all_correct == pytest.approx(0.6)
    assert report.by_language["de"]["n"] == 3 and report.by_language["en"]["n"] == 2
    assert report.by_language["en"]["accuracy"]["urgency"] == pytest.approx(0.5)
    assert set(report.selective) == {"urgency"}  # department has a threshold but no confidences
    assert report.selective["urgency"]["covered"] == 4


def test_evaluate_only_the_given_tasks() -> None:
    report = evaluate_predictions(CLAIMS, {"urgency": predictions()["urgency"]})
    assert list(report.tasks) == ["urgency"]


def test_evaluate_rejects_unknown_tasks_and_labels() -> None:
    with pytest.raises(ValueError, match="unknown tasks"):
        evaluate_predictions(CLAIMS, {"peril": ["x"] * 5})
    with pytest.raises(ValueError, match="not in the label list"):
        evaluate_predictions(CLAIMS, {"urgency": ["sofort"] * 5})


def test_report_to_dict_is_json_serialisable() -> None:
    report = evaluate_predictions(CLAIMS, predictions(), {t: [0.7] * 5 for t in TASKS}, {t: 0.5 for t in TASKS})
    payload = json.loads(json.dumps(report.to_dict()))
    assert payload["tasks"]["urgency"]["accuracy"] == pytest.approx(0.8)
    assert payload["tasks"]["department"]["confusion"][0] == [0] * 6
    assert payload["selective"]["damage_type"]["coverage"] == 1.0


def test_format_text_is_readable() -> None:
    text = evaluate_predictions(CLAIMS, predictions(), {"urgency": [0.9] * 5}, {"urgency": 0.5}).format_text()
    assert "== damage_type ==" in text and "== department ==" in text
    assert "accuracy 80.0% (4/5" in text
    assert "macro-F1" in text and "confusion matrix (rows gold, columns predicted)" in text
    assert "sach" in text and "gros" in text  # short column headers
    assert "by language: de" in text
    assert "selective (confidence >= 0.50): coverage 100.0%" in text


def test_short_names_are_unique_prefixes() -> None:
    assert short_names(["grossschaden", "kfz", "personen"]) == ["gros", "kfz", "pers"]
    assert short_names(["einbruch_diebstahl", "einbruch_raub"]) == ["einbruch_d", "einbruch_r"]
    heads = short_names(load_taxonomy().labels("damage_type"))
    assert len(set(heads)) == len(heads)


def test_plot_confusion_matrices_writes_one_png_per_task(tmp_path: Path) -> None:
    report = evaluate_predictions(CLAIMS, predictions())
    paths = plot_confusion_matrices(report, tmp_path / "plots")
    assert [p.name for p in paths] == [f"confusion_{task}.png" for task in TASKS]
    for path in paths:
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
