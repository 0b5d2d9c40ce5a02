"""Spoken and spelled-out values: number words, the normalised view, offsets back to the original,
and the anonymizer removing the whole spoken span (and nothing in ordinary prose)."""

from __future__ import annotations

import pytest

from claims.anonymizer import Anonymizer
from claims.anonymizer.spoken import normalize_spoken, number_value, ordinal_value


@pytest.fixture(scope="module")
def rules() -> Anonymizer:
    return Anonymizer()


@pytest.mark.parametrize(
    ("word", "value"),
    [
        ("zwo", 2),
        ("null", 0),
        ("siebzehn", 17),
        ("dreiundzwanzig", 23),
        ("einundneunzig", 91),
        ("dreihundert", 300),
        ("neunzehnhundertachtundsiebzig", 1978),
        ("zweitausendvierundzwanzig", 2024),
        ("tausendeins", 1001),
        ("fünfundachtzig", 85),
        ("dreissig", 30),
        ("twelve", 12),
        ("ninety", 90),
        ("oh", 0),
        ("Fenster", None),
        ("und", None),
        ("hundertundzwanzigtausend", 120000),
        ("tausendtausend", None),
    ],
)
def test_number_words(word: str, value: int | None) -> None:
    assert number_value(word) == value


@pytest.mark.parametrize(
    ("word", "value"),
    [("zwölften", 12), ("erste", 1), ("dritter", 3), ("einundzwanzigsten", 21), ("neunzehnte", 19), ("twelfth", 12)],
)
def test_ordinals(word: str, value: int) -> None:
    assert ordinal_value(word) == value


@pytest.mark.parametrize(
    ("spoken", "value"),
    [
        ("null eins sieben sechs drei acht acht zwo eins neun null vier", "017638821904"),
        ("null acht neun, doppel-acht, sieben sechs fünf vier drei", "0898876543"),
        ("oh seven seven double nine one two three four five six", "07799123456"),
        ("ha er vier vier sieben eins zwo zwo null neun", "HR44712209"),
        ("o a r t drei eins eins", "OART311"),
        ("m minus a b eins zwo drei", "M-AB123"),
        ("martina punkt obermaier at web punkt de", "martina.obermaier@web.de"),
        ("h punkt raabe ät t minus online punkt de", "h.raabe@t-online.de"),
        ("lukas.thompson at posteo dot de", "lukas.thompson@posteo.de"),
        ("zwölfte März fünfundachtzig", "12.03.1985"),
        ("zwölften dritten neunzehnhundertfünfundachtzig", "12.03.1985"),
        ("March twelfth nineteen eighty five", "12.03.1985"),
    ],
)
def test_spoken_run_becomes_its_value_and_maps_back_to_the_whole_run(spoken: str, value: str) -> None:
    text = f"Also bitte: {spoken}. Danke"
    view = normalize_spoken(text)
    assert view.text == f"Also bitte: {value}. Danke"
    start = view.text.index(value)
    assert view.to_original(start, start + len(value)) == (12, 12 + len(spoken))
    # part of the value still means the whole spoken run
    assert view.to_original(start + 1, start + 3) == (12, 12 + len(spoken))
    # text after the run keeps its place
    after = view.text.index("Danke")
    assert view.to_original(after, after + 5) == (text.index("Danke"), len(text))
    assert view.touches_rewrite(12, 13) and not view.touches_rewrite(0, 10)


@pytest.mark.parametrize(
    "text",
    [
        "Wir haben zwei Fenster und drei Türen kaputt, ca. dreihundert Euro.",
        "Es war so gegen zehn, zwölf Leute standen da, er hat es gesehen.",
        "The storm took two hundred tiles, about forty-five thousand pounds.",
        "Die Fläche ist 1,20 x 2,10 m groß, Raum 3 a.",
        "Ich bin um acht Uhr los, im dritten Stock war alles nass, zum ersten Mal.",
        "at the corner of the street, dot the i's",
    ],
)
def test_ordinary_prose_gives_no_value(rules: Anonymizer, text: str) -> None:
    assert rules.spoken_values(text, "de") == []
    assert rules.anonymize(text).text == text


def test_anonymizer_replaces_each_spoken_span_whole(rules: Anonymizer) -> None:
    text = (
        "Hallo, meine Handynummer null eins sieben sechs drei acht acht zwo eins neun null vier, "
        "Mail martina punkt obermaier at web punkt de, Kennzeichen o a r t drei eins eins, "
        "geboren am zwölften März fünfundachtzig. Zwei Fenster sind kaputt."
    )
    result = rules.anonymize(text)
    for spoken in ("null eins", "neun null vier", "obermaier", "web punkt de", "o a r t", "drei eins eins", "März"):
        assert spoken not in result.text
    assert result.text.startswith("Hallo, meine Handynummer <")
    assert result.text.endswith(">. Zwei Fenster sind kaputt.")
    types = {e.type for e in result.entities}
    assert {"EMAIL_ADDRESS", "LICENSE_PLATE", "DATE_OF_BIRTH"} <= types
    for entity in result.entities:  # offsets are the original's, covering whole words
        value = text[entity.start : entity.end]
        assert value == value.strip() and (entity.start == 0 or not text[entity.start - 1].isalnum())
