"""Links to Slack messages, built from the workspace's URL: no API call per message.

The shape is Slack's own, as chat.getPermalink answers it:
`https://acme.slack.com/archives/C123/p1742076351000200`, the message's ts without its dot; a thread
reply adds `?thread_ts=<its parent's ts>&cid=<channel id>`.
The workspace URL is what auth.test answers as `url` (`https://acme.slack.com/`). Pure.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# DNS labels, at least two: acme.slack.com, acme.enterprise.slack.com.
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_HOST = re.compile(rf"(?=.{{1,253}}$)(?:{_LABEL}\.)+[a-z](?:[a-z0-9-]{{0,61}}[a-z0-9])?")
_CHANNEL_ID = re.compile(r"[CGD][A-Z0-9]+")  # public, private (G…) and direct conversations
_TS = re.compile(r"([0-9]{1,11})\.([0-9]{1,6})")
_EXAMPLE = "https://acme.slack.com/"


def workspace_url(text: str) -> str:
    """A workspace's URL as `https://acme.slack.com/`, from that or from `acme.slack.com`, with or
    without the trailing slash. Raises ValueError saying what is wrong with anything else."""
    given = text.strip()
    parts = urlsplit(given if "://" in given else "https://" + given)
    shown = f"{text!r} is not a Slack workspace URL like {_EXAMPLE}"
    if parts.scheme.lower() != "https":
        raise ValueError(f"{shown}: it must be https.")
    try:
        port = parts.port
    except ValueError:
        port = -1
    host = (parts.hostname or "").lower()
    if not parts.netloc:
        raise ValueError(f"{shown}: it names no host.")
    if parts.username is not None or port is not None or not _HOST.fullmatch(host):
        raise ValueError(f"{shown}: {parts.netloc!r} is not a host name.")
    if parts.path not in ("", "/") or parts.query or parts.fragment or given.endswith(("?", "#")):
        raise ValueError(f"{shown}: it is the address of the workspace alone, without a path.")
    return f"https://{host}/"


def can_link(channel_id: str | None) -> bool:
    """Whether messages of `channel_id` can be linked: a Slack conversation id (C…, G…, D…), not a
    name standing in for one (an export without channel ids)."""
    return channel_id is not None and _CHANNEL_ID.fullmatch(channel_id) is not None


def permalink(base: str, channel_id: str, ts: str, thread_ts: str | None = None) -> str:
    """The message's link. `base` is a `workspace_url`; a reply (`thread_ts` set and not its own ts)
    links into its thread. A ts with fewer than 6 decimals is read as Slack writes it, padded.
    Raises ValueError on a malformed ts."""
    match = _TS.fullmatch(ts)
    if match is None:
        raise ValueError(f"{ts!r} is not a Slack ts like '1718000000.123456'")
    link = f"{base}archives/{channel_id}/p{match.group(1)}{match.group(2).ljust(6, '0')}"
    if thread_ts and thread_ts != ts and _TS.fullmatch(thread_ts):
        link += f"?thread_ts={thread_ts}&cid={channel_id}"
    return link
