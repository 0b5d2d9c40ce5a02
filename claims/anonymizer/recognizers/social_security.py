"""Social-security numbers: German Rentenversicherungsnummer (``65 170839 J 003``), Austrian
SVNR (``1234 010180``) and Swiss AHV number (``756.1234.5678.97``), each with its check digit."""

from __future__ import annotations

import regex
from presidio_analyzer import Pattern

from claims.anonymizer.recognizers.base import CASE_SENSITIVE, ValuePatternRecognizer, digits_of

_RV_WEIGHTS = (2, 1, 2, 5, 7, 1, 2, 1, 2, 1, 2, 1)


def rv_nummer_is_valid(value: str) -> bool:
    compact = regex.sub(r"\s", "", value).upper()
    if not regex.fullmatch(r"\d{8}[A-Z]\d{3}", compact):
        return False
    digits = compact[:8] + f"{ord(compact[8]) - 64:02d}" + compact[9:11]
    total = sum(sum(map(int, str(int(d) * w))) for d, w in zip(digits, _RV_WEIGHTS, strict=True))
    return total % 10 == int(compact[11])


def at_svnr_is_valid(value: str) -> bool:
    digits = digits_of(value)
    if len(digits) != 10:
        return False
    weights = (3, 7, 9, 0, 5, 8, 4, 2, 1, 6)
    check = sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
    return check < 10 and check == int(digits[3])


def ch_ahv_is_valid(value: str) -> bool:
    digits = digits_of(value)
    if len(digits) != 13 or not digits.startswith("756"):
        return False
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits[:12]))
    return (10 - total % 10) % 10 == int(digits[12])


class SocialSecurityRecognizer(ValuePatternRecognizer):
    ENTITY = "SOCIAL_SECURITY"
    PATTERNS = [
        Pattern("de_rvnr", r"(?<![\w])\d{2}[ ]?\d{6}[ ]?[A-Z][ ]?\d{3}(?![\w])", 0.5),
        Pattern("at_svnr", r"(?<![\w.,/+-])(?<![\d+][ ])\d{4}[ ]?\d{6}(?![\w,/-]|\.\d)", 0.1),
        Pattern("ch_ahv", r"(?<![\w.])756[. ]?\d{4}[. ]?\d{4}[. ]?\d{2}(?![\w])", 0.5),
    ]
    CONTEXT = [
        "sozialversicherung",
        "sv-nr",
        "sv",
        "svnr",
        "versicherungsnummer",
        "rentenversicherung",
        "rv-nr",
        "ahv",
        "e-card",
        "social",
        "security",
    ]
    FLAGS = CASE_SENSITIVE

    def validate_result(self, pattern_text: str) -> bool | None:
        return rv_nummer_is_valid(pattern_text) or at_svnr_is_valid(pattern_text) or ch_ahv_is_valid(pattern_text)
