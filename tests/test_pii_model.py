"""The PII tagger on the tiny encoder: training loop, decoding, save/load round trip, recognizer."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from claims.anonymizer import Anonymizer, AnonymizerConfig
from claims.anonymizer.pii_model import LABELS, PiiModelError, PiiTagger, PiiTaggerConfig, TokenizedText, decode_spans
from claims.anonymizer.pii_recognizer import PiiModelRecognizer
from claims.records import LabeledClaim, Span
from training.pii import PiiTrainingArguments, token_labels, train_pii
from training.value_swap import ValueSwapper


def claim(cid: str, text: str, *spans: tuple[str, str]) -> LabeledClaim:
    found = tuple(Span(t, text.index(v), text.index(v) + len(v)) for t, v in spans)
    return LabeledClaim(cid, text, found, "sturm_hagel", "mittel", "sach_privat", "n")


@pytest.fixture(scope="module")
def tiny_tagger(tiny_encoder_dir: Path) -> PiiTagger:
    return PiiTagger.from_encoder(
        tiny_encoder_dir, PiiTaggerConfig(encoder_layers=1, lstm_hidden=8, window=8, stride=6)
    )


def test_windows_cover_long_texts_with_overlap(tiny_tagger: PiiTagger) -> None:
    assert tiny_tagger.windows(5) == [(0, 5)]
    assert tiny_tagger.windows(20) == [(0, 8), (6, 14), (12, 20)]


def test_encode_gives_one_state_per_token_even_beyond_one_window(tiny_tagger: PiiTagger) -> None:
    tok = tiny_tagger.tokenize("der Sturm hat ein Dach der die Wasser water storm the")
    (states,) = tiny_tagger.encode([tok])
    assert states.shape == (len(tok.ids), 32)


def test_token_labels_mark_begin_and_inside(tiny_tagger: PiiTagger) -> None:
    text = "der Sturm hat Dach"
    ids, labels = token_labels(tiny_tagger, text, (Span("PERSON", 4, 13),))
    names = [LABELS[i] for i in labels]
    assert names[0] == "O" and names[1] == "B-PERSON" and "I-PERSON" in names and names[-1] == "O"


def test_decode_joins_words_and_never_splits_a_word() -> None:
    text = "Gruß Jana Seidel, Tel"
    tok = TokenizedText([1, 2, 3, 4, 5], [(0, 4), (5, 9), (10, 13), (13, 16), (18, 21)])
    probs = torch.zeros(5, len(LABELS))
    probs[:, 0] = 1.0
    person_b, person_i = LABELS.index("B-PERSON"), LABELS.index("I-PERSON")
    probs[1, 0], probs[1, person_b] = 0.1, 0.9
    probs[2, 0], probs[2, person_i] = 0.3, 0.7  # "Sei" tagged, "del" not: the word is still whole
    assert decode_spans(text, tok, probs, list(LABELS)) == [("PERSON", 5, 16, 0.8)]


def test_value_swap_keeps_text_around_values_and_types() -> None:
    original = claim(
        "a",
        "Herr Koch, Tel. 0721 556 23 10, VS-Nr. HR 4471 2209",
        ("PERSON", "Koch"),
        ("PHONE_NUMBER", "0721 556 23 10"),
        ("POLICY_NUMBER", "HR 4471 2209"),
    )
    text, spans = ValueSwapper(1).swap(original)
    assert text.startswith("Herr ") and ", Tel. " in text and ", VS-Nr. " in text
    assert [s.type for s in spans] == ["PERSON", "PHONE_NUMBER", "POLICY_NUMBER"]
    policy = text[spans[2].start : spans[2].end]
    assert len(policy) == len("HR 4471 2209") and policy[2] == " " and policy != "HR 4471 2209"


def test_training_saves_a_head_that_loads_with_identical_predictions(tiny_encoder_dir: Path, tmp_path: Path) -> None:
    train = [claim(str(i), "Gruß der Sturm hat ein Dach", ("PERSON", "Sturm")) for i in range(6)]
    best = train_pii(
        train,
        train[:2],
        tiny_encoder_dir,
        tmp_path / "pii",
        PiiTrainingArguments(copies=1, epochs=2, batch_size=4, seed=1),
        PiiTaggerConfig(encoder_layers=1, lstm_hidden=8),
    )
    assert set(best) >= {"token_f2", "epoch"}
    loaded = PiiTagger.from_pretrained(tmp_path / "pii", tiny_encoder_dir, quantize=False)
    again = PiiTagger.from_pretrained(tmp_path / "pii", tiny_encoder_dir, quantize=False)
    text = "der Sturm hat ein Dach"
    tok = loaded.tokenize(text)
    (a,) = loaded.encode([tok])
    (b,) = again.encode([tok])
    with torch.inference_mode():
        assert torch.equal(loaded.head(a.unsqueeze(0)), again.head(b.unsqueeze(0)))
    assert loaded.config.metrics["dev"]["epoch"] == best["epoch"]


def test_missing_model_directory_is_a_clear_error(tiny_encoder_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(PiiModelError, match="claims-triage train-pii"):
        PiiTagger.from_pretrained(tmp_path, tiny_encoder_dir)


def test_config_rejects_a_foreign_format() -> None:
    with pytest.raises(PiiModelError, match="format 99"):
        PiiTaggerConfig.from_dict({"encoder_layers": 1, "lstm_hidden": 8, "labels": list(LABELS), "format_version": 99})


def test_recognizer_is_registered_and_reports_model_spans(tiny_tagger: PiiTagger) -> None:
    class Fixed(PiiTagger):
        def predict(self, texts: list[str]) -> list[list[tuple[str, int, int, float]]]:
            return [[("PERSON", 4, 8, 0.9), ("LOCATION", 0, 3, 0.2)] for _ in texts]

    fixed = Fixed(tiny_tagger.tokenizer, tiny_tagger.encoder, tiny_tagger.head, tiny_tagger.config)
    config = AnonymizerConfig.load()
    anonymizer = Anonymizer(
        config, [PiiModelRecognizer(fixed, list(config.entities), 0.5, lang) for lang in config.languages]
    )
    result = anonymizer.anonymize("Hof Anna liegt am Hang")
    assert result.text == "Hof <PERSON_1> liegt am Hang"


def test_adjacent_spans_share_one_placeholder_and_function_words_do_not_propagate(tiny_tagger: PiiTagger) -> None:
    text = "die Decke fiel, die Decke ist kaputt und die Katze"

    class Fixed(PiiTagger):
        def predict(self, texts: list[str]) -> list[list[tuple[str, int, int, float]]]:
            return [[("PERSON", 0, 3, 0.9), ("PERSON", 4, 9, 0.9)] for _ in texts]

    fixed = Fixed(tiny_tagger.tokenizer, tiny_tagger.encoder, tiny_tagger.head, tiny_tagger.config)
    config = AnonymizerConfig.load()
    anonymizer = Anonymizer(
        config, [PiiModelRecognizer(fixed, list(config.entities), 0.5, lang) for lang in config.languages]
    )
    result = anonymizer.anonymize(text)
    assert result.text == "<PERSON_1> fiel, die <PERSON_2> ist kaputt und die Katze"
