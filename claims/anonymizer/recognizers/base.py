"""Shared machinery of our pattern recognizers.

Presidio's ``PatternRecognizer`` reports the whole regex match. Many identifiers are only
recognisable together with a keyword ("VS-Nr. 123-45", "geb. 12.03.1967"); the keyword must stay
in the text, so our patterns may capture the personal data in a named group ``value`` and only
that group is reported. Everything else (context words, ``validate_result``, scores) is Presidio's.
"""

from __future__ import annotations

import logging

import regex
from presidio_analyzer import EntityRecognizer, Pattern, PatternRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

logger = logging.getLogger(__name__)

CASE_SENSITIVE = regex.DOTALL | regex.MULTILINE
REGEX_TIMEOUT_SECONDS = 1.0


class ValuePatternRecognizer(PatternRecognizer):
    """A ``PatternRecognizer`` whose patterns may report only their ``value`` group.

    Subclasses set ``ENTITY``, ``PATTERNS``, ``CONTEXT`` and optionally ``FLAGS`` and override
    ``validate_result`` (checksums) or ``invalidate_result``.
    """

    ENTITY: str = ""
    PATTERNS: list[Pattern] = []
    CONTEXT: list[str] = []
    FLAGS: int = regex.DOTALL | regex.MULTILINE | regex.IGNORECASE

    def __init__(self, supported_language: str = "de") -> None:
        self.label = f"{type(self).__name__}_{supported_language}"
        super().__init__(
            supported_entity=self.ENTITY,
            name=self.label,
            supported_language=supported_language,
            patterns=[Pattern(p.name, p.regex, p.score) for p in self.PATTERNS],
            context=list(self.CONTEXT),
            global_regex_flags=self.FLAGS,
        )
        self._compiled = [(p, regex.compile(p.regex, flags=self.FLAGS)) for p in self.PATTERNS]

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        results: list[RecognizerResult] = []
        for pattern, compiled in self._compiled:
            try:
                for match in compiled.finditer(text, timeout=REGEX_TIMEOUT_SECONDS):
                    span = self.value_span(text, match)
                    if span is None:
                        continue
                    start, end = span
                    result = self._score(text[start:end], pattern, start, end)
                    if result is not None:
                        results.append(result)
            except TimeoutError:
                logger.warning("pattern %s of %s timed out; skipped", pattern.name, self.label)
        return EntityRecognizer.remove_duplicates(results)

    def value_span(self, text: str, match: regex.Match[str]) -> tuple[int, int] | None:
        """Where the personal data of a match lies: its ``value`` group, else the whole match."""
        start, end = match.span("value") if "value" in match.re.groupindex else match.span()
        return None if start < 0 or start == end else (start, end)

    def _score(self, value: str, pattern: Pattern, start: int, end: int) -> RecognizerResult | None:
        score = pattern.score
        valid = self.validate_result(value)
        if valid is not None:
            score = EntityRecognizer.MAX_SCORE if valid else EntityRecognizer.MIN_SCORE
        if self.invalidate_result(value):
            score = EntityRecognizer.MIN_SCORE
        if score <= EntityRecognizer.MIN_SCORE:
            return None
        explanation = self.build_regex_explanation(
            self.label, pattern.name, pattern.regex, score, bool(valid), self.FLAGS
        )
        return RecognizerResult(
            entity_type=self.ENTITY,
            start=start,
            end=end,
            score=score,
            analysis_explanation=explanation,
            recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: self.label,
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
            },
        )


def digits_of(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())
