"""A Presidio NLP engine on blank spaCy pipelines: tokens for context words, no NER model.

No German NER model ships on PyPI, and ``SpacyNlpEngine`` would try to download one; blank
pipelines tokenize offline. Blank pipelines have no lemmatizer, so the lower-cased token text
serves as the lemma that Presidio's context enhancer compares with context words.
"""

from __future__ import annotations

import spacy
from presidio_analyzer.nlp_engine import NlpArtifacts, SpacyNlpEngine
from spacy.tokens import Doc


class BlankSpacyNlpEngine(SpacyNlpEngine):
    """``SpacyNlpEngine`` whose models are ``spacy.blank(lang)`` — nothing to download."""

    engine_name = "blank_spacy"

    def __init__(self, languages: list[str]) -> None:
        super().__init__(models=[{"lang_code": lang, "model_name": f"blank:{lang}"} for lang in languages])

    def load(self) -> None:
        self.nlp = {model["lang_code"]: spacy.blank(model["lang_code"]) for model in self.models}  # type: ignore[assignment]

    def _doc_to_nlp_artifact(self, doc: Doc, language: str) -> NlpArtifacts:
        return NlpArtifacts(
            entities=[],
            tokens=doc,
            tokens_indices=[token.idx for token in doc],
            lemmas=[token.text.lower() for token in doc],
            nlp_engine=self,
            language=language,
            scores=[],
        )
