"""messages.pending: a message known only by a delete or reaction that arrived before it

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 23:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pending", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    # A placeholder has no content to keep: before this revision such events were dropped.
    op.execute("DELETE FROM messages WHERE pending")
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_column("pending")
