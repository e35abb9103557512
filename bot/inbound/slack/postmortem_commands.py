"""/postmortem start | set | lead | status | review | complete | export."""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain import postmortem as pmd
from bot.domain.errors import UserError
from bot.domain.slack_text import mrkdwn_escape, mrkdwn_unescape
from bot.inbound.slack.invocation import Invocation, Run, Subcommand
from bot.outbound.slack import SlackFailed
from bot.outbound.slack.ids import Sub
from bot.outbound.slack.render.action_items import open_items_lines
from bot.outbound.slack.render.postmortem import blameless_suggestion, status_lines
from bot.runtime import Runtime
from bot.services import exports, postmortem_thread, postmortems


def start(rt: Runtime, inv: Invocation) -> None:
    # Slack escapes &, < and > in a command's text: the title keeps what was typed, and every
    # renderer escapes it again, so a typed "<!channel>" is shown, never pinged.
    opened = postmortems.open_postmortem(
        rt, inv.slack, inv.incident, user_id=inv.user_id, title=mrkdwn_unescape(inv.args)
    )
    loaded = opened.loaded
    title = mrkdwn_escape(loaded.postmortem.title)
    link = mrkdwn_escape(_permalink(inv, loaded) or "")
    if opened.created:
        answer = f"Postmortem opened: *{title}*. You are its lead. {link}".strip()
    else:
        answer = f"This channel already has its postmortem: *{title}* {link}".strip()
    inv.reply("\n".join([answer, *thread_failures(opened.failed)]))


def _permalink(inv: Invocation, loaded: postmortem_thread.Loaded) -> str | None:
    """The thread's link, when there is a thread and Slack gives it (the answer goes out without)."""
    try:
        return postmortem_thread.permalink(inv.slack, loaded)
    except SlackFailed:
        return None


def thread_failures(failed: Sequence[postmortem_thread.Failure]) -> list[str]:
    """One line per part of the thread that could not be posted, for whoever started it."""
    return [
        f":warning: I could not post {f.what} (`{mrkdwn_escape(f.reason)}`); I will try again in a few "
        "minutes, or run `/postmortem start` again."
        for f in failed
    ]


def set_section(rt: Runtime, inv: Invocation) -> None:
    section, _, text = inv.args.partition(" ")
    if not section:
        raise UserError(pmd.set_usage())
    text = mrkdwn_unescape(text)  # as typed, like the title
    saved = postmortems.set_section(
        rt, inv.slack, inv.incident, user_id=inv.user_id, section_name=section, text=text
    )
    answer = f"Saved {pmd.SECTION_TITLES[saved.section].lower()}."
    if saved.review is not None:
        answer += "\n" + blameless_suggestion(saved.review)
    inv.reply(answer)


def lead(rt: Runtime, inv: Invocation) -> None:
    user = postmortems.set_lead(rt, inv.slack, inv.incident, user_id=inv.user_id, mention=inv.args)
    inv.reply(f"<@{user}> now leads this postmortem.")


def status(rt: Runtime, inv: Invocation) -> None:
    report = postmortems.status_report(rt, inv.slack, inv.incident, now=rt.clock())
    loaded = report.loaded
    lines = status_lines(
        loaded.postmortem, loaded.timeline, report.warnings, report.window, rt.settings.emoji_marks
    )
    inv.reply("\n".join([*lines, *open_items_lines(report.open_items, report.today)]))


def _move(to: pmd.Status) -> Run:
    def run(rt: Runtime, inv: Invocation) -> None:
        loaded = postmortems.move_status(rt, inv.slack, inv.incident, user_id=inv.user_id, to=to)
        inv.reply(f"*{mrkdwn_escape(loaded.postmortem.title)}* is now {pmd.STATUS_LABELS[to]}.")

    return run


def export(rt: Runtime, inv: Invocation) -> None:
    loaded = postmortems.load(rt, inv.incident, slack=inv.slack)
    inv.reply(exports.export_to_slack(rt, inv.slack, loaded))


SUBCOMMANDS = (
    Subcommand(
        Sub.START, "[title]", "open this incident's postmortem thread, pre-filled from the timeline", start
    ),
    Subcommand(
        Sub.SET,
        "<section> <text>",
        "fill in a section: " + ", ".join(s.value for s in pmd.Section),
        set_section,
    ),
    Subcommand(Sub.LEAD, "@someone", "who leads the postmortem", lead),
    Subcommand(Sub.STATUS, "", "phases, what is missing, hours left in the 48-hour window", status),
    Subcommand(Sub.REVIEW, "", "move the postmortem to In review", _move(pmd.Status.IN_REVIEW)),
    Subcommand(
        Sub.COMPLETE, "", "complete it (needs summary, impact and root cause)", _move(pmd.Status.COMPLETE)
    ),
    Subcommand(Sub.EXPORT, "", "upload the Markdown document to the thread (and the channel canvas)", export),
)
