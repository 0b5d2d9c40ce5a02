"""Shared fixtures: the customer's documents, a tiny random encoder built through the real loader."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


VENDORED = REPO / "docs" / "customer"


def shared_doc(name: str) -> str:
    """A customer document: ``../shared`` when present (the live copy), else the copy vendored in
    ``docs/customer`` so that a clone alone still tests against the guide."""
    path = SHARED / name if (SHARED / name).is_file() else VENDORED / name
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def format_example() -> dict[str, str]:
    """The example claim of shared/data-format.md, as its author wrote it (wrapped lines joined)."""
    doc = shared_doc("data-format.md")
    block = re.search(r"```json\n(.*?)```", doc, re.S).group(1)
    return json.loads(" ".join(line.strip() for line in block.strip().splitlines()))


TINY_PIECES = [
    ("<s>", 0.0),
    ("<pad>", 0.0),
    ("</s>", 0.0),
    ("<unk>", 0.0),
    ("▁", -3.0),
    (",", -3.5),
    (".", -3.6),
    ("▁der", -4.0),
    ("▁die", -4.1),
    ("▁Sturm", -6.0),
    ("▁hat", -5.0),
    ("▁ein", -5.0),
    ("▁Dach", -6.5),
    ("▁the", -4.0),
    ("▁storm", -6.0),
    ("▁passage", -7.0),
    (":", -4.5),
    ("▁Wasser", -6.2),
    ("s", -5.0),
    ("e", -5.1),
    ("n", -5.2),
    ("a", -5.3),
    ("t", -5.4),
    ("r", -5.5),
    ("▁water", -6.3),
    ("<mask>", 0.0),
]


@pytest.fixture(scope="session")
def tiny_encoder_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random BERT + unigram tokenizer saved exactly like the real build."""
    import torch
    from transformers import BertConfig, BertModel

    from claims.encoder import make_tokenizer, save_checkpoint

    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=len(TINY_PIECES),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=128,
        pad_token_id=1,
    )
    dest = tmp_path_factory.mktemp("encoders") / "tiny-e5"
    tokenizer = make_tokenizer(TINY_PIECES, {0x09: [0x20], 0x0A: [0x20], 0x01: []})
    save_checkpoint(dest, BertModel(config), tokenizer, {"format": 1, "model": "tiny"})
    return dest


@pytest.fixture(scope="session")
def tiny_model_dir(tiny_encoder_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A saved (untrained) triage model on the tiny encoder; the department threshold makes some
    claims need review."""
    from tests.service_support import save_tiny_model

    return save_tiny_model(tiny_encoder_dir, tmp_path_factory.mktemp("tiny-model") / "model")


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each database test runs on SQLite and on PostgreSQL (skipped when no server is configured)."""
    from tests.service_support import database_url

    return database_url(request.param, tmp_path)


@pytest.fixture()
def sqlite_url(tmp_path: Path) -> str:
    from tests.service_support import database_url

    return database_url("sqlite", tmp_path)
