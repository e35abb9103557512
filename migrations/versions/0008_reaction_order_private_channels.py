"""reactions.present / event_at (adds and removes in any order); channels.is_private

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 00:35:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.store.db

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("reactions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("present", sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column("event_at", bot.store.db.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table("channels", schema=None) as batch_op:
        batch_op.add_column(sa.Column("is_private", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("channels", schema=None) as batch_op:
        batch_op.drop_column("is_private")
    # A kept removal was "no row" before this revision.
    op.execute("DELETE FROM reactions WHERE NOT present")
    with op.batch_alter_table("reactions", schema=None) as batch_op:
        batch_op.drop_column("event_at")
        batch_op.drop_column("present")
