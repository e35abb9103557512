"""workspaces.url: the workspace's URL from auth.test, to link timeline entries to their messages

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("workspaces", schema=None) as batch_op:
        batch_op.add_column(sa.Column("url", sa.String(length=255), nullable=True))


def downgrade() -> None:
    # Learnt again from auth.test the next time the bot builds a timeline with Slack at hand.
    with op.batch_alter_table("workspaces", schema=None) as batch_op:
        batch_op.drop_column("url")
