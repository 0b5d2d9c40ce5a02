"""The guide as an executable policy: one table row per rule of the guide, the precedence the
guide states, label probabilities under uncertain facts, and refusal of broken policy files."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from claims.policy import GUIDE_POLICY, ClaimFactValues, PolicyError, load_fact_schema, load_policy

ROOT = Path(__file__).resolve().parents[1]

# (facts that hold, amount, expected urgency, expected rule) -- every urgency clause of the guide.
URGENCY_TABLE = [
    ({"loss_ongoing"}, None, "kritisch", "kritisch.loss_ongoing"),
    ({"fire_just_happened"}, None, "kritisch", "kritisch.fire_just_happened"),
    ({"person_injured"}, None, "kritisch", "kritisch.person_injured"),
    ({"home_uninhabitable"}, None, "kritisch", "kritisch.home_uninhabitable"),
    ({"building_unsafe"}, None, "kritisch", "kritisch.building_unsafe"),
    ({"home_unlockable"}, None, "kritisch", "kritisch.home_unlockable"),
    ({"emergency_repair_needed"}, None, "hoch", "hoch.emergency_repair"),
    ({"vehicle_not_drivable"}, None, "hoch", "hoch.vehicle_not_drivable"),
    ({"heating_failed_winter"}, None, "hoch", "hoch.heating_failed_winter"),
    ({"business_cannot_operate"}, None, "hoch", "hoch.business_cannot_operate"),
    (set(), 10_000.01, "hoch", "hoch.amount_above_10000"),
    (set(), 10_000.0, "mittel", "mittel.ordinary"),  # "above" is strict
    ({"death"}, None, "hoch", "hoch.death"),
    ({"minor_damage"}, None, "niedrig", "niedrig.minor_damage"),
    ({"already_repaired"}, None, "niedrig", "niedrig.already_repaired"),
    ({"for_the_record"}, None, "niedrig", "niedrig.for_the_record"),
    (set(), 499.99, "niedrig", "niedrig.amount_below_500"),
    (set(), 500.0, "mittel", "mittel.ordinary"),  # exactly 500 is not below 500
    (set(), None, "mittel", "mittel.ordinary"),
    # most urgent wins
    ({"minor_damage", "person_injured"}, 200.0, "kritisch", "kritisch.person_injured"),
    ({"already_repaired"}, 12_000.0, "hoch", "hoch.amount_above_10000"),
    ({"vehicle_not_drivable", "loss_ongoing"}, None, "kritisch", "kritisch.loss_ongoing"),
]

DEPARTMENT_TABLE = [
    (set(), 50_000.5, "grossschaden", "grossschaden.amount_above_50000"),
    (set(), 50_000.0, "sach_privat", "sach_privat.everything_else"),
    ({"building_total_loss"}, None, "grossschaden", "grossschaden.building_total_loss"),
    ({"several_injured", "person_injured", "motor_vehicle"}, None, "grossschaden", "grossschaden.several_injured"),
    ({"death"}, None, "grossschaden", "grossschaden.death"),
    ({"motor_vehicle"}, None, "kfz", "kfz.motor_vehicle"),
    ({"motor_vehicle", "insured_injured", "person_injured"}, None, "kfz", "kfz.motor_vehicle"),
    ({"insured_injured", "person_injured"}, None, "personen", "personen.insured_injured"),
    ({"third_party_damage", "insured_injured"}, None, "personen", "personen.insured_injured"),
    ({"third_party_damage", "business_property"}, None, "haftpflicht", "haftpflicht.third_party"),
    ({"business_property"}, 48_500.0, "gewerbe", "gewerbe.business_property"),
    (set(), 46_000.0, "sach_privat", "sach_privat.everything_else"),
]


@pytest.mark.parametrize(("facts", "amount", "label", "rule"), URGENCY_TABLE)
def test_guide_urgency_rules(facts: set[str], amount: float | None, label: str, rule: str) -> None:
    outcome = load_policy().decide(dict.fromkeys(facts, True), amount)["urgency"]
    assert (outcome.label, outcome.rule) == (label, rule)


@pytest.mark.parametrize(("facts", "amount", "label", "rule"), DEPARTMENT_TABLE)
def test_guide_department_rules(facts: set[str], amount: float | None, label: str, rule: str) -> None:
    outcome = load_policy().decide(dict.fromkeys(facts, True), amount)["department"]
    assert (outcome.label, outcome.rule) == (label, rule)


def test_every_guide_rule_has_a_table_row() -> None:
    policy = load_policy()
    tested = {row[3] for row in URGENCY_TABLE + DEPARTMENT_TABLE}
    defined = {r.id for task in policy.tasks.values() for r in (*task.rules, task.default)}
    assert defined == tested


def test_outcome_names_the_facts_the_rule_read() -> None:
    outcome = load_policy().decide({"person_injured": True}, 20_000.0)
    assert outcome["urgency"].facts == ("person_injured",)
    assert load_policy().decide({}, 20_000.0)["urgency"].facts == ("amount_eur",)


def test_probabilities_match_brute_force_enumeration() -> None:
    policy = load_policy()
    rng = np.random.default_rng(3)
    names = list(load_fact_schema().boolean)
    probs = {n: float(rng.uniform(0.05, 0.95)) if i % 3 == 0 else 0.0 for i, n in enumerate(names)}
    result = policy.label_probabilities(probs, 700.0)
    uncertain = [n for n in names if 0 < probs[n] < 1]
    expected: dict[str, dict[str, float]] = {"urgency": {}, "department": {}}
    for values in itertools.product((False, True), repeat=len(uncertain)):
        assignment = {n: probs[n] >= 0.5 for n in names} | dict(zip(uncertain, values, strict=True))
        weight = float(np.prod([probs[n] if v else 1 - probs[n] for n, v in zip(uncertain, values, strict=True)]))
        for task, outcome in policy.decide(assignment, 700.0).items():
            expected[task][outcome.label] = expected[task].get(outcome.label, 0.0) + weight
    for task in expected:
        total = sum(expected[task].values())
        for label, p in expected[task].items():
            assert result[task].get(label, 0.0) == pytest.approx(p / total, abs=1e-9)


def test_probabilities_of_certain_facts_are_the_decision() -> None:
    policy = load_policy()
    facts = ClaimFactValues(frozenset({"motor_vehicle", "vehicle_not_drivable"}), 3000.0)
    dist = policy.label_probabilities(facts.probabilities(), facts.amount_eur)
    assert dist == {"urgency": {"hoch": 1.0}, "department": {"kfz": 1.0}}


def test_an_insurer_policy_changes_decisions_without_retraining() -> None:
    narrow = load_policy(ROOT / "policies" / "acute-injuries-only.yaml")
    later = {"person_injured": True, "insured_injured": True}
    assert load_policy().decide(later, None)["urgency"].label == "kritisch"
    assert narrow.decide(later, None)["urgency"].rule == "hoch.person_injured_later"
    assert narrow.decide(later | {"injury_acute": True}, None)["urgency"].label == "kritisch"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "name: x\ntasks: {urgency: {rules: [{id: a, label: kritisch, guide: g, when: {fact: unicorn}}], default: {id: d, label: mittel, guide: g}}, department: {rules: [], default: {id: e, label: sach_privat, guide: g}}}",
            "unknown fact 'unicorn'",
        ),
        (
            "name: x\ntasks: {urgency: {rules: [{id: a, label: sofort, guide: g, when: {fact: death}}], default: {id: d, label: mittel, guide: g}}, department: {rules: [], default: {id: e, label: sach_privat, guide: g}}}",
            "not a urgency label",
        ),
        (
            "name: x\ntasks: {urgency: {rules: [{id: a, label: hoch, guide: g, when: {maybe: death}}], default: {id: d, label: mittel, guide: g}}, department: {rules: [], default: {id: e, label: sach_privat, guide: g}}}",
            "unknown condition 'maybe'",
        ),
        (
            "name: x\ntasks: {urgency: {rules: [], default: {id: d, label: mittel, guide: g}}}",
            "exactly ['urgency', 'department']",
        ),
        (
            "name: x\nextends: guide\nreplace: {urgency: {kritisch.nothing: {id: a, label: hoch, guide: g, when: {fact: death}}}}",
            "unknown urgency rule 'kritisch.nothing'",
        ),
        (
            "name: x\ntasks: {urgency: {rules: [{id: a, label: hoch, guide: g, when: {fact: death}}, {id: a, label: hoch, guide: g, when: {fact: death}}], default: {id: d, label: mittel, guide: g}}, department: {rules: [], default: {id: e, label: sach_privat, guide: g}}}",
            "repeats a rule id",
        ),
        ("name: x\nrules: []", "top-level keys"),
        ("{{{", "not valid YAML"),
    ],
)
def test_broken_policy_files_are_refused(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text(text, "utf-8")
    with pytest.raises(PolicyError, match=message.replace("[", r"\[").replace("]", r"\]").replace(".", r"\.")):
        load_policy(path)


def test_default_policy_is_the_shipped_guide_file() -> None:
    assert load_policy().source == str(GUIDE_POLICY)
    assert load_policy().name == "guide"


def test_shared_facts_fall_back_to_enumeration(tmp_path: Path) -> None:
    path = tmp_path / "shared.yaml"
    path.write_text(
        "name: shared\nextends: guide\ninsert_after:\n  urgency:\n    kritisch.home_unlockable:\n"
        "      - {id: hoch.injured_and_ongoing, label: hoch, guide: g, when: {all: [{fact: person_injured}, {not: {fact: loss_ongoing}}]}}\n",
        "utf-8",
    )
    policy = load_policy(path)
    assert not policy.tasks["urgency"].rules_independent()
    probs = {"person_injured": 0.3, "loss_ongoing": 0.4, "minor_damage": 0.5}
    dist = policy.label_probabilities(probs, None)["urgency"]
    # kritisch: ongoing or injured = 1 - 0.7 * 0.6; the hoch rule never fires (injury is kritisch first)
    assert dist["kritisch"] == pytest.approx(1 - 0.7 * 0.6)
    assert "hoch" not in dist
    assert dist["niedrig"] == pytest.approx(0.42 * 0.5)


def test_most_probable_label_and_its_most_probable_rule() -> None:
    policy = load_policy()
    # two weak kritisch facts: neither above 0.5, together more likely than not
    probs = {"loss_ongoing": 0.4, "person_injured": 0.4, "minor_damage": 0.9}
    best = policy.most_probable(probs, None)
    outcome, p = best["urgency"]
    assert outcome.label == "kritisch" and p == pytest.approx(1 - 0.6 * 0.6)
    assert outcome.rule == "kritisch.loss_ongoing"  # 0.4 beats 0.6 * 0.4 for the later rule
    assert policy.decide({k: v >= 0.5 for k, v in probs.items()}, None)["urgency"].label == "niedrig"
    rules = policy.rule_probabilities(probs, None)["urgency"]
    assert sum(rules.values()) == pytest.approx(1.0)
