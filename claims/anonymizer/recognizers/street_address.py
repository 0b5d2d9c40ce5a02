"""Street addresses (German, Austrian, Swiss, English): street + house number, with postcode and
city when they follow. A bare city name in the narrative is not an address and stays."""

from __future__ import annotations

from presidio_analyzer import Pattern

from claims.anonymizer.recognizers.base import CASE_SENSITIVE, ValuePatternRecognizer

_SUFFIX = (
    r"(?:straße|strasse|str\.|gasse|weg|allee|platz|ring|damm|ufer|steig|stieg|pfad|chaussee|markt|berg|"
    r"hof|graben|kamp|wall|zeile|anger|feld|garten|gärten|park|brücke|tor|winkel|höhe|grund|aue|"
    r"leite|lände|kai|promenade|siedlung|hang|hain|heide|bogen|eck|rain|matt|matte|halde|meile|str(?![\wäöü]))"
)
_WORD = r"[A-ZÄÖÜ][\wäöüßÄÖÜ'-]*"
_PREPOSITION = (
    r"(?:Am|An[ ]der|An[ ]den|An[ ]dem|Auf[ ]der|Auf[ ]dem|Auf[ ]den|Im|In[ ]der|In[ ]den|Zum|Zur|Unter[ ]den|"
    r"Hinter[ ]der|Hinter[ ]dem|Vor[ ]dem|Beim|Bei[ ]der|Alte[rns]?|Neue[rns]?|Obere[rn]?|Untere[rn]?|Große[rn]?|Kleine[rn]?)"
)
_NUMBER = r"\d{1,4}(?:[ ]?[a-zA-Z](?![\wäöü]))?(?:[ ]?[-/][ ]?\d{1,4}[a-z]?){0,3}"
_FLOOR = r"(?:,[ ](?:WG[ ])?\d{1,2}\.[ ]?(?:OG|Stock|Etage)(?:[ ](?:rechts|links|Mitte))?)"
_CITY = (
    rf"(?:{_FLOOR}?,?[ ]?\n?[ ]*(?:in[ ])?(?:(?:D|A|CH)-)?\d{{4,5}}[ ]{_WORD}"
    rf"(?:[ -](?:am|an[ ]der|im|bei|ob[ ]der)[ ]{_WORD}|[ ]\({_WORD}\)|[ ]{_WORD})?)"
)
_CITY_ONLY = rf"(?:{_FLOOR}|(?:,[ ]|[ ]in[ ]|[ ])(?:Bad[ ]|Sankt[ ]|St\.[ ])?{_WORD})"

_DE_STREET = rf"(?:(?:[A-ZÄÖÜ][\wäöü]*er[ ])?{_WORD}[ -]?{_SUFFIX}|{_WORD}(?:[ -]{_WORD})?[ -](?i:straße|strasse|str\.|gasse|weg|allee|platz|ring|damm))"
_EN_STREET = (
    r"\d{1,4}[a-zA-Z]?[ ](?:[A-Z][a-z]+[ ]){1,3}(?:Street|St\.?|Road|Rd\.?|Avenue|Ave\.?|Lane|Ln\.?|Drive|Dr\.?|"
    r"Close|Way|Court|Ct\.?|Place|Pl\.?|Terrace|Crescent|Gardens|Square|Row|Hill|Grove|Mews|Walk|Park)\b"
)
_UK_POSTCODE = r"(?:,?[ ]{1,2}(?:[A-Z][a-z]+[ ])?[A-Z]{1,2}\d[A-Z\d]?[ ]\d[A-Z]{2})"


class StreetAddressRecognizer(ValuePatternRecognizer):
    ENTITY = "LOCATION"
    PATTERNS = [
        Pattern("de_street", rf"(?<![\w])(?:{_DE_STREET})[ ]{_NUMBER}(?:{_CITY}|{_CITY_ONLY})?(?![\w])", 0.7),
        Pattern(
            "de_preposition",
            rf"(?<![\w]){_PREPOSITION}[ ]{_WORD}(?:[ ]{_WORD})?[ ]{_NUMBER}(?:{_CITY}|{_CITY_ONLY})?(?![\w])",
            0.6,
        ),
        Pattern("en_street", rf"(?<![\w]){_EN_STREET}(?:{_UK_POSTCODE}|,[ ][A-Z][a-z]+)?", 0.6),
        Pattern("postcode_city", rf"(?<![\w])(?:(?:D|A|CH)-)?\d{{5}}[ ]{_WORD}(?=[ ]*(?:\n|$))", 0.3),
    ]
    CONTEXT = ["adresse", "anschrift", "wohnhaft", "wohne", "objekt", "address", "straße", "risikoort", "schadenort"]
    FLAGS = CASE_SENSITIVE
