"""Pictures of what people see: run a whole incident through the real bot, then screenshot each surface.

    .venv/bin/python tools/screenshots.py [--out tools/screenshots]

The bot runs for real (HTTP, Bolt, a migrated SQLite file) against the Slack stand-in
(tests/slack_stub); the payments-outage incident of tests/inbound/payments_outage.py is watched,
its postmortem started and filled in, three action items added (one overdue), the weekly reminder
sweep run, App Home opened and both modals opened. What the bot sent Slack is then turned into HTML
(tools/blockkit_html.py) and screenshotted with headless Chromium (Debian's `chromium` package):
the parent message, the thread, the timeline, a reminder, an overdue DM, App Home, the Add action
item modal and the Edit modal. Open the PNGs and look.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))

from bot.config import Settings  # noqa: E402
from bot.services import reminders  # noqa: E402
from bot.store import migrate  # noqa: E402
from tests.conftest import BotUnderTest, FrozenClock, bot_env, serving_bot  # noqa: E402
from tests.factories import slack_for  # noqa: E402
from tests.inbound.payments_outage import ALICE, BOB, CHANNEL, NAME, ask, start_postmortem  # noqa: E402
from tests.slack_stub import SlackStub  # noqa: E402
from tools import blockkit_html as kit  # noqa: E402

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)


@contextmanager
def running_bot(folder: Path) -> Iterator[tuple[BotUnderTest, FrozenClock]]:
    url = f"sqlite:///{folder / 'screens.db'}"
    migrate.upgrade(url)
    clock = FrozenClock(datetime(2025, 3, 16, 1, 0, tzinfo=UTC))  # just after resolution
    with SlackStub(bot_token="xoxb-screens") as stub:
        stub.add_channel("C0POSTMORTEMS", "postmortems")
        settings = Settings.from_env(bot_env(url, stub, POSTMORTEM_CHANNEL="C0POSTMORTEMS"))
        with serving_bot(settings, stub, clock) as bot:
            yield bot, clock


def play(bot: BotUnderTest) -> None:
    start_postmortem(bot, "Payments outage: card declines after a config push")
    for text in (
        "set summary Card payments failed for 2h 14m after a config push set the payment-api pool to 5.",
        "set impact 31% of checkout attempts failed between 21:58 and 00:12 UTC; 312 customers wrote in.",
        "set root-cause A config change lowered the database pool size; nothing validated it before deploy.",
        "set factor process The pool size had no range check in the config schema.",
        "set factor alerting The error-rate alert paged 8 minutes after impact started.",
        "set went-well Rollback took 6 minutes once the change was found.",
        "set went-poorly Three people edited the status page at once.",
        "set lesson Config changes need the same review as code.",
        "set severity SEV2",
    ):
        ask(bot, text, "Saved")
    ask(bot, f"action <@{BOB}> 2025-03-16 P1 Add a range check for pool sizes to the config schema", "Added")
    ask(bot, f"action <@{ALICE}> 2025-03-28 P0 Page on the checkout error rate within 2 minutes", "Added")
    ask(bot, f"action <@{BOB}> 2025-04-04 P2 Write the runbook step for rolling back config", "Added")


def surfaces(bot: BotUnderTest, swept_after: int) -> list[tuple[str, str]]:
    """(file name, HTML) for each surface, from what the bot really sent the stand-in;
    `swept_after`: how many posts there were before the reminder sweep."""
    stub = bot.stub
    posted = [c.decoded for c in stub.calls_to("chat.postMessage") if c.ok]
    updates = [c.decoded for c in stub.calls_to("chat.update") if c.ok]
    parent_posts = [m for m in posted if "Postmortem: " in str(m.get("text"))]
    parent = updates[-1] if updates else parent_posts[0]
    out = [
        (
            "1-parent.png",
            kit.page(
                "The postmortem's parent message (as last updated)",
                kit.message(parent.get("blocks"), str(parent.get("text"))),
            ),
        )
    ]
    thread = [m for m in posted if m.get("thread_ts") and m.get("channel") == CHANNEL]
    out.append(
        (
            "2-thread.png",
            kit.page("Its thread", "".join(kit.message(m.get("blocks"), str(m.get("text"))) for m in thread)),
        )
    )
    reminder = [
        c.decoded
        for c in stub.calls_to("chat.postMessage")[swept_after:]
        if c.ok and c.decoded.get("channel") == CHANNEL and not c.decoded.get("thread_ts")
    ][:1]
    if reminder:
        out.append(
            (
                "4-reminder.png",
                kit.page(
                    "The weekly reminder in the channel",
                    kit.message(reminder[-1].get("blocks"), str(reminder[-1].get("text"))),
                ),
            )
        )
    dms = [m for m in posted if str(m.get("channel", "")).startswith("D")]
    if dms:
        out.append(
            (
                "5-overdue-dm.png",
                kit.page(
                    "An overdue owner's direct message",
                    kit.message(dms[-1].get("blocks"), str(dms[-1].get("text"))),
                ),
            )
        )
    homes = [c.decoded for c in stub.calls_to("views.publish") if c.ok]
    if homes:
        out.append(("6-app-home.png", kit.page("App Home", kit.home(homes[-1]["view"]))))
    for name, callback in (
        ("7-add-item-modal.png", "action_item.add_view"),
        ("8-edit-modal.png", "postmortem.edit_section_view"),
    ):
        views = [
            c.decoded["view"]
            for c in stub.calls_to("views.open")
            if c.ok and c.decoded["view"].get("callback_id") == callback
        ]
        if views:
            out.append((name, kit.page("A modal", kit.modal(views[-1]))))
    timeline = [
        m for m in posted if str(m.get("text", "")).startswith("Timeline of") and not m.get("thread_ts")
    ]
    if timeline:
        out.append(
            (
                "3-timeline.png",
                kit.page(
                    "/postmortem timeline",
                    kit.message(timeline[-1].get("blocks"), str(timeline[-1].get("text"))),
                ),
            )
        )
    return out


def open_the_rest(bot: BotUnderTest, clock: FrozenClock) -> int:
    """Sweep the reminders, open App Home, both modals and the timeline; the post count before the sweep."""
    clock.now = datetime(2025, 3, 17, 9, 30, tzinfo=UTC)  # Monday, after the reminder time: one item overdue
    before = len(bot.stub.calls_to("chat.postMessage"))
    reminders.sweep(bot.rt, slack_for(bot.rt))
    assert (
        bot.slack.event(
            {"type": "app_home_opened", "user": BOB, "tab": "home", "event_ts": "1742203800.1"}
        ).status
        == 200
    )
    for action_id, value in (("action_item.add", ""),):
        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": {"id": ALICE},
            "trigger_id": f"trigger.screens.{action_id}",
            "channel": {"id": CHANNEL, "name": NAME},
            "container": {"type": "message", "message_ts": "1", "channel_id": CHANNEL},
            "actions": [{"type": "button", "action_id": action_id, "block_id": "b", "value": value}],
            "response_url": bot.stub.response_url,
        }
        assert bot.slack.interaction(payload).status == 200
    edit = {
        "type": "block_actions",
        "user": {"id": ALICE},
        "trigger_id": "trigger.screens.edit",
        "channel": {"id": CHANNEL, "name": NAME},
        "container": {"type": "message", "message_ts": "1", "channel_id": CHANNEL},
        "actions": [
            {
                "type": "static_select",
                "action_id": "postmortem.edit_section",
                "block_id": "b",
                "selected_option": {
                    "value": "root-cause",
                    "text": {"type": "plain_text", "text": "Root cause"},
                },
            }
        ],
        "response_url": bot.stub.response_url,
    }
    assert bot.slack.interaction(edit).status == 200
    assert bot.slack.command("timeline", channel=CHANNEL, channel_name=NAME, user=ALICE).status == 200
    bot.idle()
    return before


def screenshot(html_text: str, png: Path, folder: Path) -> None:
    source = folder / (png.stem + ".html")
    source.write_text(html_text)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("Debian's chromium is needed: apt-get install chromium")
    subprocess.run(
        [
            chromium,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={folder / 'profile'}",
            f"--screenshot={png}",
            "--window-size=820,1600",
            source.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=ROOT / "tools" / "screenshots")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="screens-") as tmp:
        folder = Path(tmp)
        with running_bot(folder) as (bot, clock):
            play(bot)
            swept_after = open_the_rest(bot, clock)
            shots = surfaces(bot, swept_after)
        for name, page in shots:
            screenshot(page, args.out / name, folder)
            print(args.out / name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
