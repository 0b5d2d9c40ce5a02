"""Initial schema: API keys, claims (anonymized text only), append-only review history,
idempotency keys.

Revision ID: 0001
Revises:
Create Date: 2026-11-25 08:26:37.743207
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("label", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key_hash"),
    )
    op.create_table(
        "claims",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=True),
        sa.Column("external_ref", sa.String(length=64), nullable=True),
        sa.Column("anonymized_text", sa.Text(), nullable=False),
        sa.Column("entity_counts", sa.JSON(), nullable=False),
        sa.Column("predicted_damage_type", sa.String(length=32), nullable=False),
        sa.Column("predicted_urgency", sa.String(length=32), nullable=False),
        sa.Column("predicted_department", sa.String(length=32), nullable=False),
        sa.Column("confidence_damage_type", sa.Float(), nullable=False),
        sa.Column("confidence_urgency", sa.Float(), nullable=False),
        sa.Column("confidence_department", sa.Float(), nullable=False),
        sa.Column("needs_review", sa.Boolean(), nullable=False),
        sa.Column("review_reasons", sa.JSON(), nullable=False),
        sa.Column("rule", sa.String(length=64), nullable=True),
        sa.Column("model_version", sa.String(length=64), nullable=False),
        sa.Column("damage_type", sa.String(length=32), nullable=False),
        sa.Column("urgency", sa.String(length=32), nullable=False),
        sa.Column("department", sa.String(length=32), nullable=False),
        sa.Column("urgency_rank", sa.Integer(), nullable=False),
        sa.Column("review_state", sa.String(length=16), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("review_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claims_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_claims_damage_type"), ["damage_type"], unique=False)
        batch_op.create_index(batch_op.f("ix_claims_department"), ["department"], unique=False)
        batch_op.create_index(batch_op.f("ix_claims_external_ref"), ["external_ref"], unique=False)
        batch_op.create_index(batch_op.f("ix_claims_model_version"), ["model_version"], unique=False)
        batch_op.create_index("ix_claims_queue", ["review_state", "urgency_rank", "created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_claims_review_state"), ["review_state"], unique=False)
        batch_op.create_index(batch_op.f("ix_claims_urgency"), ["urgency"], unique=False)

    op.create_table(
        "claim_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reviewer_key_id", sa.Integer(), nullable=False),
        sa.Column("damage_type", sa.String(length=32), nullable=False),
        sa.Column("urgency", sa.String(length=32), nullable=False),
        sa.Column("department", sa.String(length=32), nullable=False),
        sa.Column("previous_damage_type", sa.String(length=32), nullable=False),
        sa.Column("previous_urgency", sa.String(length=32), nullable=False),
        sa.Column("previous_department", sa.String(length=32), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("override", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["claims.id"],
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_key_id"],
            ["api_keys.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("claim_reviews", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claim_reviews_claim_id"), ["claim_id"], unique=False)

    _create_append_only_guard()
    op.create_table(
        "idempotency_keys",
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("claim_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["claims.id"],
        ),
        sa.PrimaryKeyConstraint("key_hash"),
    )


def downgrade() -> None:
    _drop_append_only_guard()
    op.drop_table("idempotency_keys")
    with op.batch_alter_table("claim_reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claim_reviews_claim_id"))

    op.drop_table("claim_reviews")
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claims_urgency"))
        batch_op.drop_index(batch_op.f("ix_claims_review_state"))
        batch_op.drop_index("ix_claims_queue")
        batch_op.drop_index(batch_op.f("ix_claims_model_version"))
        batch_op.drop_index(batch_op.f("ix_claims_external_ref"))
        batch_op.drop_index(batch_op.f("ix_claims_department"))
        batch_op.drop_index(batch_op.f("ix_claims_damage_type"))
        batch_op.drop_index(batch_op.f("ix_claims_created_at"))

    op.drop_table("claims")
    op.drop_table("api_keys")


def _create_append_only_guard() -> None:
    """Reviews are the audit trail: the database itself refuses to change or delete one."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION claim_reviews_append_only() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION 'claim_reviews is append-only'; END; $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER claim_reviews_append_only BEFORE UPDATE OR DELETE ON claim_reviews "
            "FOR EACH ROW EXECUTE FUNCTION claim_reviews_append_only()"
        )
    else:
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER claim_reviews_no_{action.lower()} BEFORE {action} ON claim_reviews "
                "BEGIN SELECT RAISE(ABORT, 'claim_reviews is append-only'); END"
            )


def _drop_append_only_guard() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS claim_reviews_append_only ON claim_reviews")
        op.execute("DROP FUNCTION IF EXISTS claim_reviews_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS claim_reviews_no_update")
        op.execute("DROP TRIGGER IF EXISTS claim_reviews_no_delete")
