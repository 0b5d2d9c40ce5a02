"""Our PII model: token classification of personal data on the multilingual-e5-small encoder.

The encoder is frozen and cut to its first ``encoder_layers`` layers (lexical and contextual cues
for names and addresses live in the lower half, and half the layers is half the latency); a small
BiLSTM head tags every sub-word token with BIO labels over the 11 personal-data types. Only the
head is trained and shipped (``config.json`` + ``head.safetensors``, no pickle); the encoder comes
from the offline build at load time.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch import nn

from claims import __version__
from claims.encoder import MODEL_NAME, load_encoder
from claims.errors import ClaimsError
from claims.records import PII_TYPES

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1
LABELS: tuple[str, ...] = ("O", *(f"{prefix}-{t}" for t in PII_TYPES for prefix in ("B", "I")))


class PiiModelError(ClaimsError, ValueError):
    """The PII model directory is missing or inconsistent."""


@dataclass
class PiiTaggerConfig:
    """Everything needed to rebuild the tagger; saved as ``config.json``."""

    encoder_layers: int = 4
    lstm_hidden: int = 192
    dropout: float = 0.2
    window: int = 254
    stride: int = 192
    labels: list[str] = field(default_factory=lambda: list(LABELS))
    base_model: str = MODEL_NAME
    library_version: str = __version__
    format_version: int = FORMAT_VERSION
    metrics: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PiiTaggerConfig:
        known = {f for f in cls.__dataclass_fields__}
        missing = [k for k in ("encoder_layers", "lstm_hidden", "labels", "format_version") if k not in data]
        if missing:
            raise PiiModelError(f"PII model config lacks {', '.join(missing)}")
        unknown = sorted(set(data) - known)
        if unknown:
            logger.warning("ignoring unknown PII model config keys: %s", ", ".join(unknown))
        if data["format_version"] != FORMAT_VERSION:
            raise PiiModelError(f"PII model format {data['format_version']} is not {FORMAT_VERSION}")
        return cls(**{k: v for k, v in data.items() if k in known})


class TaggingHead(nn.Module):
    """BiLSTM over frozen encoder states, then a linear layer to BIO logits."""

    def __init__(self, hidden_size: int, config: PiiTaggerConfig) -> None:
        super().__init__()
        self.dropout = nn.Dropout(config.dropout)
        self.lstm = nn.LSTM(hidden_size, config.lstm_hidden, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * config.lstm_hidden, len(config.labels))

    def forward(self, states: torch.Tensor) -> torch.Tensor:
        hidden, _ = self.lstm(self.dropout(states))
        return self.out(self.dropout(hidden))


def truncate_encoder(model: Any, layers: int) -> Any:
    """Keep the first ``layers`` transformer layers (the rest are never run)."""
    model.encoder.layer = model.encoder.layer[:layers]
    model.config.num_hidden_layers = layers
    return model


@dataclass(frozen=True)
class TokenizedText:
    """Sub-word ids of a text (no specials) with their character offsets."""

    ids: list[int]
    offsets: list[tuple[int, int]]


class PiiTagger:
    """Frozen truncated encoder + trained head; predicts personal-data spans with scores."""

    def __init__(self, tokenizer: Any, encoder: Any, head: TaggingHead, config: PiiTaggerConfig) -> None:
        self.tokenizer = tokenizer
        self.encoder = encoder.eval()
        self.head = head.eval()
        self.config = config
        self._bos = tokenizer.convert_tokens_to_ids("<s>")
        self._eos = tokenizer.convert_tokens_to_ids("</s>")

    # --- building -------------------------------------------------------------------------------
    @classmethod
    def from_encoder(cls, encoder_dir: Path, config: PiiTaggerConfig) -> PiiTagger:
        """A fresh (untrained) tagger on the built encoder, for training."""
        tokenizer, encoder = load_encoder(encoder_dir)
        encoder = truncate_encoder(encoder, config.encoder_layers)
        for param in encoder.parameters():
            param.requires_grad_(False)
        return cls(tokenizer, encoder, TaggingHead(encoder.config.hidden_size, config), config)

    @classmethod
    def from_pretrained(cls, directory: Path, encoder_dir: Path, *, quantize: bool = True) -> PiiTagger:
        """Load a saved head onto the built encoder; ``quantize`` uses dynamic int8 linear layers."""
        from safetensors.torch import load_file

        directory = Path(directory)
        if not (directory / "config.json").is_file() or not (directory / "head.safetensors").is_file():
            raise PiiModelError(f"no PII model in {directory}; train one with: claims-triage train-pii")
        config = PiiTaggerConfig.from_dict(json.loads((directory / "config.json").read_text("utf-8")))
        tagger = cls.from_encoder(encoder_dir, config)
        tagger.head.load_state_dict(load_file(directory / "head.safetensors"))
        tagger.head.eval()
        if quantize:
            tagger.encoder = torch.ao.quantization.quantize_dynamic(tagger.encoder, {nn.Linear}, dtype=torch.qint8)
        return tagger

    def save_pretrained(self, directory: Path) -> None:
        from safetensors.torch import save_file

        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "config.json").write_text(json.dumps(asdict(self.config), indent=2) + "\n", encoding="utf-8")
        save_file({k: v.contiguous() for k, v in self.head.state_dict().items()}, directory / "head.safetensors")

    # --- encoding -------------------------------------------------------------------------------
    def tokenize(self, text: str) -> TokenizedText:
        encoded = self.tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
        return TokenizedText(list(encoded["input_ids"]), [tuple(o) for o in encoded["offset_mapping"]])

    def windows(self, length: int) -> list[tuple[int, int]]:
        """Overlapping ``[start, end)`` token windows covering a text of ``length`` tokens."""
        if length <= self.config.window:
            return [(0, length)]
        spans, start = [], 0
        while True:
            end = min(length, start + self.config.window)
            spans.append((start, end))
            if end == length:
                return spans
            start += self.config.stride

    @torch.inference_mode()
    def encode(self, texts: list[TokenizedText]) -> list[torch.Tensor]:
        """Frozen encoder states ``[tokens, hidden]`` per text (windows averaged where they overlap)."""
        jobs = [(i, a, b) for i, t in enumerate(texts) for a, b in self.windows(len(t.ids))]
        sums = [torch.zeros(len(t.ids), self.encoder.config.hidden_size) for t in texts]
        counts = [torch.zeros(len(t.ids), 1) for t in texts]
        jobs.sort(key=lambda job: job[2] - job[1])
        for chunk_start in range(0, len(jobs), 16):
            chunk = jobs[chunk_start : chunk_start + 16]
            width = max(b - a for _, a, b in chunk) + 2
            ids = torch.full((len(chunk), width), self.tokenizer.pad_token_id)
            mask = torch.zeros((len(chunk), width), dtype=torch.long)
            for row, (i, a, b) in enumerate(chunk):
                seq = [self._bos, *texts[i].ids[a:b], self._eos]
                ids[row, : len(seq)] = torch.tensor(seq)
                mask[row, : len(seq)] = 1
            states = self.encoder(input_ids=ids, attention_mask=mask).last_hidden_state
            for row, (i, a, b) in enumerate(chunk):
                sums[i][a:b] += states[row, 1 : 1 + b - a].float()
                counts[i][a:b] += 1
        return [s / c.clamp(min=1) for s, c in zip(sums, counts, strict=True)]

    # --- prediction -----------------------------------------------------------------------------
    @torch.inference_mode()
    def predict(self, texts: list[str]) -> list[list[tuple[str, int, int, float]]]:
        """``(type, start, end, score)`` spans in character offsets of each text."""
        tokenized = [self.tokenize(t) for t in texts]
        states = self.encode(tokenized)
        results: list[list[tuple[str, int, int, float]]] = []
        for text, tok, state in zip(texts, tokenized, states, strict=True):
            if not tok.ids:
                results.append([])
                continue
            probs = torch.softmax(self.head(state.unsqueeze(0))[0], dim=-1)
            results.append(decode_spans(text, tok, probs, self.config.labels))
        return results


_WORD = re.compile(r"[\w'’@+]+(?:[.\-/][\w'’@+]+)*")


def decode_spans(
    text: str, tok: TokenizedText, probs: torch.Tensor, labels: list[str], threshold: float = 0.5
) -> list[tuple[str, int, int, float]]:
    """Word-level decoding: a word is personal data when any of its sub-word tokens is (the
    non-O probability reaches ``threshold``), typed by the summed type probabilities of its
    tokens; consecutive words of one type, separated only by spaces, form one span.

    Deciding per word, not per sub-word, never leaves half a name in the text.
    """
    types = [label.split("-", 1)[1] if label != "O" else "O" for label in labels]
    entity_types = sorted({t for t in types if t != "O"})
    columns = torch.tensor([[i for i, x in enumerate(types) if x == t] for t in entity_types])
    per_type = probs[:, columns].sum(dim=-1)  # [tokens, types]
    words = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    spans: list[list[Any]] = []
    token = 0
    for w_start, w_end in words:
        while token < len(tok.offsets) and tok.offsets[token][1] <= w_start:
            token += 1
        first = token
        while token < len(tok.offsets) and tok.offsets[token][0] < w_end:
            token += 1
        if first == token:
            continue
        entity_p = 1.0 - probs[first:token, 0]
        score = float(entity_p.max())
        if score < threshold:
            continue
        typ = entity_types[int(per_type[first:token].sum(dim=0).argmax())]
        if spans and spans[-1][0] == typ and text[spans[-1][2] : w_start].strip(" ") == "":
            spans[-1][2] = w_end
            spans[-1][3].append(score)
        else:
            spans.append([typ, w_start, w_end, [score]])
    return [(typ, start, end, round(sum(s) / len(s), 3)) for typ, start, end, s in spans]
