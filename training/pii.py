"""Train the PII tagger (frozen e5 layers + BiLSTM head) on the corpus markup.

Every training claim is used as written plus ``copies`` times with its values swapped for fresh
fictitious ones, each copy varied by ``training.pii_augment`` (case, OCR noise, form fields,
signatures, thread headers, business names, negative sentences). Encoder states are computed once (the encoder is frozen), then the head trains
for a few epochs; the epoch with the best dev F2 over all personal-data tokens is kept.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass, field
from pathlib import Path

import torch
from torch import nn
from tqdm import tqdm

from claims.anonymizer.pii_model import PiiTagger, PiiTaggerConfig
from claims.records import LabeledClaim, Span
from training.pii_augment import Augmenter
from training.value_swap import ValueSwapper

logger = logging.getLogger(__name__)


@dataclass
class PiiTrainingArguments:
    """Typed options of ``claims-triage train-pii``."""

    copies: int = field(default=2, metadata={"help": "Value-swapped copies per training claim."})
    epochs: int = field(default=12, metadata={"help": "Maximum epochs over the head."})
    patience: int = field(default=3, metadata={"help": "Stop after this many epochs without dev gain."})
    batch_size: int = 16
    learning_rate: float = 2e-3
    entity_weight: float = field(default=3.0, metadata={"help": "Loss weight of personal-data tokens vs O."})
    seed: int = 13
    max_chars: int = field(
        default=0, metadata={"help": "Cut every example to a window of this many characters (0: whole)."}
    )
    snippets: int = field(default=0, metadata={"help": "Extra short examples in the styles of training.pii_augment."})
    warm_start: Path | None = field(
        default=None, metadata={"help": "Start from this trained head instead of from scratch."}
    )

    def __post_init__(self) -> None:
        for name in ("copies", "epochs", "batch_size"):
            if getattr(self, name) < (0 if name == "copies" else 1):
                raise ValueError(f"{name}={getattr(self, name)} is out of range")


def token_labels(tagger: PiiTagger, text: str, spans: tuple[Span, ...]) -> tuple[list[int], list[int]]:
    """Sub-word ids and BIO label ids: a token takes the type of the span it overlaps."""
    tok = tagger.tokenize(text)
    index = {label: i for i, label in enumerate(tagger.config.labels)}
    labels = []
    for start, end in tok.offsets:
        label = "O"
        for span in spans:
            if start < span.end and end > span.start and text[start:end].strip():
                label = ("B-" if start <= span.start else "I-") + span.type
                break
        labels.append(index[label])
    return tok.ids, labels


def _examples(
    tagger: PiiTagger, claims: list[LabeledClaim], copies: int, seed: int, max_chars: int = 0, snippets: int = 0
) -> list[tuple[str, tuple[Span, ...]]]:
    swapper = ValueSwapper(seed)
    augmenter = Augmenter(seed)
    examples = [(c.text, c.spans) for c in claims]
    for _ in range(copies):
        examples += [augmenter.variants(*swapper.swap(c)) for c in claims if c.spans]
    if max_chars:
        examples = [augmenter.window(text, spans, max_chars) for text, spans in examples]
    examples += [augmenter.variants(*augmenter.snippet()) for _ in range(snippets)]
    return examples


def _featurize(
    tagger: PiiTagger, examples: list[tuple[str, tuple[Span, ...]]], desc: str
) -> list[tuple[torch.Tensor, torch.Tensor]]:
    from claims.anonymizer.pii_model import TokenizedText

    out = []
    for start in tqdm(range(0, len(examples), 64), desc=desc, unit="batch"):
        chunk = examples[start : start + 64]
        labelled = [token_labels(tagger, text, spans) for text, spans in chunk]
        tokenized = [tagger.tokenize(text) for text, _ in chunk]
        states = tagger.encode([TokenizedText(t.ids, t.offsets) for t in tokenized])
        for (ids, labels), state in zip(labelled, states, strict=True):
            if ids:
                out.append((state.to(torch.float16), torch.tensor(labels)))
    return out


def _dev_scores(tagger: PiiTagger, dev: list[tuple[torch.Tensor, torch.Tensor]]) -> dict[str, float]:
    tagger.head.eval()
    tp = fp = fn = 0
    with torch.inference_mode():
        for state, labels in dev:
            pred = tagger.head(state.float().unsqueeze(0))[0].argmax(-1)
            is_entity, gold_entity = pred != 0, labels != 0
            tp += int((is_entity & gold_entity).sum())
            fp += int((is_entity & ~gold_entity).sum())
            fn += int((~is_entity & gold_entity).sum())
    precision = tp / max(1, tp + fp)
    recall = tp / max(1, tp + fn)
    f2 = 5 * precision * recall / max(1e-9, 4 * precision + recall)
    return {"token_precision": round(precision, 4), "token_recall": round(recall, 4), "token_f2": round(f2, 4)}


def train_pii(
    train: list[LabeledClaim],
    dev: list[LabeledClaim],
    encoder_dir: Path,
    out_dir: Path,
    args: PiiTrainingArguments | None = None,
    config: PiiTaggerConfig | None = None,
) -> dict[str, float]:
    """Train, keep the best epoch on dev, save it to ``out_dir``; return its dev scores."""
    args = args or PiiTrainingArguments()
    torch.manual_seed(args.seed)
    random.seed(args.seed)
    tagger = PiiTagger.from_encoder(encoder_dir, config or PiiTaggerConfig())
    if args.warm_start is not None:
        from safetensors.torch import load_file

        tagger.head.load_state_dict(load_file(Path(args.warm_start) / "head.safetensors"))
    examples = _examples(tagger, train, args.copies, args.seed, args.max_chars, args.snippets)
    train_set = _featurize(tagger, examples, "encoding train")
    dev_set = _featurize(tagger, [(c.text, c.spans) for c in dev], "encoding dev")
    weights = torch.full((len(tagger.config.labels),), args.entity_weight)
    weights[0] = 1.0
    loss_fn = nn.CrossEntropyLoss(weight=weights, ignore_index=-100)
    optimizer = torch.optim.AdamW(tagger.head.parameters(), lr=args.learning_rate)
    best: dict[str, float] = {"token_f2": -1.0}
    best_state = None
    stale = 0
    rng = random.Random(args.seed)
    for epoch in range(1, args.epochs + 1):
        tagger.head.train()
        order = list(range(len(train_set)))
        rng.shuffle(order)
        total = 0.0
        bar = tqdm(range(0, len(order), args.batch_size), desc=f"epoch {epoch}", unit="batch")
        for start in bar:
            batch = [train_set[i] for i in order[start : start + args.batch_size]]
            width = max(len(labels) for _, labels in batch)
            states = torch.zeros(len(batch), width, batch[0][0].shape[-1])
            labels = torch.full((len(batch), width), -100)
            for row, (state, lab) in enumerate(batch):
                states[row, : len(lab)] = state.float()
                labels[row, : len(lab)] = lab
            logits = tagger.head(states)
            loss = loss_fn(logits.reshape(-1, logits.shape[-1]), labels.reshape(-1))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += float(loss.detach())
            bar.set_postfix(loss=f"{total / (start // args.batch_size + 1):.4f}")
        scores = _dev_scores(tagger, dev_set)
        logger.info("epoch %d: %s", epoch, scores)
        tqdm.write(f"epoch {epoch}: train loss {total / max(1, len(order) // args.batch_size):.4f}, dev {scores}")
        if scores["token_f2"] > best["token_f2"]:
            best, stale = {**scores, "epoch": epoch}, 0
            best_state = {k: v.detach().clone() for k, v in tagger.head.state_dict().items()}
        else:
            stale += 1
            if stale >= args.patience:
                break
    assert best_state is not None
    tagger.head.load_state_dict(best_state)
    tagger.config.metrics = {
        "dev": best,
        "train_claims": len(train),
        "copies": args.copies,
        "max_chars": args.max_chars,
        "snippets": args.snippets,
        "warm_start": args.warm_start is not None,
    }
    tagger.save_pretrained(out_dir)
    return best
