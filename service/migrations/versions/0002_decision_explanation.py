"""Each stored decision keeps its explanation (fact probabilities, amount, the policy rule that
decided urgency and department) instead of one optional rule name. A rule name stored by an
earlier version moves into the explanation (``{"rules": {"legacy": name}}``) and back on downgrade.

Plain ALTER TABLE statements (SQLite >= 3.35 drops columns), no batch copy: a batch copy drops and
recreates ``claims``, which SQLite refuses while review history or idempotency rows point at it.

Revision ID: 0002
Revises: 0001
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("claims", sa.Column("explanation", sa.JSON(), nullable=True))
    claims = sa.table("claims", sa.column("id", sa.String), sa.column("rule", sa.String), sa.column("explanation", sa.JSON))
    connection = op.get_bind()
    for claim_id, rule in connection.execute(sa.select(claims.c.id, claims.c.rule).where(claims.c.rule.is_not(None))).all():
        connection.execute(
            claims.update().where(claims.c.id == claim_id).values(explanation={"facts": {}, "rules": {"legacy": rule}})
        )
    op.drop_column("claims", "rule")


def downgrade() -> None:
    op.add_column("claims", sa.Column("rule", sa.String(length=64), nullable=True))
    claims = sa.table("claims", sa.column("id", sa.String), sa.column("rule", sa.String), sa.column("explanation", sa.JSON))
    connection = op.get_bind()
    for claim_id, explanation in connection.execute(
        sa.select(claims.c.id, claims.c.explanation).where(claims.c.explanation.is_not(None))
    ).all():
        value = json.loads(explanation) if isinstance(explanation, str) else explanation
        legacy = (value or {}).get("rules", {}).get("legacy")
        if legacy:
            connection.execute(claims.update().where(claims.c.id == claim_id).values(rule=legacy))
    op.drop_column("claims", "explanation")
