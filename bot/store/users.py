"""The Slack user cache: a name to show and the time zone each person types in."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.domain.timeline import UserInfo
from bot.store.db import insert_or_ignore
from bot.store.models import SlackUser


def upsert(
    session: Session, team_id: str, user_id: str, info: UserInfo, *, is_bot: bool, now: datetime
) -> None:
    values = {
        "team_id": team_id,
        "user_id": user_id,
        "display_name": info.display_name,
        "tz": info.tz,
        "is_bot": is_bot,
        "fetched_at": now,
    }
    if not insert_or_ignore(session, SlackUser, values, ["team_id", "user_id"]):
        session.execute(
            update(SlackUser)
            .where(SlackUser.team_id == team_id, SlackUser.user_id == user_id)
            .values(display_name=info.display_name, tz=info.tz, is_bot=is_bot, fetched_at=now)
        )


def known(session: Session, team_id: str) -> dict[str, UserInfo]:
    """Every cached user of the workspace: user id → name and time zone."""
    rows = session.execute(
        select(SlackUser.user_id, SlackUser.display_name, SlackUser.tz).where(SlackUser.team_id == team_id)
    )
    return {user_id: UserInfo(display_name=name, tz=tz) for user_id, name, tz in rows}
