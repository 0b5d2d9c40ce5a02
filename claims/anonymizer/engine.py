"""The anonymizer: Presidio's analyzer with our recognizers (and PII model), then Presidio's
anonymizer writing typed, instance-numbered placeholders (``<PERSON_1>``)."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerRegistry, RecognizerResult
from presidio_anonymizer import AnonymizerEngine
from presidio_anonymizer.entities import OperatorConfig
from presidio_anonymizer.entities import RecognizerResult as AnonymizerSpan

from claims.anonymizer.context_enhancer import IndexedContextEnhancer
from claims.anonymizer.input_guard import TokenBudget
from claims.anonymizer.nlp_engine import BlankSpacyNlpEngine
from claims.anonymizer.recognizers import PATTERN_RECOGNIZERS
from claims.anonymizer.settings import AnonymizerConfig
from claims.anonymizer.spoken import normalize_spoken
from claims.errors import ClaimsError
from claims.language import STOPWORDS, detect_language

logger = logging.getLogger(__name__)

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_KEY = re.compile(r"[\W_]+")


class _BelowWarning(logging.Filter):
    """Drops Presidio's debug and info records: they quote the analysed text and its context words."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING


def _silence_presidio_text_logs() -> None:
    for name in ("presidio-analyzer", "presidio-anonymizer"):
        presidio_logger = logging.getLogger(name)
        presidio_logger.setLevel(logging.WARNING)
        if not any(isinstance(f, _BelowWarning) for f in presidio_logger.filters):
            presidio_logger.addFilter(_BelowWarning())


class AnonymizerInputError(ClaimsError, ValueError):
    """A text the anonymizer refuses: empty, too long or binary. Never quotes the text."""


@dataclass(frozen=True)
class DetectedEntity:
    """A piece of personal data found in the original text."""

    type: str
    start: int
    end: int
    score: float


@dataclass(frozen=True)
class AnonymizedText:
    """The anonymized text and what was removed (offsets refer to the original text)."""

    text: str
    entities: tuple[DetectedEntity, ...]


def resolve_overlaps(results: Sequence[DetectedEntity]) -> list[DetectedEntity]:
    """Merge overlapping detections into one span each: the union of their characters, typed
    by the most confident detection. Removing too much is safer than leaving half a name."""
    merged: list[DetectedEntity] = []
    for entity in sorted(results, key=lambda e: (e.start, -e.end)):
        if merged and entity.start < merged[-1].end:
            last = merged[-1]
            best = max((last, entity), key=lambda e: (e.score, e.end - e.start))
            merged[-1] = DetectedEntity(best.type, last.start, max(last.end, entity.end), max(last.score, entity.score))
        else:
            merged.append(entity)
    return merged


_NAME_WORD = re.compile(r"[^\W\d_][\w'’-]{2,}")


def merge_adjacent(text: str, entities: Sequence[DetectedEntity]) -> list[DetectedEntity]:
    """Join detections of one type separated only by whitespace ("Jana" + "Seidel"): one value,
    one placeholder (Presidio's anonymizer would merge them anyway)."""
    merged: list[DetectedEntity] = []
    for entity in entities:
        if merged and merged[-1].type == entity.type and text[merged[-1].end : entity.start].isspace():
            last = merged[-1]
            merged[-1] = DetectedEntity(last.type, last.start, entity.end, max(last.score, entity.score))
        else:
            merged.append(entity)
    return merged


def propagate_names(text: str, entities: Sequence[DetectedEntity]) -> list[DetectedEntity]:
    """Every other occurrence of a word of a detected name is a name too ("Frau Kreuzer" in the
    greeting makes the bare "Kreuzer" of the sign-off personal data, also as "Kreuzers").
    Function words ("die", "von", "the") never propagate, even when they were tagged."""
    words = {
        m.group().casefold() for e in entities if e.type == "PERSON" for m in _NAME_WORD.finditer(text[e.start : e.end])
    } - STOPWORDS
    if not words:
        return list(entities)
    added = []
    for match in _NAME_WORD.finditer(text):
        word = match.group().casefold()
        stem = word[:-1] if word.endswith("s") else word
        overlaps = any(e.start < match.end() and match.start() < e.end for e in entities)
        if (word in words or stem in words) and not overlaps:
            added.append(DetectedEntity("PERSON", match.start(), match.end(), 0.5))
    return sorted([*entities, *added], key=lambda e: e.start)


def placeholder_key(value: str) -> str:
    """Values that differ only in case, spaces or punctuation get the same placeholder."""
    return _KEY.sub("", value.casefold())


class Anonymizer:
    """Finds personal data in German and English claim texts and replaces it with placeholders.

    Built once (it compiles patterns and may load the PII model), then used for many texts.
    """

    def __init__(
        self, config: AnonymizerConfig | None = None, extra_recognizers: Sequence[EntityRecognizer] = ()
    ) -> None:
        _silence_presidio_text_logs()
        self.config = config or AnonymizerConfig.load()
        registry = RecognizerRegistry(supported_languages=self.config.languages)
        for language in self.config.languages:
            for recognizer_class in PATTERN_RECOGNIZERS:
                registry.add_recognizer(recognizer_class(supported_language=language))
        for recognizer in extra_recognizers:
            registry.add_recognizer(recognizer)
        nlp_engine = BlankSpacyNlpEngine(self.config.languages)
        nlp_engine.load()
        self._analyzer = self._analyzer_engine(registry, nlp_engine)
        # The normalised view of spoken values is read by the pattern recognizers only: their
        # checksums and shapes decide, and the PII model does not run twice per claim.
        rules_registry = RecognizerRegistry(supported_languages=self.config.languages)
        for recognizer in registry.recognizers:
            if recognizer not in extra_recognizers:
                rules_registry.add_recognizer(recognizer)
        self._rules_analyzer = self._analyzer_engine(rules_registry, nlp_engine)
        self._anonymizer = AnonymizerEngine()
        self.token_budget: TokenBudget | None = None  # set with the PII model (input_guard)

    def _analyzer_engine(self, registry: RecognizerRegistry, nlp_engine: BlankSpacyNlpEngine) -> AnalyzerEngine:
        return AnalyzerEngine(
            registry=registry,
            nlp_engine=nlp_engine,
            supported_languages=self.config.languages,
            default_score_threshold=self.config.score_threshold,
            context_aware_enhancer=IndexedContextEnhancer(
                context_similarity_factor=self.config.context_similarity_factor,
                min_score_with_context_similarity=self.config.min_score_with_context_similarity,
                context_prefix_count=self.config.context_prefix_count,
                context_suffix_count=self.config.context_suffix_count,
            ),
        )

    @classmethod
    def build(
        cls,
        encoder_dir: Path | None = None,
        *,
        config: AnonymizerConfig | None = None,
        pii_model_dir: Path | None = None,
        use_pii_model: bool | None = None,
        quantize: bool = True,
    ) -> Anonymizer:
        """The production anonymizer: patterns plus the PII model (when enabled and available).

        ``encoder_dir`` is the built e5 checkpoint the PII model runs on; without it, or with
        ``use_pii_model=False``, only the pattern recognizers run (the rules-only baseline).
        """
        config = config or AnonymizerConfig.load()
        enabled = config.pii_model.enabled if use_pii_model is None else use_pii_model
        if not enabled or encoder_dir is None:
            if enabled:
                logger.warning("no encoder directory given: running without the PII model")
            return cls(config)
        from claims.anonymizer.pii_model import PiiTagger
        from claims.anonymizer.pii_recognizer import PiiModelRecognizer

        tagger = PiiTagger.from_pretrained(
            pii_model_dir or config.pii_model.resolved_path(), encoder_dir, quantize=quantize
        )
        extra = [
            PiiModelRecognizer(tagger, config.pii_model.entities, config.pii_model.min_score, language)
            for language in config.languages
        ]
        anonymizer = cls(config, extra)
        anonymizer.token_budget = TokenBudget(tagger.tokenizer, free_tokens=tagger.config.window)
        return anonymizer

    def check_input(self, text: object) -> str:
        """Refuse what cannot be a claim text, with a reason that never quotes the text."""
        if not isinstance(text, str):
            raise AnonymizerInputError("text must be a string")
        if not text.strip():
            raise AnonymizerInputError("text is empty")
        if len(text) > self.config.max_text_chars:
            raise AnonymizerInputError(
                f"text has {len(text):,} characters; the limit is {self.config.max_text_chars:,}"
            )
        if "\x00" in text or len(_CONTROL.findall(text)) > max(2, len(text) // 100):
            raise AnonymizerInputError("text looks binary (control characters)")
        if self.token_budget is not None and (problem := self.token_budget.problem(text)):
            raise AnonymizerInputError(problem)
        return text

    def language_of(self, text: str) -> str:
        language = detect_language(text)
        return language if language in self.config.languages else self.config.languages[0]

    def analyze(self, text: str) -> list[DetectedEntity]:
        """Personal data in ``text``: non-overlapping spans, in text order."""
        text = self.check_input(text)
        language = self.language_of(text)
        raw: list[RecognizerResult] = self._analyzer.analyze(
            text=text, language=language, entities=self.config.entities
        )
        found = [DetectedEntity(r.entity_type, r.start, r.end, round(float(r.score), 3)) for r in raw]
        if self.config.spoken_values:
            found += self.spoken_values(text, language)
        return merge_adjacent(text, propagate_names(text, resolve_overlaps(found)))

    def spoken_values(self, text: str, language: str) -> list[DetectedEntity]:
        """Values said or spelled out ("null eins sieben ...", "martina punkt obermaier at web punkt
        de"): the pattern recognizers read the normalised view, and each detection that touches a
        spoken run maps back to the whole run in the original text."""
        view = normalize_spoken(text)
        if not view.changed:
            return []
        raw: list[RecognizerResult] = self._rules_analyzer.analyze(
            text=view.text, language=language, entities=self.config.entities
        )
        found = []
        for result in raw:
            start, end = view.to_original(result.start, result.end)
            if view.touches_rewrite(start, end):
                found.append(DetectedEntity(result.entity_type, start, end, round(float(result.score), 3)))
        return found

    def anonymize(self, text: str) -> AnonymizedText:
        """Replace every detected value by ``<TYPE_n>``; equal values share a placeholder."""
        entities = self.analyze(text)
        names: dict[tuple[str, str], str] = {}
        counters: dict[str, int] = {}
        for entity in entities:
            key = (entity.type, placeholder_key(text[entity.start : entity.end]))
            if key not in names:
                counters[entity.type] = counters.get(entity.type, 0) + 1
                names[key] = f"<{entity.type}_{counters[entity.type]}>"

        def name_of(typ: str, value: str) -> str:
            key = (typ, placeholder_key(value))
            if key not in names:  # a span the engine re-shaped: still a fresh, typed placeholder
                counters[typ] = counters.get(typ, 0) + 1
                names[key] = f"<{typ}_{counters[typ]}>"
            return names[key]

        operators = {
            typ: OperatorConfig("custom", {"lambda": lambda value, typ=typ: name_of(typ, value)})
            for typ in list(counters)
        }
        results = [AnonymizerSpan(e.type, e.start, e.end, e.score) for e in entities]
        anonymized = self._anonymizer.anonymize(text=text, analyzer_results=results, operators=operators)
        return AnonymizedText(anonymized.text, tuple(entities))
