"""Guide rules on top of a model: each rule, its switch, the rule name reported; the keyword baseline."""

from __future__ import annotations

from dataclasses import fields, replace

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from claims.facts import ClaimFacts, extract_facts
from claims.rules import (
    AMOUNT_HIGH,
    AMOUNT_LOW,
    INJURY,
    LARGE_AMOUNT,
    MOST_URGENT,
    ONGOING,
    RULE_NAMES,
    SEVERAL_INJURED,
    SEVERAL_INJURED_HIGH,
    VEHICLE,
    KeywordRuleClassifier,
    RuleSet,
    apply_guide_rules,
    guide_rule_hook,
)
from claims.taxonomy import TASKS, load_taxonomy


def facts_of(text: str) -> ClaimFacts:
    return extract_facts(text)


def predicted(urgency: str = "mittel", department: str = "sach_privat", damage_type: str = "feuer") -> dict[str, str]:
    return {"damage_type": damage_type, "urgency": urgency, "department": department}


# (text, model's labels, expected labels, expected rule, switch that enables the rule)
RULE_CASES = [
    (
        "Gutachter schätzt 62.000 €.",
        predicted("hoch", "gewerbe"),
        {"department": "grossschaden", "urgency": "hoch"},
        LARGE_AMOUNT,
        "large_amount_grossschaden",
    ),
    (
        "Zwei Personen wurden verletzt und ins Krankenhaus gebracht.",
        predicted("kritisch", "kfz", "kollision"),
        {"department": "grossschaden", "urgency": "kritisch"},
        SEVERAL_INJURED,
        "several_injured_grossschaden",
    ),
    (
        "Mein Auto hat einen Poller gestreift.",
        predicted("mittel", "sach_privat", "kollision"),
        {"department": "kfz", "urgency": "mittel"},
        VEHICLE,
        "vehicle_kfz",
    ),
    (
        "Das Wasser läuft immer noch aus der Wand!",
        predicted("hoch", "sach_privat", "leitungswasser"),
        {"department": "sach_privat", "urgency": "kritisch"},
        ONGOING,
        "ongoing_kritisch",
    ),
    (
        "Ich bin gestürzt und habe mir das Handgelenk gebrochen.",
        predicted("mittel", "personen", "personenschaden"),
        {"department": "personen", "urgency": "kritisch"},
        INJURY,
        "injury_kritisch",
    ),
    (
        "Die Kostenschätzung liegt bei 14.500 €.",
        predicted("mittel", "sach_privat", "sturm_hagel"),
        {"department": "sach_privat", "urgency": "hoch"},
        AMOUNT_HIGH,
        "amount_over_10000_hoch",
    ),
    (
        "Mein Mann ist bei dem Unfall ums Leben gekommen.",
        predicted("mittel", "grossschaden", "personenschaden"),
        {"department": "grossschaden", "urgency": "hoch"},
        SEVERAL_INJURED_HIGH,
        "several_injured_hoch",
    ),
    (
        "Kratzer an der Tür, Rechnung 120 €.",
        predicted("mittel", "sach_privat", "einbruch_diebstahl"),
        {"department": "sach_privat", "urgency": "niedrig"},
        AMOUNT_LOW,
        "amount_under_500_niedrig",
    ),
]


@pytest.mark.parametrize(("text", "model", "expected", "rule", "switch"), RULE_CASES)
def test_each_rule_changes_the_label_and_names_itself(
    text: str, model: dict[str, str], expected: dict[str, str], rule: str, switch: str
) -> None:
    decision = apply_guide_rules(facts_of(text), model, RuleSet.only(switch))
    assert {task: decision.labels[task] for task in expected} == expected
    assert decision.rule == rule
    assert rule in decision.fired
    assert decision.changed
    assert decision.labels["damage_type"] == model["damage_type"]  # damage_type passes through
    assert RULE_NAMES[rule] == switch


@pytest.mark.parametrize(("text", "model", "expected", "rule", "switch"), RULE_CASES)
def test_each_rule_is_switchable(
    text: str, model: dict[str, str], expected: dict[str, str], rule: str, switch: str
) -> None:
    off = replace(RuleSet.only(*[f.name for f in fields(RuleSet)]), **{switch: False})
    decision = apply_guide_rules(facts_of(text), model, off)
    assert rule not in decision.fired
    assert apply_guide_rules(facts_of(text), model, RuleSet.none()).labels == model


def test_every_rule_switch_has_a_case() -> None:
    assert {case[4] for case in RULE_CASES} == {f.name for f in fields(RuleSet)} == set(RULE_NAMES.values())


def test_defaults_leave_the_imprecise_rules_off() -> None:
    rules = RuleSet()
    assert not rules.injury_kritisch and not rules.vehicle_kfz
    assert rules.large_amount_grossschaden and rules.amount_under_500_niedrig


def test_unknown_switch_is_named_with_the_allowed_ones() -> None:
    with pytest.raises(ValueError, match="bogus.*allowed"):
        RuleSet.only("bogus")


def test_nothing_changes_without_facts() -> None:
    model = predicted("hoch", "gewerbe")
    decision = apply_guide_rules(facts_of("Sturm hat das Dach beschädigt."), model)
    assert decision.labels == model and decision.rule is None and decision.changed == () and decision.fired == ()


def test_large_amount_beats_every_department_but_never_lowers_urgency() -> None:
    for department in load_taxonomy().labels("department"):
        decision = apply_guide_rules(facts_of("Schaden: 80.000 €"), predicted("kritisch", department))
        assert decision.department == "grossschaden"
        assert decision.urgency == "kritisch"  # already more urgent than "at least hoch"


def test_amount_exactly_at_the_threshold_does_not_fire() -> None:
    assert apply_guide_rules(facts_of("Schaden 50.000 €"), predicted("hoch", "gewerbe")).department == "gewerbe"
    assert apply_guide_rules(facts_of("Schaden 10.000 €"), predicted("mittel")).urgency == "mittel"
    assert apply_guide_rules(facts_of("Rechnung 500 €"), predicted("mittel")).urgency == "mittel"


def test_range_straddling_50000_is_not_clearly_above() -> None:
    decision = apply_guide_rules(facts_of("zwischen 45.000 und 55.000 €"), predicted("hoch", "gewerbe"))
    assert decision.department == "gewerbe"
    assert decision.rule == AMOUNT_HIGH or decision.rule is None


def test_below_500_keeps_a_more_urgent_model_label_most_urgent_wins() -> None:
    decision = apply_guide_rules(facts_of("Rechnung 120 €, Tür lässt sich nicht abschließen."), predicted("kritisch"))
    assert decision.urgency == "kritisch"
    assert decision.rule == MOST_URGENT
    assert decision.changed == ()


def test_below_500_never_applies_with_an_injury_or_an_ongoing_loss() -> None:
    for text in ("Brille kaputt, 120 €, und ich bin im Krankenhaus.", "Nur 200 €, aber das Wasser läuft immer noch."):
        decision = apply_guide_rules(facts_of(text), predicted("mittel"), RuleSet.only("amount_under_500_niedrig"))
        assert decision.urgency == "mittel"
        assert AMOUNT_LOW not in decision.fired


def test_below_500_does_not_raise_niedrig_to_anything() -> None:
    assert apply_guide_rules(facts_of("Rechnung 120 €"), predicted("niedrig")).urgency == "niedrig"


def test_most_urgent_raising_rule_wins() -> None:
    decision = apply_guide_rules(facts_of("Das Wasser läuft immer noch, Schaden 20.000 €."), predicted("mittel"))
    assert decision.urgency == "kritisch"
    assert decision.reasons["urgency"] == ONGOING
    assert AMOUNT_HIGH in decision.fired


def test_department_and_urgency_reasons_are_both_reported() -> None:
    decision = apply_guide_rules(facts_of("Gutachter: 62.000 €"), predicted("mittel", "sach_privat"))
    assert decision.reasons == {"department": LARGE_AMOUNT, "urgency": AMOUNT_HIGH}
    assert decision.rule == LARGE_AMOUNT
    assert set(decision.changed) == {"department", "urgency"}


def test_vehicle_rule_only_moves_to_an_earlier_department() -> None:
    rules = RuleSet.only("vehicle_kfz")
    decision = apply_guide_rules(facts_of("Auto beschädigt"), predicted("mittel", "grossschaden"), rules)
    assert decision.department == "grossschaden"


def test_unknown_label_raises_lookup_error() -> None:
    with pytest.raises(LookupError):
        apply_guide_rules(facts_of("x"), predicted("sofort"))


def test_pipeline_hook_returns_labels_and_rule() -> None:
    labels, rule = guide_rule_hook()("Gutachter: 62.000 €", predicted("hoch", "gewerbe"))
    assert labels["department"] == "grossschaden" and rule == LARGE_AMOUNT


# Keyword baseline ---------------------------------------------------------------------------

TOY = [
    ("Rohrbruch im Bad, Wasser läuft noch", "leitungswasser", "kritisch", "sach_privat"),
    ("Blitzeinschlag, Dachstuhl verrußt, Schaden 80.000 €", "feuer", "hoch", "grossschaden"),
    ("Auffahrunfall mit meinem Auto, fahrbereit, 2.400 Euro", "kollision", "mittel", "kfz"),
    ("Wildunfall mit einem Reh, Auto nicht fahrbereit", "tierschaden", "hoch", "kfz"),
    ("Einbruch in die Wohnung, Laptop gestohlen, 900 Euro", "einbruch_diebstahl", "mittel", "sach_privat"),
    ("Hagel hat das Dach unseres Restaurants beschädigt, 3.000 €", "sturm_hagel", "mittel", "gewerbe"),
    ("Ceranfeld gesprungen, schon repariert, 180 €", "glasbruch", "niedrig", "sach_privat"),
    ("Mein Hund hat den Postboten gebissen, fremdes Eigentum beschädigt", "haftpflicht", "kritisch", "haftpflicht"),
]


def toy_fit() -> KeywordRuleClassifier:
    texts = [row[0] for row in TOY]
    labels = {task: [row[i + 1] for row in TOY] for i, task in enumerate(TASKS)}
    return KeywordRuleClassifier().fit(texts, labels)


def test_keyword_classifier_is_not_fitted_before_fit() -> None:
    with pytest.raises(NotFittedError):
        KeywordRuleClassifier().predict(["x"])
    with pytest.raises(NotFittedError):
        KeywordRuleClassifier().predict_proba(["x"])


def test_keyword_classifier_follows_the_guide_on_clear_cases() -> None:
    model = toy_fit()
    predicted_labels = model.predict([row[0] for row in TOY])
    for i, task in enumerate(TASKS):
        assert predicted_labels[task] == [row[i + 1] for row in TOY], task


def test_keyword_classifier_proba_is_one_hot_in_taxonomy_order() -> None:
    model = toy_fit()
    proba = model.predict_proba(["Rohrbruch im Keller", "Brand in der Küche"])
    taxonomy = load_taxonomy()
    for task in TASKS:
        assert proba[task].shape == (2, len(taxonomy.labels(task)))
        np.testing.assert_allclose(proba[task].sum(axis=1), 1.0)
    assert taxonomy.labels("damage_type")[int(proba["damage_type"][0].argmax())] == "leitungswasser"


def test_keyword_classifier_falls_back_to_the_training_majority() -> None:
    model = KeywordRuleClassifier().fit(["a", "b", "c"], {"damage_type": ["glasbruch", "glasbruch", "feuer"]})
    assert model.fallbacks_["damage_type"] == "glasbruch"
    assert model.predict(["Guten Tag, bitte um Rückruf."])["damage_type"] == ["glasbruch"]


def test_keyword_classifier_rejects_unknown_labels() -> None:
    with pytest.raises(ValueError, match="unknown labels"):
        KeywordRuleClassifier().fit(["a"], {"urgency": ["sofort"]})
