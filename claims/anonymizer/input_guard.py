"""A bound on what one text may cost the PII model. Its encoder and BiLSTM run over every
sub-word token, so the cost of a text follows its token count, not its length: German and English
claims have 0.26 tokens per character (median of the corpus, 0.40 at most), while 20,000
characters of ``水``, ``e`` + combining accent or ``a.`` are 20,000 tokens, four times the work of
a claim of the same length. A text over ``MAX_TOKENS_PER_CHAR`` (and over one window of tokens,
below which every text is cheap) is refused with a reason instead: cutting it short would let
personal data through unchecked."""

from __future__ import annotations

from typing import Any

MAX_TOKENS_PER_CHAR = 0.5  # corpus maximum 0.40; at most ~2x the median claim's cost per character


class TokenBudget:
    """Checks a text's token density with the PII model's own tokenizer."""

    def __init__(self, tokenizer: Any, free_tokens: int, max_tokens_per_char: float = MAX_TOKENS_PER_CHAR) -> None:
        self.tokenizer = tokenizer
        self.free_tokens = free_tokens  # one window of the model: any text up to it is cheap
        self.max_tokens_per_char = max_tokens_per_char

    def problem(self, text: str) -> str | None:
        """Why ``text`` is refused (never quoting it), or None."""
        allowed = max(self.free_tokens, int(len(text) * self.max_tokens_per_char))
        if len(text) + 1 <= allowed:  # a token covers a character (the first may add a word mark)
            return None
        tokens = len(self.tokenizer(text, add_special_tokens=False)["input_ids"])
        if tokens <= allowed:
            return None
        return (
            f"text splits into {tokens:,} tokens for {len(text):,} characters (at most {allowed:,}): "
            "too costly to anonymize; claim reports in German or English stay far below"
        )
