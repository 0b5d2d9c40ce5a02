"""Table-driven tests of every pattern recognizer: what must be found, exactly, and what must stay."""

from __future__ import annotations

import time

import pytest

from claims.anonymizer import Anonymizer, AnonymizerConfig
from claims.anonymizer.recognizers.social_security import at_svnr_is_valid, ch_ahv_is_valid, rv_nummer_is_valid
from claims.anonymizer.recognizers.tax_id import steuer_id_is_valid
from claims.validation import iban_is_valid


@pytest.fixture(scope="module")
def rules() -> Anonymizer:
    config = AnonymizerConfig.load()
    config.pii_model.enabled = False
    return Anonymizer(config)


FOUND = [
    ("EMAIL_ADDRESS", "Antwort bitte an j.seidel@web.de, danke", "j.seidel@web.de"),
    ("EMAIL_ADDRESS", "mail: fuhrpark@nordtec-gmbh.de", "fuhrpark@nordtec-gmbh.de"),
    ("IBAN_CODE", "IBAN DE89 3704 0044 0532 0130 00 BIC COBADEFFXXX", "DE89 3704 0044 0532 0130 00"),
    ("IBAN_CODE", "Konto DE89370400440532013000.", "DE89370400440532013000"),
    ("IBAN_CODE", "Leistung an CH93 0076 2011 6238 5295 7 bitte", "CH93 0076 2011 6238 5295 7"),
    ("PHONE_NUMBER", "Tel. 0721 556 23 10", "0721 556 23 10"),
    ("PHONE_NUMBER", "Rückruf unter +49 (0)621 40588-12 erbeten", "+49 (0)621 40588-12"),
    ("PHONE_NUMBER", "Handy 0043 664 218 44 90", "0043 664 218 44 90"),
    ("PHONE_NUMBER", "call me on +44 7700 914382", "+44 7700 914382"),
    ("PHONE_NUMBER", "erreichbar 030/1234567", "030/1234567"),
    ("LICENSE_PLATE", "mein Wagen (KA-JS 318) steht", "KA-JS 318"),
    ("LICENSE_PLATE", "Kennzeichen B-XY 77E", "B-XY 77E"),
    ("LICENSE_PLATE", "Fahrzeug HH KL 402 beschädigt", "HH KL 402"),
    ("LICENSE_PLATE", "Auto mit ZH 418 273", "ZH 418 273"),
    ("TAX_ID", "Steuer-ID: 86 095 742 719", "86 095 742 719"),
    ("SOCIAL_SECURITY", "SV-Nr. 65 170839 J 003", "65 170839 J 003"),
    ("SOCIAL_SECURITY", "SVNR 5169 240360.", "5169 240360"),
    ("SOCIAL_SECURITY", "AHV 756.9217.0769.85", "756.9217.0769.85"),
    ("DATE_OF_BIRTH", "Frau Becker, geb. 02.08.1941, wohnt", "02.08.1941"),
    ("DATE_OF_BIRTH", "my date of birth is 4th of July 1946", "4th of July 1946"),
    ("DATE_OF_BIRTH", "Geburtsdatum ist der 3. Mai 2001", "3. Mai 2001"),
    ("POLICY_NUMBER", "VS-Nr. HR 4471 2209 Kennzeichen", "HR 4471 2209"),
    ("POLICY_NUMBER", "Versicherungsschein VS-2023-884512", "VS-2023-884512"),
    ("POLICY_NUMBER", "Vertrag: 5501339872", "5501339872"),
    ("POLICY_NUMBER", "Vers.-Nr. 40.318.552-9 bitte", "40.318.552-9"),
    ("POLICY_NUMBER", "Hausrat HR 5508 1736\nGruß", "HR 5508 1736"),
    ("CLAIM_NUMBER", "Schaden-Nr. 7781/24-KH", "7781/24-KH"),
    ("CLAIM_NUMBER", "Ihr Zeichen: SN 2024-11-03345", "SN 2024-11-03345"),
    ("CLAIM_NUMBER", "your claim no. HG-24-55190 please", "HG-24-55190"),
    ("LOCATION", "Anschrift: Lindenstraße 14, 80331 München\nTel", "Lindenstraße 14, 80331 München"),
    ("LOCATION", "wir wohnen Am Heidekamp 12 in Bramsche seit", "Am Heidekamp 12 in Bramsche"),
    ("LOCATION", "Büro: Hasnerstraße 27/2/14, 1160 Wien", "Hasnerstraße 27/2/14, 1160 Wien"),
    ("LOCATION", "house at 45 Oak Road, Bristol BS1 4DJ", "45 Oak Road, Bristol BS1 4DJ"),
    ("PERSON", "Sehr geehrter Herr Koch, danke", "Koch"),
    ("PERSON", "Viele Grüße\nJana Seidel-Wolf", "Jana Seidel-Wolf"),
    ("PERSON", "Versicherungsnehmer: Mehmet Öztürk\nObjekt", "Mehmet Öztürk"),
]


@pytest.mark.parametrize(("typ", "text", "value"), FOUND)
def test_value_is_found_exactly(rules: Anonymizer, typ: str, text: str, value: str) -> None:
    found = {(e.type, text[e.start : e.end]) for e in rules.analyze(text)}
    assert (typ, value) in found, found


STAYS = [
    "Der Schaden beträgt ca. 1.400 € laut Werkstatt.",
    "Am 12.03.2024 gegen 14:30 Uhr ist das Rohr geplatzt, Kosten 12.500,00 EUR.",
    "Hagel am 3. Mai, Dach undicht, knapp 12 Tsd. Euro.",
    "Unfall auf der B 27 bei Tübingen, Baujahr 2019, 140 PS.",
    "The storm on 14 March damaged the roof; estimate EUR 9,850.",
    "Wir wohnen in München und der Keller steht 10 cm unter Wasser.",
    "Bestellung 2 x 500 ml, Raum 3, Etage 2.",
]


@pytest.mark.parametrize("text", STAYS)
def test_amounts_loss_dates_and_cities_stay(rules: Anonymizer, text: str) -> None:
    assert rules.analyze(text) == []


@pytest.mark.parametrize(
    ("check", "value", "valid"),
    [
        (iban_is_valid, "DE89 3704 0044 0532 0130 00", True),
        (iban_is_valid, "DE89 3704 0044 0532 0130 01", False),
        (steuer_id_is_valid, "86095742719", True),
        (steuer_id_is_valid, "86095742718", False),
        (rv_nummer_is_valid, "65 170839 J 003", True),
        (rv_nummer_is_valid, "65 170839 J 004", False),
        (at_svnr_is_valid, "5169 240360", True),
        (at_svnr_is_valid, "5168 240360", False),
        (ch_ahv_is_valid, "756.9217.0769.85", True),
        (ch_ahv_is_valid, "756.9217.0769.86", False),
    ],
)
def test_checksums(check, value: str, valid: bool) -> None:  # type: ignore[no-untyped-def]
    assert check(value) is valid


@pytest.mark.parametrize(
    "text",
    [
        "1" * 20_000,
        " " * 50_000 + "x",
        "." * 50_000,
        "1 " * 20_000,
        "1." * 20_000,
        "Aa" * 10_000,
        "Vertrag " * 5_000,
        ("Lindenstraße 1" + " " * 100) * 300,
        "+49 " + "1 " * 10_000,
    ],
)
def test_pathological_inputs_finish_quickly(rules: Anonymizer, text: str) -> None:
    started = time.perf_counter()
    rules.analyze(text)
    assert time.perf_counter() - started < 1.0
