"""Facts the labeling guide's thresholds use, read from a (possibly anonymized) claim text.

The guide decides urgency and department partly on facts, not on wording: an estimated damage
above 10,000 / 50,000 EUR or below 500 EUR, several injured people or a death, a loss still going
on. :mod:`claims.rules` may let these facts override a model, so every extractor here prefers
precision over recall: a fact is only reported when a pattern clearly states it. Every pattern
lives in a named table below so that a reviewer can read (and a test can exercise) each one.

Amounts
    Only numbers written next to a currency (``1.400 €``, ``EUR 9.850,00``, ``1400,- EUR``,
    ``12 Tsd. Euro``, ``zwölftausend Euro``) or with a thousands suffix (``12k``,
    ``60-80 Tausend``) count; bare numbers never do, so dates, years, postcodes, phone numbers,
    policy numbers and anonymizer placeholders (``<PHONE_NUMBER_1>``) are not amounts.
    ``,ddd`` with exactly three digits is an English thousands separator (``EUR 2,300``), ``,dd``
    a German decimal (``465,80 €``). Swiss francs are converted at the fixed rate
    :data:`CURRENCY_TO_EUR` (1 CHF = 1.05 EUR, roughly the 2024-2025 average): the guide's
    thresholds are coarse, so a fixed documented rate is better than a live one that would make
    the same text decide differently on different days. Ranges ("60.000 bis 70.000 €") keep both
    ends. Amounts introduced by a deductible, a sum insured or a premium ("SB 150 €",
    "Grundsumme 150.000 €") are not damage estimates; they go to ``other_amounts_eur``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)

__all__ = ["CURRENCY_TO_EUR", "AmountMention", "ClaimFacts", "extract_amounts", "extract_facts"]

# ---------------------------------------------------------------------------------------------
# Amount tables
# ---------------------------------------------------------------------------------------------

#: Fixed conversion rates to EUR (documented, deliberately not live; see the module docstring).
CURRENCY_TO_EUR: dict[str, float] = {"EUR": 1.0, "CHF": 1.05}

#: Currency words written AFTER a number: regex -> ISO code. Case-insensitive.
SUFFIX_CURRENCIES: tuple[tuple[str, str], ...] = (
    (r"€", "EUR"),
    (r"euros?(?![\w])", "EUR"),
    (r"eur(?![\w])", "EUR"),
    (r"chf(?![\w])", "CHF"),
    (r"sfr\.?(?![\w])", "CHF"),
    (r"franken(?![\w])", "CHF"),
)
#: Currency symbols written BEFORE a number (``€ 480``, ``EUR 9.850,00``, ``CHF 40'000``).
PREFIX_CURRENCIES: tuple[tuple[str, str], ...] = (
    (r"€", "EUR"),
    (r"EUR", "EUR"),
    (r"CHF", "CHF"),
    (r"SFr\.?", "CHF"),
)
#: "Fr." after a number is Swiss francs, but "Fr." is also "Frau": it only counts when an
#: approximation word stands right before the number ("ca. 300 Fr.").
FRANC_SUFFIX = r"\s?Fr\.(?!\w)"
APPROXIMATION_BEFORE = r"(?:ca\.|etwa|rund|ungefähr|circa|zirka|vielleicht|about|approx\.|so)\s*$"

#: Thousands and millions suffixes: regex -> factor. ``k`` must touch the number (``12k``).
MULTIPLIERS: tuple[tuple[str, float], ...] = (
    (r"(?<!\d{4})(?<=\d)[kK](?![\w])", 1e3),  # "12k", "2.5k", not "43718K"
    (r"\s?(?:Tsd\.?|tsd\.?|Tausend|tausend)(?![\w])", 1e3),
    (r"\s?T(?=€)", 1e3),
    (r"\s?(?:Mio\.?|Millionen|Million|million|millions)(?![\w])", 1e6),
)
#: After a bare multiplier (no currency) these units show the number is not money.
NON_MONEY_UNITS = r"\s*(?:km\b|m²|m2\b|qm\b|m\b|kilometer|meilen|miles|einwohner|menschen|leute|people|follower|schritte|steps|liter|litres|liters|kg\b|kwh\b)"

#: A self-correction between number and currency ("90 Mark, pardon, Euro", "tausend Mark äh Euro").
CORRECTION = r"(?:(?:Mark|DM|Schilling)[\s,]+(?:(?:pardon|äh|ähm|sorry|nein|ich\s+meine?|I\s+mean)[\s,]+)*)"

#: A number written with digits: grouped thousands (``.``, ``,``, ``'``, space) or plain digits,
#: with an optional 1-2 digit decimal part. Never glued to a letter, ``_`` or another number
#: (placeholders like ``<PHONE_NUMBER_1>``, dates like ``08.02.2024``, ``2,10 x 1,60 m``).
NUMBER = (
    r"(?<![\w.,'’/])(?<![A-Za-z]-)"
    r"(?:\d{1,3}(?:(?:[.'’\u202f\u00a0 ]|,(?=\d{3}(?!\d)))\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?)"
    r"(?![\d]|[.,]\d)"
)
#: A whole-euro suffix: ``1400,-``, ``160,--``, ``40.-``.
DASH_SUFFIX = r"(?:[.,][-–]{1,2})?"
#: Separators of a range ("60.000 bis 70.000 €", "60-70k", "2–3k"); "zwischen/between X und/and Y" too.
RANGE_SEPARATOR = r"\s*(?:-|–|—|bis|to)\s*"

#: Context words just before an amount (same clause) that make it something other than a damage
#: estimate: a deductible ("SB" only in capitals), a sum insured, a premium, or an object's value
#: (a replacement value is not the repair estimate; counting it could wrongly cross 50,000).
NON_DAMAGE_CUES: dict[str, str] = {
    "deductible": r"(?-i:\bSB\b)|\b(?:selbstbeteiligung|selbstbehalt|eigenanteil|deductible|excess)\b",
    "sum_insured": r"\b(?:versicherungssumme|grundsumme|deckungssumme|höchstentschädigung|vers\.-?summe|sum\s+insured|insured\s+sum|cover(?:age)?\s+limit)\b",
    "premium": r"\b(?:jahresbeitrag|monatsbeitrag|beitrag|prämie|premium)\b",
    "value": r"\b(?:wiederbeschaffungswert|zeitwert|restwert|marktwert|fahrzeugwert|replacement\s+value|market\s+value|residual\s+value)\b",
}
#: Words before a number word that make it vague ("ein paar hundert Euro"): no amount.
VAGUE_BEFORE_WORDS = frozenset({"paar", "einige", "mehrere", "etliche", "few", "some", "several", "couple"})

# German number words -------------------------------------------------------------------------
_DE_UNITS: dict[str, int] = {
    "ein": 1, "eins": 1, "eine": 1, "zwei": 2, "zwo": 2, "drei": 3, "vier": 4, "fünf": 5,
    "sechs": 6, "sech": 6, "sieben": 7, "sieb": 7, "acht": 8, "neun": 9,
}  # fmt: skip
_DE_TEENS: dict[str, int] = {
    "zehn": 10, "elf": 11, "zwölf": 12, "dreizehn": 13, "vierzehn": 14, "fünfzehn": 15,
    "sechzehn": 16, "siebzehn": 17, "achtzehn": 18, "neunzehn": 19,
}  # fmt: skip
_DE_TENS: dict[str, int] = {
    "zwanzig": 20, "dreißig": 30, "dreissig": 30, "vierzig": 40, "fünfzig": 50, "sechzig": 60,
    "siebzig": 70, "achtzig": 80, "neunzig": 90,
}  # fmt: skip

# English number words ------------------------------------------------------------------------
_EN_SMALL: dict[str, int] = {
    "a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_EN_SCALES: dict[str, int] = {"hundred": 100, "thousand": 1000}

_FLAGS = re.IGNORECASE


def _alternation(table: Iterable[tuple[str, object]]) -> str:
    return "|".join(f"(?:{pattern})" for pattern, _ in table)


_SUFFIX_CUR_RE = re.compile(rf"\s*{CORRECTION}?(?P<cur>{_alternation(SUFFIX_CURRENCIES)})", _FLAGS)
_FRANC_RE = re.compile(FRANC_SUFFIX)
_APPROX_RE = re.compile(APPROXIMATION_BEFORE, _FLAGS)
_PREFIX_CUR_RE = re.compile(rf"(?P<cur>{_alternation(PREFIX_CURRENCIES)})\s?$")
_MULT_RES = tuple((re.compile(pattern), factor) for pattern, factor in MULTIPLIERS)
_NUMBER_RE = re.compile(NUMBER)
_DASH_RE = re.compile(DASH_SUFFIX)
_RANGE_SEP_RE = re.compile(RANGE_SEPARATOR, _FLAGS)
_BETWEEN_RE = re.compile(r"(?:zwischen|between)\s+$", _FLAGS)
_AND_RE = re.compile(r"\s+(?:und|and)\s+", _FLAGS)
_NON_MONEY_RE = re.compile(NON_MONEY_UNITS, _FLAGS)
_NON_DAMAGE_RES = {role: re.compile(pattern, _FLAGS) for role, pattern in NON_DAMAGE_CUES.items()}
_LETTER = "A-Za-zÄÖÜäöüß"
_WORD_CURRENCY_RE = re.compile(
    rf"(?<=[{_LETTER}])[\s-]+{CORRECTION}?(?P<cur>{_alternation(SUFFIX_CURRENCIES)})(?!-)", _FLAGS
)
_WORDS_BEFORE_RE = re.compile(rf"(?:[{_LETTER}]+(?:[\s,]+|-,?\s*)){{0,5}}[{_LETTER}]+$")
_CONTEXT_BREAK_RE = re.compile(r"[\n;,!?]|\.\s")


@dataclass(frozen=True)
class AmountMention:
    """One amount written in the text: its span, bounds in EUR and what it is.

    ``low == high`` for a single amount; a range keeps both ends. ``role`` is ``"damage"``
    unless a deductible / sum-insured / premium word introduces it.
    """

    start: int
    end: int
    low_eur: float
    high_eur: float
    currency: str
    role: str = "damage"


def _total(amounts: set[float]) -> float | None:
    """Distinct amounts summed, unless the largest is the sum of the others within 2 % (a total)."""
    values = sorted(amounts)
    if not values:
        return None
    largest, others = values[-1], sum(values[:-1])
    if not others or abs(largest - others) <= 0.02 * largest:
        return largest
    return largest + others


@dataclass(frozen=True)
class ClaimFacts:
    """Facts of one claim that the guide's rules use; see the module docstring for amounts.

    ``amounts_eur`` holds every damage amount (both ends of ranges) in text order;
    ``mentions`` keeps the ranges and spans, so a rule can ask whether an amount is CLEARLY
    above a threshold (the low end of its range is).
    """

    amounts_eur: tuple[float, ...] = ()
    other_amounts_eur: tuple[float, ...] = ()
    vehicle_involved: bool = False
    injury: bool = False
    several_injured_or_death: bool = False
    business_policyholder: bool = False
    ongoing: bool = False
    third_party: bool = False
    mentions: tuple[AmountMention, ...] = field(default=(), repr=False)

    @property
    def max_amount_eur(self) -> float | None:
        """The largest damage amount (upper ends of ranges), ``None`` without any amount."""
        return max(self.amounts_eur) if self.amounts_eur else None

    def amount_clearly_above(self, threshold: float) -> bool:
        """Some damage amount is above ``threshold`` even at the low end of its range (strict)."""
        return any(m.low_eur > threshold for m in self.mentions if m.role == "damage")

    @property
    def estimated_total_eur(self) -> float | None:
        """Best guess of the whole damage from the (upper ends of the) amounts, ``None`` without any.

        Distinct amounts are summed (a list of items: "Scheibe 350 €, Navi 420 €, Brille 180 €"),
        unless the largest equals the sum of the others within 2 % (the text gives a total too).
        """
        return _total({m.high_eur for m in self.mentions if m.role == "damage"})

    @property
    def estimated_amount_eur(self) -> float | None:
        """The policy's ``amount_eur``: like :attr:`estimated_total_eur`, but a range counts with its
        midpoint (as the fact annotators read it, ``claims/policy/facts.yaml``)."""
        return _total({(m.low_eur + m.high_eur) / 2 for m in self.mentions if m.role == "damage"})

    def amount_clearly_below(self, threshold: float) -> bool:
        """There is a damage amount and even the estimated total is below ``threshold`` (strict)."""
        total = self.estimated_total_eur
        return total is not None and total < threshold


# ---------------------------------------------------------------------------------------------
# Number parsing
# ---------------------------------------------------------------------------------------------


def parse_number(raw: str) -> float:
    """Value of a digit string written the German, English or Swiss way (see ``NUMBER``)."""
    match = re.fullmatch(r"(?P<int>\d[\d.,'’\u202f\u00a0 ]*?)(?:(?P<sep>[.,])(?P<dec>\d{1,2}))?", raw)
    if match is None:
        raise ValueError(f"not a number: {raw!r}")
    integer = re.sub(r"\D", "", match.group("int"))
    decimals = match.group("dec") or "0"
    return float(f"{integer}.{decimals}")


def _de_below_100(word: str) -> int | None:
    if word in _DE_UNITS:
        return _DE_UNITS[word]
    if word in _DE_TEENS:
        return _DE_TEENS[word]
    if word in _DE_TENS:
        return _DE_TENS[word]
    unit, sep, tens = word.partition("und")
    if sep and unit in _DE_UNITS and tens in _DE_TENS:
        return _DE_UNITS[unit] + _DE_TENS[tens]
    return None


def _de_below_1000(word: str) -> int | None:
    if not word:
        return 0
    left, sep, right = word.partition("hundert")
    if not sep:
        return _de_below_100(word)
    hundreds = 1 if left in ("", "ein") else _de_below_100(left)
    rest = _de_below_100(right.removeprefix("und")) if right else 0
    if hundreds is None or rest is None:
        return None
    return hundreds * 100 + rest


def german_number_word(word: str) -> int | None:
    """Value of a German number word ("dreiundvierzigtausend", "elfhundert"), else ``None``."""
    word = word.lower()
    if not word or not re.fullmatch(r"[a-zäöüß]+", word):
        return None
    left, sep, right = word.rpartition("tausend")
    if sep:
        thousands = 1 if left in ("", "ein", "eine") else _de_below_1000(left)
        rest = _de_below_1000(right.removeprefix("und"))
        if thousands is None or rest is None:
            return None
        return thousands * 1000 + rest
    value = _de_below_1000(word)
    return value if value else None


def english_number_words(words: list[str]) -> int | None:
    """Value of English number words (["fifteen", "hundred"], ["two", "thousand"]), else ``None``."""
    total, current, seen = 0, 0, False
    for raw in words:
        for word in raw.lower().split("-"):
            if word == "and" and seen:
                continue
            if word in _EN_SMALL:
                if word == "a" and seen:
                    return None
                current += _EN_SMALL[word]
            elif word in _EN_SCALES:
                scale = _EN_SCALES[word]
                if scale == 1000:
                    total += (current or 1) * 1000
                    current = 0
                else:
                    current = (current or 1) * 100
            else:
                return None
            seen = True
    value = total + current
    return value if seen and value and words[-1].lower() != "a" else None


def _words_amount(words: list[str]) -> tuple[float, float, int] | None:
    """Number words ending at the currency: ``(low, high, words used)`` or ``None``."""
    if not words:
        return None
    last = german_number_word(words[-1])
    if last is not None:
        if len(words) >= 2 and words[-2].lower() in VAGUE_BEFORE_WORDS:
            return None
        # "zwei dreihundert Euro" / "zwei-, dreihundert Euro": a spoken range 200-300.
        if len(words) >= 2 and (first := _DE_UNITS.get(words[-2].lower())) is not None:
            for unit in (1000, 100):
                if last % unit == 0 and first < last // unit <= 9:
                    return float(first * unit), float(last), 2
        return float(last), float(last), 1
    for start in range(max(0, len(words) - 5), len(words)):
        if start > 0 and words[start - 1].lower() in VAGUE_BEFORE_WORDS:
            continue
        value = english_number_words(words[start:])
        if value is not None:
            return float(value), float(value), len(words) - start
    return None


# ---------------------------------------------------------------------------------------------
# Amount extraction
# ---------------------------------------------------------------------------------------------


def _multiplier_at(text: str, pos: int) -> tuple[float, int]:
    for regex, factor in _MULT_RES:
        match = regex.match(text, pos)
        if match is not None:
            return factor, match.end()
    return 1.0, pos


def _after_dash(text: str, pos: int) -> int:
    match = _DASH_RE.match(text, pos)
    return match.end() if match else pos


def _currency_code(raw: str) -> str:
    for pattern, code in (*SUFFIX_CURRENCIES, *PREFIX_CURRENCIES):
        if re.fullmatch(pattern, raw, _FLAGS):
            return code
    raise ValueError(f"not a currency: {raw!r}")  # pragma: no cover - the regexes come from the tables


def _role(text: str, start: int, previous_end: int) -> str:
    """``damage`` unless a non-damage cue stands in the same clause just before the amount."""
    window = text[max(previous_end, start - 40) : start]
    breaks = list(_CONTEXT_BREAK_RE.finditer(window))
    if breaks:
        window = window[breaks[-1].end() :]
    for role, cue in _NON_DAMAGE_RES.items():
        if cue.search(window):
            return role
    return "damage"


@dataclass
class _Candidate:
    start: int
    end: int
    low: float
    high: float
    currency: str


def _digit_candidates(text: str) -> list[_Candidate]:
    """Amounts written with digits: single, ranges, with multipliers, currency before or after."""
    found: list[_Candidate] = []
    numbers = list(_NUMBER_RE.finditer(text))
    index, last_end = 0, 0
    while index < len(numbers):
        number = numbers[index]
        start = number.start()
        low = high = parse_number(number.group())
        low_factor, pos = _multiplier_at(text, _after_dash(text, number.end()))
        high_factor, consumed = low_factor, 1
        sep = _RANGE_SEP_RE.match(text, pos)
        if sep is None and _BETWEEN_RE.search(text[max(0, start - 12) : start]):
            sep = _AND_RE.match(text, pos)
        if sep is not None and index + 1 < len(numbers) and numbers[index + 1].start() == sep.end():
            second = numbers[index + 1]
            high = parse_number(second.group())
            high_factor, pos = _multiplier_at(text, _after_dash(text, second.end()))
            if low_factor == 1.0 and high_factor > 1.0 and low <= high:
                low_factor = high_factor  # "60-70k", "60-80 Tausend": the suffix covers both ends
            consumed = 2
        low, high = low * low_factor, high * high_factor
        currency: str | None = None
        suffix = _SUFFIX_CUR_RE.match(text, pos)
        franc = _FRANC_RE.match(text, pos)
        prefix = _PREFIX_CUR_RE.search(text, max(last_end, start - 5), start)
        if suffix is not None:
            currency, pos = _currency_code(suffix.group("cur")), suffix.end()
        elif franc is not None and _APPROX_RE.search(text, max(0, start - 20), start):
            currency, pos = "CHF", franc.end()
        elif prefix is not None:
            currency, start = _currency_code(prefix.group("cur")), prefix.start()
        elif high_factor > 1.0 and not _NON_MONEY_RE.match(text, pos):
            currency = "EUR"  # "12k", "60-80 Tausend": a bare thousands suffix in a claim is money
        if currency is not None and high > 0:
            found.append(_Candidate(start, pos, min(low, high), max(low, high), currency))
            last_end = pos
        index += consumed
    return found


def _word_candidates(text: str, taken: list[tuple[int, int]]) -> list[_Candidate]:
    """Amounts written in words right before a currency ("vierhundertachtzig Euro", "sixty euros")."""
    found: list[_Candidate] = []
    for cur in _WORD_CURRENCY_RE.finditer(text):
        if any(a <= cur.start("cur") < b for a, b in taken):
            continue
        before = _WORDS_BEFORE_RE.search(text, max(0, cur.start() - 80), cur.start())
        if before is None:
            continue
        spans = [(m.start(), m.group()) for m in re.finditer(rf"[{_LETTER}]+", before.group())]
        value = _words_amount([word for _, word in spans])
        if value is None:
            continue
        low, high, used = value
        start = before.start() + spans[len(spans) - used][0]
        found.append(_Candidate(start, cur.end(), low, high, _currency_code(cur.group("cur"))))
    return found


def extract_amounts(text: str) -> tuple[AmountMention, ...]:
    """Every money amount in ``text``, in text order, converted to EUR and given a role."""
    candidates = _digit_candidates(text)
    candidates += _word_candidates(text, [(c.start, c.end) for c in candidates])
    mentions: list[AmountMention] = []
    previous_end = 0
    for cand in sorted(candidates, key=lambda c: c.start):
        rate = CURRENCY_TO_EUR[cand.currency]
        role = _role(text, cand.start, previous_end)
        low, high = round(cand.low * rate, 2), round(cand.high * rate, 2)
        mentions.append(AmountMention(cand.start, cand.end, low, high, cand.currency, role))
        previous_end = cand.end
    return tuple(mentions)


# ---------------------------------------------------------------------------------------------
# Boolean fact tables: each entry is one readable pattern. Case-insensitive unless (?-i:...).
# ---------------------------------------------------------------------------------------------

#: A motor vehicle is named (bicycles and prams are not vehicles). A raw plate shape is no cue:
#: policy numbers look the same ("WG-HR 5502").
VEHICLE_CUES: tuple[str, ...] = (
    r"\b(?:auto|autos|pkw|lkw|kfz|fahrzeug\w*|fzg|wagen|firmenwagen|dienstwagen|poolwagen|lieferwagen|transporter|kleintransporter|motorrad|motorroller|moped|traktor|wohnmobil|kombi|cabrio|suv)\b",
    r"\b(?:windschutzscheibe|stoßstange|stossstange|kotflügel|motorhaube|heckklappe|außenspiegel|seitenspiegel|kühlergrill|frontschürze|kennzeichen|teilkasko|vollkasko|kasko|wildunfall\w*|auffahrunfall|parkschaden)\b",
    r"\b(?:car(?!\s+park)|cars|truck|lorry|motorbike|motorcycle|vehicle|windscreen|windshield|bumper|bonnet|number\s+plate|licen[cs]e\s+plate)\b",
    r"(?-i:\bvan\b(?!\s+(?:de[nr]?\b|[A-Z])))",  # "the van", not "van der Berg"
    r"(?-i:<LICENSE_PLATE_\d+>)",
)

#: Someone is hurt or in hospital (any person). Negations nearby cancel a cue.
INJURY_CUES: tuple[str, ...] = (
    r"(?<!pflicht )(?<!rechte )\bverletz(?:t|te|ten|ter|tes|ung|ungen)\b",
    r"\b(?:krankenhaus\w*|notaufnahme|intensivstation|unfallklinik|spital|notarzt|rettungswagen|krankenwagen|rtw|rettungsdienst|rettungshubschrauber|sanitäter|sanka|schockraum)\b",
    r"\b(?:in\s+die|in\s+der|zur|aus\s+der)\s+klinik\b",
    r"\b(?:bein|arm|hand|fuß|fuss|handgelenk|rippen?|schlüsselbein|knöchel|nase|hüfte|becken|wirbel|finger|zehe?|kiefer|knie|schulter|sprunggelenk)\w*\s+(?:\w+\s+){0,2}?(?:gebrochen|angebrochen|verstaucht|ausgekugelt|geprellt)\b",
    r"\b\w*(?:bein|arm|becken|rippen|schlüsselbein|handgelenk|knöchel|oberschenkelhals|wirbel|hüft|kiefer|nasenbein|finger|sprunggelenk|schädel)(?:bruch|brüche|fraktur)\w*",
    r"\b(?:fraktur\w*|gehirnerschütterung|platzwunde|schnittwunde\w*|schleudertrauma|prellung\w*|bänderriss|sehnenriss|bewusstlos|blutet|blutend|kopfverletzung|verbrennungen|invalidität\w*|arbeitsunfähig|krankgeschrieben|operiert|notoperation|gebissen|umgeknickt|ambulant\s+behandelt)\b",
    r"\b\w*(?:zerrung|verstauchung|quetschung|prellung)(?:en)?\b",
    r"\b(?:injur(?:y|ies|ed)|hurt|hospital(?:s|ised|ized)?|ambulance|paramedics?|a&e|emergency\s+room|fractur(?:e|ed|es)|concussion|whiplash|bleeding|unconscious|stitches|sprain(?:ed)?|(?:was|were|got|been)\s+bitten)\b",
    r"\b(?:had|has|needs?|needed|undergo\w*|scheduled\s+for)\s+(?:an?\s+)?(?:emergency\s+)?surgery\b",
    r"\bbroken?\s+(?:his|her|my|their|a|the)?\s*(?:leg|arm|wrist|ankle|rib|ribs|collarbone|hip|nose|jaw|pelvis|finger|toe)\b",
)
#: Words that negate or make hypothetical a cue within a few words of it.
NEGATION_CUES = r"\b(?:nein|koaner|koana|kaaner|dachte|thought|befürchte|fürchte|afraid|niemand|niemanden|keiner|keinem|keine|kein|nicht|nich|nichts|nix|ohne|sonst|wenn|otherwise|if|nobody|no\s+one|noone|none|no|not|without|neither|never|bevor|damit|falls|könnte|beinahe|before|could|might|almost|nearly|risk|gefahr)\b|\w+n['’]t\b"

#: Two or more people injured.
SEVERAL_INJURED_CUES: tuple[str, ...] = (
    r"\b(?:zwei|drei|vier|fünf|sechs|mehrere|etliche|2|3|4|5|6)\s+(?:\w+\s+){0,2}?(?:verletzte|schwerverletzte|leichtverletzte)\b",
    r"\b(?:zwei|drei|vier|fünf|sechs|mehrere|beide|2|3|4|5|6)\s+(?:\w+\s+)??(?:personen|menschen|leute|insassen|gäste|passanten|kinder|mitarbeiter\w*|fußgänger|fahrgäste|bewohner|beteiligte)\s+(?:\w+\s+){0,4}?(?:verletzt|im\s+krankenhaus|ins\s+krankenhaus|in\s+die\s+klinik|in\s+der\s+notaufnahme)\b",
    r"\b(?:beide|wir\s+beide)\s+(?:\w+\s+){0,3}?(?:verletzt|im\s+krankenhaus|ins\s+krankenhaus)\b",
    r"\b(?:two|three|four|five|six|several|multiple|both|2|3|4|5|6)\s+(?:\w+\s+){0,3}?(?:injured|hurt|in\s+hospital|taken\s+to\s+hospital)\b",
    r"\bboth\s+of\s+(?:us|them)\s+(?:\w+\s+){0,2}?(?:injured|hurt|in\s+hospital)\b",
)
#: A person died.
DEATH_CUES: tuple[str, ...] = (
    r"\b(?:tödlich\w*|ums\s+leben|gestorben|verstarb|todesfall\w*|sterbegeld|tot\s+aufgefunden|verstorben(?!\w))",
    r"\btod\s+(?:des|der|meines|meiner|unseres|unserer|von)\b",
    r"\b(?:died|passed\s+away|was\s+killed|were\s+killed|fatal(?:ly)?|death\s+benefit|death\s+of)\b",
)
#: A death cue in a sentence with one of these is not a person's death in this claim.
NOT_THIS_DEATH = (
    r"\b(?:erbstück|geerbt|vererbt|inherited|heirloom|vor\s+\d+\s+jahren|years\s+ago|fast|pflanzen|fische|plants?|fish|goldfish"
    r"|akku|batterie|battery|motor|engine|reh|hirsch|wildschwein|tier|hund|katze|marder|deer|stag|boar|animal|dog|cat|marten"
    r"|flames|fire|flammen|feuer|died\s+(?:out|down))\b"
)

#: The policyholder runs a business (possessive + business noun, or business-only vocabulary).
BUSINESS_CUES: tuple[str, ...] = (
    r"\b(?:unser|unsere|unserem|unseren|unserer|unseres|our)\s+(?:\w+\s+)?(?:laden|ladens|geschäft|betrieb|firma|restaurant|gaststätte|gasthaus|kneipe|café|cafe|hotel|pension|praxis|kanzlei|schreinerei|tischlerei|bäckerei|metzgerei|friseursalon|salon|kiosk|bauernhof|lagerhalle|filiale|boutique|apotheke|autohaus|druckerei|gärtnerei|imbiss|pizzeria|backstube|shop|store|pub|bakery|business|company|firm|warehouse|clinic|premises|practice|farm)(?:s|es)?\b",
    r"\b(?:mein|meine|meinem|meinen|meiner|meines|my)\s+(?:\w+\s+)?(?:laden|geschäft|betrieb|restaurant|gaststätte|café|cafe|hotel|pension|praxis|kanzlei|bäckerei|metzgerei|friseursalon|salon|kiosk|bauernhof|filiale|boutique|imbiss|shop|store|bakery|business)(?:s|es)?\b",
    r"\b(?:inhaber|inhaberin|geschäftsführ\w*|betriebsunterbrechung|betriebsgelände|vorsteuerabzugsberechtigt|gewerbe\w*|umsatzausfall|betriebshaftpflicht|praxisbetrieb|ladenlokal)\b",
    r"\b(?:betrieb|salon|laden|restaurant)\s+(?:\w+\s+)?(?:läuft|steht|geschlossen|bleibt)\b",
)

#: The loss is still going on now (present tense). Only in sentences naming water, fire or rain.
ONGOING_CUES: tuple[str, ...] = (
    r"\b(?:tropft|strömt|spritzt|sprudelt|fließt|dringt|drückt|steigt|regnet|brennt|qualmt|glimmt|schwelt)\s+(?:\w+\s+){0,3}?(?:immer\s+noch|noch\s+immer|nach\s+wie\s+vor|weiter|weiterhin|noch)\b",
    r"\b(?:immer\s+noch|noch\s+immer|nach\s+wie\s+vor|weiterhin)\s+(?:\w+\s+){0,2}?(?:tropft|strömt|spritzt|fließt|brennt|qualmt|glimmt|steigt)\b",
    r"\b(?:wasser|es)\s+läuft\s+(?:\w+\s+){0,3}?(?:immer\s+noch|noch\s+immer|noch|weiter|weiterhin|rein|herein|hinein|durch)\b",
    r"\b(?:es\s+läuft|läuft\s+es)\s+(?:\w+\s+){0,2}?noch\b",
    r"\bregnet\s+(?:es\s+)?(?:\w+\s+){0,3}?(?:rein|herein|hinein|durch)\b",
    r"\b(?:es\s+regnet|regnet\s+es)\s+(?:\w+\s+){0,2}?(?:ins|in\s+(?:die|den|das))\b",
    r"\b(?:regen|wasser)\s+(?:läuft|kommt|dringt)\s+(?:\w+\s+){0,3}?(?:rein|herein|hinein)\b",
    r"\b(?:wasser|pegel)\s+(?:\w+\s+){0,2}?steigt\b",
    r"\bfeuerwehr\s+(?:\w+\s+){0,2}?(?:löscht|pumpt|noch\s+vor\s+ort|noch\s+da|noch\s+dran|immer\s+noch)\b",
    r"\b(?:steht|stehen)\s+in\s+flammen\b|\blichterloh\b|\bglutnester\b",
    r"\bhört\s+(?:einfach\s+)?nicht\s+auf\b",
    r"\b(?:haupthahn|absperr\w*)\s+(?:\w+\s+){0,4}?(?:nicht\s+zu|klemmt|nicht\s+erreichbar|find\w*\s+(?:ich|wir)\s+nicht|festgerostet)",
    r"\bstill\s+(?:rising|running|leaking|burning|smou?ldering|coming\s+in|pouring|flowing|spraying|on\s+fire)\b",
    r"\b(?:water|rain)\s+(?:is\s+|are\s+)?(?:still\s+|now\s+)?(?:rising|coming\s+in|pouring\s+in|getting\s+in|running\s+in)\b",
    r"\braining\s+in\b|\bablaze\b|\b(?:is|are)\s+(?:still\s+)?in\s+flames\b",
    r"\bfire\s+(?:brigade|service|department)\s+(?:is\s+|are\s+)?(?:still\s+)(?:there|on\s+site|fighting|pumping)\b",
)
#: Subjects an ongoing cue must share its sentence with (so "Betrieb läuft weiter" is no loss).
ONGOING_SUBJECTS = r"\b(?:wasser|rohr|leitung|hahn|haupthahn|schlauch|heizung|decke|regen|feuer|brand|flammen|glut|feuerwehr|pegel|es|water|rain|fire|flames|pipe|roof|ceiling|flood)\b"
#: These in the same sentence stop an ongoing cue ("läuft nichts mehr nach", "no longer").
ONGOING_STOPPED = r"\b(?:nicht\s+mehr|nich\s+mehr|net\s+mehr|nimmer|nichts\s+mehr|nix\s+mehr|kein\s+wasser\s+mehr|no\s+longer|not\s+any\s*more|stopped|gestoppt)\b"

#: The insured caused damage to someone else (moderate precision: used by the keyword baseline).
THIRD_PARTY_CUES: tuple[str, ...] = (
    r"\b\w*haftpflicht\w*\b",
    r"(?-i:\b(?:PHV|BHV)\b)",
    r"\b(?:geschädigte[nrm]?|anspruchsteller\w*|schadens?ersatz\w*|fremde[snm]?\s+(?:eigentum|sache|auto|fahrrad|wohnung)|mietsache|third\s+party|liability|the\s+claimant)\b",
    r"\b(?:mein|meine|meinem|unser|unsere|unserem|my|our)\s+(?:sohn|tochter|kind|kleiner|kleine|hund|katze|pferd|mitarbeiter|azubi|lehrling|geselle|monteur|son|daughter|kid|child|dog|cat|employee)\s+(?:\w+\s+){0,8}?(?:beschädigt|kaputt|zerkratzt|gebissen|umgestoßen|umgeworfen|zerbrochen|angebohrt|angefahren|damaged|broke|scratched|bit|knocked|smashed)\b",
    r"\b(?:beim|bei\s+(?:dem|der|meinem|meiner|unserem|unserer))\s+(?:nachbar\w*|kunden|kundin|vermieter\w*|freund\w*)\b",
    r"\b(?:nachbar\w*|kumpel|freund\w*|kunde|kundin|vermieter\w*)\s+(?:\w+\s+){0,3}?(?:will|verlangt|fordert)\s+(?:\w+\s+){0,3}?(?:ersatz|geld|schadenersatz|bezahlt)\b",
    r"\b(?:neighbou?r|friend|landlord|customer)['’]s\b",
)

#: Abbreviations whose period does not end a sentence.
ABBREVIATIONS = frozenset(
    "ca lt fr hr dr nr vs bzw vgl inkl zzgl ggf evtl usw str tel approx etc mr mrs ms st z.b u.a d.h".split()
)


def _compile(patterns: Iterable[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), _FLAGS)


_VEHICLE_RE = _compile(VEHICLE_CUES)
_INJURY_RE = _compile(INJURY_CUES)
_NEGATION_RE = re.compile(NEGATION_CUES, _FLAGS)
_SEVERAL_RE = _compile(SEVERAL_INJURED_CUES)
_DEATH_RE = _compile(DEATH_CUES)
_NOT_THIS_DEATH_RE = re.compile(NOT_THIS_DEATH, _FLAGS)
_BUSINESS_RE = _compile(BUSINESS_CUES)
_ONGOING_RE = _compile(ONGOING_CUES)
_ONGOING_SUBJECT_RE = re.compile(ONGOING_SUBJECTS, _FLAGS)
_ONGOING_STOPPED_RE = re.compile(ONGOING_STOPPED, _FLAGS)
_THIRD_PARTY_RE = _compile(THIRD_PARTY_CUES)
_SENTENCE_END_RE = re.compile(r"(?<=[.!?])\s+|\n+|;\s*")
_CLAUSE_END_RE = re.compile(r"[,(]|\b(?:aber|but|doch|jedoch|und|and)\b", _FLAGS)


def sentences(text: str) -> list[str]:
    """Split into sentences / lines; abbreviations ("ca.", "Fr.") and ordinals ("3.") do not end one."""
    out: list[str] = []
    glue = False
    for piece in _SENTENCE_END_RE.split(text):
        piece = piece.strip()
        if not piece:
            continue
        if glue and out:
            out[-1] = f"{out[-1]} {piece}"
        else:
            out.append(piece)
        last = piece.rsplit(None, 1)[-1].lower()
        glue = last.endswith(".") and (last[:-1] in ABBREVIATIONS or last[:-1].isdigit() or len(last) == 2)
    return out


def _negated(sentence: str, start: int, end: int, before_words: int = 4, after_words: int = 6) -> bool:
    """A negation / hypothetical word within a few words before or after ``[start, end)``, same clause."""
    before = " ".join(_CLAUSE_END_RE.split(sentence[:start])[-1].split()[-before_words:]) if before_words else ""
    after = " ".join(_CLAUSE_END_RE.split(sentence[end:])[0].split()[:after_words]) if after_words else ""
    return bool(_NEGATION_RE.search(before) or _NEGATION_RE.search(after))


def _affirmed(regex: re.Pattern[str], text: str, skip_sentence: re.Pattern[str] | None = None) -> bool:
    """Some match of ``regex`` in a statement (not a question) that no nearby negation cancels."""
    for sentence in sentences(text):
        if sentence.endswith("?") or (skip_sentence is not None and skip_sentence.search(sentence)):
            continue
        for match in regex.finditer(sentence):
            if not _negated(sentence, match.start(), match.end()):
                return True
    return False


def _ongoing(text: str) -> bool:
    for sentence in sentences(text):
        if sentence.endswith("?") or _ONGOING_STOPPED_RE.search(sentence):
            continue
        if not _ONGOING_SUBJECT_RE.search(sentence):
            continue
        for match in _ONGOING_RE.finditer(sentence):
            if not _negated(sentence, match.start(), match.end(), after_words=0):
                return True
    return False


def extract_facts(text: str) -> ClaimFacts:
    """Read the guide-relevant facts from one claim text (German or English, raw or anonymized)."""
    mentions = extract_amounts(text)
    amounts: list[float] = []
    for m in mentions:
        if m.role == "damage":
            amounts.extend((m.low_eur,) if m.low_eur == m.high_eur else (m.low_eur, m.high_eur))
    several = _affirmed(_SEVERAL_RE, text) or _affirmed(_DEATH_RE, text, skip_sentence=_NOT_THIS_DEATH_RE)
    facts = ClaimFacts(
        amounts_eur=tuple(amounts),
        other_amounts_eur=tuple(m.high_eur for m in mentions if m.role != "damage"),
        vehicle_involved=bool(_VEHICLE_RE.search(text)),
        injury=several or _affirmed(_INJURY_RE, text),
        several_injured_or_death=several,
        business_policyholder=bool(_BUSINESS_RE.search(text)),
        ongoing=_ongoing(text),
        third_party=bool(_THIRD_PARTY_RE.search(text)),
        mentions=mentions,
    )
    logger.debug("facts: %d amounts, max %s", len(facts.amounts_eur), facts.max_amount_eur)
    return facts
