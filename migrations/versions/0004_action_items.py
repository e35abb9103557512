"""action items and reminder sends

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 10:13:33.795044
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.store.db

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reminder_sends",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("target", sa.String(length=64), nullable=False),
        sa.Column("week", sa.String(length=10), nullable=False),
        sa.Column("claimed_at", bot.store.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("sent_at", bot.store.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=255), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_sends")),
        sa.UniqueConstraint("kind", "target", "week", name=op.f("uq_reminder_sends_kind_target_week")),
    )
    op.create_table(
        "action_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel_pk", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("owner_user_id", sa.String(length=32), nullable=False),
        sa.Column("priority", sa.String(length=2), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("wont_do_reason", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", bot.store.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", bot.store.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("reminders_seen", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["channel_pk"],
            ["channels.id"],
            name=op.f("fk_action_items_channel_pk_channels"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_items")),
    )
    with op.batch_alter_table("action_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_action_items_channel_pk"), ["channel_pk"], unique=False)
        batch_op.create_index(batch_op.f("ix_action_items_owner_user_id"), ["owner_user_id"], unique=False)
        batch_op.create_index("ix_action_items_status_due_on", ["status", "due_on"], unique=False)

    op.create_table(
        "action_item_redates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("from_on", sa.Date(), nullable=False),
        sa.Column("to_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("by_user_id", sa.String(length=32), nullable=False),
        sa.Column("at", bot.store.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["action_items.id"],
            name=op.f("fk_action_item_redates_item_id_action_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_item_redates")),
    )
    with op.batch_alter_table("action_item_redates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_action_item_redates_item_id"), ["item_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("action_item_redates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_item_redates_item_id"))

    op.drop_table("action_item_redates")
    with op.batch_alter_table("action_items", schema=None) as batch_op:
        batch_op.drop_index("ix_action_items_status_due_on")
        batch_op.drop_index(batch_op.f("ix_action_items_owner_user_id"))
        batch_op.drop_index(batch_op.f("ix_action_items_channel_pk"))

    op.drop_table("action_items")
    op.drop_table("reminder_sends")
