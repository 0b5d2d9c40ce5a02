"""E-mail addresses; the top-level domain is checked against the public suffix list shipped
inside ``tldextract`` (its snapshot: no network fetch)."""

from __future__ import annotations

from functools import cache

from presidio_analyzer import Pattern

from claims.anonymizer.recognizers.base import ValuePatternRecognizer


@cache
def _extractor():  # type: ignore[no-untyped-def]
    import tldextract

    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


class EmailRecognizer(ValuePatternRecognizer):
    ENTITY = "EMAIL_ADDRESS"
    PATTERNS = [
        Pattern("email", r"(?<![\w.+-])[\w.+%-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,4}(?![\w-])", 0.6),
    ]
    CONTEXT = ["mail", "e-mail", "email", "adresse", "kontakt", "contact"]

    def validate_result(self, pattern_text: str) -> bool | None:
        return has_public_suffix(pattern_text.rsplit("@", 1)[1])


def has_public_suffix(domain: str) -> bool:
    """Whether ``domain`` ends in a real top-level domain ("web.de" yes, "lukas.thompson" no)."""
    return bool(_extractor()(domain.rstrip(".")).suffix)
