"""The shipped PII model on the real encoder (slow): loads offline and removes names in prose that
no pattern announces, while amounts and loss dates stay."""

from __future__ import annotations

import pytest

from claims.anonymizer import Anonymizer
from claims_runtime.settings import RuntimeSettings

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def anonymizer() -> Anonymizer:
    from claims.encoder import build_encoder

    build_encoder(RuntimeSettings().encoder_path)
    return Anonymizer.build(RuntimeSettings().encoder_path)


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("mein Nachbar Thorsten Wegmann hat mit dem Rasenmäher die Scheibe getroffen, ca. 300 €", ["Thorsten Wegmann"]),
        ("gestern 14.05. hat Leonie Sommer im Laden die Vitrine umgestoßen, Schaden 1.200 Euro", ["Leonie Sommer"]),
        ("hi its aylin yildiz, my flat got flooded on 3 March, about EUR 4,000", ["aylin yildiz"]),
        ("Wir wohnen Birkenallee 7 in 79098 Freiburg und der Keller steht seit heute unter Wasser.", ["Birkenallee 7"]),
    ],
)
def test_names_and_addresses_in_prose_are_removed(anonymizer: Anonymizer, text: str, values: list[str]) -> None:
    result = anonymizer.anonymize(text)
    for value in values:
        for word in value.split():
            assert word not in result.text, result.text
    for kept in ("300 €", "14.05.", "1.200 Euro", "3 March", "EUR 4,000", "Keller"):
        if kept in text:
            assert kept in result.text
