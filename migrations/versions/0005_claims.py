"""claims: one table for everything sent at most once

The channel announcement (channels.announced_at), the one-time channel notices (channel_notices),
the 48-hour escalation (postmortems.escalated_at) and the weekly reminder sends (reminder_sends)
become rows of `claims`, keyed (kind, subject, period). Every claim, sent or pending, is carried
over; the downgrade carries them back.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 23:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.store.db

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.String(length=64), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("claimed_at", bot.store.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("done_at", bot.store.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=255), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claims")),
        sa.UniqueConstraint("kind", "subject", "period", name=op.f("uq_claims_kind_subject_period")),
    )
    columns = "kind, subject, period, claimed_at, done_at, attempts, last_error"
    op.execute(
        f"INSERT INTO claims ({columns}) SELECT 'announcement', CAST(id AS VARCHAR(64)), '', "
        "announced_at, announced_at, 1, NULL FROM channels WHERE announced_at IS NOT NULL"
    )
    op.execute(
        f"INSERT INTO claims ({columns}) SELECT kind, CAST(channel_pk AS VARCHAR(64)), '', "
        "claimed_at, sent_at, 1, NULL FROM channel_notices"
    )
    op.execute(
        f"INSERT INTO claims ({columns}) SELECT 'escalation', CAST(id AS VARCHAR(64)), '', "
        "escalated_at, escalated_at, 1, NULL FROM postmortems WHERE escalated_at IS NOT NULL"
    )
    op.execute(
        f"INSERT INTO claims ({columns}) SELECT 'reminder.' || kind, target, week, "
        "claimed_at, sent_at, attempts, last_error FROM reminder_sends"
    )
    op.drop_table("reminder_sends")
    op.drop_table("channel_notices")
    with op.batch_alter_table("postmortems", schema=None) as batch_op:
        batch_op.drop_column("escalated_at")
    with op.batch_alter_table("channels", schema=None) as batch_op:
        batch_op.drop_column("announced_at")


def downgrade() -> None:
    with op.batch_alter_table("channels", schema=None) as batch_op:
        batch_op.add_column(sa.Column("announced_at", bot.store.db.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table("postmortems", schema=None) as batch_op:
        batch_op.add_column(sa.Column("escalated_at", bot.store.db.UTCDateTime(timezone=True), nullable=True))
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
    # A claim that is held or done goes back; one released after a failure was "no row" before.
    held = "(claimed_at IS NOT NULL OR done_at IS NOT NULL)"
    op.execute(
        "UPDATE channels SET announced_at = (SELECT COALESCE(done_at, claimed_at) FROM claims "
        f"WHERE kind = 'announcement' AND subject = CAST(channels.id AS VARCHAR(64)) AND {held})"
    )
    op.execute(
        "UPDATE postmortems SET escalated_at = (SELECT COALESCE(done_at, claimed_at) FROM claims "
        f"WHERE kind = 'escalation' AND subject = CAST(postmortems.id AS VARCHAR(64)) AND {held})"
    )
    op.execute(
        "INSERT INTO channel_notices (channel_pk, kind, claimed_at, sent_at) "
        "SELECT CAST(subject AS INTEGER), kind, COALESCE(claimed_at, done_at), done_at FROM claims "
        f"WHERE kind IN ('auto_open', 'ask_wanted') AND {held} "
        "AND CAST(subject AS INTEGER) IN (SELECT id FROM channels)"
    )
    op.execute(
        "INSERT INTO reminder_sends (kind, target, week, claimed_at, sent_at, attempts, last_error) "
        "SELECT substr(kind, 10), subject, period, claimed_at, done_at, attempts, last_error FROM claims "
        "WHERE kind IN ('reminder.channel', 'reminder.channel-dm', 'reminder.owner')"
    )
    op.drop_table("claims")
