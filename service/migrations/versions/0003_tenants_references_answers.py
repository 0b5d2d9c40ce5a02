"""Tenants, keyed external references, stored intake answers.

- ``api_keys.tenants``: the tenants a key reads (JSON list; NULL = all). Existing intake keys
  belong to the ``default`` tenant; other keys keep seeing every tenant.
- ``claims.tenant``: the intake system a claim came from; existing claims go to ``default``.
- ``claims.external_ref`` (clear text, could be an IBAN or a name) becomes
  ``claims.external_ref_hash`` (an HMAC, service.references). The clear values cannot be hashed
  here (the migration does not hold the key), so they are dropped: references given before this
  revision no longer find their claims. The downgrade cannot bring them back either.
- ``idempotency_keys.response``: the answer a request got (with its ``explanation``), returned to
  its replays. Records from before stay NULL: their replays answer from the stored claim.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06 03:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE statements (SQLite >= 3.35 drops columns): a batch copy of ``claims`` would
    # drop the table that the review history's foreign keys point at.
    op.add_column("api_keys", sa.Column("tenants", sa.JSON(), nullable=True))
    op.execute("UPDATE api_keys SET tenants = '[\"default\"]' WHERE role = 'intake'")

    op.add_column("claims", sa.Column("tenant", sa.String(length=32), nullable=False, server_default="default"))
    op.create_index("ix_claims_tenant", "claims", ["tenant"], unique=False)
    op.add_column("claims", sa.Column("external_ref_hash", sa.String(length=64), nullable=True))
    op.create_index("ix_claims_external_ref_hash", "claims", ["external_ref_hash"], unique=False)
    op.drop_index("ix_claims_external_ref", table_name="claims")
    op.drop_column("claims", "external_ref")

    op.add_column("idempotency_keys", sa.Column("response", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.drop_column("idempotency_keys", "response")

    op.add_column("claims", sa.Column("external_ref", sa.String(length=64), nullable=True))
    op.create_index("ix_claims_external_ref", "claims", ["external_ref"], unique=False)
    op.drop_index("ix_claims_external_ref_hash", table_name="claims")
    op.drop_column("claims", "external_ref_hash")
    op.drop_index("ix_claims_tenant", table_name="claims")
    op.drop_column("claims", "tenant")

    op.drop_column("api_keys", "tenants")
