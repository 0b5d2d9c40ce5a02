"""Write the corpus writing plan: one spec per claim (labels, sender, channel, language, length,
rule to exercise, personal-data types), grouped into batches per writer.

Why a plan: label coverage, rule coverage and personal-data coverage are requirements of the
corpus; fixing them up front lets each writer write every claim freely to a known label set.
The texts themselves are written by hand, one by one, from these specs.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from faker import Faker

SEED = 20261125
WRITERS = ["A", "B", "C", "D", "E", "F", "G", "H"]  # G -> dev, H -> test (split by writer)
BATCHES_PER_WRITER = 8
CLAIMS_PER_BATCH = 42

# (damage_type, department) -> (weight, allowed urgencies)
ALL_U = ["kritisch", "hoch", "mittel", "niedrig"]
COMBOS: dict[tuple[str, str], tuple[float, list[str]]] = {
    ("leitungswasser", "sach_privat"): (5.5, ALL_U),
    ("leitungswasser", "gewerbe"): (2.0, ALL_U),
    ("leitungswasser", "grossschaden"): (1.0, ["kritisch", "hoch"]),
    ("feuer", "sach_privat"): (4.0, ALL_U),
    ("feuer", "gewerbe"): (2.0, ALL_U),
    ("feuer", "grossschaden"): (2.0, ["kritisch", "hoch"]),
    ("feuer", "kfz"): (1.0, ALL_U),
    ("sturm_hagel", "sach_privat"): (3.5, ALL_U),
    ("sturm_hagel", "gewerbe"): (1.5, ALL_U),
    ("sturm_hagel", "grossschaden"): (0.8, ["kritisch", "hoch"]),
    ("sturm_hagel", "kfz"): (2.5, ["hoch", "mittel", "niedrig"]),
    ("elementar", "sach_privat"): (4.0, ALL_U),
    ("elementar", "gewerbe"): (1.8, ALL_U),
    ("elementar", "grossschaden"): (1.0, ["kritisch", "hoch"]),
    ("elementar", "kfz"): (1.0, ["hoch", "mittel", "niedrig"]),
    ("einbruch_diebstahl", "sach_privat"): (4.0, ALL_U),
    ("einbruch_diebstahl", "gewerbe"): (2.2, ALL_U),
    ("einbruch_diebstahl", "kfz"): (2.0, ["hoch", "mittel", "niedrig"]),
    ("einbruch_diebstahl", "grossschaden"): (0.6, ["kritisch", "hoch"]),
    ("glasbruch", "sach_privat"): (3.5, ALL_U),
    ("glasbruch", "gewerbe"): (1.8, ["hoch", "mittel", "niedrig"]),
    ("glasbruch", "kfz"): (3.0, ["hoch", "mittel", "niedrig"]),
    ("kollision", "kfz"): (9.0, ALL_U),
    ("kollision", "grossschaden"): (1.8, ["kritisch", "hoch"]),
    ("tierschaden", "kfz"): (8.0, ALL_U),
    ("haftpflicht", "haftpflicht"): (9.0, ALL_U),
    ("haftpflicht", "grossschaden"): (1.0, ["kritisch", "hoch"]),
    ("personenschaden", "personen"): (9.0, ALL_U),
    ("personenschaden", "grossschaden"): (1.0, ["kritisch", "hoch"]),
}
URGENCY_WEIGHT = {"kritisch": 1.0, "hoch": 1.15, "mittel": 1.1, "niedrig": 1.05}

RULES_BY_COMBO = {
    "cause-over-consequence": lambda d, p, u: (
        d in {"sturm_hagel", "feuer", "leitungswasser", "elementar", "einbruch_diebstahl"}
    ),
    "third-party-damage": lambda d, p, u: d == "haftpflicht",
    "collision-with-injuries": lambda d, p, u: d == "kollision" and u == "kritisch",
    "amount-under-500": lambda d, p, u: u == "niedrig" and p != "grossschaden",
    "amount-over-500": lambda d, p, u: u == "mittel" and p != "grossschaden",
    "amount-under-10000": lambda d, p, u: u == "mittel" and p != "grossschaden",
    "amount-over-10000": lambda d, p, u: u == "hoch" and p != "grossschaden",
    "amount-under-50000": lambda d, p, u: u == "hoch" and p != "grossschaden",
    "amount-over-50000": lambda d, p, u: p == "grossschaden",
    "most-urgent-wins": lambda d, p, u: u in {"kritisch", "hoch"},
    "department-order": lambda d, p, u: p in {"kfz", "personen", "haftpflicht", "grossschaden"},
    "earlier-incident-ignored": lambda d, p, u: True,
}

PRIVATE_SENDERS = [
    "policyholder, student in their twenties, casual",
    "policyholder, retired person over 75, formal and slightly old-fashioned",
    "policyholder, calm and precise engineer",
    "policyholder, panicking, short sentences, typos",
    "policyholder, non-native German speaker (e.g. Turkish, Polish, Russian, Arabic, Italian background) with realistic grammar slips",
    "policyholder, parent of small children, stressed",
    "relative writing on behalf of the policyholder",
    "insurance broker (Makler) writing for a client",
    "clerk's phone note (Telefonnotiz) with abbreviations like VN, VS-Nr., SN, lt., ca., Hr./Fr., RR (Rückruf)",
    "policyholder, angry about previous bad service",
    "policyholder, very brief, minimal punctuation",
]
PROPERTY_SENDERS = ["property manager (Hausverwaltung) for a tenant building", "landlord owning two flats"]
BUSINESS_SENDERS = [
    "owner of a small shop (bakery, florist, bookshop, kiosk, optician)",
    "restaurant or café owner",
    "farmer (Landwirt) with barns, machines, livestock",
    "car repair workshop or joinery/carpentry owner",
    "doctor's, dentist's or physiotherapy practice manager",
    "hotel or guesthouse manager",
    "office manager of a mid-sized company",
    "insurance broker writing for a business client",
    "clerk's phone note (Telefonnotiz) with abbreviations like VN, VS-Nr., SN, lt., ca.",
]
FLEET_SENDERS = ["fleet manager of a company car pool", "driver of a delivery van for a business"]
LEGAL_SENDERS = ["lawyer (Rechtsanwalt/Rechtsanwältin) writing for a client or for the injured third party"]

CHANNELS_BY_SENDER_KIND = {
    "private": [
        "e-mail",
        "web form dump with field labels (Name:, Schadendatum:, Beschreibung: ...)",
        "app message",
        "chat-bot transcript (Bot:/Kunde: turns)",
        "transcribed voice message (no punctuation, filler words)",
        "letter",
        "SMS/WhatsApp-style short message",
        "e-mail thread with a quoted earlier mail",
    ],
    "clerk": ["phone note typed by a call-centre clerk"],
    "business": [
        "e-mail",
        "web form dump with field labels",
        "letter",
        "e-mail thread with a quoted earlier mail",
        "transcribed voice message",
    ],
    "broker": ["e-mail", "e-mail thread with a quoted earlier mail", "broker portal form"],
    "legal": ["letter", "e-mail"],
}
REGIONS = [
    "Bavarian colouring",
    "Swabian colouring",
    "Berlin colouring",
    "Austrian German (e.g. Jänner, Stiege, Spital)",
    "Swiss German spelling (ss instead of ß, Velo, parkieren)",
    "northern German (Moin)",
    "Saxon colouring",
    "Rhineland colouring",
]


def sender_for(rng: random.Random, damage: str, dept: str) -> tuple[str, str]:
    if dept == "gewerbe" or (dept == "grossschaden" and rng.random() < 0.4):
        s = rng.choice(BUSINESS_SENDERS)
    elif dept == "kfz" and rng.random() < 0.25:
        s = rng.choice(FLEET_SENDERS)
    elif dept in {"haftpflicht", "personen", "grossschaden"} and rng.random() < 0.12:
        s = rng.choice(LEGAL_SENDERS)
    elif (
        dept in {"sach_privat", "grossschaden"}
        and damage in {"leitungswasser", "sturm_hagel", "elementar", "feuer"}
        and rng.random() < 0.2
    ):
        s = rng.choice(PROPERTY_SENDERS)
    else:
        s = rng.choice(PRIVATE_SENDERS)
    if "phone note" in s:
        kind = "clerk"
    elif "lawyer" in s:
        kind = "legal"
    elif "broker" in s:
        kind = "broker"
    elif s in BUSINESS_SENDERS or s in FLEET_SENDERS or s in PROPERTY_SENDERS:
        kind = "business"
    else:
        kind = "private"
    return s, rng.choice(CHANNELS_BY_SENDER_KIND[kind])


def length_words(rng: random.Random, channel: str) -> int:
    median = 45 if ("SMS" in channel or "app" in channel) else 90
    n = int(rng.lognormvariate(0, 0.6) * median)
    return max(5, min(400, n))


def steuer_id(rng: random.Random) -> str:
    while True:
        digits = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(9)]
        counts = {d: digits.count(d) for d in digits}
        if sorted(counts.values())[-1] != 2 or list(counts.values()).count(2) != 1:
            continue
        product = 10
        for d in digits:
            s = (d + product) % 10 or 10
            product = (s * 2) % 11
        check = (11 - product) % 10
        return "".join(map(str, digits + [check]))


def rv_nummer(rng: random.Random) -> str:
    area = rng.choice(["12", "13", "15", "23", "24", "28", "38", "40", "42", "53", "65"])
    dob = f"{rng.randint(1, 28):02d}{rng.randint(1, 12):02d}{rng.randint(40, 99):02d}"
    letter = rng.choice("ABDFGHKLMNPRSTWZ")
    serial = f"{rng.randint(0, 49):02d}"
    digits = area + dob + f"{ord(letter) - 64:02d}" + serial
    weights = [2, 1, 2, 5, 7, 1, 2, 1, 2, 1, 2, 1]
    total = sum(sum(map(int, str(int(d) * w))) for d, w in zip(digits, weights, strict=True))
    return f"{area} {dob} {letter} {serial}{total % 10}"


def at_svnr(rng: random.Random) -> str:
    while True:
        n = f"{rng.randint(100, 999)}"
        dob = f"{rng.randint(1, 28):02d}{rng.randint(1, 12):02d}{rng.randint(40, 99):02d}"
        w = [3, 7, 9, 5, 8, 4, 2, 1, 6]
        c = sum(int(d) * x for d, x in zip(n + dob, w, strict=True)) % 11
        if c < 10:
            return f"{n}{c} {dob}"


def ch_ahv(rng: random.Random) -> str:
    body = "756" + "".join(str(rng.randint(0, 9)) for _ in range(9))
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    c = (10 - total % 10) % 10
    s = body + str(c)
    return f"{s[:3]}.{s[3:7]}.{s[7:11]}.{s[11:]}"


PII_BASE = {
    "PERSON": 0.78,
    "LOCATION": 0.36,
    "PHONE_NUMBER": 0.36,
    "POLICY_NUMBER": 0.42,
    "EMAIL_ADDRESS": 0.09,
    "IBAN_CODE": 0.07,
    "CLAIM_NUMBER": 0.12,
    "DATE_OF_BIRTH": 0.05,
    "TAX_ID": 0.035,
    "SOCIAL_SECURITY": 0.03,
}


def pii_for(rng: random.Random, dept: str, damage: str, kind_fakers: dict) -> tuple[list[str], dict[str, str]]:
    if rng.random() < 0.10:
        return [], {}
    p = dict(PII_BASE)
    p["LICENSE_PLATE"] = 0.72 if dept == "kfz" or damage in {"kollision", "tierschaden"} else 0.01
    if dept == "personen" or damage == "personenschaden":
        p["DATE_OF_BIRTH"], p["SOCIAL_SECURITY"] = 0.3, 0.22
    if dept == "gewerbe":
        p["TAX_ID"] = 0.1
    types = [t for t, q in p.items() if rng.random() < q] or ["PERSON"]
    types = types[:6]
    values: dict[str, str] = {}
    if "IBAN_CODE" in types:
        loc = rng.choices(["de_DE", "de_AT", "de_CH"], [0.8, 0.12, 0.08])[0]
        values["IBAN_CODE"] = kind_fakers[loc].iban()
    if "TAX_ID" in types:
        values["TAX_ID"] = steuer_id(rng)
    if "SOCIAL_SECURITY" in types:
        values["SOCIAL_SECURITY"] = rng.choices([rv_nummer, at_svnr, ch_ahv], [0.75, 0.15, 0.1])[0](rng)
    return types, values


def main() -> None:
    rng = random.Random(SEED)
    fakers = {loc: Faker(loc) for loc in ["de_DE", "de_AT", "de_CH"]}
    for f in fakers.values():
        f.seed_instance(SEED)
    combos = list(COMBOS)
    weights = [COMBOS[c][0] for c in combos]
    out = Path(__file__).resolve().parents[2] / "data" / "plan"
    out.mkdir(parents=True, exist_ok=True)
    for writer in WRITERS:
        for b in range(1, BATCHES_PER_WRITER + 1):
            specs = []
            for i in range(1, CLAIMS_PER_BATCH + 1):
                damage, dept = rng.choices(combos, weights)[0]
                allowed = COMBOS[(damage, dept)][1]
                urgency = rng.choices(allowed, [URGENCY_WEIGHT[u] for u in allowed])[0]
                lang = rng.choices(["de", "en", "mixed de/en"], [0.80, 0.165, 0.035])[0]
                sender, channel = sender_for(rng, damage, dept)
                rule = None
                if rng.random() < 0.36:
                    fitting = [r for r, ok in RULES_BY_COMBO.items() if ok(damage, dept, urgency)]
                    # the always-possible rule is drawn less often so specific rules get exercised
                    rule = rng.choices(fitting, [0.3 if r == "earlier-incident-ignored" else 1.0 for r in fitting])[0]
                types, values = pii_for(rng, dept, damage, fakers)
                spec = {
                    "id": f"{writer}{b:02d}{i:02d}",
                    "damage_type": damage,
                    "urgency": urgency,
                    "department": dept,
                    "language": lang,
                    "sender": sender,
                    "channel": channel,
                    "target_words": length_words(rng, channel),
                    "rule": rule,
                    "pii_types": types,
                    "pii_values": values,
                }
                if lang == "de" and rng.random() < 0.2:
                    spec["regional"] = rng.choice(REGIONS)
                specs.append(spec)
            (out / f"{writer}{b:02d}.json").write_text(json.dumps(specs, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
