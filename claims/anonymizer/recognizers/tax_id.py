"""German tax identification number (Steuer-IdNr.): 11 digits, ISO 7064 MOD 11,10 check digit."""

from __future__ import annotations

from presidio_analyzer import Pattern

from claims.anonymizer.recognizers.base import ValuePatternRecognizer, digits_of


def steuer_id_is_valid(value: str) -> bool:
    digits = digits_of(value)
    if len(digits) != 11 or digits[0] == "0":
        return False
    product = 10
    for ch in digits[:10]:
        total = (int(ch) + product) % 10 or 10
        product = (total * 2) % 11
    return (11 - product) % 10 == int(digits[10])


class TaxIdRecognizer(ValuePatternRecognizer):
    ENTITY = "TAX_ID"
    PATTERNS = [Pattern("steuer_id", r"(?<![\d/.-])[1-9](?:[ ]?\d){10}(?![ ]?\d)", 0.3)]
    CONTEXT = ["steuer", "steuer-id", "steuerid", "idnr", "identifikationsnummer", "steueridentnummer", "tin", "tax"]

    def validate_result(self, pattern_text: str) -> bool | None:
        return steuer_id_is_valid(pattern_text)
