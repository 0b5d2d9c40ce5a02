"""Fact extraction: amounts in their many written forms, and the boolean facts with negations."""

from __future__ import annotations

import pytest

from claims.facts import CURRENCY_TO_EUR, ClaimFacts, extract_amounts, extract_facts, german_number_word, parse_number

CHF = CURRENCY_TO_EUR["CHF"]

AMOUNTS: list[tuple[str, tuple[float, ...]]] = [
    # German digits
    ("Schaden ca. 1.400 € am Boden", (1400.0,)),
    ("Rechnung 1400,- EUR anbei", (1400.0,)),
    ("Reinigung 160,- €.", (160.0,)),
    ("KV über 465,80 € brutto", (465.8,)),
    ("Schadenhöhe: EUR 9.850,00", (9850.0,)),
    ("Gutachter sagt ungefähr 12.500 Euro", (12500.0,)),
    ("so 12500 euro alles zusammen", (12500.0,)),
    ("der hat so 1100€ gekostet", (1100.0,)),
    ("Fährt noch. ~900€.", (900.0,)),
    ("Kosten: € 480 inkl. Montage", (480.0,)),
    ("ca 850 euro neu", (850.0,)),
    ("Wert gesamt ca: 12.500 eur", (12500.0,)),
    ("Schaden 12 500 € laut Gutachter", (12500.0,)),
    # multipliers
    ("Erste Schätzung knapp 12 Tsd. Euro.", (12000.0,)),
    ("ca. 35 Tsd. Euro", (35000.0,)),
    ("das sind bestimmt 12k", (12000.0,)),
    ("about 3k for the roof", (3000.0,)),
    ("kitchen approx. 9k, drying", (9000.0,)),
    ("Schaden rund 1,2 Mio. €", (1_200_000.0,)),
    # ranges: both ends
    ("rund 60.000 bis 70.000 €", (60000.0, 70000.0)),
    ("something like 60-70k euros", (60000.0, 70000.0)),
    ("er schätzt locker 60-80 Tausend.", (60000.0, 80000.0)),
    ("I'd guess ca. 2–3k for both", (2000.0, 3000.0)),
    ("ca. 18.000–22.000 EUR inkl. Trocknung", (18000.0, 22000.0)),
    ("zwischen 2.000 und 3.000 € geschätzt", (2000.0, 3000.0)),
    ("schätzt so 1.600 bis 1.900 €.", (1600.0, 1900.0)),
    # English
    ("Estimate: EUR 2,300", (2300.0,)),
    ("a quote for 1,149 EUR incl. delivery", (1149.0,)),
    ("invoice amounts to EUR 340.00 including VAT", (340.0,)),
    ("well over 80,000 EUR", (80000.0,)),
    # words
    ("so um die vierhundertachtzig Euro", (480.0,)),
    ("kostet zirka dreiundvierzigtausend Euro", (43000.0,)),
    ("zwölftausend Euro", (12000.0,)),
    ("liegt bei eintausendachthundert Euro", (1800.0,)),
    ("so um die elfhundert Euro", (1100.0,)),
    ("hundertzwanzig Euro warn des", (120.0,)),
    ("grob viertausendfünfhundert Euro plus minus", (4500.0,)),
    ("vielleicht zwei dreihundert Euro wenn überhaupt", (200.0, 300.0)),
    ("maybe sixty euros yeah", (60.0,)),
    ("maybe fifteen hundred euros to replace", (1500.0,)),
    ("about two thousand five hundred euros", (2500.0,)),
    # self-corrections
    ("eine Bagatelle von vielleicht 90 Mark, pardon, Euro", (90.0,)),
    ("etwa tausendfünfhundert Mark äh Euro", (1500.0,)),
    # Swiss francs at the fixed rate
    ("Schaden CHF 40'000", (40000.0 * CHF,)),
    ("Kratzer, ca. 300 Fr. Nur zur Info", (300.0 * CHF,)),
    ("vielleicht 150 Franken", (150.0 * CHF,)),
]


@pytest.mark.parametrize(("text", "expected"), AMOUNTS)
def test_amounts_in_their_written_forms(text: str, expected: tuple[float, ...]) -> None:
    assert extract_facts(text).amounts_eur == pytest.approx(expected)


NOT_AMOUNTS: list[str] = [
    "Schadendatum: 08.02.2024, ca. 16:30 Uhr",
    "Geburtsdatum: 17.09.1991",
    "im Jahr 2023 gekauft",
    "Adresse: Kastanienallee 15, 14471 Potsdam",
    "Rückruf 0176 4410 9372!",
    "erreichbar unter <PHONE_NUMBER_1> oder <IBAN_CODE_1>",
    "Vertrag 40.227.918-3, Schadennummer S-24-0071324",
    "Kennzeichen W-43718K",
    "Scheibe 2,10 x 1,60 m zersprungen",
    "Windstärke 10, Zimmer 21 und 23",
    "das Auto hat 100k km gelaufen",
    "seine Hose ist zerrissen, paar euro",
    "ein paar hundert Euro vielleicht",
    "Fr. Müller ruft an, Vertrag 300",
    "eine Euro-Palette ist umgefallen",
    "Die Abgasnorm Euro 6 ist erfüllt",
    "er sagt vielleicht zweitausend.",
    "Getränke Mainfranken GmbH",
    "in tausend Krümel zersprungen",
]


@pytest.mark.parametrize("text", NOT_AMOUNTS)
def test_dates_numbers_and_placeholders_are_not_amounts(text: str) -> None:
    facts = extract_facts(text)
    assert facts.amounts_eur == ()
    assert facts.max_amount_eur is None


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("Teilkasko mit SB 150 € lt. Vertrag", "deductible"),
        ("Selbstbeteiligung 300 Euro", "deductible"),
        ("Grundsumme laut Vertrag 150.000 €", "sum_insured"),
        ("the replacement value is about EUR 52,000", "value"),
        ("Jahresbeitrag 240 €", "premium"),
    ],
)
def test_non_damage_amounts_are_set_apart(text: str, role: str) -> None:
    facts = extract_facts(text)
    assert facts.amounts_eur == ()
    assert [m.role for m in facts.mentions] == [role]
    assert len(facts.other_amounts_eur) == 1


def test_a_deductible_does_not_hide_the_damage_in_the_same_text() -> None:
    facts = extract_facts("Schaden ca. 3.000 €. Hinweis: SB 150 € lt. Vertrag.")
    assert facts.amounts_eur == (3000.0,)
    assert facts.other_amounts_eur == (150.0,)


def test_amount_mentions_keep_spans_and_currency() -> None:
    text = "Glaser sagt 140 €, Rahmen CHF 100"
    mentions = extract_amounts(text)
    assert [text[m.start : m.end] for m in mentions] == ["140 €", "CHF 100"]
    assert [m.currency for m in mentions] == ["EUR", "CHF"]


def test_max_amount_uses_the_upper_end_of_ranges() -> None:
    assert extract_facts("zwischen 45.000 und 55.000 €").max_amount_eur == 55000.0


@pytest.mark.parametrize(
    ("text", "above_50k", "above_10k", "below_500"),
    [
        ("Gutachter: 62.000 €", True, True, False),
        ("exakt 50.000 €", False, True, False),  # strict: "above 50,000" means > 50,000
        ("zwischen 45.000 und 55.000 €", False, True, False),  # straddles: not clearly above
        ("Schaden 10.000 €", False, False, False),
        ("Rechnung 499,99 €", False, False, True),
        ("Rechnung 500 €", False, False, False),  # exactly 500 is not below 500
        ("Scheibe 350 €, Navi 420 €, Brille 180 €", False, False, False),  # items add up to 950
        ("Schlauch 95 EUR, Boden 280 EUR, total 375 EUR", False, False, True),  # a total is given
        ("keine Angabe zur Höhe", False, False, False),
    ],
)
def test_thresholds_are_strict_and_range_aware(text: str, above_50k: bool, above_10k: bool, below_500: bool) -> None:
    facts = extract_facts(text)
    assert facts.amount_clearly_above(50_000) is above_50k
    assert facts.amount_clearly_above(10_000) is above_10k
    assert facts.amount_clearly_below(500) is below_500


@pytest.mark.parametrize(
    ("word", "value"),
    [
        ("vierhundertachtzig", 480),
        ("dreiundvierzigtausend", 43000),
        ("eintausendachthundert", 1800),
        ("tausendfünfhundert", 1500),
        ("elfhundert", 1100),
        ("zweihundertachtzig", 280),
        ("zwölftausend", 12000),
        ("sechzig", 60),
        ("paar", None),
        ("Mark", None),
    ],
)
def test_german_number_words(word: str, value: int | None) -> None:
    assert german_number_word(word) == value


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("1.400", 1400.0),
        ("9.850,00", 9850.0),
        ("2,300", 2300.0),
        ("465,80", 465.8),
        ("340.00", 340.0),
        ("40'000", 40000.0),
    ],
)
def test_parse_number(raw: str, value: float) -> None:
    assert parse_number(raw) == value


INJURY: list[tuple[str, bool]] = [
    ("Mein Mann ist verletzt und liegt im Krankenhaus.", True),
    ("Der Fahrer wurde mit dem RTW in die Notaufnahme gebracht.", True),
    ("Sie hat sich das Handgelenk gebrochen.", True),
    ("Oberschenkelhalsbruch, OP morgen.", True),
    ("The cyclist was injured and taken to hospital.", True),
    ("he broke his leg on the stairs", True),
    ("Der Hund hat einen Jogger gebissen, er blutet.", True),
    ("Niemand wurde verletzt.", False),
    ("Verletzt wurde zum Glück niemand.", False),
    ("verletzt hat sich zum Glück niemand, die Tür ist zu", False),
    ("Es gab keine Verletzten.", False),
    ("Gott sei Dank keiner verletzt.", False),
    ("Stadl abbrannt, is aus, koaner verletzt.", False),
    ("Nobody was hurt.", False),
    ("no one was injured, the car is a write-off", False),
    ("I wasn't hurt.", False),
    ("VN unverletzt, Fahrzeug nicht fahrbereit.", False),
    ("Gibt es Verletzte?", False),
    ("Verletzte: nein", False),
    ("Wir bitten um umgehende Freigabe.", False),  # German "bitten" is not English "bitten"
    ("Er hat seine Sorgfaltspflicht verletzt.", False),
    ("Bitte schnell, bevor sich jemand verletzt.", False),
]


@pytest.mark.parametrize(("text", "expected"), INJURY)
def test_injury_and_its_negations(text: str, expected: bool) -> None:
    assert extract_facts(text).injury is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Zwei Personen wurden verletzt und ins Krankenhaus gebracht.", True),
        ("Es gibt drei Verletzte.", True),
        ("both of them were injured in the crash", True),
        ("three guests in hospital with smoke inhalation", True),
        ("Mein Vater ist bei dem Brand ums Leben gekommen.", True),
        ("My husband died in the accident.", True),
        ("Ein Verletzter, der Fahrer.", False),
        ("The deer died at the scene.", False),
        ("the flames died out within seconds", False),
        ("der Ring ist ein Erbstück meiner Oma, die vor 10 Jahren verstorben ist", False),
        ("Zum Glück ist niemand gestorben.", False),
    ],
)
def test_several_injured_or_death(text: str, expected: bool) -> None:
    facts = extract_facts(text)
    assert facts.several_injured_or_death is expected
    if expected:
        assert facts.injury


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Das Wasser läuft immer noch, den Haupthahn kriegen wir nicht zu.", True),
        ("Bitte ruft mich zurück, es läuft echt noch.", True),
        ("Es steigt weiter, gerade sind es 15 cm im Wohnzimmer.", True),
        ("Seitdem regnet es ins OG.", True),
        ("Die Feuerwehr löscht noch Glutnester im Dachstuhl.", True),
        ("Subject: FIRE – hay barn, still burning", True),
        ("water in the ground floor flat still rising", True),
        ("Im Keller läuft nichts mehr nach.", False),
        ("Der Betrieb läuft noch normal weiter.", False),
        ("Die Spurensicherung läuft noch.", False),
        ("Das Wasser lief mehrere Tage.", False),
        ("Is water still leaking?", False),
        ("Wasser steigt nich mehr, Feuerwehr hat abjepumpt.", False),
        ("ich dachte erst es regnet rein aber nein es ist alles trocken", False),
        ("Notverglasung morgen, sonst regnet es rein.", False),
        ("Die Feuerwehr hat gelöscht, alles ist aus.", False),
    ],
)
def test_ongoing(text: str, expected: bool) -> None:
    assert extract_facts(text).ongoing is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Beim Ausparken hat mein Auto einen Poller gestreift.", True),
        ("Windschutzscheibe durch Steinschlag gesprungen.", True),
        ("The van was hit by a falling branch.", True),
        ("Kennzeichen <LICENSE_PLATE_1>", True),
        ("Mein Fahrrad wurde aus dem Keller gestohlen.", False),
        ("Der Kinderwagen stand im Flur.", False),
        ("Herr van Dijk meldet einen Wasserschaden.", False),
        ("Policennummer WG-HR 5502 1198", False),
        ("we met in the car park", False),
    ],
)
def test_vehicle_involved(text: str, expected: bool) -> None:
    assert extract_facts(text).vehicle_involved is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("In unserem Restaurant ist ein Rohr geplatzt.", True),
        ("Ich bin Inhaberin eines Friseursalons.", True),
        ("Wir sind vorsteuerabzugsberechtigt, bitte netto regulieren.", True),
        ("Salon läuft normal.", True),
        ("a fire in our bakery last night", True),
        ("Die Werkstatt sagt 1.800 Euro.", False),
        ("In meiner Wohnung ist die Decke nass.", False),
        ("Kontoinhaber: <PERSON_1>", False),
    ],
)
def test_business_policyholder(text: str, expected: bool) -> None:
    assert extract_facts(text).business_policyholder is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mein Sohn hat beim Fußball die Scheibe des Nachbarn kaputt gemacht.", True),
        ("Unser Hund hat den Briefträger gebissen.", True),
        ("Ich melde das über meine Privathaftpflicht.", True),
        ("The neighbour's fence was damaged by my ladder.", True),
        ("Sturm hat unser Dach abgedeckt.", False),
    ],
)
def test_third_party(text: str, expected: bool) -> None:
    assert extract_facts(text).third_party is expected


def test_facts_are_frozen_and_empty_text_gives_no_facts() -> None:
    facts = extract_facts("")
    assert facts == ClaimFacts()
    with pytest.raises(AttributeError):
        facts.injury = True  # type: ignore[misc]


def test_anonymized_text_keeps_amounts_and_facts() -> None:
    text = (
        "Guten Tag, hier <PERSON_1>, Vertrag <POLICY_NUMBER_1>. Rohrbruch im Keller, das Wasser läuft immer "
        "noch! Installateur schätzt 14.500 €. Rückruf <PHONE_NUMBER_1>."
    )
    facts = extract_facts(text)
    assert facts.amounts_eur == (14500.0,)
    assert facts.ongoing and not facts.injury and not facts.vehicle_involved
