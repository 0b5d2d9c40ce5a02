"""The anonymizer's cost is bounded for any input (issue 14, finding 8): the context lookup finds
the same token as Presidio's linear walk, and texts far denser in tokens than any claim are
refused before the PII model runs."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer

from claims.anonymizer import Anonymizer, AnonymizerInputError
from claims.anonymizer.context_enhancer import IndexedContextEnhancer
from claims.anonymizer.input_guard import TokenBudget


def test_indexed_lookup_finds_the_token_presidio_finds() -> None:
    doc = spacy.blank("de")("IBAN DE02 1203 0000 0000 2020 51, Tel. 0171-2345678 und x@y.de bei Herrn Koch.")
    tokens, offsets = doc, [token.idx for token in doc]
    enhancer = IndexedContextEnhancer()
    for start in range(len(doc.text)):
        expected = LemmaContextAwareEnhancer._find_index_of_match_token("", start, tokens, offsets)
        assert enhancer._find_index_of_match_token("", start, tokens, offsets) == expected, start


def test_many_values_do_not_walk_the_document_once_per_value(monkeypatch: pytest.MonkeyPatch) -> None:
    walks = 0
    original = LemmaContextAwareEnhancer._find_index_of_match_token

    def counting(*args: object) -> int:
        nonlocal walks
        walks += 1
        return original(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(LemmaContextAwareEnhancer, "_find_index_of_match_token", staticmethod(counting))
    anonymizer = Anonymizer.build(None, use_pii_model=False)
    result = anonymizer.anonymize("Konto DE02 1203 0000 0000 2020 51. " * 200)
    assert len(result.entities) >= 200 and walks == 0


def test_token_dense_text_is_refused_and_claims_pass(tiny_encoder_dir: Path) -> None:
    from claims.encoder import load_encoder

    tokenizer, _ = load_encoder(tiny_encoder_dir)
    budget = TokenBudget(tokenizer, free_tokens=254)
    claim = "der Sturm hat ein Dach, the storm passage: Wasser water. " * 40  # words of the tiny vocabulary
    assert budget.problem(claim) is None
    assert budget.problem("a." * 100) is None  # below one window: cheap whatever it is
    # one token per character (the tiny vocabulary has single letters and marks as pieces)
    for dense in ("a." * 1000, "s,e:" * 500, "t.r," * 600):
        problem = budget.problem(dense)
        assert problem is not None and "tokens" in problem and dense[:4] not in problem


def test_the_anonymizer_refuses_a_dense_text_with_a_reason(tiny_encoder_dir: Path) -> None:
    from claims.encoder import load_encoder

    anonymizer = Anonymizer.build(None, use_pii_model=False)
    anonymizer.token_budget = TokenBudget(load_encoder(tiny_encoder_dir)[0], free_tokens=254)
    with pytest.raises(AnonymizerInputError, match="too costly"):
        anonymizer.anonymize("a." * 1500)
    assert "Sturm" in anonymizer.anonymize("der Sturm hat ein Dach, the storm passage: Wasser water. " * 50).text
