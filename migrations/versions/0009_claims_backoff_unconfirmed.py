"""claims.unconfirmed_at (look before posting again) and claims.next_attempt_at (backoff)

`unconfirmed_at`: when the first attempt that may have posted without the bot hearing so began
(Slack's answer was lost, or the holder died mid-send); before posting again, the bot looks for the
message tagged with the claim from then on and adopts it. `next_attempt_at`: a failed claim is not
retried by a sweep before then. Both start empty: a claim released before this revision is retried
at once, as it was. The downgrade drops both; claims of kinds this revision introduced (the thread's
replies, failure reports) stay, unread by older code.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.store.db

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("unconfirmed_at", bot.store.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("next_attempt_at", bot.store.db.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.drop_column("next_attempt_at")
        batch_op.drop_column("unconfirmed_at")
