"""Replace every marked personal-data value with a fresh fictitious one of the same type.

The PII model should learn the contexts that announce a name or an address, not a list of the
corpus's names; swapping values with ``faker`` (German, Austrian, Swiss, English, Turkish, Polish,
Italian locales) keeps each claim's wording while the values change.
"""

from __future__ import annotations

import random
import string

from faker import Faker

from claims.records import LabeledClaim, Span

_LOCALES = ["de_DE", "de_DE", "de_DE", "de_AT", "de_CH", "en_GB", "en_US", "tr_TR", "pl_PL", "it_IT"]


class ValueSwapper:
    """Draws replacement values; ``swap`` returns a new plain text and its spans."""

    def __init__(self, seed: int = 0) -> None:
        self.rng = random.Random(seed)
        self.fakers = {}
        for i, locale in enumerate(sorted(set(_LOCALES))):
            faker = Faker(locale)
            faker.seed_instance(seed + i)
            self.fakers[locale] = faker

    def _faker(self) -> Faker:
        return self.fakers[self.rng.choice(_LOCALES)]

    def shape_preserving(self, value: str) -> str:
        """Random digits for digits and capitals for capitals; separators stay."""
        out = []
        for ch in value:
            if ch.isdigit():
                out.append(self.rng.choice(string.digits))
            elif ch.isupper() and ch.isascii():
                out.append(self.rng.choice(string.ascii_uppercase))
            elif ch.islower() and ch.isascii():
                out.append(self.rng.choice(string.ascii_lowercase))
            else:
                out.append(ch)
        return "".join(out)

    def person(self, original: str) -> str:
        faker = self._faker()
        words = original.split()
        if len(words) == 1:
            value = faker.last_name() if self.rng.random() < 0.65 else faker.first_name()
        elif len(words) == 2:
            value = f"{faker.first_name()} {faker.last_name()}"
        else:
            value = f"{faker.first_name()} {faker.first_name()} {faker.last_name()}"
        if original.islower():
            value = value.lower()
        elif original.isupper():
            value = value.upper()
        return value

    def location(self, original: str) -> str:
        faker = self.fakers[self.rng.choice(["de_DE", "de_DE", "de_AT", "de_CH"])]
        street = faker.street_address()
        has_city = any(ch.isdigit() for ch in original.split(",")[-1]) and "," in original
        if has_city or (len(original.split()) >= 4 and self.rng.random() < 0.5):
            separator = "\n" if "\n" in original else ", "
            return f"{street}{separator}{faker.postcode()} {faker.city()}"
        return street

    def value_for(self, typ: str, original: str) -> str:
        faker = self._faker()
        if typ == "PERSON":
            return self.person(original)
        if typ == "LOCATION":
            return self.location(original)
        if typ == "PHONE_NUMBER":
            return faker.phone_number() if self.rng.random() < 0.5 else self.shape_preserving(original)
        if typ == "EMAIL_ADDRESS":
            return faker.email()
        if typ == "IBAN_CODE":
            iban = self.fakers[self.rng.choice(["de_DE", "de_AT", "de_CH"])].iban()
            if " " in original:
                iban = " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))
            return iban
        return self.shape_preserving(original)

    def swap(self, claim: LabeledClaim) -> tuple[str, tuple[Span, ...]]:
        parts, spans, pos, length = [], [], 0, 0
        same: dict[str, str] = {}
        for span in sorted(claim.spans, key=lambda s: s.start):
            before = claim.text[pos : span.start]
            parts.append(before)
            length += len(before)
            original = claim.text[span.start : span.end]
            value = same.setdefault(original, self.value_for(span.type, original))
            parts.append(value)
            spans.append(Span(span.type, length, length + len(value)))
            length += len(value)
            pos = span.end
        parts.append(claim.text[pos:])
        return "".join(parts), tuple(spans)
