"""Training text beyond the corpus's style, so the PII tagger learns German names, not our writers.

The corpus writes names in mixed case, in greetings and sign-offs. Real intake also has lower-case
chat names, ALL-CAPS form fields, OCR-garbled letters ("Ziircher", "StraBe"), initials ("R. Vollmer",
"H.-P. Kolbe"), names in form fields, e-mail signatures and quoted thread headers, and surnames
inside business names ("Autohaus Gebhardt": the surname is a person, "Autohaus am Ring" is not).
Words that look like surnames but are not ("Reh", "Sturm", car makes, towns) must stay O, so
negative sentences are added too. Every function returns text and spans with exact offsets.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

from faker import Faker

from claims.records import Span

Example = tuple[str, tuple[Span, ...]]

_NAME_LOCALES = ["de_DE", "de_DE", "de_AT", "de_CH", "de_DE", "de_AT", "en_GB", "en_US", "tr_TR", "pl_PL", "it_IT"]
_DIALECT_FIRST = [
    "Sepp",
    "Wastl",
    "Hias",
    "Resi",
    "Vroni",
    "Schorsch",
    "Ferdl",
    "Toni",
    "Gustl",
    "Loisl",
    "Kathi",
    "Burgi",
    "Vreni",
    "Ruedi",
    "Urs",
    "Heiri",
    "Hansi",
    "Mandi",
    "Franzl",
    "Lenz",
]
_TRADES = [
    "Autohaus",
    "Dachdeckerei",
    "Glaserei",
    "Schreinerei",
    "Tischlerei",
    "Malerbetrieb",
    "Sanitär",
    "Elektro",
    "Heizungsbau",
    "Gärtnerei",
    "Spenglerei",
    "Zimmerei",
    "Abschleppdienst",
    "Kfz-Werkstatt",
    "Bauunternehmung",
    "Fliesen",
    "Metzgerei",
    "Bäckerei",
    "Malermeister",
    "Installateur",
    "Hausverwaltung",
    "Schlüsseldienst",
    "Garage",
    "Carrosserie",
    "Rohrreinigung",
    "Fa.",
    "Firma",
]
_PLACE_WORDS = [
    "am Ring",
    "Süd",
    "Nord",
    "am Markt",
    "Bodensee",
    "Allgäu",
    "Rhein-Main",
    "24",
    "Express",
    "Mitte",
    "West",
    "& Partner",
    "Service",
    "an der Isar",
    "Ost",
    "Zentrum",
    "Alpin",
    "Team",
]
_SUFFIXES = ["", "", " GmbH", " GmbH & Co. KG", " & Söhne", " e.K.", " AG", " KG"]
_TITLES = ["Dr.", "Dr. med.", "Prof. Dr.", "Dipl.-Ing.", "Mag.", "Ing.", "Herr", "Frau", "Hr.", "Fr.", "Mr", "Ms"]
_CAR_MAKES = [
    "VW Golf",
    "Opel Astra",
    "BMW 320d",
    "Mercedes C-Klasse",
    "Ford Focus",
    "Porsche Cayenne",
    "Audi A4",
    "Skoda Octavia",
    "Seat Leon",
    "Renault Clio",
    "Peugeot 208",
    "Tesla Model 3",
    "Fiat Panda",
    "Toyota Yaris",
    "Dacia Duster",
    "Mazda CX-5",
    "Volvo XC60",
    "Hyundai i30",
    "Kia Ceed",
    "Smart",
]
_NEGATIVE_TEMPLATES = [
    "Ein Reh ist mir bei {town} vor den {car} gesprungen.",
    "Der Sturm hat in {town} mehrere Bäume umgeworfen, auch auf unseren {car}.",
    "Hagel und Sturm haben das Dach beschädigt, der Wolf im Wildpark war nicht betroffen.",
    "Ein Fuchs hat das Kabel im Motorraum vom {car} angefressen.",
    "Auf der B12 Richtung {town} kam mir ein Hirsch entgegen, der {car} ist vorne eingedrückt.",
    "Der Gutachter aus {town} kommt am Donnerstag, die Werkstatt hat den {car} schon angeschaut.",
    "Der Schaden ist in der Filiale {town} passiert, {trade} {place} hat die Scheibe provisorisch gesichert.",
    "Die {trade} {place} hat ein Angebot über 2.300 Euro geschickt.",
    "Wir waren mit dem {car} auf dem Weg von {town} nach {town2}, als der Hagel anfing.",
    "Der Marder hat im {car} die Schläuche zerbissen.",
    "Mein Nachbar meinte, der Sturm Sabine damals war schlimmer.",
    "Im Keller stand nach dem Starkregen in {town} das Wasser 20 cm hoch.",
    "Meine Schwester hat den Schaden fotografiert, mein Mann hat die Polizei in {town} angerufen.",
    "A deer ran into my {car} near {town}; the storm had brought down branches too.",
    "The roofer from {trade} {place} will come on Monday.",
]
_SIGN_OFFS = [
    "Mit freundlichen Grüßen",
    "Viele Grüße",
    "Beste Grüße",
    "LG",
    "Gruß",
    "Freundliche Grüße",
    "Kind regards",
    "Best regards",
    "Servus",
    "Danke und Gruß",
]
_FIELD_NAMES = [
    "Name",
    "Versicherungsnehmer",
    "VN",
    "Unterschrift",
    "Fahrer",
    "Geschädigter",
    "Zeuge",
    "Ansprechpartner",
    "Sachbearbeiter",
    "Absender",
    "Mieter",
    "Eigentümer",
    "Halter",
    "Policyholder",
    "Name des Fahrers",
    "Unterschrift VN",
    "gez.",
    "i.A.",
]


class _Builder:
    """Text pieces with their spans, concatenated with exact offsets."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.spans: list[Span] = []
        self.length = 0

    def add(self, text: str, typ: str | None = None) -> _Builder:
        if typ is not None and text:
            self.spans.append(Span(typ, self.length, self.length + len(text)))
        self.parts.append(text)
        self.length += len(text)
        return self

    def build(self) -> Example:
        return "".join(self.parts), tuple(self.spans)


def _piecewise(text: str, spans: Sequence[Span], change: Callable[[str], str]) -> Example:
    """Apply ``change`` to the text between and inside spans separately, keeping the offsets true."""
    out = _Builder()
    pos = 0
    for span in sorted(spans, key=lambda s: s.start):
        out.add(change(text[pos : span.start]))
        out.add(change(text[span.start : span.end]), span.type)
        pos = span.end
    out.add(change(text[pos:]))
    return out.build()


def _same_length_case(text: str, upper: bool) -> str:
    """Upper or lower case without changing the length ("ß".upper() is "SS")."""
    out = []
    for ch in text:
        changed = ch.upper() if upper else ch.lower()
        out.append(changed if len(changed) == 1 else ch)
    return "".join(out)


_ASCII_FOLD: dict[int, str] = {ord("ä"): "ae", ord("ö"): "oe", ord("ü"): "ue", ord("ß"): "ss"}
_OCR_SWAPS = [
    ("ü", "ii"),
    ("ü", "u"),
    ("ö", "o"),
    ("ä", "a"),
    ("ß", "B"),
    ("rn", "m"),
    ("m", "rn"),
    ("Ü", "U"),
    ("i", "l"),
    ("l", "1"),
    ("e", "c"),
    ("h", "b"),
    ("ck", "k"),
    ("St", "5t"),
    ("O", "0"),
]


class Augmenter:
    """Draws the extra training variants; seeded, so a training run is reproducible."""

    def __init__(self, seed: int = 0) -> None:
        self.rng = random.Random(seed)
        self.fakers = {}
        for i, locale in enumerate(sorted(set(_NAME_LOCALES))):
            faker = Faker(locale)
            faker.seed_instance(seed + 100 + i)
            self.fakers[locale] = faker

    # --- values ---------------------------------------------------------------------------------
    def _faker(self) -> Faker:
        return self.fakers[self.rng.choice(_NAME_LOCALES)]

    def surname(self) -> str:
        return str(self._faker().last_name())

    def first_name(self) -> str:
        if self.rng.random() < 0.08:
            return self.rng.choice(_DIALECT_FIRST)
        return str(self._faker().first_name())

    def person(self) -> str:
        """A name in one of the shapes real intake uses."""
        first, last = self.first_name(), self.surname()
        shape = self.rng.random()
        if shape < 0.45:
            return f"{first} {last}"
        if shape < 0.60:
            return last
        if shape < 0.72:
            return f"{first[0]}. {last}"
        if shape < 0.78:
            second = self.first_name()
            return f"{first[0]}.-{second[0]}. {last}"
        if shape < 0.84:
            return f"{first} {self.first_name()} {last}"
        if shape < 0.90:
            return f"{last} {first}"  # Bavarian order: "Huber Sepp"
        if shape < 0.95:
            return first
        return f"{first} {last}-{self.surname()}"

    def email_for(self, name: str) -> str:
        words = [w.strip(".").lower() for w in name.replace("-", " ").split() if len(w.strip(".")) > 1]
        local = ".".join(words[-2:]) if words else "info"
        local = local.translate(_ASCII_FOLD)
        return f"{local}@{self.rng.choice(['web.de', 'gmx.de', 'gmx.at', 'bluewin.ch', 't-online.de', 'posteo.de', 'gmail.com'])}"

    def phone(self) -> str:
        return str(self.fakers["de_DE"].phone_number())

    def town(self) -> str:
        return str(self.fakers[self.rng.choice(["de_DE", "de_AT", "de_CH"])].city())

    def business(self) -> tuple[str, str | None]:
        """A business name and the surname inside it (``None`` when it has none)."""
        trade = self.rng.choice(_TRADES)
        if self.rng.random() < 0.65:
            surname = self.surname()
            return f"{trade} {surname}{self.rng.choice(_SUFFIXES)}", surname
        return f"{trade} {self.rng.choice(_PLACE_WORDS)}{self.rng.choice(_SUFFIXES)}", None

    # --- snippets -------------------------------------------------------------------------------
    def _add_business(self, out: _Builder) -> None:
        name, surname = self.business()
        if surname is None:
            out.add(name)
            return
        before, after = name.split(surname, 1)
        out.add(before).add(surname, "PERSON").add(after)

    def snippet(self) -> Example:
        """One block in a style the corpus lacks: form fields, signature, thread header, business."""
        out = _Builder()
        kind = self.rng.randrange(7)
        name = self.person()
        if kind == 0:  # form fields
            for _ in range(self.rng.randint(1, 3)):
                out.add(f"{self.rng.choice(_FIELD_NAMES)}{self.rng.choice([': ', ':  ', ' ', ': '])}")
                out.add(self.person(), "PERSON").add("\n")
            if self.rng.random() < 0.5:
                out.add("Telefon: ").add(self.phone(), "PHONE_NUMBER").add("\n")
        elif kind == 1:  # e-mail signature
            out.add(f"{self.rng.choice(_SIGN_OFFS)}\n")
            if self.rng.random() < 0.3:
                out.add(self.rng.choice(["i.A. ", "i.V. ", "gez. "]))
            if self.rng.random() < 0.3:
                out.add(self.rng.choice(_TITLES[:6]) + " ")
            out.add(name, "PERSON").add("\n")
            if self.rng.random() < 0.6:
                self._add_business(out)
                out.add("\n")
            out.add(self.rng.choice(["Tel. ", "Tel.: ", "Mobil ", "T: "])).add(self.phone(), "PHONE_NUMBER").add("\n")
            if self.rng.random() < 0.6:
                out.add(self.email_for(name), "EMAIL_ADDRESS").add("\n")
        elif kind == 2:  # quoted thread header
            style = self.rng.randrange(3)
            if style == 0:
                out.add(
                    f"Am {self.rng.randint(1, 28)}.{self.rng.randint(1, 12):02d}.2024 um 09:{self.rng.randint(10, 59)} schrieb "
                )
                out.add(name, "PERSON").add(" <").add(self.email_for(name), "EMAIL_ADDRESS").add(">:\n> ")
            elif style == 1:
                out.add("-----Ursprüngliche Nachricht-----\nVon: ").add(name, "PERSON").add(" <")
                out.add(self.email_for(name), "EMAIL_ADDRESS").add(">\nGesendet: Montag, 3. Juni 2024 10:12\nAn: ")
                out.add(self.person(), "PERSON").add("\nBetreff: AW: Schadenmeldung\n")
            else:
                out.add("On Tue, 4 Jun 2024 at 14:02, ").add(name, "PERSON").add(" <")
                out.add(self.email_for(name), "EMAIL_ADDRESS").add("> wrote:\n> ")
        elif kind == 3:  # business names, with or without a surname
            out.add(self.rng.choice(["Die ", "Wir haben die ", "Heute war die ", "Laut ", "Angebot der "]))
            self._add_business(out)
            out.add(
                self.rng.choice(
                    [
                        " hat den Schaden begutachtet.",
                        " kommt morgen früh.",
                        " war schon da.",
                        " schickt die Rechnung direkt an Sie.",
                        " hat eine Notabdichtung gemacht.",
                    ]
                )
            )
        elif kind == 4:  # titles and initials in narrative
            out.add(self.rng.choice(["Laut ", "Der Arzt, ", "Unser Hausmeister ", "Mein Nachbar ", "Zeuge ist "]))
            out.add(self.rng.choice(_TITLES) + " " if self.rng.random() < 0.6 else "")
            out.add(name, "PERSON")
            out.add(self.rng.choice([" hat alles gesehen.", ", bestätigt den Unfall.", " ist erreichbar.", "."]))
        elif kind == 5:  # chat and dialect
            lowered = name.lower()
            out.add(self.rng.choice(["do schreibt da ", "hier is ", "i bin da ", "gruss ", "lg ", "vom "]))
            out.add(lowered, "PERSON").add(self.rng.choice([" aus ", ", ", " "]))
            out.add(self.town().lower() if self.rng.random() < 0.5 else "")
        else:  # negatives: words that are no names
            template = self.rng.choice(_NEGATIVE_TEMPLATES)
            trade = self.rng.choice(_TRADES[:-2])
            out.add(
                template.format(
                    town=self.town(),
                    town2=self.town(),
                    car=self.rng.choice(_CAR_MAKES),
                    trade=trade,
                    place=self.rng.choice(_PLACE_WORDS),
                )
            )
        return out.build()

    # --- whole-example variants -----------------------------------------------------------------
    def with_snippets(self, text: str, spans: Sequence[Span]) -> Example:
        """The claim with one or two snippets put before or after it."""
        out = _Builder()
        before = self.rng.random() < 0.3
        extras = [self.snippet() for _ in range(self.rng.randint(1, 2))]
        pieces: list[Example] = [*extras, (text, tuple(spans))] if before else [(text, tuple(spans)), *extras]
        for i, (piece, piece_spans) in enumerate(pieces):
            if i:
                out.add("\n\n" if self.rng.random() < 0.7 else " ")
            offset = out.length
            out.add(piece)
            out.spans.extend(Span(s.type, s.start + offset, s.end + offset) for s in piece_spans)
        return out.build()

    def window(self, text: str, spans: Sequence[Span], max_chars: int) -> Example:
        """A piece of at most ``max_chars`` characters around a random value, cut at spaces;
        spans cut by the edges are dropped with the text they cover."""
        if len(text) <= max_chars:
            return text, tuple(spans)
        centre = self.rng.choice(spans).start if spans else self.rng.randrange(len(text))
        start = max(0, min(centre - max_chars // 2, len(text) - max_chars))
        end = start + max_chars
        while start > 0 and not text[start - 1].isspace() and start < centre:
            start += 1
        while end < len(text) and not text[end].isspace() and end > start:
            end -= 1
        for span in spans:  # never cut through a value: move the edge outside it
            if span.start < start < span.end:
                start = span.end
            if span.start < end < span.end:
                end = span.start
        kept = tuple(Span(s.type, s.start - start, s.end - start) for s in spans if start <= s.start and s.end <= end)
        return text[start:end], kept

    def case_variant(self, text: str, spans: Sequence[Span]) -> Example:
        """All lower or ALL CAPS, the whole text or only the names in it."""
        upper = self.rng.random() < 0.35
        if self.rng.random() < 0.5:
            return _same_length_case(text, upper), tuple(spans)
        chars = list(text)
        for span in spans:
            if span.type == "PERSON":
                chars[span.start : span.end] = _same_length_case(text[span.start : span.end], upper)
        return "".join(chars), tuple(spans)

    def ocr_noise(self, text: str, spans: Sequence[Span]) -> Example:
        chosen = self.rng.sample(_OCR_SWAPS, k=3)

        def garble(piece: str) -> str:
            for old, new in chosen:
                if old in piece and self.rng.random() < 0.7:
                    piece = piece.replace(old, new)
            return piece

        return _piecewise(text, spans, garble)

    def variants(self, text: str, spans: Sequence[Span]) -> Example:
        """A random mix of the above, applied to an (already value-swapped) claim."""
        example: Example = (text, tuple(spans))
        if self.rng.random() < 0.6:
            example = self.with_snippets(*example)
        roll = self.rng.random()
        if roll < 0.2:
            example = self.case_variant(*example)
        elif roll < 0.35:
            example = self.ocr_noise(*example)
        return example
