"""IBANs in compact or grouped form; only values passing ISO 13616 mod-97 are reported.

A grouped IBAN is often followed by more uppercase groups (``BIC``, a bank code), so every
candidate is shortened group by group until a prefix passes the checksum.
"""

from __future__ import annotations

import regex
from presidio_analyzer import Pattern

from claims.anonymizer.recognizers.base import CASE_SENSITIVE, ValuePatternRecognizer
from claims.validation import iban_is_valid

_GROUP = regex.compile(r"[ ]?[A-Z0-9]{1,4}")


def valid_iban(value: str) -> bool:
    """Mod-97 valid and at least 15 characters, the shortest IBAN of any country."""
    return len("".join(value.split())) >= 15 and iban_is_valid(value)


class IbanRecognizer(ValuePatternRecognizer):
    ENTITY = "IBAN_CODE"
    PATTERNS = [Pattern("iban", r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{1,4}){3,8}\b", 0.5)]
    CONTEXT = ["iban", "konto", "bankverbindung", "überweisung", "account", "bank", "erstattung"]
    FLAGS = CASE_SENSITIVE

    def validate_result(self, pattern_text: str) -> bool | None:
        return valid_iban(pattern_text)

    def value_span(self, text: str, match: regex.Match[str]) -> tuple[int, int] | None:
        """The longest prefix of the match, ending on a group boundary, that passes mod-97."""
        ends = [match.start() + 4 + m.end() for m in _GROUP.finditer(match.group()[4:])]
        return next(((match.start(), end) for end in reversed(ends) if valid_iban(text[match.start() : end])), None)
