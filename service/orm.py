"""Database tables (SQLAlchemy 2). Claims hold only anonymized text and entity counts; reviews are
an append-only history (the migration adds triggers that refuse UPDATE and DELETE on it)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class ApiKey(Base):
    """A key is shown once at creation; only its SHA-256 is kept."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    role: Mapped[str] = mapped_column(String(16))
    label: Mapped[str] = mapped_column(String(64), default="")
    # Tenants the key reads (an intake key: exactly its own); NULL: every tenant.
    tenants: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class Claim(Base):
    __tablename__ = "claims"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    tenant: Mapped[str] = mapped_column(String(32), index=True, server_default="default")
    channel: Mapped[str | None] = mapped_column(String(32), nullable=True)
    # HMAC of the intake system's reference (service.references): a lookup key, never the value.
    external_ref_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    anonymized_text: Mapped[str] = mapped_column(Text)
    entity_counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The pipeline's decision (model + facts + policy), never changed afterwards.
    predicted_damage_type: Mapped[str] = mapped_column(String(32))
    predicted_urgency: Mapped[str] = mapped_column(String(32))
    predicted_department: Mapped[str] = mapped_column(String(32))
    confidence_damage_type: Mapped[float] = mapped_column(Float)
    confidence_urgency: Mapped[float] = mapped_column(Float)
    confidence_department: Mapped[float] = mapped_column(Float)
    needs_review: Mapped[bool] = mapped_column(Boolean)
    review_reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Fact probabilities, amount and the policy rules that decided (None only for rows from before 0002).
    explanation: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    model_version: Mapped[str] = mapped_column(String(64), index=True)
    # The labels in force: the prediction until a clerk decides, then the clerk's.
    damage_type: Mapped[str] = mapped_column(String(32), index=True)
    urgency: Mapped[str] = mapped_column(String(32), index=True)
    department: Mapped[str] = mapped_column(String(32), index=True)
    urgency_rank: Mapped[int] = mapped_column(Integer)
    review_state: Mapped[str] = mapped_column(String(16), index=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    review_count: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (Index("ix_claims_queue", "review_state", "urgency_rank", "created_at"),)


class ClaimReview(Base):
    """One clerk decision; never updated or deleted."""

    __tablename__ = "claim_reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_id: Mapped[str] = mapped_column(ForeignKey("claims.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    reviewer_key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id"))
    damage_type: Mapped[str] = mapped_column(String(32))
    urgency: Mapped[str] = mapped_column(String(32))
    department: Mapped[str] = mapped_column(String(32))
    previous_damage_type: Mapped[str] = mapped_column(String(32))
    previous_urgency: Mapped[str] = mapped_column(String(32))
    previous_department: Mapped[str] = mapped_column(String(32))
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    override: Mapped[bool] = mapped_column(Boolean, default=False)


class IdempotencyRecord(Base):
    """Maps a client's Idempotency-Key (hashed) to the claim it created, the body it came with and
    the answer it got (a replay returns that answer, not the claim's later state)."""

    __tablename__ = "idempotency_keys"

    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    claim_id: Mapped[str] = mapped_column(ForeignKey("claims.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    response: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
