"""Processed Slack event ids and workspaces: claim-before-processing, safe across replicas; each
workspace's URL, once the bot has learnt it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from bot.store.db import insert_or_ignore
from bot.store.models import ProcessedEvent, Workspace


def claim_event(
    session: Session, *, event_id: str, team_id: str | None, event_type: str, now: datetime
) -> bool:
    """Record the event as processed. True if this call claimed it, False if it was claimed before."""
    values = {"event_id": event_id, "team_id": team_id, "event_type": event_type, "received_at": now}
    return insert_or_ignore(session, ProcessedEvent, values, ["event_id"])


def forget_events_before(session: Session, cutoff: datetime) -> int:
    """Slack retries for minutes, not days: old claims can go."""
    result = session.execute(delete(ProcessedEvent).where(ProcessedEvent.received_at < cutoff))
    return int(result.rowcount)  # type: ignore[attr-defined]


def ensure_workspace(session: Session, team_id: str, now: datetime) -> None:
    insert_or_ignore(session, Workspace, {"team_id": team_id, "created_at": now}, ["team_id"])


def workspace_url(session: Session, team_id: str) -> str | None:
    """The workspace's URL (`https://acme.slack.com/`) once the bot has learnt it; else None."""
    return session.scalar(select(Workspace.url).where(Workspace.team_id == team_id))


def set_workspace_url(session: Session, team_id: str, url: str, now: datetime) -> bool:
    """Keep the workspace's URL (the workspace is recorded if new). True when it changed."""
    ensure_workspace(session, team_id, now)
    result = session.execute(
        update(Workspace)
        .where(Workspace.team_id == team_id, or_(Workspace.url.is_(None), Workspace.url != url))
        .values(url=url)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
