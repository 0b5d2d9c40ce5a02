"""The shipped corpus passes its quality gate: every split valid, no near-duplicates, no over-used
openings, coverage minima met, no id or claim leaking across splits."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from triage_cli.main import app

CORPUS = Path(__file__).resolve().parents[1] / "data" / "claims"


def test_shipped_corpus_passes_check_corpus() -> None:
    result = CliRunner().invoke(app, ["data", "check-corpus", str(CORPUS)])
    assert result.exit_code == 0, result.output
    assert "corpus OK" in result.output


def test_each_split_validates() -> None:
    for split in ("train", "dev", "test"):
        result = CliRunner().invoke(app, ["data", "validate", str(CORPUS / f"{split}.jsonl")])
        assert result.exit_code == 0, result.output


def test_urgency_and_department_are_what_the_guide_policy_derives_from_the_facts() -> None:
    """The corpus cannot drift from the guide: every label equals the default policy on its facts."""
    from claims.policy.annotations import derived_labels, read_fact_file
    from claims.records import read_labeled

    facts_dir = CORPUS.parent / "facts"
    for split in ("train", "dev", "test"):
        facts = read_fact_file(facts_dir / f"{split}.jsonl")
        claims = read_labeled(CORPUS / f"{split}.jsonl")
        assert sorted(facts) == sorted(c.id for c in claims), split
        drifted = [c.id for c in claims if derived_labels(facts[c.id]) != {"urgency": c.urgency, "department": c.department}]
        assert not drifted, f"{split}: {len(drifted)} claims whose labels their facts do not give, e.g. {drifted[:5]}"
