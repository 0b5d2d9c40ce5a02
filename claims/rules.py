"""The "keyword rules from the guide" baseline: the guide's typical words and its rules over
facts read by regular expressions (:mod:`claims.facts`), no learning, with the scikit-learn
contract. The product decides urgency and department with :mod:`claims.policy` on the model's
facts; this baseline shows what keywords alone reach (``claims-triage compare``).

Every table is a plain mapping so that reviewers can read the rules next to the guide.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from claims.facts import ClaimFacts, extract_facts
from claims.taxonomy import TASKS, load_taxonomy

if TYPE_CHECKING:
    import numpy as np

__all__ = ["KeywordRuleClassifier"]

#: Thresholds of the guide, strict ("above 10,000" means > 10,000; exactly 500 is not "below 500").
LARGE_LOSS_EUR = 50_000.0
HIGH_URGENCY_EUR = 10_000.0
LOW_URGENCY_EUR = 500.0

# ---------------------------------------------------------------------------------------------
# Keyword baseline
# ---------------------------------------------------------------------------------------------

#: The guide's "typical words" per damage type (plus English and common variants). Case-insensitive.
DAMAGE_TYPE_KEYWORDS: dict[str, tuple[str, ...]] = {
    "leitungswasser": (
        r"rohrbruch",
        r"leitungswasser",
        r"wasserschaden",
        r"rohr\w*\s+(?:\w+\s+)?(?:geplatzt|gebrochen|undicht)",
        r"waschmaschine\s+(?:\w+\s+)?ausgelaufen",
        r"heizung\w*\s+(?:\w+\s+)?undicht",
        r"schlauch\w*\s+(?:\w+\s+)?(?:geplatzt|abgerissen|undicht)",
        r"burst\s+pipe",
        r"pipe\s+burst",
        r"leak(?:ing|ed|s)?\b",
        r"undicht",
        r"water\s+damage",
    ),
    "feuer": (
        r"\bbrand\w*",
        r"\bfeuer\b",
        r"\bruß\b|\bruss\b|verrußt",
        r"blitz(?:einschlag)?",
        r"explosion",
        r"\bfire\b",
        r"smoke",
        r"lightning",
        r"gebrannt",
        r"flammen|flames",
        r"kurzschluss\s+mit\s+brand",
        r"verkohlt|verschmort|soot",
    ),
    "sturm_hagel": (
        r"\bsturm\w*",
        r"orkan\w*",
        r"hagel\w*",
        r"dachziegel\s+(?:\w+\s+)?abgedeckt|abgedeckt",
        r"\bstorm\w*",
        r"\bhail\w*",
        r"böen|gusts?|windstärke",
        r"umgestürzt",
    ),
    "elementar": (
        r"überschwemm\w*",
        r"hochwasser",
        r"starkregen",
        r"rückstau",
        r"schneedruck|schneelast",
        r"erdrutsch|hangrutsch|abgerutscht",
        r"\bflood\w*",
        r"erdbeben|earthquake",
        r"lawine|avalanche",
        r"über\s+die\s+ufer",
    ),
    "einbruch_diebstahl": (
        r"einbruch|eingebrochen",
        r"aufgebrochen",
        r"gestohlen|geklaut",
        r"\braub\b|überfall",
        r"diebstahl",
        r"burglar\w*|break-in|broke\s+in",
        r"stolen|theft|robbed|robbery",
        r"entwendet",
    ),
    "glasbruch": (
        r"glasbruch",
        r"scheibe\s+(?:\w+\s+)?(?:gesprungen|gebrochen|kaputt|zersprungen)",
        r"ceranfeld|kochfeld",
        r"steinschlag",
        r"windschutzscheibe",
        r"duschwand|duschtür",
        r"cracked|shattered|windscreen|windshield",
        r"\bsprung\b|\briss\b",
    ),
    "kollision": (
        r"verkehrsunfall|autounfall|unfallgegner|unfallstelle",
        r"auffahrunfall",
        r"parkschaden",
        r"zusammengestoßen|zusammenstoß",
        r"gerammt",
        r"aufgefahren|angefahren|touchiert",
        r"collision|collided|crash\w*|rear-ended|hit\s+(?:a|another|the)\s+(?:car|van|truck|wall|post)",
    ),
    "tierschaden": (
        r"wildunfall|wildwechsel",
        r"\breh\b|rehbock",
        r"wildschwein|keiler",
        r"hirsch",
        r"marder\w*",
        r"\bdeer\b|\bstag\b|\bboar\b|marten",
        r"\bwild\b|\bfuchs\b|\bhase\b",
    ),
    "haftpflicht": (
        r"beim\s+nachbarn",
        r"fremde[sn]?\s+eigentum",
        r"mietsache",
        r"hund\s+(?:\w+\s+){0,3}gebissen",
        r"haftpflicht",
        r"neighbou?r['’]s",
        r"third\s+party",
    ),
    "personenschaden": (
        r"gestürzt|hingefallen|ausgerutscht|umgeknickt|\bsturz\b",
        r"gebrochen",
        r"sportunfall|unfallversicherung",
        r"krankenhaus|hospital",
        r"\bfell\b|slipped",
        r"fracture|broken\s+(?:leg|arm|wrist|ankle|rib|collarbone|hip)",
    ),
}
#: Generic words that only decide when none of the typical words above occurs.
DAMAGE_TYPE_WEAK_KEYWORDS: dict[str, tuple[str, ...]] = {
    "leitungswasser": (
        r"\bwasser\b|\bwater\b",
        r"tropf\w*|drip\w*|feucht|damp|nass\b|wet\b",
        r"leitung|\bpipe|installateur|plumber",
    ),
    "feuer": (r"rauch|burn\w*|verbrannt|feuerwehr",),
    "sturm_hagel": (r"\bwind\b|unwetter|gewitter",),
    "elementar": (r"\bregen\b|\brain\b|keller\s+(?:\w+\s+)?(?:unter\s+wasser|voll)",),
    "einbruch_diebstahl": (r"polizei|police|anzeige|weg\b|missing",),
    "glasbruch": (r"scheibe|\bglas\b|\bglass\b|\bpane\b|glaser|glazier",),
    "kollision": (r"\bunfall\b|accident", r"delle|dent\w*|stoßstange|bumper"),
    "tierschaden": (r"\btier\b|animal",),
    "haftpflicht": (r"nachbar\w*|neighbou?r\w*",),
    "personenschaden": (r"\bunfall\b|\bsturz\b|\bfall\b", r"verletz\w*|injur\w*|arzt|doctor"),
}
#: Cause over consequence: when scores tie, the earlier label wins.
DAMAGE_TYPE_PRIORITY: tuple[str, ...] = (
    "tierschaden",
    "kollision",
    "haftpflicht",
    "einbruch_diebstahl",
    "feuer",
    "sturm_hagel",
    "elementar",
    "leitungswasser",
    "glasbruch",
    "personenschaden",
)
#: Words of the guide's urgency table. Case-insensitive.
URGENCY_KEYWORDS: dict[str, tuple[str, ...]] = {
    "kritisch": (
        r"unbewohnbar",
        r"nicht\s+(?:mehr\s+)?(?:ab)?schließ\w*|nicht\s+(?:mehr\s+)?verschließ\w*|lässt\s+sich\s+nicht\s+(?:mehr\s+)?(?:ab)?schließen",
        r"einsturz\w*|einsturzgefährdet|statik",
        r"uninhabitable|can(?:not|['’]t)\s+(?:be\s+)?lock\w*|unsafe",
        r"gerade\s+(?:eben\s+)?(?:passiert|gebrannt)|right\s+now|vor\s+(?:einer|zwei|\d+)\s+(?:stunde|minuten)",
        r"krankenwagen|rettungswagen|\brtw\b|notaufnahme|ambulance|notarzt",
    ),
    "hoch": (
        r"notreparatur|notabdeckung|notverglasung|notdienst|emergency\s+(?:repair|glazing|cover)",
        r"nicht\s+(?:mehr\s+)?fahrbereit|fährt\s+nicht\s+mehr|not\s+(?:drivable|driveable|roadworthy)|abgeschleppt|towed",
        r"regen\s+(?:ist\s+)?(?:angesagt|gemeldet)|rain\s+(?:is\s+)?(?:expected|forecast)",
        r"heizung\s+(?:\w+\s+)?(?:ausgefallen|aus\b)|heating\s+(?:has\s+)?failed",
        r"betrieb\s+(?:\w+\s+)?(?:steht|geschlossen)|geschlossen|closed|cannot\s+operate",
        r"dringend|urgent\w*|asap|sofort",
        r"operation|op\s+(?:ist\s+)?geplant|surgery",
    ),
    "niedrig": (
        r"(?:bereits|schon)\s+(?:\w+\s+)?(?:repariert|getauscht|ersetzt|erledigt|behoben|ausgebessert)",
        r"nur\s+zur\s+(?:info|kenntnis)",
        r"zur\s+kenntnis|for\s+the\s+record|for\s+your\s+records|only\s+for",
        r"already\s+(?:\w+\s+)?(?:fixed|repaired|replaced)",
        r"kosmetisch|cosmetic|kratzer|scratch",
        r"vorsorglich|der\s+vollständigkeit\s+halber|just\s+to\s+let\s+you\s+know",
    ),
}
#: A total loss of a building (department rule 1 without an amount).
BUILDING_TOTAL_LOSS = (
    r"bis\s+auf\s+die\s+grundmauern|(?:haus|gebäude|scheune|halle)\s+(?:ist\s+)?(?:komplett\s+|völlig\s+)?(?:abgebrannt|ausgebrannt|zerstört)"
    r"|burn(?:ed|t)\s+down|total\s+loss\s+of\s+the\s+(?:house|building)"
)
#: Damage types for which a named vehicle makes the department kfz.
VEHICLE_DAMAGE_TYPES = frozenset(
    {"kollision", "tierschaden", "glasbruch", "sturm_hagel", "einbruch_diebstahl", "feuer", "elementar"}
)

_FLAGS = re.IGNORECASE


def _compile_table(table: Mapping[str, Sequence[str]]) -> dict[str, list[re.Pattern[str]]]:
    return {label: [re.compile(p, _FLAGS) for p in patterns] for label, patterns in table.items()}


_DAMAGE_RES = _compile_table(DAMAGE_TYPE_KEYWORDS)
_DAMAGE_WEAK_RES = _compile_table(DAMAGE_TYPE_WEAK_KEYWORDS)
_URGENCY_RES = _compile_table(URGENCY_KEYWORDS)
_TOTAL_LOSS_RE = re.compile(BUILDING_TOTAL_LOSS, _FLAGS)

#: What the keyword baseline falls back to when no rule fits; the guide names the last two.
GUIDE_DEFAULTS: dict[str, str | None] = {"damage_type": None, "urgency": "mittel", "department": "sach_privat"}


class KeywordRuleClassifier:
    """The guide's typical words and rules as a classifier; ``fit`` only records fallbacks.

    * damage_type: the label with most keyword hits (ties: cause over consequence, see
      ``DAMAGE_TYPE_PRIORITY``); third-party facts make it ``haftpflicht`` unless a vehicle
      collided; without any hit the training majority.
    * urgency: the most urgent of the keyword / fact rules; ``mittel`` when none fits.
    * department: the guide's order over facts and the predicted damage type.
    """

    def __init__(self) -> None:
        pass

    def fit(self, texts: Sequence[str], labels: Mapping[str, Sequence[str]]) -> KeywordRuleClassifier:
        """Record the training majority of each task (the damage_type fallback)."""
        taxonomy = load_taxonomy()
        fallbacks: dict[str, str] = {}
        for task in TASKS:
            values = list(labels.get(task, ()))
            if values and len(values) != len(texts):
                raise ValueError(f"{task}: {len(values)} labels for {len(texts)} texts")
            unknown = sorted(set(values) - set(taxonomy.labels(task)))
            if unknown:
                raise ValueError(f"{task}: unknown labels {unknown}")
            default = GUIDE_DEFAULTS[task] or taxonomy.labels(task)[0]
            fallbacks[task] = Counter(values).most_common(1)[0][0] if values else default
        self.fallbacks_ = fallbacks
        self.classes_ = {task: taxonomy.labels(task) for task in TASKS}
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "fallbacks_"):
            from sklearn.exceptions import NotFittedError

            raise NotFittedError("KeywordRuleClassifier is not fitted yet; call fit(texts, labels) first")

    def predict_one(self, text: str) -> dict[str, str]:
        """Labels for one text (see the class docstring)."""
        self._check_fitted()
        facts = extract_facts(text)
        damage_type = self._damage_type(text, facts)
        return {
            "damage_type": damage_type,
            "urgency": self._urgency(text, facts),
            "department": self._department(text, facts, damage_type),
        }

    def predict(self, texts: Sequence[str]) -> dict[str, list[str]]:
        self._check_fitted()
        rows = [self.predict_one(text) for text in texts]
        return {task: [row[task] for row in rows] for task in TASKS}

    def predict_proba(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """One-hot rows in taxonomy label order (the rules are not probabilistic)."""
        import numpy as np

        predicted = self.predict(texts)
        out: dict[str, np.ndarray] = {}
        for task in TASKS:
            classes = self.classes_[task]
            proba = np.zeros((len(texts), len(classes)))
            for row, label in enumerate(predicted[task]):
                proba[row, classes.index(label)] = 1.0
            out[task] = proba
        return out

    def _damage_type(self, text: str, facts: ClaimFacts) -> str:
        strong = {label: sum(bool(r.search(text)) for r in regexes) for label, regexes in _DAMAGE_RES.items()}
        weak = {label: sum(bool(r.search(text)) for r in regexes) for label, regexes in _DAMAGE_WEAK_RES.items()}
        scores = {label: 100 * strong[label] + weak.get(label, 0) for label in strong}
        collided = facts.vehicle_involved and (scores["kollision"] or scores["tierschaden"])
        if facts.third_party and not collided:
            return "haftpflicht"
        if not facts.vehicle_involved:
            scores["kollision"] = scores["tierschaden"] = 0
        if not facts.injury:
            scores["personenschaden"] = 0
        best = max(scores.values())
        if best == 0:
            if facts.vehicle_involved:
                return "kollision"
            return "personenschaden" if facts.injury else self.fallbacks_["damage_type"]
        label = next(label for label in DAMAGE_TYPE_PRIORITY if scores[label] == best)
        if label == "personenschaden" and facts.vehicle_involved and (strong["kollision"] or weak["kollision"]):
            return "kollision"  # the guide: a vehicle collision with injuries is kollision
        return label

    def _urgency(self, text: str, facts: ClaimFacts) -> str:
        if facts.ongoing or facts.injury or any(r.search(text) for r in _URGENCY_RES["kritisch"]):
            return "kritisch"
        if (
            facts.amount_clearly_above(HIGH_URGENCY_EUR)
            or facts.several_injured_or_death
            or any(r.search(text) for r in _URGENCY_RES["hoch"])
        ):
            return "hoch"
        if facts.amount_clearly_below(LOW_URGENCY_EUR) or any(r.search(text) for r in _URGENCY_RES["niedrig"]):
            return "niedrig"
        return GUIDE_DEFAULTS["urgency"] or "mittel"

    def _department(self, text: str, facts: ClaimFacts, damage_type: str) -> str:
        if facts.amount_clearly_above(LARGE_LOSS_EUR) or facts.several_injured_or_death or _TOTAL_LOSS_RE.search(text):
            return "grossschaden"
        if damage_type in ("kollision", "tierschaden") or (
            facts.vehicle_involved and damage_type in VEHICLE_DAMAGE_TYPES
        ):
            return "kfz"
        if damage_type == "personenschaden":
            return "personen"
        if damage_type == "haftpflicht":
            return "haftpflicht"
        if facts.business_policyholder:
            return "gewerbe"
        return GUIDE_DEFAULTS["department"] or "sach_privat"
