"""Policy and claim numbers. Insurers write them in countless shapes (``VS-2023-884512``,
``HR 4471 2209``, ``40.123.456-7``, ``7781/24-KH``), so the keyword in front decides the type:
a Schaden-/claim keyword makes a CLAIM_NUMBER, a Vertrag-/policy keyword a POLICY_NUMBER.
A keyword-less identifier with a letter prefix and enough digits is still removed, as a policy
number with a lower score; amounts, dates and years never qualify."""

from __future__ import annotations

import regex
from presidio_analyzer import Pattern

from claims.anonymizer.recognizers.base import CASE_SENSITIVE, ValuePatternRecognizer, digits_of

# One identifier: optional letter prefix, digit groups joined by . / - or single spaces, optional suffix.
ID = (
    r"(?:[A-ZÄÖÜ]{1,5}(?:[-/][A-Z]{1,3})?(?:[ ]?[-/][ ]?|[ ]|(?=\d)))?"
    r"\d+(?:[./-]\d+)*(?:[ ]\d+(?:[./-]\d+)*)*(?:[-/][A-Z]{1,3}(?![a-zäöü]))?"
)
_FILLER = r"(?:[\s:.#,()-]|Nr\.?|No\.?|nr\.?|no\.?|is|ist|lautet|lautend|auf|äh|ähm|number|\bnum\b)*"
POLICY_KEYWORDS = (
    r"(?:Versicherungs(?:schein)?(?:-?n(?:umme)?r\.?|nummer)?|Vers\.?-?(?:Schein-?)?Nr\.?|VS-?Nr\.?|VSNR|VS|"
    r"Vertrag(?:s-?nummer|s-?nr\.?)?|Vertr\.?|Police(?:n-?nummer|n-?nr\.?)?|Polizze|Policy(?:[ ]?(?:number|no\.?))?|"
    r"Kundennummer|Kunden-?Nr\.?|Mitglieds-?nummer|contract)"
)
CLAIM_KEYWORDS = (
    r"(?:Schaden(?:s)?(?:-?nummer|-?nr\.?|fall|akte|meldung)?|SN|S-?Nr\.?|Aktenzeichen|Az\.?|AZ|Ihr(?:e)?[ ]Zeichen|"
    r"Unser[ ]Zeichen|Vorgang(?:s-?nummer|s-?nr\.?)?|Claim(?:[ ]?(?:number|no\.?|ref(?:erence)?\.?))?|Referenz|Ref\.?)"
)


def _looks_like_amount_or_date(value: str) -> bool:
    compact = regex.sub(r"^[A-ZÄÖÜ]{1,6}[ -]?(?=\d)", "", value.strip())
    return bool(
        regex.fullmatch(r"\d{1,2}\.\d{1,2}\.(?:\d{2}|\d{4})", compact)
        or regex.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", compact)
        or regex.fullmatch(r"(?:19|20)\d{2}", compact)
        or regex.fullmatch(r"\d{1,2}[./]\d{1,2}", compact)
        or regex.match(r"(?:EUR|CHF|USD|GBP|KW|PS|KM|CA|NR|TEL|PLZ)\b", compact, regex.IGNORECASE)
    )


# Letter prefixes that introduce another kind of number, never a policy or claim number.
_FOREIGN_PREFIXES = frozenset(
    "SVNR SV AHV IBAN BIC TEL FAX PLZ EUR CHF USD GBP KW PS KM NR HRB HRA UST USTID STNR IDNR RV".split()
)


class _IdentifierRecognizer(ValuePatternRecognizer):
    FLAGS = CASE_SENSITIVE
    MIN_DIGITS = 3

    def invalidate_result(self, pattern_text: str) -> bool | None:
        prefix = regex.match(r"[A-ZÄÖÜ]+", pattern_text)
        return (
            len(digits_of(pattern_text)) < self.MIN_DIGITS
            or _looks_like_amount_or_date(pattern_text)
            or (prefix is not None and prefix.group() in _FOREIGN_PREFIXES)
        )


class PolicyNumberRecognizer(_IdentifierRecognizer):
    ENTITY = "POLICY_NUMBER"
    PATTERNS = [
        Pattern("keyword", rf"(?<!\w)(?i:{POLICY_KEYWORDS}){_FILLER}(?P<value>{ID})", 0.85),
        Pattern("generic_keyword", rf"(?<!\w)(?i:Nummer|Nr\.|number|no\.|ref\.?){_FILLER}(?P<value>{ID})", 0.6),
        Pattern(
            "shaped",
            r"(?<![\w/.-])(?P<value>[A-Z]{1,6}(?:-[A-Z]{1,3})?[ -]?\d{2,}(?:[ ./-]\d{1,})+(?:[-/][A-Z]{1,3})?"
            r"|[A-Z]{2,6}-\d{5,}|[A-Z]-\d{2}-\d{4,}|\d{2}-[A-Z]{2,3}-\d{4,}|\d{3,5}/\d{2}-[A-Z]{1,3})(?![\w])",
            0.4,
        ),
    ]
    CONTEXT = ["vertrag", "versicherungsschein", "police", "vs-nr", "policy", "versicherungsnummer", "vers"]


class ClaimNumberRecognizer(_IdentifierRecognizer):
    ENTITY = "CLAIM_NUMBER"
    PATTERNS = [Pattern("keyword", rf"(?<!\w)(?i:{CLAIM_KEYWORDS}){_FILLER}(?P<value>{ID})", 0.9)]
    CONTEXT = ["schaden", "schadennummer", "aktenzeichen", "zeichen", "claim", "vorgang"]
