"""The messenger: every post, update, direct message, ephemeral, upload, canvas and view goes out here.

Services hand it a notice (what to say, bot/outbound/slack/notices.py); it renders the notice
(render/) and sends it. Its error policy is the same for every call: Slack's refusals and lost
connections leave as SlackFailed(method, reason), so a caller can release a claim, reroute or
tell a person, and never has to know slack_sdk. 429s are waited out by the client; a post whose
answer was lost is never sent again here (web.RetrySafeCalls). A post made under a claim carries
its `Tag` as message metadata on every message (tags.py), so it can be found again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient

from bot.domain.timeline import Mark
from bot.outbound.slack.errors import SlackFailed
from bot.outbound.slack.notices import Notice
from bot.outbound.slack.render import Message, render
from bot.outbound.slack.tags import Tag, metadata
from bot.outbound.slack.web import call, failures_as

CANVAS_EXISTS = "channel_canvas_already_exists"


@dataclass(frozen=True)
class Posted:
    """Where a message landed: its channel (a DM's is a D… id) and ts."""

    channel: str
    ts: str


def _content(message: Message, **where: str) -> dict[str, Any]:
    """A chat method's arguments: where it goes, its text and (when it has them) its blocks."""
    kwargs: dict[str, Any] = {**where, "text": message.text}
    if message.blocks is not None:
        kwargs["blocks"] = message.blocks
    return kwargs


class Messenger:
    """What the bot sends. One per Web API client; `emoji_marks` is shown wherever marks are explained."""

    def __init__(self, client: WebClient, emoji_marks: Mapping[str, Mark]) -> None:
        self._client = client
        self._marks = emoji_marks

    def post(
        self,
        channel: str,
        notice: Notice,
        *,
        thread_ts: str | None = None,
        broadcast: bool = False,
        tag: Tag | None = None,
        found: Sequence[Posted] = (),
    ) -> Posted:
        """Post the notice in `channel` (in the thread of `thread_ts`, if given). A notice that
        takes several messages continues in the thread of the first (or the same thread).
        `broadcast` also shows a thread reply in the channel. Returns the first message.

        `tag`: the claim it is posted under, carried by every message. `found`: its first messages,
        already in Slack from an earlier attempt; only the rest are posted."""
        messages = render(notice, self._marks)
        posted = found[0] if found else self._post(channel, messages[0], thread_ts, broadcast, tag, 0)
        for part in range(max(1, len(found)), len(messages)):
            self._post(posted.channel, messages[part], thread_ts or posted.ts, False, tag, part)
        return posted

    def _post(
        self,
        channel: str,
        message: Message,
        thread_ts: str | None,
        broadcast: bool,
        tag: Tag | None,
        part: int,
    ) -> Posted:
        kwargs = _content(message, channel=channel)
        if thread_ts:
            kwargs["thread_ts"] = thread_ts
            if broadcast:
                kwargs["reply_broadcast"] = True
        if tag is not None:
            kwargs["metadata"] = metadata(tag, part)
        answer = call("chat.postMessage", lambda: self._client.chat_postMessage(**kwargs))
        return Posted(str(answer["channel"]), str(answer["ts"]))

    def update(self, channel: str, ts: str, notice: Notice) -> None:
        """Replace the message at `ts` with the notice's (first) message."""
        kwargs = _content(render(notice, self._marks)[0], channel=channel, ts=ts)
        call("chat.update", lambda: self._client.chat_update(**kwargs))

    def dm(
        self, user_id: str, notice: Notice, *, tag: Tag | None = None, found: Sequence[Posted] = ()
    ) -> Posted:
        """A direct message from the bot (conversations.open, then post); `tag` and `found` as in post."""
        opened = call("conversations.open", lambda: self._client.conversations_open(users=user_id))
        return self.post(str(opened["channel"]["id"]), notice, tag=tag, found=found)

    def ephemeral(self, channel: str, user_id: str, notice: Notice) -> None:
        """Seen only by `user_id`, in `channel`."""
        kwargs = _content(render(notice, self._marks)[0], channel=channel, user=user_id)
        call("chat.postEphemeral", lambda: self._client.chat_postEphemeral(**kwargs))

    def upload(self, channel: str, thread_ts: str | None, *, content: str, filename: str, title: str) -> None:
        """A text file, shared in the channel (or the thread)."""
        call(
            "files.upload",
            lambda: self._client.files_upload_v2(
                channel=channel, thread_ts=thread_ts, content=content, filename=filename, title=title
            ),
        )

    def write_canvas(self, channel: str, markdown: str) -> None:
        """The channel canvas holds `markdown`: created, or replaced when the channel has one."""
        content = {"type": "markdown", "markdown": markdown}
        try:
            call(
                "conversations.canvases.create",
                lambda: self._client.conversations_canvases_create(
                    channel_id=channel, document_content=content
                ),
            )
            return
        except SlackFailed as error:
            if error.reason != CANVAS_EXISTS:
                raise
            info = call("conversations.info", lambda: self._client.conversations_info(channel=channel))
            properties = (info.get("channel") or {}).get("properties") or {}
            existing = (properties.get("canvas") or {}).get("file_id")
            if not existing:
                raise
        changes = [{"operation": "replace", "document_content": content}]
        call("canvases.edit", lambda: self._client.canvases_edit(canvas_id=existing, changes=changes))

    def open_modal(self, trigger_id: str, view: dict[str, Any]) -> None:
        call("views.open", lambda: self._client.views_open(trigger_id=trigger_id, view=view))

    def publish_home(self, user_id: str, view: dict[str, Any]) -> None:
        call("views.publish", lambda: self._client.views_publish(user_id=user_id, view=view))

    def join(self, channel: str) -> None:
        """Join a public channel (conversations.join)."""
        with failures_as("conversations.join"):
            self._client.conversations_join(channel=channel)


__all__ = ["Messenger", "Posted", "SlackFailed"]
