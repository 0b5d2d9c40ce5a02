"""Removal of personal data from claim texts (Presidio + our recognizers + our PII model)."""

from claims.anonymizer.engine import AnonymizedText, Anonymizer, AnonymizerInputError, DetectedEntity
from claims.anonymizer.settings import AnonymizerConfig

__all__ = ["AnonymizedText", "Anonymizer", "AnonymizerConfig", "AnonymizerInputError", "DetectedEntity"]
