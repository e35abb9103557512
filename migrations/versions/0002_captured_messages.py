"""captured messages, reactions, users, channel watch state

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 09:32:37.488304
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.store.db

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "slack_users",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("display_name", sa.String(length=255), nullable=False),
        sa.Column("tz", sa.String(length=64), nullable=True),
        sa.Column("is_bot", sa.Boolean(), nullable=False),
        sa.Column("fetched_at", bot.store.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("team_id", "user_id", name=op.f("pk_slack_users")),
    )
    op.create_table(
        "messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel_pk", sa.Integer(), nullable=False),
        sa.Column("ts", sa.String(length=32), nullable=False),
        sa.Column("thread_ts", sa.String(length=32), nullable=True),
        sa.Column("user_id", sa.String(length=32), nullable=True),
        sa.Column("author_name", sa.String(length=255), nullable=True),
        sa.Column("bot_id", sa.String(length=32), nullable=True),
        sa.Column("subtype", sa.String(length=64), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.Column("pinned", sa.Boolean(), nullable=False),
        sa.Column("reply_count", sa.Integer(), nullable=False),
        sa.Column("posted_at", bot.store.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("edited_at", bot.store.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("deleted_at", bot.store.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("captured_at", bot.store.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["channel_pk"], ["channels.id"], name=op.f("fk_messages_channel_pk_channels"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messages")),
        sa.UniqueConstraint("channel_pk", "ts", name=op.f("uq_messages_channel_pk_ts")),
    )
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.create_index("ix_messages_channel_pk_thread_ts", ["channel_pk", "thread_ts"], unique=False)

    op.create_table(
        "message_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("replaced_at", bot.store.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["messages.id"],
            name=op.f("fk_message_revisions_message_id_messages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_revisions")),
    )
    with op.batch_alter_table("message_revisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_message_revisions_message_id"), ["message_id"], unique=False)

    op.create_table(
        "reactions",
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"], ["messages.id"], name=op.f("fk_reactions_message_id_messages"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("message_id", "name", "user_id", name=op.f("pk_reactions")),
    )
    with op.batch_alter_table("channels", schema=None) as batch_op:
        batch_op.add_column(sa.Column("watch_source", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("announced_at", bot.store.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("backfill_cursor", sa.String(length=255), nullable=True))
        batch_op.add_column(
            sa.Column("backfilled_at", bot.store.db.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("channels", schema=None) as batch_op:
        batch_op.drop_column("backfilled_at")
        batch_op.drop_column("backfill_cursor")
        batch_op.drop_column("announced_at")
        batch_op.drop_column("watch_source")

    op.drop_table("reactions")
    with op.batch_alter_table("message_revisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_message_revisions_message_id"))

    op.drop_table("message_revisions")
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_index("ix_messages_channel_pk_thread_ts")

    op.drop_table("messages")
    op.drop_table("slack_users")
