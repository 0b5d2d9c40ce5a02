"""Vehicle registration plates: German (``M-AB 1234``, ``KA JS 318``, ``B-XY 77E``), Austrian and
Swiss formats. Case-sensitive: plates are written in capitals, words are not."""

from __future__ import annotations

from presidio_analyzer import Pattern

from claims.anonymizer.recognizers.base import CASE_SENSITIVE, ValuePatternRecognizer

_CH_CANTONS = "AG|AI|AR|BE|BL|BS|FR|GE|GL|GR|JU|LU|NE|NW|OW|SG|SH|SO|SZ|TG|TI|UR|VD|VS|ZG|ZH"


class LicensePlateRecognizer(ValuePatternRecognizer):
    ENTITY = "LICENSE_PLATE"
    PATTERNS = [
        Pattern("de", r"(?<![\w-])[A-ZÄÖÜ]{1,3}(?:-[ ]?|[ ])[A-Z]{1,2}[ -]?[1-9]\d{0,3}[EH]?(?![\w-])", 0.6),
        Pattern("de_compact", r"(?<![\w-])[A-ZÄÖÜ]{1,3}[A-Z]{1,2}[1-9]\d{0,3}[EH]?(?![\w-])", 0.2),
        Pattern("ch", rf"(?<![\w-])(?:{_CH_CANTONS})[ -]?\d{{1,3}}[ ]?\d{{3}}(?![\w-])", 0.3),
        Pattern("at", r"(?<![\w-])[A-Z]{1,2}[ -]\d{1,5}[ ]?[A-Z]{1,3}(?![\w-])", 0.3),
    ]
    CONTEXT = [
        "kennzeichen",
        "kfz",
        "kz",
        "fahrzeug",
        "fzg",
        "auto",
        "wagen",
        "plate",
        "registration",
        "car",
        "vehicle",
        "van",
    ]
    FLAGS = CASE_SENSITIVE
