"""The postmortem as a Markdown document: uploaded to its thread, written to the channel canvas, or
written to files for a postmortem repository."""

from __future__ import annotations

import logging
from pathlib import Path

from bot.domain import postmortem_document as document_md
from bot.domain.errors import UserError
from bot.outbound.slack import Slack, SlackFailed
from bot.runtime import Runtime
from bot.services import action_items
from bot.services.postmortem_thread import Loaded
from bot.services.postmortems import load
from bot.store import channels as channel_store
from bot.store import postmortems as store

logger = logging.getLogger(__name__)


def document(rt: Runtime, loaded: Loaded) -> str:
    rows = action_items.document_rows(rt, loaded.channel)
    return document_md.render_document(
        loaded.postmortem, loaded.timeline, rows, emoji_marks=rt.settings.emoji_marks
    )


def export_to_slack(rt: Runtime, slack: Slack, loaded: Loaded) -> str:
    """Upload the document to the thread; write it to the channel canvas where allowed.

    Returns a sentence for the person who asked, saying where it went.
    """
    markdown = document(rt, loaded)
    filename = document_md.export_filename(loaded.postmortem, loaded.timeline)
    channel = loaded.channel.channel_id
    slack.say.upload(
        channel, loaded.thread_ts, content=markdown, filename=filename, title=loaded.postmortem.title
    )
    try:
        slack.say.write_canvas(channel, markdown)
    except SlackFailed as error:
        logger.info("canvas refused in %s: %s", channel, error.reason)
        return (
            f"Uploaded `{filename}` to the postmortem thread. This workspace refused the channel canvas "
            f"({error.reason}), so the file in the thread is the document."
        )
    return f"Uploaded `{filename}` to the postmortem thread and wrote it to the channel canvas."


def export_files(rt: Runtime, out_dir: Path, channel_name: str | None = None) -> list[Path]:
    """One Markdown file per postmortem (or the named channel's), for a postmortem repository.

    Same record, same bytes: a re-export that changes nothing leaves git with nothing to commit.
    """
    with rt.transaction() as session:
        records = store.all_postmortems(session)
        channels = {r.channel_pk: channel_store.by_pk(session, r.channel_pk) for r in records}
    if channel_name is not None:
        wanted = channel_name.lstrip("#")
        records = [r for r in records if channels[r.channel_pk].name == wanted]
        if not records:
            raise UserError(f"No postmortem for a channel named {wanted!r}.")
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for record in records:
        loaded = load(rt, channels[record.channel_pk])
        path = out_dir / document_md.export_filename(loaded.postmortem, loaded.timeline)
        path.write_bytes(document(rt, loaded).encode())
        written.append(path)
    return written
