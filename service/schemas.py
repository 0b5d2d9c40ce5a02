"""Request and response bodies of the API (pydantic), with the examples shown in the OpenAPI page.
Label fields are enums of the taxonomy's ids, so an unknown label is a 422 with the allowed ones."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import Enum
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, StringConstraints

from claims.taxonomy import load_taxonomy

MAX_TEXT_CHARS = 20_000
# C0 and C1 control characters (ESC starts terminal escape sequences, U+009B is the one-byte CSI)
# except tab, line feed and carriage return.
_CONTROL = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
# Characters that print nothing: soft hyphen, combining grapheme joiner, zero-width and direction
# marks, word joiners, variation selectors, the byte-order mark, Hangul fillers, tag characters.
# A text made only of these (and white space) would be stored as an empty report. Written as
# literal characters so that the pattern means the same to pydantic, Python and JSON Schema users.
_INVISIBLE = "".join(
    [
        "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e",
        "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\U000e0000-\U000e007f",
    ]
)
# At least one visible character and no control character except tab, line feed, carriage return.
TEXT_PATTERN = rf"^[^{_CONTROL}]*[^\s{_CONTROL}{_INVISIBLE}][^{_CONTROL}]*$"
# Free text shown to other readers (review comments): no control characters (so no ANSI escapes).
NO_CONTROL_PATTERN = rf"^[^{_CONTROL}]*$"
_TAXONOMY = load_taxonomy()

DamageType = Enum("DamageType", {label: label for label in _TAXONOMY.labels("damage_type")}, type=str)  # type: ignore[misc]
Urgency = Enum("Urgency", {label: label for label in _TAXONOMY.labels("urgency")}, type=str)  # type: ignore[misc]
Department = Enum("Department", {label: label for label in _TAXONOMY.labels("department")}, type=str)  # type: ignore[misc]


def _iso_only(value: object) -> object:
    """pydantic would read ``0.5`` or ``-4e-180`` as a Unix timestamp; the API takes ISO 8601 only."""
    number = isinstance(value, int | float)
    if isinstance(value, str):
        try:
            float(value)
            number = True
        except ValueError:
            pass
    if number:
        raise ValueError("expected an ISO 8601 date-time such as 2026-11-01T00:00:00Z")
    return value


def _as_utc(value: datetime) -> datetime:
    """The instant in UTC (naive values are UTC). ``9999-12-31T23:59:59-01:00`` has no UTC
    equivalent within ``datetime``'s range: a 422 with the reason, not an OverflowError."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError("date-time is out of range once converted to UTC (years 1 to 9999)") from None


IsoDateTime = Annotated[datetime, BeforeValidator(_iso_only), AfterValidator(_as_utc)]
ReviewState = Literal["needs_review", "auto_routed", "reviewed"]
Reference = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._:/-]{1,64}$")]
Channel = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_-]{1,32}$")]

EXAMPLE_TEXT = (
    "Guten Tag, am 12.03. ist bei uns in der Küche ein Schlauch der Spülmaschine geplatzt. "
    "Das Wasser steht im Flur, der Boden ist aufgequollen. Versicherungsnummer HR-2231-5589. "
    "Bitte melden Sie sich unter 0171 2345678. Mit freundlichen Grüßen, Anna Berger"
)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ClaimIn(Strict):
    """A claim report as the intake system received it (plain text, personal data included: the
    service anonymizes it before anything is stored)."""

    text: str = Field(
        min_length=1,
        max_length=MAX_TEXT_CHARS,
        pattern=TEXT_PATTERN,
        description=(
            "The report, up to 20,000 characters, with at least one visible character and no control "
            "characters other than tab, line feed and carriage return."
        ),
    )
    channel: Channel | None = Field(default=None, description="Intake channel, e.g. email, phone, portal.")
    external_ref: Reference | None = Field(
        default=None,
        description=(
            "The intake system's own opaque id. Stored only as a keyed hash (it could hold personal "
            "data): usable as a filter, returned only in the answer to this request."
        ),
    )

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"text": EXAMPLE_TEXT, "channel": "email", "external_ref": "INT-2026-000123"}]},
    )


class LabelOut(BaseModel):
    label: str
    confidence: float = Field(ge=0, le=1)


class FinalLabels(BaseModel):
    damage_type: str
    urgency: str
    department: str


class Explanation(BaseModel):
    """Why: each fact's probability (``amount_eur``: the estimated damage in EUR or null) and the
    id of the policy rule that decided each derived label (``claims/policy/guide.yaml``)."""

    facts: dict[str, float | None]
    rules: dict[str, str]
    policy: str | None = None


class ClaimDecision(BaseModel):
    """What the intake system gets back: where the claim goes and whether a clerk must look."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "96f3ae0e-8adc-4309-ab5c-5d3fb23ca29e",
                    "created_at": "2026-11-25T08:40:20.511721Z",
                    "tenant": "default",
                    "channel": "email",
                    "external_ref": "INT-2026-000123",
                    "damage_type": {"label": "leitungswasser", "confidence": 0.97},
                    "urgency": {"label": "hoch", "confidence": 0.74},
                    "department": {"label": "sach_privat", "confidence": 0.95},
                    "needs_review": True,
                    "review_reasons": ["urgency confidence 0.74 below 0.81"],
                    "explanation": {
                        "facts": {"loss_ongoing": 0.91, "person_injured": 0.02, "amount_eur": 4800.0},
                        "rules": {"urgency": "kritisch.loss_ongoing", "department": "sach_privat.everything_else"},
                        "policy": "guide",
                    },
                    "model_version": "triage-facts-1",
                    "review_state": "needs_review",
                    "final": None,
                    "reviewed_at": None,
                    "entity_counts": {"PERSON": 1, "PHONE_NUMBER": 1, "POLICY_NUMBER": 1},
                }
            ]
        }
    )

    id: str
    created_at: datetime
    tenant: str = Field(description="The intake system (tenant) the claim came from.")
    channel: str | None
    external_ref: str | None = Field(
        description=(
            "The reference sent at intake, echoed in the intake answer (and its replays) only: it is "
            "stored as a keyed hash, so reads answer null; find a claim by it with ?external_ref=."
        )
    )
    damage_type: LabelOut
    urgency: LabelOut
    department: LabelOut
    needs_review: bool
    review_reasons: list[str]
    explanation: Explanation | None = Field(
        description="The facts the model read and the policy rule that decided urgency and department."
    )
    model_version: str
    review_state: ReviewState
    final: FinalLabels | None = Field(description="The clerk's labels once reviewed.")
    reviewed_at: datetime | None
    entity_counts: dict[str, int] = Field(description="Personal-data entities removed, by type (never values).")


class ReviewOut(BaseModel):
    id: int
    created_at: datetime
    reviewer_key_id: int
    damage_type: str
    urgency: str
    department: str
    previous: FinalLabels
    comment: str | None = Field(description="Anonymized like the claim text.")
    override: bool


class ClaimDetail(ClaimDecision):
    anonymized_text: str
    reviews: list[ReviewOut]


class ClaimPage(BaseModel):
    data: list[ClaimDecision]
    count: int = Field(description="All claims matching the filters, not only this page.")


class ReviewIn(Strict):
    """The clerk's final labels."""

    damage_type: DamageType  # type: ignore[valid-type]
    urgency: Urgency  # type: ignore[valid-type]
    department: Department  # type: ignore[valid-type]
    comment: str | None = Field(
        default=None,
        max_length=2_000,
        pattern=NO_CONTROL_PATTERN,
        description="Anonymized before it is stored; no control characters (tab and line breaks allowed).",
    )
    override: StrictBool = Field(
        default=False, description="Required to change an already reviewed claim; JSON true or false only."
    )

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"damage_type": "leitungswasser", "urgency": "hoch", "department": "sach_privat"}]
        },
    )


class Interval(BaseModel):
    low: float
    high: float


class Accuracy(BaseModel):
    n: int
    correct: int
    accuracy: float | None
    ci95: Interval


class TaskAudit(Accuracy):
    per_class: dict[str, Accuracy] = Field(description="By the clerk's final label (i.e. recall).")
    labels: list[str]
    confusion: list[list[int]] = Field(description="Rows: clerk's label; columns: model's; taxonomy order.")


class VersionAudit(BaseModel):
    model_version: str
    tenant: str | None = Field(description="The tenant, when the report is split by tenant; else null (all seen).")
    period: str | None = Field(description="2026-11-25, 2026-W48 or 2026-11; null when the report is not split.")
    claims: int
    auto_routed: int
    auto_routed_share: float | None
    reviewed: int
    tasks: dict[str, TaskAudit]


class AuditReport(BaseModel):
    created_from: datetime | None
    created_to: datetime | None
    period: Literal["all", "day", "week", "month"]
    versions: list[VersionAudit]


class ActiveModel(BaseModel):
    model_version: str
    labels: dict[str, list[str]]
    thresholds: dict[str, float]
    policy: str = Field(description="Name of the policy deciding urgency and department (CLAIMS_POLICY).")
    rules: dict[str, list[str]] = Field(description="The policy's rule ids per task, in the order they are tried.")
    facts: list[str] = Field(description="The facts the model reads.")


class Problem(BaseModel):
    detail: Any
