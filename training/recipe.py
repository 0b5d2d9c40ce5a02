"""One reproducible training recipe: ``claims-triage train --recipe recipes/NAME.yaml`` builds a
complete model bundle into a NEW directory, in one fixed order:

1. read the train and dev splits and their fact annotations (labels must equal what the policy
   derives from the facts: the corpus cannot drift from the guide);
2. anonymize both splits once, through the pipeline's own anonymizer;
3. fine-tune (early stopping on dev accuracy of damage_type and the policy's urgency/department);
4. calibrate on dev: the damage_type temperature, then one temperature per fact;
5. the lexical damage_type model: fitted on train, its mix weight chosen on dev (dropped when the
   transformer alone is best);
6. where the policy's amount comes from (the text's figures, the amount heads, or both), then the
   review thresholds per task, from the confidences the pipeline itself computes, both on dev;
7. save into a temporary directory beside the target, then rename (a bundle is never edited in
   place), recording recipe, data sha256, PII-tagger hash, library version and commit.

The test split is never read.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any, Literal

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field

from claims import __version__
from claims.errors import ClaimsError
from claims.model import DAMAGE, AmountSource, DecisionMode, TriageConfig, TriageModel
from claims.pipeline import TriagePipeline
from claims.policy import load_policy
from claims.policy.annotations import derived_labels, read_fact_file
from claims.records import LabeledClaim, read_labeled
from claims.taxonomy import TASKS
from training.calibration import choose_threshold, fit_binary_temperature, fit_temperature
from training.trainer import TrainingArguments, train_triage

logger = logging.getLogger(__name__)

#: Tried in this order; ties keep the earlier one.
AMOUNT_SOURCES: tuple[AmountSource, ...] = ("extractor_then_model", "extractor", "model")
DECISION_MODES: tuple[DecisionMode, ...] = ("facts_at_half", "most_probable")


class RecipeError(ClaimsError, ValueError):
    """A recipe that cannot run (bad file, missing data, labels that contradict their facts)."""


class ModelSection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_length: int = Field(256, ge=16)
    truncation: Literal["head", "head_tail"] = "head_tail"
    head_share: float = Field(0.6, gt=0, le=1)
    lora_r: int = Field(16, ge=1)
    lora_alpha: int = Field(32, ge=1)
    lora_dropout: float = Field(0.1, ge=0, lt=1)
    head_dropout: float = Field(0.1, ge=0, lt=1)


class Recipe(BaseModel):
    """A recipe file (YAML); unknown keys are refused."""

    model_config = ConfigDict(extra="forbid")

    version: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
    description: str = ""
    data_dir: Path = Path("data/claims")
    facts_dir: Path = Path("data/facts")
    model: ModelSection = Field(default_factory=lambda: ModelSection.model_validate({}))
    training: dict[str, Any] = Field(default_factory=dict)
    parent: Path | None = Field(
        default=None, description="A bundle whose adapter and heads the training starts from (lineage recorded)."
    )
    lexical_weights: list[float] = Field(default_factory=lambda: [1.0], min_length=1)
    target_accuracy: float = Field(0.99, ge=0.5, le=1.0)

    @classmethod
    def load(cls, path: Path) -> Recipe:
        try:
            raw = yaml.safe_load(Path(path).read_text("utf-8"))
            recipe = cls.model_validate(raw)
            TrainingArguments(**recipe.training)
        except OSError as exc:
            raise RecipeError(f"{path}: cannot read recipe ({exc.strerror})") from None
        except (yaml.YAMLError, ValueError, TypeError) as exc:
            raise RecipeError(f"{path}: invalid recipe: {exc}") from None
        if any(not 0.0 <= w <= 1.0 for w in recipe.lexical_weights):
            raise RecipeError(f"{path}: lexical_weights must lie in [0, 1]")
        return recipe


def sha256_of(paths: Sequence[Path]) -> str:
    """One digest over files (names and bytes) or every file under directories, in sorted order."""
    digest = hashlib.sha256()
    files: list[Path] = []
    for path in paths:
        files.extend(sorted(p for p in Path(path).rglob("*") if p.is_file()) if Path(path).is_dir() else [Path(path)])
    for file in files:
        digest.update(file.name.encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()


def git_commit(cwd: Path) -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=cwd, capture_output=True, text=True, check=True)
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=cwd, capture_output=True, text=True, check=True)
        return out.stdout.strip() + ("-dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def load_split(recipe: Recipe, split: str) -> tuple[list[LabeledClaim], np.ndarray, list[float | None]]:
    """Claims of a split, their fact matrix (columns = the schema's boolean facts), annotated
    amounts, and a check that each claim's urgency and department are what the default policy
    derives from its facts."""
    claims = read_labeled(recipe.data_dir / f"{split}.jsonl")
    facts = read_fact_file(recipe.facts_dir / f"{split}.jsonl")
    missing = [c.id for c in claims if c.id not in facts]
    if missing:
        raise RecipeError(f"{len(missing)} {split} claims have no fact annotation (first: {missing[0]})")
    names = TriageConfig().facts
    matrix = np.array([[float(n in facts[c.id].true) for n in names] for c in claims], dtype=np.float32)
    policy = load_policy()
    drifted = [
        c.id
        for c in claims
        if derived_labels(facts[c.id], policy) != {t: c.labels[t] for t in ("urgency", "department")}
    ]
    if drifted:
        raise RecipeError(f"{len(drifted)} {split} claims have labels their facts do not give (first: {drifted[0]})")
    return claims, matrix, [facts[c.id].amount_eur for c in claims]


def run_recipe(
    recipe_path: Path,
    anonymize: Callable[[list[str]], list[str]],
    encoder_dir: Path,
    out_root: Path,
    pii_tagger_sha256: str,
    *,
    repo_dir: Path | None = None,
) -> Path:
    """Build the bundle ``out_root/<version>``; refuses to overwrite an existing one."""
    recipe = Recipe.load(recipe_path)
    target = Path(out_root) / recipe.version
    if target.exists():
        raise RecipeError(f"{target} exists: bundles are immutable, choose a new version")
    started = time.monotonic()
    commit = git_commit(repo_dir or Path(__file__).resolve().parents[1])  # the code that trains
    args = TrainingArguments(**recipe.training)
    config = TriageConfig(**recipe.model.model_dump(), model_version=recipe.version)

    names = config.facts
    train_claims, train_facts, train_amounts = load_split(recipe, "train")
    dev_claims, dev_facts, _ = load_split(recipe, "dev")
    logger.info("anonymizing %d train and %d dev claims", len(train_claims), len(dev_claims))
    train_texts = anonymize([c.text for c in train_claims])
    dev_texts = anonymize([c.text for c in dev_claims])
    dev_gold = {t: [c.labels[t] for c in dev_claims] for t in TASKS}
    policy = load_policy()

    def decide(model: TriageModel, thresholds: dict[str, float] | None = None) -> TriagePipeline:
        return TriagePipeline(None, model, policy, thresholds or {}, recipe.version)

    def dev_accuracy(model: TriageModel) -> dict[str, float]:
        decisions = decide(model).decide(dev_texts)
        return {
            t: float(np.mean([d.label(t) == g for d, g in zip(decisions, dev_gold[t], strict=True)])) for t in TASKS
        }

    model, result = train_triage(
        train_texts,
        [c.labels[DAMAGE] for c in train_claims],
        train_facts,
        train_amounts,
        encoder_dir,
        dev_accuracy,
        args,
        config,
        init_from=recipe.parent,
    )
    cfg = model.config

    # Calibration on dev: damage temperature, then one temperature per fact.
    logits = model.logits(dev_texts)
    damage_gold = np.array([cfg.damage_labels.index(x) for x in dev_gold[DAMAGE]])
    cfg.damage_temperature = fit_temperature(logits["damage"], damage_gold)
    unbiased = model.fact_logits(logits)  # offsets applied, temperatures still 1
    cfg.fact_temperatures = {n: fit_binary_temperature(unbiased[:, j], dev_facts[:, j]) for j, n in enumerate(names)}

    # The lexical damage_type model, kept only when a mix beats the transformer alone on dev.
    lexical_table: dict[str, float] = {}
    if any(w < 1.0 for w in recipe.lexical_weights):
        from training.ensemble import fit_lexical

        model.lexical = fit_lexical(train_texts, [c.labels[DAMAGE] for c in train_claims])
        for weight in sorted(set(recipe.lexical_weights), reverse=True):
            cfg.lexical_weight = weight
            damage = model.calibrate(logits, dev_texts).damage
            lexical_table[f"{weight:.2f}"] = float(np.mean(damage.argmax(axis=1) == damage_gold))
        best = max(lexical_table.values())
        cfg.lexical_weight = max(float(w) for w, acc in lexical_table.items() if acc == best)  # ties: less lexical
        if cfg.lexical_weight >= 1.0:
            model.lexical = None

    def policy_accuracy(field: str, value: str) -> float:
        setattr(cfg, field, value)
        scores = dev_accuracy(model)
        return (scores["urgency"] + scores["department"]) / 2

    # Where the amount comes from, then how the policy decides under uncertain facts: each the
    # option whose policy decisions are best on dev (ties: the earlier option).
    amount_table = {source: policy_accuracy("amount_source", source) for source in AMOUNT_SOURCES}
    cfg.amount_source = max(AMOUNT_SOURCES, key=lambda s: amount_table[s])
    decision_table = {mode: policy_accuracy("decision_mode", mode) for mode in DECISION_MODES}
    cfg.decision_mode = max(DECISION_MODES, key=lambda m: decision_table[m])

    # Review thresholds on the confidences the pipeline computes.
    decisions = decide(model).decide(dev_texts)
    for task in TASKS:
        confidence = np.array([d.labels[task].confidence for d in decisions])
        correct = np.array([d.label(task) == g for d, g in zip(decisions, dev_gold[task], strict=True)])
        cfg.thresholds[task] = choose_threshold(confidence, correct, recipe.target_accuracy)
    routed = decide(model, cfg.thresholds).decide(dev_texts)
    auto = [not d.needs_review for d in routed]
    all_right = [all(d.label(t) == dev_gold[t][i] for t in TASKS) for i, d in enumerate(routed)]
    dev_fact_probs = model.predict(dev_texts).facts
    fact_acc = {
        n: float(np.mean((dev_fact_probs[:, j] >= 0.5) == (dev_facts[:, j] > 0.5))) for j, n in enumerate(names)
    }

    cfg.provenance = {
        "recipe": recipe.model_dump(mode="json"),
        "recipe_file": str(recipe_path),
        "data_sha256": sha256_of(
            [
                recipe.data_dir / "train.jsonl",
                recipe.data_dir / "dev.jsonl",
                recipe.facts_dir / "train.jsonl",
                recipe.facts_dir / "dev.jsonl",
            ]
        ),
        "pii_tagger_sha256": pii_tagger_sha256,
        "library_version": __version__,
        "commit": commit,
        "policy": policy.name,
        "parent": None
        if recipe.parent is None
        else {
            "model_version": json.loads((recipe.parent / "config.json").read_text("utf-8"))["model_version"],
            "sha256": sha256_of([recipe.parent]),
        },
    }
    cfg.metrics = {
        "best_epoch": result.best_epoch,
        "history": result.history,
        "training_minutes": round(result.minutes, 1),
        "total_minutes": round((time.monotonic() - started) / 60, 1),
        "train_claims": len(train_claims),
        "dev": {
            **{t: float(np.mean([d.label(t) == g for d, g in zip(routed, dev_gold[t], strict=True)])) for t in TASKS},
            "all_three": float(np.mean(all_right)),
            "auto_routed": float(np.mean(auto)),
            "auto_routed_all_right": float(np.mean([r for r, a in zip(all_right, auto, strict=True) if a]))
            if any(auto)
            else None,
            "facts": fact_acc,
        },
        "lexical_dev_accuracy": lexical_table,
        "amount_source_dev_accuracy": amount_table,
        "decision_mode_dev_accuracy": decision_table,
        "args": asdict(args),
    }
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{recipe.version}.", dir=target.parent))
    try:
        model.save_pretrained(staging)
        os.chmod(staging, 0o755)
        os.rename(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    logger.info("saved %s (%.1f min)", target, (time.monotonic() - started) / 60)
    return target
