"""Typed ORM models. Every schema change goes through an Alembic migration in migrations/."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, UniqueConstraint, false, true
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.db import Base, KeptString, KeptText, UTCDateTime


class Workspace(Base):
    """A Slack workspace (team) the bot has heard from."""

    __tablename__ = "workspaces"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # `https://acme.slack.com/`, as auth.test names it: messages' links are built from it.
    url: Mapped[str | None] = mapped_column(String(255))


class Channel(Base):
    """A Slack channel the bot knows; `watched` ones are incident channels."""

    __tablename__ = "channels"
    __table_args__ = (UniqueConstraint("team_id", "channel_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id", ondelete="CASCADE"))
    channel_id: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(KeptString(80))
    watched: Mapped[bool] = mapped_column(default=False)
    is_archived: Mapped[bool] = mapped_column(default=False)
    # A private channel: what it says never goes anywhere its members cannot see.
    is_private: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # "pattern" (its name matched INCIDENT_CHANNEL_PATTERN) or "command" (/postmortem watch).
    watch_source: Mapped[str | None] = mapped_column(String(16))
    # conversations.history cursor of a backfill under way, so an interrupted one resumes.
    backfill_cursor: Mapped[str | None] = mapped_column(String(255))
    backfilled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ProcessedEvent(Base):
    """An Events API delivery already handled: Slack's retries and other replicas skip it."""

    __tablename__ = "processed_events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    team_id: Mapped[str | None] = mapped_column(String(32))
    event_type: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class SlackUser(Base):
    """What the timeline needs of a Slack user: a name to show and the time zone they type in."""

    __tablename__ = "slack_users"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    display_name: Mapped[str] = mapped_column(KeptString(255))
    tz: Mapped[str | None] = mapped_column(String(64))
    is_bot: Mapped[bool] = mapped_column(default=False)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Message(Base):
    """One Slack message in a watched channel, keyed by (channel, ts). Deletes leave a tombstone."""

    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("channel_pk", "ts"),
        Index("ix_messages_channel_pk_thread_ts", "channel_pk", "thread_ts"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_pk: Mapped[int] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"))
    ts: Mapped[str] = mapped_column(String(32))
    thread_ts: Mapped[str | None] = mapped_column(String(32))
    user_id: Mapped[str | None] = mapped_column(String(32))
    author_name: Mapped[str | None] = mapped_column(KeptString(255))
    bot_id: Mapped[str | None] = mapped_column(String(32))
    subtype: Mapped[str | None] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(KeptText, default="")
    files: Mapped[list[Any]] = mapped_column(JSON, default=list)
    pinned: Mapped[bool] = mapped_column(default=False)
    reply_count: Mapped[int] = mapped_column(default=0)
    posted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    captured_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # "live" (Events API), "backfill" (conversations.history/replies) or "import" (a Slack export).
    source: Mapped[str] = mapped_column(String(16))
    # Known only by what happened to it (a delete or a reaction arrived first); its content comes
    # with the message itself. Not on any timeline until then.
    pending: Mapped[bool] = mapped_column(default=False, server_default=false())


class MessageRevision(Base):
    """The text a message had before an edit: nothing anyone wrote is lost."""

    __tablename__ = "message_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(KeptText)
    replaced_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Reaction(Base):
    """One person's emoji on one message; a mark lasts while any reaction of its emoji does.

    A removal is kept (`present` false) with the time Slack gave it, so an add and a remove that
    arrive out of order end as the later one says.
    """

    __tablename__ = "reactions"

    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    present: Mapped[bool] = mapped_column(default=True, server_default=true())
    # When Slack says it happened (the event's event_ts); None for what a history page showed.
    event_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Postmortem(Base):
    """One incident channel's postmortem and its thread in Slack."""

    __tablename__ = "postmortems"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_pk: Mapped[int] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"), unique=True)
    title: Mapped[str] = mapped_column(KeptString(200))
    # draft | in_review | action_items_in_progress | complete
    status: Mapped[str] = mapped_column(String(32))
    severity: Mapped[str | None] = mapped_column(String(8))
    lead_user_id: Mapped[str | None] = mapped_column(String(32))
    started_by: Mapped[str | None] = mapped_column(String(32))  # None when the bot opened it itself
    summary: Mapped[str] = mapped_column(KeptText, default="")
    impact: Mapped[str] = mapped_column(KeptText, default="")
    root_cause: Mapped[str] = mapped_column(KeptText, default="")
    root_cause_flagged: Mapped[bool] = mapped_column(default=False)
    # The thread: the parent message in the incident channel, and its section replies.
    thread_ts: Mapped[str | None] = mapped_column(String(32))
    reply_ts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    link_channel_id: Mapped[str | None] = mapped_column(String(32))
    link_ts: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PostmortemEntry(Base):
    """One item of a list section: a contributing factor, what went well or poorly, a lesson."""

    __tablename__ = "postmortem_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    postmortem_id: Mapped[int] = mapped_column(ForeignKey("postmortems.id", ondelete="CASCADE"), index=True)
    section: Mapped[str] = mapped_column(String(32))
    category: Mapped[str | None] = mapped_column(String(32))  # contributing factors only
    text: Mapped[str] = mapped_column(KeptText)
    author_user_id: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ActionItem(Base):
    """One action item: exactly one owner and a due date."""

    __tablename__ = "action_items"
    __table_args__ = (Index("ix_action_items_status_due_on", "status", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_pk: Mapped[int] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(KeptText)
    owner_user_id: Mapped[str] = mapped_column(String(32), index=True)
    priority: Mapped[str] = mapped_column(String(2))
    due_on: Mapped[date] = mapped_column(Date)
    # open | in_progress | done | wont_do
    status: Mapped[str] = mapped_column(String(16))
    wont_do_reason: Mapped[str | None] = mapped_column(KeptText)
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    done_on: Mapped[date | None] = mapped_column(Date)
    reminders_seen: Mapped[int] = mapped_column(default=0)


class ActionItemRedate(Base):
    """Every change of a due date, kept and counted."""

    __tablename__ = "action_item_redates"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("action_items.id", ondelete="CASCADE"), index=True)
    from_on: Mapped[date] = mapped_column(Date)
    to_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(KeptText)
    by_user_id: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class Claim(Base):
    """Something sent at most once, claimed before it is sent (bot/store/claims.py).

    (kind, subject, period) names it: kind is what is sent ("escalation", "reminder.owner"…),
    subject what it is about (a channel or postmortem id, a user id), period when it recurs (the
    ISO week of a weekly reminder; "" for one-offs). The unique key makes replicas agree on one row.
    `claimed_at` is a lease: a claim released after a failure, or one whose holder died, may be taken
    again; a done one never. Every message posted under a claim is tagged with it in Slack (message
    metadata), so an attempt that may have posted is found again rather than repeated.
    """

    __tablename__ = "claims"
    __table_args__ = (UniqueConstraint("kind", "subject", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(64))
    period: Mapped[str] = mapped_column(String(16))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(KeptString(255))
    # When the first attempt that may have posted unheard began (Slack's answer was lost, or its
    # holder died): from then on Slack is searched for the claim's tagged message before posting.
    unconfirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Backoff: after a failure, a sweep does not try again before this.
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
