"""postmortems

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 09:54:19.005392
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.store.db

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "channel_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel_pk", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("claimed_at", bot.store.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", bot.store.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["channel_pk"],
            ["channels.id"],
            name=op.f("fk_channel_notices_channel_pk_channels"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channel_notices")),
        sa.UniqueConstraint("channel_pk", "kind", name=op.f("uq_channel_notices_channel_pk_kind")),
    )
    op.create_table(
        "postmortems",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel_pk", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("severity", sa.String(length=8), nullable=True),
        sa.Column("lead_user_id", sa.String(length=32), nullable=True),
        sa.Column("started_by", sa.String(length=32), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("impact", sa.Text(), nullable=False),
        sa.Column("root_cause", sa.Text(), nullable=False),
        sa.Column("root_cause_flagged", sa.Boolean(), nullable=False),
        sa.Column("thread_ts", sa.String(length=32), nullable=True),
        sa.Column("reply_ts", sa.JSON(), nullable=False),
        sa.Column("link_channel_id", sa.String(length=32), nullable=True),
        sa.Column("link_ts", sa.String(length=32), nullable=True),
        sa.Column("created_at", bot.store.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", bot.store.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("completed_at", bot.store.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("escalated_at", bot.store.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["channel_pk"],
            ["channels.id"],
            name=op.f("fk_postmortems_channel_pk_channels"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_postmortems")),
        sa.UniqueConstraint("channel_pk", name=op.f("uq_postmortems_channel_pk")),
    )
    op.create_table(
        "postmortem_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("postmortem_id", sa.Integer(), nullable=False),
        sa.Column("section", sa.String(length=32), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author_user_id", sa.String(length=32), nullable=True),
        sa.Column("created_at", bot.store.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["postmortem_id"],
            ["postmortems.id"],
            name=op.f("fk_postmortem_entries_postmortem_id_postmortems"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_postmortem_entries")),
    )
    with op.batch_alter_table("postmortem_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_postmortem_entries_postmortem_id"), ["postmortem_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("postmortem_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_postmortem_entries_postmortem_id"))

    op.drop_table("postmortem_entries")
    op.drop_table("postmortems")
    op.drop_table("channel_notices")
