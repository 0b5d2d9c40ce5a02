"""German, Austrian, Swiss and international phone numbers in their many written forms."""

from __future__ import annotations

from presidio_analyzer import Pattern

from claims.anonymizer.recognizers.base import ValuePatternRecognizer, digits_of

_INTERNATIONAL = r"(?:\+|00)[1-9]\d{0,2}[ ]?(?:\(0\)[ ]?)?\d{1,5}"
_NATIONAL = r"(?:\(0\d{1,5}\)|\(0[ ]?\d{1,5}\)|0\d{2,5})"
_TAIL = r"(?:[ ]?[/.-][ ]?\d{1,8}|[ ]\d{1,8}|\d){0,7}"


class PhoneRecognizer(ValuePatternRecognizer):
    ENTITY = "PHONE_NUMBER"
    PATTERNS = [
        Pattern("international", rf"(?<![\w+/.-]){_INTERNATIONAL}{_TAIL}(?![\w])", 0.5),
        Pattern("national", rf"(?<![\w+/.,-]){_NATIONAL}{_TAIL}(?![\w])", 0.4),
    ]
    CONTEXT = [
        "tel",
        "telefon",
        "handy",
        "mobil",
        "fon",
        "rufnummer",
        "rückruf",
        "erreichbar",
        "anrufen",
        "nummer",
        "phone",
        "call",
        "mobile",
        "cell",
        "whatsapp",
        "rr",
    ]

    def validate_result(self, pattern_text: str) -> bool | None:
        digits = digits_of(pattern_text)
        if not 7 <= len(digits) <= 15:
            return False
        return None
