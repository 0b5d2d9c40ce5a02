"""The PII model as a Presidio ``EntityRecognizer``, registered beside the pattern recognizers."""

from __future__ import annotations

from presidio_analyzer import AnalysisExplanation, EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from claims.anonymizer.pii_model import PiiTagger


class PiiModelRecognizer(EntityRecognizer):
    """Reports the tagger's spans whose score reaches ``min_score``."""

    def __init__(self, tagger: PiiTagger, entities: list[str], min_score: float, supported_language: str) -> None:
        self.tagger = tagger
        self.min_score = min_score
        self.label = f"PiiModelRecognizer_{supported_language}"
        super().__init__(
            supported_entities=entities,
            name=self.label,
            supported_language=supported_language,
        )

    def load(self) -> None:
        """The tagger is loaded by its owner and shared by the per-language instances."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        results = []
        for typ, start, end, score in self.tagger.predict([text])[0]:
            if typ in entities and score >= self.min_score:
                results.append(
                    RecognizerResult(
                        typ,
                        start,
                        end,
                        score,
                        analysis_explanation=AnalysisExplanation(self.label, score, textual_explanation="PII model"),
                        recognition_metadata={
                            RecognizerResult.RECOGNIZER_NAME_KEY: self.label,
                            RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                        },
                    )
                )
        return results
