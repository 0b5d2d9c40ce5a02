"""The taxonomy must carry exactly the customer's label ids, in the guide's order."""

from __future__ import annotations

import re

from claims.records import PII_TYPES
from claims.taxonomy import TASKS, load_taxonomy
from tests.conftest import shared_doc


def guide_ids() -> dict[str, list[str]]:
    guide = shared_doc("labeling-guide.md")
    sections = re.split(r"^## ", guide, flags=re.M)
    ids: dict[str, list[str]] = {}
    for task in TASKS:
        section = next(s for s in sections if re.match(rf"\d+\. {task}\b", s))
        if task == "department":
            ids[task] = re.findall(r"^\d+\. `([a-z_]+)`", section, flags=re.M)
        else:
            ids[task] = re.findall(r"^\| `([a-z_]+)` \|", section, flags=re.M)
    return ids


def test_every_task_has_exactly_the_guides_ids_in_order() -> None:
    taxonomy = load_taxonomy()
    expected = guide_ids()
    for task in TASKS:
        assert expected[task], f"no ids parsed for {task}"
        assert list(taxonomy.labels(task)) == expected[task], task


def test_label_counts_match_the_model_heads() -> None:
    taxonomy = load_taxonomy()
    assert [len(taxonomy.labels(t)) for t in TASKS] == [10, 4, 6]


def test_department_rule_order_is_the_guides() -> None:
    assert load_taxonomy().department_rule_order == tuple(guide_ids()["department"])


def test_every_label_has_both_descriptions() -> None:
    for task in TASKS:
        for label in load_taxonomy()[task].labels:
            assert label.de.strip() and label.en.strip(), label.id


def test_allowed_combinations_use_known_departments_and_cover_every_damage_type() -> None:
    taxonomy = load_taxonomy()
    combos = taxonomy.allowed_combinations()
    assert {d for _, d in combos} <= set(taxonomy.labels("department"))
    assert {t for t, _ in combos} == set(taxonomy.labels("damage_type"))


def test_personal_data_types_match_the_data_format() -> None:
    doc = shared_doc("data-format.md")
    section = doc.split("## Personal-data markup", 1)[1].split("Example", 1)[0]
    assert set(re.findall(r"`([A-Z_]+)`", section)) - {"TYPE"} == set(PII_TYPES)


def test_unknown_label_is_a_lookup_error() -> None:
    import pytest

    with pytest.raises(LookupError):
        load_taxonomy()["urgency"].index("sofort")


def test_vendored_customer_documents_match_the_shared_ones() -> None:
    import pytest

    from tests.conftest import SHARED, VENDORED

    if not SHARED.is_dir():
        pytest.skip("no ../shared next to this clone; the vendored copy is the reference")
    for name in ("labeling-guide.md", "data-format.md"):
        assert (VENDORED / name).read_text(encoding="utf-8") == (SHARED / name).read_text(encoding="utf-8"), name
