"""Tracker webhooks: verify a delivery with the tracker's own scheme, then read it into a TicketChange.

Pure functions over the request's headers and raw body, one module per tracker (github, gitlab, jira,
linear), each with `verify(headers, body, secret, …)`, `parse(headers, body)` and `receive` (both). The
route (`POST /trackers/<kind>`) answers WebhookRefused with 401, WebhookMalformed with 400, and a
Delivery whose `change` is None (a ping, an event about something else) with 200 and does nothing.
`Delivery.id` is the tracker's delivery id, to drop a redelivery already seen.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.tickets import TicketChange, TrackerKind

__all__ = ["Delivery", "WebhookMalformed", "WebhookRefused"]


class WebhookRefused(Exception):
    """The delivery is not from the tracker: no or a wrong signature or token, or too old. Answer 401."""


class WebhookMalformed(Exception):
    """Signed, but not a delivery this bot can read. Answer 400."""


@dataclass(frozen=True)
class Delivery:
    kind: TrackerKind
    id: str | None
    change: TicketChange | None  # None: nothing about a ticket's state, due date or assignee
