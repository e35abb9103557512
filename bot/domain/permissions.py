"""Who may do what: the one place the bot decides, and the words it refuses with.

- start a postmortem, fill in its sections, add action items: anyone in the incident channel;
- hand over the lead (`/postmortem lead @someone`): the lead; with no lead, whoever started it;
  when the bot opened it itself, anyone; workspace admins and owners always;
- move its status (`review`, `complete`): the same people as the lead handover;
- change an item (start, done, won't do, reopen, re-date): its owner or the postmortem's lead.

A refusal about an item in another channel than the one the request came from reads exactly like
"no such item" and names nobody: the item's existence, owner and lead stay in their channel.

Pure: the caller says who is asking and what the record holds; "is this person a workspace
admin?" is asked of Slack only when it could change the answer (`Permission.needs_admin`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.domain.errors import UserError


@dataclass(frozen=True)
class Permission:
    """The decision. Not `allowed`: `refusal` is what to tell the person; when `admin_may` is set,
    a workspace admin or owner may anyway."""

    allowed: bool
    refusal: str = ""
    admin_may: bool = False

    @property
    def needs_admin(self) -> bool:
        """Only an admin check can still allow it."""
        return not self.allowed and self.admin_may

    def enforce(self, *, is_admin: bool = False) -> None:
        """Raise the refusal (UserError) unless allowed (or allowed to an admin who is one)."""
        if self.allowed or (self.admin_may and is_admin):
            return
        raise UserError(self.refusal)


ALLOWED = Permission(True)


class Decide(Protocol):
    """The shape of the postmortem-wide decisions (lead handover, status move)."""

    def __call__(self, actor_id: str, *, lead_id: str | None, started_by: str | None) -> Permission: ...


def no_such_item(item_id: int) -> str:
    return f"There is no action item #{item_id}. `/postmortem actions` lists this channel's."


def _lead_decides(actor_id: str, lead_id: str | None, started_by: str | None, what: str) -> Permission:
    if lead_id is not None:
        if actor_id == lead_id:
            return ALLOWED
        return Permission(False, f"Only the postmortem's lead, <@{lead_id}>, {what}.", admin_may=True)
    if started_by is not None:
        if actor_id == started_by:
            return ALLOWED
        return Permission(
            False,
            f"This postmortem has no lead yet: only <@{started_by}>, who started it, {what}.",
            admin_may=True,
        )
    return ALLOWED  # the bot opened it itself: anyone may take it on


def lead_handover(actor_id: str, *, lead_id: str | None, started_by: str | None) -> Permission:
    """`/postmortem lead @someone`."""
    return _lead_decides(actor_id, lead_id, started_by, "can hand over the lead (or a workspace admin)")


def status_move(actor_id: str, *, lead_id: str | None, started_by: str | None) -> Permission:
    """`/postmortem review`, `/postmortem complete`."""
    return _lead_decides(actor_id, lead_id, started_by, "can move its status (or a workspace admin)")


def item_change(
    actor_id: str,
    *,
    item_id: int,
    owner_id: str,
    lead_id: str | None,
    item_channel: str,
    asked_in: str | None,
) -> Permission:
    """Start, finish, abandon, reopen or re-date an item. `asked_in`: the channel the request came
    from (None from App Home or a direct message)."""
    if actor_id == owner_id or (lead_id is not None and actor_id == lead_id):
        return ALLOWED
    if asked_in != item_channel:
        return Permission(False, no_such_item(item_id))
    if lead_id is None:
        return Permission(
            False,
            f"Only the owner, <@{owner_id}>, can change this item (the postmortem has no lead yet). "
            "Ask them, or ask them to hand it over.",
        )
    return Permission(
        False, f"Only the owner, <@{owner_id}>, or the postmortem's lead, <@{lead_id}>, can change this item."
    )
