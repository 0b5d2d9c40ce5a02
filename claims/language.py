"""A small, dependency-free language guess (German / English / mixed) for claim texts.

Claims are short and full of names and numbers; counting frequent function words is robust
enough to tell German from English and to flag mixed texts, and costs microseconds.
"""

from __future__ import annotations

import re
from typing import Literal

Language = Literal["de", "en", "mixed", "unknown"]

_GERMAN = frozenset(
    "der die das und ist nicht ich wir sie es ein eine einen dem den des mit von zu im am auf "
    "bei für hat habe haben wurde wurden war sind auch noch bitte uns mein meine meinem meiner "
    "unser unsere wie was wo wann heute gestern dass aber oder nach vom zum zur über unter ca "
    "schaden versicherung grüße gruß danke sehr herr frau guten tag hallo".split()
)
_ENGLISH = frozenset(
    "the and is not we they it a an of with from to in on at for has have had was were are also "
    "still please our my me you your how what where when today yesterday that but or after by "
    "about damage insurance regards thanks dear hello hi mr mrs".split()
)
# Function words of both languages: never names, never evidence of personal data on their own.
STOPWORDS: frozenset[str] = _GERMAN | _ENGLISH

_WORD = re.compile(r"[a-zäöüß]+")


def detect_language(text: str) -> Language:
    """Guess the language of ``text`` from its function words."""
    words = _WORD.findall(text.lower())
    de = sum(w in _GERMAN for w in words)
    en = sum(w in _ENGLISH for w in words)
    if de + en < 2:
        return "unknown"
    share_de = de / (de + en)
    if share_de >= 0.75:
        return "de"
    if share_de <= 0.25:
        return "en"
    return "mixed"
