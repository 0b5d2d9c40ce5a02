"""Spoken and spelled-out values, rewritten so the pattern recognizers and checksums see them.

Voice transcripts say "null eins sieben sechs drei acht acht zwo eins neun null vier", "ha er vier
vier sieben eins", "martina punkt obermaier at web punkt de", "o a r t drei eins eins" or
"zwölfte März fünfundachtzig". ``normalize_spoken`` builds a normalised view of the text in which
such runs read "017638821904", "HR4471", "martina.obermaier@web.de", "OART311", "12.03.1985",
with a map from every normalised character back to the original characters it came from. A
detection in the view maps back to ORIGINAL offsets covering the whole spoken run, so the
anonymized text is the original with the spoken span replaced.

Only runs that can carry an identifier are rewritten: three or more digits spoken in a row (or
letters spelled in a row), e-mail chains with an "at" and a "punkt/dot", dates with a spoken day.
"zwei Fenster" or "dreihundert Euro" give nothing a recognizer would take.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache

from claims.anonymizer.recognizers.email import has_public_suffix

# --- number words -------------------------------------------------------------------------------
_DE_SMALL = {
    "null": 0, "ein": 1, "eins": 1, "eine": 1, "zwei": 2, "zwo": 2, "drei": 3, "vier": 4, "fünf": 5, "fuenf": 5,
    "sechs": 6, "sieben": 7, "acht": 8, "neun": 9, "zehn": 10, "elf": 11, "zwölf": 12, "zwoelf": 12,
    "dreizehn": 13, "vierzehn": 14, "fünfzehn": 15, "fuenfzehn": 15, "sechzehn": 16, "siebzehn": 17,
    "achtzehn": 18, "neunzehn": 19,
}  # fmt: skip
_DE_TENS = {
    "zwanzig": 20, "dreißig": 30, "dreissig": 30, "vierzig": 40, "fünfzig": 50, "fuenfzig": 50, "sechzig": 60,
    "siebzig": 70, "achtzig": 80, "neunzig": 90,
}  # fmt: skip
_EN_SMALL = {
    "zero": 0, "oh": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_EN_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_SCALES = {"hundert": 100, "tausend": 1000, "hundred": 100, "thousand": 1000}
_REPEAT = {"doppel": 2, "doppelt": 2, "double": 2, "dreifach": 3, "triple": 3}

_DE_ORDINALS = {"erst": 1, "zweit": 2, "dritt": 3, "viert": 4, "fünft": 5, "sechst": 6, "siebt": 7, "siebent": 7,
                "acht": 8, "neunt": 9, "zehnt": 10, "elft": 11, "zwölft": 12}  # fmt: skip
# Articles and pronouns that read as numbers or letters but are words in running text.
_NOT_SPOKEN = frozenset({"ein", "eine", "einen", "einem", "einer", "eines", "one"})
_EN_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9,
    "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15,
    "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
}  # fmt: skip


def _german_number(word: str) -> int | None:
    """Value of one German number word, compounds included ("neunzehnhundertachtundsiebzig")."""
    if not word:
        return None
    if word in _DE_SMALL:
        return _DE_SMALL[word]
    if word in _DE_TENS:
        return _DE_TENS[word]
    for scale_word, scale in (("tausend", 1000), ("hundert", 100)):
        if scale_word in word:
            left, right = word.split(scale_word, 1)
            head = 1 if left in ("", "ein", "eins") else _german_number(left)
            tail = 0 if right == "" else _german_number(right.removeprefix("und"))
            if head is None or tail is None or head >= 100 and scale == 100 or tail >= scale:
                return None
            return head * scale + tail
    if "und" in word:
        left, right = word.split("und", 1)
        unit, tens = _german_number(left), _DE_TENS.get(right)
        if unit is not None and tens is not None and 1 <= unit <= 9:
            return tens + unit
    return None


def _english_number(word: str) -> int | None:
    if word in _EN_SMALL:
        return _EN_SMALL[word]
    return _EN_TENS.get(word)


def number_value(word: str) -> int | None:
    """The value of a German or English number word, or ``None``."""
    word = word.lower()
    value = _german_number(word)
    return value if value is not None else _english_number(word)


_ORDINAL_ENDING = re.compile(r"(.+?t)(?:e[nrsm]?)")


@lru_cache(maxsize=8192)
def ordinal_value(word: str) -> int | None:
    """The value of an ordinal word ("zwölften", "einundzwanzigste", "twelfth"), or ``None``."""
    word = word.lower()
    if word in _EN_ORDINALS:
        return _EN_ORDINALS[word]
    match = _ORDINAL_ENDING.fullmatch(word)
    if not match:
        return None
    stem = match.group(1)
    if stem in _DE_ORDINALS:
        return _DE_ORDINALS[stem]
    value = _german_number(stem[:-2] if stem.endswith("st") else stem[:-1])
    return value if value is not None and 13 <= value <= 31 else None


# --- spelled letters and symbols ----------------------------------------------------------------
_LETTER_NAMES = {
    "ah": "A", "be": "B", "beh": "B", "ce": "C", "ceh": "C", "zeh": "C", "de": "D", "deh": "D", "eh": "E",
    "ef": "F", "eff": "F", "ge": "G", "geh": "G", "ha": "H", "ih": "I", "jot": "J", "jott": "J", "ka": "K",
    "el": "L", "ell": "L", "em": "M", "emm": "M", "en": "N", "enn": "N", "pe": "P", "peh": "P", "ku": "Q",
    "kuh": "Q", "er": "R", "err": "R", "es": "S", "ess": "S", "te": "T", "teh": "T", "uh": "U", "vau": "V",
    "fau": "V", "we": "W", "weh": "W", "ix": "X", "ypsilon": "Y", "zett": "Z", "zet": "Z",
}  # fmt: skip
_JOINERS = {"minus": "-", "strich": "-", "bindestrich": "-", "querstrich": "-", "dash": "-", "hyphen": "-",
            "schrägstrich": "/", "slash": "/"}  # fmt: skip
_DOTS = ("punkt", "dot", "point")
_ATS = ("at", "ät", "ett", "et", "klammeraffe", "affenschwanz")
_EMAIL_JOINERS = ("punkt", "dot", "point", "minus", "bindestrich", "strich", "dash", "hyphen", "unterstrich",
                  "underscore")  # fmt: skip
_EMAIL_SYMBOL = {"punkt": ".", "dot": ".", "point": ".", "minus": "-", "bindestrich": "-", "strich": "-",
                 "dash": "-", "hyphen": "-", "unterstrich": "_", "underscore": "_"}  # fmt: skip
_MONTHS = {
    "januar": 1, "jänner": 1, "january": 1, "februar": 2, "feber": 2, "february": 2, "märz": 3, "maerz": 3,
    "march": 3, "april": 4, "mai": 5, "may": 5, "juni": 6, "june": 6, "juli": 7, "july": 7, "august": 8,
    "september": 9, "oktober": 10, "october": 10, "november": 11, "dezember": 12, "december": 12,
}  # fmt: skip

_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    word: str  # lower case
    kind: str  # number, digits, letter, joiner, repeat, scale or word


def _tokens(text: str) -> list[_Token]:
    """Word tokens with their kinds; "ein"/"one" count as a digit only between spoken digits."""
    tokens = [_Token(m.start(), m.end(), m.group().lower(), _kind(m.group().lower())) for m in _TOKEN.finditer(text)]
    numeric = ("number", "digits", "repeat")
    for i in range(1, len(tokens) - 1):
        if tokens[i].word in ("eins", "one", "ein") and tokens[i - 1].kind in numeric and tokens[i + 1].kind in numeric:
            tokens[i] = _Token(tokens[i].start, tokens[i].end, tokens[i].word, "number")
    return tokens


@lru_cache(maxsize=8192)
def _kind(word: str) -> str:
    if word in _NOT_SPOKEN:
        return "word"
    if word.isdigit():
        return "digits"
    if word in _REPEAT:
        return "repeat"
    if word in _SCALES:
        return "scale"
    if word in _JOINERS:
        return "joiner"
    if number_value(word) is not None:
        return "number"
    if any(word.startswith(r) and number_value(word[len(r) :]) is not None for r in ("doppel", "double")):
        return "number"
    if len(word) == 1 and word.isalpha():
        return "letter"
    if word in _LETTER_NAMES:
        return "letter"
    return "word"


@dataclass(frozen=True)
class Rewrite:
    """Original characters ``[start, end)`` read as ``value``."""

    start: int
    end: int
    value: str


@dataclass(frozen=True)
class NormalizedText:
    """The normalised view of a text and the way back to the original's offsets."""

    original: str
    text: str
    rewrites: tuple[Rewrite, ...]
    _view_starts: tuple[int, ...]  # where each rewrite's value starts in the view

    @property
    def changed(self) -> bool:
        return bool(self.rewrites)

    def _to_original(self, position: int, is_end: bool) -> int:
        """Original offset of a view offset; positions inside a rewrite snap to its edges."""
        index = bisect.bisect_right(self._view_starts, position) - 1
        shift = 0
        if index >= 0:
            rewrite, view_start = self.rewrites[index], self._view_starts[index]
            view_end = view_start + len(rewrite.value)
            if position < view_end or (is_end and position == view_end):
                if is_end:
                    return rewrite.end if position > view_start else rewrite.start
                return rewrite.start
            shift = rewrite.end - view_end
        return position + shift

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """The original characters a view span ``[start, end)`` came from (whole rewrites)."""
        return self._to_original(start, False), self._to_original(end, True)

    def touches_rewrite(self, start: int, end: int) -> bool:
        """Whether original ``[start, end)`` overlaps a rewritten run."""
        return any(r.start < end and start < r.end for r in self.rewrites)


def _digits_of_run(tokens: list[_Token]) -> str | None:
    """The characters a run of spoken digits, letters and joiners stands for."""
    out: list[str] = []
    repeat = 1
    previous_tens = False
    scale = 0  # the scale word just read ("thousand"): smaller numbers after it are added
    for token in tokens:
        kind, word = token.kind, token.word
        if kind == "repeat":
            repeat = _REPEAT[word]
            continue
        if kind == "joiner":
            out.append(_JOINERS[word])
            previous_tens = False
            continue
        if kind == "letter":
            out.append((_LETTER_NAMES.get(word) or word.upper()) * repeat)
            repeat, previous_tens = 1, False
            continue
        if kind == "scale":
            # "zwei hundert" / "two hundred": multiply the number just read
            digits = re.search(r"\d+$", "".join(out))
            if digits is None:
                return None
            value = int(digits.group()) * _SCALES[word]
            joined = "".join(out)[: -len(digits.group())]
            out = [joined, str(value)]
            previous_tens, scale = False, _SCALES[word]
            continue
        if kind == "digits":
            out.append(word * repeat)
            repeat, previous_tens = 1, False
            continue
        prefix = next((r for r in ("doppel", "double") if word.startswith(r) and word != r), None)
        if prefix is not None:
            repeat, word = 2, word[len(prefix) :]
        spoken = number_value(word)
        if spoken is None:
            return None
        value = spoken
        if previous_tens and 1 <= value <= 9 and out and out[-1].endswith("0"):
            out[-1] = out[-1][:-1] + str(value)  # "twenty three" -> 23
            previous_tens = False
            continue
        if scale and value < scale and out and out[-1].isdigit():
            out[-1] = str(int(out[-1]) + value)  # "twelve thousand three" -> 12003
        else:
            out.append(str(value) * repeat)
        previous_tens = word in _EN_TENS
        repeat, scale = 1, 0
    return "".join(out)


_MAX_RUN_TOKENS = 40
_RUN_GAP = re.compile(r"[ \t]*[,;]?[ \t]*-?[ \t]*")


def _runs(text: str, tokens: list[_Token]) -> list[list[_Token]]:
    """Maximal runs of spoken-value tokens separated only by spaces, commas or hyphens."""
    runs: list[list[_Token]] = []
    current: list[_Token] = []
    for token in tokens:
        spoken = token.kind != "word"
        joined = bool(current) and _RUN_GAP.fullmatch(text[current[-1].end : token.start]) is not None
        if spoken and (joined or not current):
            current.append(token)
            continue
        if current:
            runs.append(current)
        current = [token] if spoken else []
    if current:
        runs.append(current)
    return runs


def _trim(run: list[_Token]) -> list[_Token]:
    """Drop leading and trailing tokens that are more likely words ("es", "er", "a") or bare joiners."""
    while run and (
        run[0].kind == "joiner"
        or (run[0].kind == "letter" and (len(run) < 2 or run[1].kind not in ("letter", "joiner")))
    ):
        run = run[1:]
    while run and (run[-1].kind in ("joiner", "repeat") or (run[-1].kind == "letter" and len(run[-1].word) > 1)):
        run = run[:-1]
    return run


def _spoken_runs(text: str, tokens: list[_Token]) -> list[Rewrite]:
    rewrites = []
    for run in _runs(text, tokens):
        run = _trim(run)
        if len(run) > _MAX_RUN_TOKENS:
            continue  # no identifier is that long: a list of numbers or a pathological input
        spoken_words = sum(t.kind in ("number", "letter", "repeat", "scale") for t in run)
        if not run or spoken_words == 0 or all(t.kind == "digits" for t in run):
            continue
        value = _digits_of_run(run)
        if value is None:
            continue
        digits = sum(ch.isdigit() for ch in value)
        letters = sum(t.kind == "letter" for t in run)
        number_words = sum(t.kind in ("number", "repeat") for t in run)
        joiners = sum(t.kind == "joiner" for t in run)
        if (digits >= 3 and number_words >= 2) or (letters >= 3 and letters + number_words + joiners == len(run)):
            rewrites.append(Rewrite(run[0].start, run[-1].end, value))
    return rewrites


_WRITTEN_JOIN = re.compile(r"[.\-_+]")
_SPACE = re.compile(r"\s+")
_MAX_EMAIL_TOKENS = 12


def _email_joint(text: str, left: _Token, right: _Token) -> str | None:
    """What joins two tokens inside an e-mail: a written ".", "-", "_" or "+", or ``None``."""
    gap = text[left.end : right.start]
    return gap if _WRITTEN_JOIN.fullmatch(gap) else None


def _email_part(text: str, tokens: list[_Token], index: int, step: int) -> tuple[int, str] | None:
    """Read one side of an e-mail from ``tokens[index]`` outwards (``step`` -1 left, +1 right):
    words joined by written or spoken dots, hyphens and underscores. Returns the last token's
    index and the value. Bounded, so it is linear in the text."""
    if not 0 <= index < len(tokens) or tokens[index].word in _EMAIL_SYMBOL or tokens[index].word in _ATS:
        return None
    pieces = [tokens[index].word]
    last = index
    for _ in range(_MAX_EMAIL_TOKENS):
        nxt = last + step
        if not 0 <= nxt < len(tokens):
            break
        near, far = (tokens[nxt], tokens[last]) if step < 0 else (tokens[last], tokens[nxt])
        written = _email_joint(text, near, far)
        if written is not None:
            pieces.append(written)
            pieces.append(tokens[nxt].word)
            last = nxt
            continue
        beyond = nxt + step
        symbol = _EMAIL_SYMBOL.get(tokens[nxt].word)
        if symbol is None or not 0 <= beyond < len(tokens):
            break
        if tokens[beyond].word in _EMAIL_SYMBOL or tokens[beyond].word in _ATS:
            break
        pair = (tokens[beyond], tokens[nxt], tokens[last]) if step < 0 else (tokens[last], tokens[nxt], tokens[beyond])
        if not (
            _SPACE.fullmatch(text[pair[0].end : pair[1].start]) and _SPACE.fullmatch(text[pair[1].end : pair[2].start])
        ):
            break
        pieces.extend([symbol, tokens[beyond].word])
        last = beyond
    if step < 0:
        pieces.reverse()
    return last, "".join(pieces)


def _spoken_emails(text: str, tokens: list[_Token]) -> list[Rewrite]:
    """E-mail addresses said aloud: words, "at"/"ät" (or a written "@"), a domain with a spoken or
    written dot ("martina punkt obermaier at web punkt de", "lukas.thompson at posteo dot de")."""
    rewrites = []
    for i, token in enumerate(tokens):
        if token.word not in _ATS or i == 0:
            continue
        if not (_SPACE.fullmatch(text[tokens[i - 1].end : token.start]) and i + 1 < len(tokens)):
            continue
        if not _SPACE.fullmatch(text[token.end : tokens[i + 1].start]):
            continue
        local = _email_part(text, tokens, i - 1, -1)
        domain = _email_part(text, tokens, i + 1, +1)
        if local is None or domain is None or not has_public_suffix(domain[1]):
            continue
        if text[tokens[domain[0]].end : tokens[domain[0]].end + 1] == "@":
            continue  # "or at m.ashworth@outlook.com": the address is written, "at" is English
        rewrites.append(Rewrite(tokens[local[0]].start, tokens[domain[0]].end, f"{local[1]}@{domain[1]}"))
    return rewrites


def _year(tokens: list[_Token]) -> tuple[int, int] | None:
    """A spoken or written year at the start of ``tokens``: (year, tokens used)."""
    if not tokens:
        return None
    first = tokens[0]
    if first.kind == "digits" and len(first.word) in (2, 4):
        written = int(first.word)
        return (written if len(first.word) == 4 else (1900 + written if written >= 30 else 2000 + written)), 1
    spoken = number_value(first.word) if first.kind == "number" else None
    if spoken is None:
        return None
    value = spoken
    if 1900 <= value <= 2099:
        return value, 1
    if value in (19, 20) and len(tokens) > 1:  # "nineteen eighty five", "neunzehn fünfundachtzig"
        rest = _digits_of_run(tokens[1:3]) if len(tokens) > 2 and tokens[1].word in _EN_TENS else None
        used = 3 if rest and len(rest) == 2 else 2
        rest = rest if used == 3 else (str(number_value(tokens[1].word)) if tokens[1].kind == "number" else None)
        if rest is not None and rest.isdigit() and 10 <= int(rest) <= 99:
            return value * 100 + int(rest), used
    if 10 <= value <= 99:
        return (1900 + value if value >= 30 else 2000 + value), 1
    return None


def _spoken_dates(text: str, tokens: list[_Token]) -> list[Rewrite]:
    """ "zwölfte(n) März fünfundachtzig", "am zwölften dritten neunzehnhundertfünfundachtzig",
    "March twelfth nineteen eighty five": at least the day is spoken, the month named or spoken."""
    rewrites = []
    i = 0
    while i < len(tokens):
        day = ordinal_value(tokens[i].word)
        month_first = tokens[i].word in _MONTHS and i + 1 < len(tokens)
        if month_first:  # English order: "March twelfth"
            day = ordinal_value(tokens[i + 1].word)
            month = _MONTHS[tokens[i].word]
            used = 2
        elif day is not None and i + 1 < len(tokens):
            following = tokens[i + 1].word
            month = _MONTHS.get(following) or ordinal_value(following) or 0
            used = 2
        else:
            i += 1
            continue
        if day is None or not 1 <= day <= 31 or not 1 <= month <= 12:
            i += 1
            continue
        year = _year(tokens[i + used : i + used + 3])
        end_token = tokens[i + used - 1]
        value = f"{day:02d}.{month:02d}."
        if year is not None:
            value += str(year[0])
            end_token = tokens[i + used + year[1] - 1]
        rewrites.append(Rewrite(tokens[i].start, end_token.end, value))
        i += used + (year[1] if year else 0)
    return rewrites


def is_spoken_value(value: str) -> bool:
    """Whether a value is (partly) said or spelled out: a number word, a spoken "punkt"/"at"/
    "minus", or two spelled letters. Decided on the words alone, for evaluation slices."""
    tokens = _tokens(value)
    kinds = [t.kind for t in tokens]
    return (
        any(k in ("number", "repeat", "scale") for k in kinds)
        or any(t.word in _EMAIL_SYMBOL or t.word in _ATS for t in tokens)
        or sum(
            k == "letter" and len(t.word) == 1 and value[t.end : t.end + 1] == " "
            for k, t in zip(kinds, tokens, strict=True)
        )
        >= 2
    )


def normalize_spoken(text: str) -> NormalizedText:
    """The normalised view of ``text`` (see the module docstring)."""
    tokens = _tokens(text)
    candidates = _spoken_emails(text, tokens) + _spoken_dates(text, tokens) + _spoken_runs(text, tokens)
    chosen: list[Rewrite] = []
    for rewrite in sorted(candidates, key=lambda r: (r.start, -(r.end - r.start))):
        if chosen and rewrite.start < chosen[-1].end:
            continue  # the first (longest) reading wins: e-mails and dates before digit runs
        if text[rewrite.start : rewrite.end] != rewrite.value:
            chosen.append(rewrite)
    parts: list[str] = []
    view_starts: list[int] = []
    position = length = 0
    for rewrite in chosen:
        parts.append(text[position : rewrite.start])
        length += rewrite.start - position
        view_starts.append(length)
        parts.append(rewrite.value)
        length += len(rewrite.value)
        position = rewrite.end
    parts.append(text[position:])
    return NormalizedText(text, "".join(parts), tuple(chosen), tuple(view_starts))
