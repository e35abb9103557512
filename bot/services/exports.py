"""The postmortem as a Markdown document: uploaded to its thread, written to the channel canvas, or
written to files for a postmortem repository."""

from __future__ import annotations

import logging
import os
import tempfile
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
    Every file is written, or none: UserError, saying which path and why, when `out_dir` is not a
    folder that can be made or written to (nothing is left behind, not even a folder it made).
    """
    if problem := _unusable(out_dir):
        raise UserError(problem)
    with rt.transaction() as session:
        records = store.all_postmortems(session)
        channels = {r.channel_pk: channel_store.by_pk(session, r.channel_pk) for r in records}
    if channel_name is not None:
        wanted = channel_name.lstrip("#")
        records = [r for r in records if channels[r.channel_pk].name == wanted]
        if not records:
            raise UserError(f"No postmortem for a channel named {wanted!r}.")
    documents: dict[str, bytes] = {}
    for record in records:
        loaded = load(rt, channels[record.channel_pk])
        documents[document_md.export_filename(loaded.postmortem, loaded.timeline)] = document(
            rt, loaded
        ).encode()
    return write_all(out_dir, documents) if documents else []


def _unusable(out_dir: Path) -> str | None:
    """Why no file can be written into `out_dir` (made if missing), as far as can be told before
    trying: it, or the nearest of its parents that exists, is a file, or a folder not writable."""
    existing = next((p for p in (out_dir, *out_dir.parents) if p.exists()), None)
    if existing is None:
        return None
    if not existing.is_dir():
        which = "it is" if existing == out_dir else f"{existing} is"
        return f"Cannot export into {out_dir}: {which} a file, not a folder. Give --out a folder."
    if not os.access(existing, os.W_OK | os.X_OK):
        return f"Cannot export into {out_dir}: {existing} is not writable (permission denied)."
    return None


def write_all(out_dir: Path, documents: dict[str, bytes]) -> list[Path]:
    """Each document into `out_dir` under its name, all or none: each goes to a hidden temporary file
    beside its place first, and only once every one is written are they renamed into place
    (replacing a file of that name). The folder is made if missing. UserError when it cannot be."""
    if problem := _unusable(out_dir):
        raise UserError(problem)
    for name in documents:
        if (out_dir / name).is_dir():
            raise UserError(f"Cannot export {name} into {out_dir}: a folder of that name is in the way.")
    made = [folder for folder in (out_dir, *out_dir.parents) if not folder.exists()]
    written: list[tuple[Path, Path]] = []
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for name, data in documents.items():
            handle, made_at = tempfile.mkstemp(dir=out_dir, prefix=f".{name}.", suffix=".part")
            written.append((Path(made_at), out_dir / name))
            with os.fdopen(handle, "wb") as file:
                file.write(data)
        for part, path in written:
            os.replace(part, path)
    except OSError as error:
        for part, _ in written:
            part.unlink(missing_ok=True)
        for folder in made:  # deepest first; only the folders this export made, and only if empty
            try:
                folder.rmdir()
            except OSError:
                break
        reason = error.strerror or str(error)
        raise UserError(f"Cannot export into {out_dir}: {reason}. Nothing was written.") from error
    return [path for _, path in written]
