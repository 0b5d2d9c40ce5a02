"""Dates of birth — only next to a birth keyword, so the date of the loss stays in the text."""

from __future__ import annotations

from presidio_analyzer import Pattern

from claims.anonymizer.recognizers.base import ValuePatternRecognizer

_MONTHS = (
    r"(?:Jan(?:uar|uary)?|Jän(?:ner)?|Feb(?:ruar|ruary)?|März|Mär|Mar(?:ch)?|Apr(?:il)?|Mai|May|Juni?|June?|"
    r"Juli?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Okt(?:ober)?|Oct(?:ober)?|Nov(?:ember)?|Dez(?:ember)?|Dec(?:ember)?)"
)
_DATE = (
    rf"(?:\d{{1,2}}\.[ ]?\d{{1,2}}\.[ ]?(?:19|20)?\d{{2}}|\d{{1,2}}\.?[ ]{_MONTHS}\.?[ ]\d{{4}}|"
    rf"\d{{1,2}}(?:st|nd|rd|th)?[ ](?:of[ ])?{_MONTHS},?[ ]\d{{4}}|"
    rf"{_MONTHS}[ ]\d{{1,2}}(?:st|nd|rd|th)?,?[ ]\d{{4}}|(?:19|20)\d{{2}}-\d{{2}}-\d{{2}}|\d{{1,2}}/\d{{1,2}}/\d{{2,4}})"
)
_KEYWORD = (
    r"(?:geb\.|geboren|Geburtsdatum|Geb\.-?Dat(?:um|\.)|Geburtstag|\*|DOB|D\.O\.B\.|date[ ]of[ ]birth|"
    r"birth[ ]?date|born|Jahrgang)"
)


class DateOfBirthRecognizer(ValuePatternRecognizer):
    ENTITY = "DATE_OF_BIRTH"
    PATTERNS = [
        Pattern("keyword_date", rf"{_KEYWORD}[^\n\d]{{0,25}}?(?P<value>{_DATE})(?!\d)", 0.85),
        # A full date long before any insured loss (1920-2010) is a birth date far more often than not.
        Pattern("old_full_date", r"(?<![\d.])\d{1,2}\.[ ]?\d{1,2}\.[ ]?(?:19[2-9]\d|200\d)(?!\d)", 0.4),
    ]
    CONTEXT = ["geb", "geboren", "geburtsdatum", "birth", "born"]
