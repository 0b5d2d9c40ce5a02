"""One recipe builds a complete bundle into a NEW directory on the tiny encoder, and the bundle
loads through the production builder; corpus labels that contradict their facts are refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claims.policy import ClaimFactValues
from claims.policy.annotations import derived_labels, write_fact_file
from claims_runtime.pipeline import build_pipeline
from claims_runtime.settings import RuntimeSettings
from training.recipe import RecipeError, run_recipe

ROWS = [
    ("der Sturm hat ein Dach", "sturm_hagel", ["emergency_repair_needed"], 3000.0),
    ("Wasser Wasser der Wasser", "leitungswasser", ["loss_ongoing"], None),
    ("the storm the Dach", "sturm_hagel", [], 300.0),
    ("water water the water", "leitungswasser", ["loss_ongoing"], 20_000.0),
]


def write_corpus(root: Path, copies: int = 4) -> tuple[Path, Path]:
    data, facts = root / "claims", root / "facts"
    data.mkdir(parents=True)
    facts.mkdir(parents=True)
    for split in ("train", "dev"):
        lines, fact_rows = [], []
        for k in range(copies):
            for i, (text, damage, held, amount) in enumerate(ROWS):
                values = ClaimFactValues(frozenset(held), amount)
                claim_id = f"{split[0].upper()}{k}{i}"
                lines.append(
                    {"id": claim_id, "text": text, "damage_type": damage, **derived_labels(values), "note": "t"}
                )
                fact_rows.append((claim_id, values))
        (data / f"{split}.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines), "utf-8")
        write_fact_file(facts / f"{split}.jsonl", fact_rows)
    return data, facts


def write_recipe(path: Path, data: Path, facts: Path, version: str = "tiny-facts-1") -> Path:
    path.write_text(
        f"version: {version}\ndata_dir: {data}\nfacts_dir: {facts}\n"
        "model: {max_length: 16, lora_r: 2, lora_alpha: 4}\n"
        "training: {epochs: 2, batch_size: 4, learning_rate: 0.01, head_learning_rate: 0.05}\n"
        "lexical_weights: [1.0, 0.5]\ntarget_accuracy: 0.9\n",
        "utf-8",
    )
    return path


def test_recipe_builds_a_new_bundle_that_the_pipeline_builder_loads(tiny_encoder_dir: Path, tmp_path: Path) -> None:
    data, facts = write_corpus(tmp_path)
    recipe = write_recipe(tmp_path / "recipe.yaml", data, facts)
    calls: list[int] = []

    def anonymize(texts: list[str]) -> list[str]:
        calls.append(len(texts))
        return texts

    target = run_recipe(recipe, anonymize, tiny_encoder_dir, tmp_path / "models", "f" * 64, repo_dir=tmp_path)
    assert target == tmp_path / "models" / "tiny-facts-1" and calls == [16, 16]  # each split anonymized once
    assert not [p for p in (tmp_path / "models").iterdir() if p.name.startswith(".")]  # no staging left
    config = json.loads((target / "config.json").read_text("utf-8"))
    provenance = config["provenance"]
    assert provenance["pii_tagger_sha256"] == "f" * 64 and len(provenance["data_sha256"]) == 64
    assert provenance["recipe"]["version"] == "tiny-facts-1" and provenance["policy"] == "guide"
    assert set(config["thresholds"]) == {"damage_type", "urgency", "department"}
    assert config["amount_source"] in ("extractor", "model", "extractor_then_model")
    assert set(config["metrics"]["dev"]["facts"]) == set(config["facts"])
    settings = RuntimeSettings(model_dir=target, encoder_dir=tiny_encoder_dir, use_pii_model=False)
    pipeline = build_pipeline(settings=settings)
    decision = pipeline.triage(["Wasser Wasser der Wasser, Anna Berger, Tel. 0171 2345678"])[0]
    assert decision.model_version == "tiny-facts-1"
    assert set(decision.explanation["rules"]) == {"urgency", "department"}
    assert set(decision.explanation["facts"]) == set(config["facts"]) | {"amount_eur"}
    with pytest.raises(RecipeError, match="exists"):
        run_recipe(recipe, anonymize, tiny_encoder_dir, tmp_path / "models", "f" * 64)


def test_labels_that_contradict_their_facts_are_refused(tiny_encoder_dir: Path, tmp_path: Path) -> None:
    data, facts = write_corpus(tmp_path, copies=1)
    lines = (data / "train.jsonl").read_text("utf-8").splitlines()
    first = json.loads(lines[0])
    first["urgency"] = "niedrig"  # its facts (emergency repair) give hoch
    (data / "train.jsonl").write_text("\n".join([json.dumps(first), *lines[1:]]) + "\n", "utf-8")
    with pytest.raises(RecipeError, match="1 train claims have labels their facts do not give"):
        run_recipe(write_recipe(tmp_path / "r.yaml", data, facts), lambda t: t, tiny_encoder_dir, tmp_path / "m", "x")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("version: a\nepochs: 3\n", "invalid recipe"),
        ("version: ../x\n", "invalid recipe"),
        ("version: ok\ntraining: {epochz: 1}\n", "epochz"),
    ],
)
def test_bad_recipes_are_refused_clearly(tmp_path: Path, tiny_encoder_dir: Path, text: str, message: str) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(text, "utf-8")
    with pytest.raises(RecipeError, match=message):
        run_recipe(path, lambda t: t, tiny_encoder_dir, tmp_path / "m", "x")


def test_a_recipe_can_start_from_a_parent_bundle(tiny_encoder_dir: Path, tmp_path: Path) -> None:
    data, facts = write_corpus(tmp_path)
    parent = run_recipe(
        write_recipe(tmp_path / "p.yaml", data, facts, "p-1"), lambda t: t, tiny_encoder_dir, tmp_path / "m", "x"
    )
    child_recipe = write_recipe(tmp_path / "c.yaml", data, facts, "c-1")
    child_recipe.write_text(child_recipe.read_text("utf-8") + f"parent: {parent}\n", "utf-8")
    child = run_recipe(child_recipe, lambda t: t, tiny_encoder_dir, tmp_path / "m", "x")
    config = json.loads((child / "config.json").read_text("utf-8"))
    assert config["provenance"]["parent"]["model_version"] == "p-1"
    assert config["decision_mode"] in ("facts_at_half", "most_probable")
    assert set(config["metrics"]["decision_mode_dev_accuracy"]) == {"facts_at_half", "most_probable"}
