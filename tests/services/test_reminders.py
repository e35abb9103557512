"""The weekly reminder sweep against a real database and the Slack stand-in: exactly once, per spec."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.cli import main
from bot.domain import action_items as ai
from bot.outbound.slack import Slack
from bot.runtime import Runtime
from bot.scheduling import reminder_trigger
from bot.services import reminders, retries
from bot.store.models import ActionItem, Channel, Claim
from tests.conftest import FrozenClock
from tests.factories import make_channel, make_item, runtime_for, slack_for
from tests.harness import TEAM_ID
from tests.slack_stub import SlackStub

ALICE, BOB, CAROL = "U0ALICE", "U0BOB", "U0CAROL"
DB_CH, WEB_CH, QUIET_CH, PMS = "C0DB0001", "C0WEB001", "C0QUIET1", "C0PMS001"
MONDAY = datetime(2025, 3, 17, 9, 30, tzinfo=UTC)  # 30 minutes after Monday 09:00 UTC, week 2025-W12


@pytest.fixture
def world(database_url: str, slack_stub: SlackStub, clock: FrozenClock) -> Iterator[tuple[Runtime, Slack]]:
    clock.now = MONDAY
    for user in (ALICE, BOB, CAROL):
        slack_stub.add_user(user, user[2:].lower())
    for channel, name in (
        (DB_CH, "inc-db"),
        (WEB_CH, "inc-web"),
        (QUIET_CH, "inc-quiet"),
        (PMS, "postmortems"),
    ):
        slack_stub.add_channel(channel, name, members=[ALICE, BOB, CAROL, "UBOT"])
    rt = runtime_for(database_url, slack_stub, clock)
    try:
        yield rt, slack_for(rt)
    finally:
        rt.close()


def _channel(rt: Runtime, channel_id: str, name: str) -> int:
    return make_channel(rt, channel_id, name, watched=True).pk


def _item(
    rt: Runtime,
    pk: int,
    owner: str,
    due: date,
    text: str,
    *,
    priority: ai.Priority = ai.Priority.P2,
    status: ai.ItemStatus = ai.ItemStatus.OPEN,
) -> int:
    done_on = date(2025, 3, 10) if status is ai.ItemStatus.DONE else None
    return make_item(
        rt,
        pk,
        owner=owner,
        due=due,
        text=text,
        priority=priority,
        status=status,
        done_on=done_on,
        created_by=ALICE,
    )


def _seed(rt: Runtime) -> dict[str, int]:
    db, web, quiet = (
        _channel(rt, DB_CH, "inc-db"),
        _channel(rt, WEB_CH, "inc-web"),
        _channel(rt, QUIET_CH, "inc-quiet"),
    )
    _item(
        rt, db, BOB, date(2025, 3, 14), "Add config schema validation", priority=ai.Priority.P1
    )  # 3 days overdue
    _item(rt, db, ALICE, date(2025, 3, 30), "Document pool size limits", priority=ai.Priority.P3)
    _item(rt, db, CAROL, date(2025, 3, 20), "Page on-call by phone for P0 alerts", priority=ai.Priority.P0)
    _item(rt, web, BOB, date(2025, 3, 16), "Roll back automatically on failed health checks")  # 1 day overdue
    _item(rt, quiet, ALICE, date(2025, 3, 10), "Add the staging gate", status=ai.ItemStatus.DONE)
    return {"db": db, "web": web, "quiet": quiet}


def _posts(stub: SlackStub, channel: str) -> list[dict[str, Any]]:
    return [c.decoded for c in stub.calls_to("chat.postMessage") if c.decoded.get("channel") == channel]


def _sends(rt: Runtime) -> list[tuple[str, str, str, bool]]:
    """(kind, target, week, sent) of every weekly reminder claim, oldest first."""
    with rt.transaction() as session:
        rows = session.scalars(select(Claim).where(Claim.kind.like("reminder.%")).order_by(Claim.id))
        return [(c.kind.removeprefix("reminder."), c.subject, c.period, c.done_at is not None) for c in rows]


def test_one_message_per_channel_with_open_items_and_one_dm_per_owner_with_overdue_ones(
    world: tuple[Runtime, Slack], slack_stub: SlackStub
) -> None:
    rt, slack = world
    _seed(rt)
    result = reminders.sweep(rt, slack)
    assert result.week == "2025-W12"
    assert len(_posts(slack_stub, DB_CH)) == 1
    assert len(_posts(slack_stub, WEB_CH)) == 1
    assert _posts(slack_stub, QUIET_CH) == []  # nothing open, nothing sent
    db_text = _posts(slack_stub, DB_CH)[0]["text"]
    # priority, then due date; overdue flagged with days; the figures last
    assert db_text.index("Page on-call") < db_text.index("config schema") < db_text.index("pool size")
    assert "3 days overdue" in db_text
    assert db_text.splitlines()[-1] == "Done on time: 0 · done late: 0 · open: 3"
    opened = [c.decoded for c in slack_stub.calls_to("conversations.open")]
    assert sorted(o["users"] for o in opened) == [BOB]  # only Bob has overdue items
    dm = _posts(slack_stub, "D" + BOB[1:])
    assert len(dm) == 1 and "config schema" in dm[0]["text"] and "Roll back" in dm[0]["text"]

    calls = len(slack_stub.calls)
    again = reminders.sweep(rt, slack)
    assert again.posted == [] and again.already_sent == 3
    assert len(slack_stub.calls) == calls  # sent ones are never posted again


def test_items_are_counted_once_a_week_and_flagged_rolling_over_at_the_third(
    world: tuple[Runtime, Slack], slack_stub: SlackStub, clock: FrozenClock
) -> None:
    rt, slack = world
    pk = _channel(rt, DB_CH, "inc-db")
    item_id = _item(rt, pk, ALICE, date(2025, 6, 1), "Add config schema validation")
    for week in range(3):
        reminders.sweep(rt, slack)
        reminders.sweep(rt, slack)  # a second run the same week counts nothing
        with rt.transaction() as session:
            assert session.get_one(ActionItem, item_id).reminders_seen == week + 1
        clock.advance(days=7)
    texts = [p["text"] for p in _posts(slack_stub, DB_CH)]
    assert len(texts) == 3
    assert "rolling over" not in texts[1] and "↻ rolling over (3 reminders)" in texts[2]


def test_a_restart_across_the_reminder_time_posts_the_missed_week_once_not_a_burst(
    world: tuple[Runtime, Slack], slack_stub: SlackStub, clock: FrozenClock
) -> None:
    rt, slack = world
    _seed(rt)
    clock.now = datetime(2025, 3, 16, 12, tzinfo=UTC)  # Sunday: last week's run, before any item existed
    reminders.sweep(rt, slack)
    assert {w for _, _, w, _ in _sends(rt)} == {"2025-W11"}
    # Down from Sunday until three weeks later, on a Wednesday: weeks 12 and 13 were missed.
    clock.now = datetime(2025, 4, 2, 15, tzinfo=UTC)
    reminders.sweep(rt, slack)
    reminders.sweep(rt, slack)  # as the catch-up and the cron job would both run it
    assert len(_posts(slack_stub, DB_CH)) == 2  # W11's and W14's, never W12's or W13's
    assert {w for _, _, w, _ in _sends(rt)} == {"2025-W11", "2025-W14"}


def test_a_failed_post_is_retried_later_and_never_doubled(
    world: tuple[Runtime, Slack], slack_stub: SlackStub, clock: FrozenClock
) -> None:
    rt, slack = world
    _seed(rt)
    slack_stub.fail("chat.postMessage", "internal_error", times=1)
    first = reminders.sweep(rt, slack)
    assert [(m.about, reason) for m, reason in first.failed] == [("#inc-db", "internal_error")]
    assert ("channel", str(1), "2025-W12", False) in _sends(rt)
    clock.advance(minutes=15)
    retry = reminders.sweep(rt, slack, only_pending=True)
    assert [m.about for m in retry.posted] == ["#inc-db"]
    assert reminders.sweep(rt, slack).posted == []
    assert len(_posts(slack_stub, DB_CH)) == 2  # the failed call and the retry: one message in Slack
    assert len(slack_stub.messages(DB_CH)) == 1
    with rt.transaction() as session:
        send = session.scalars(
            select(Claim).where(Claim.kind == "reminder.channel", Claim.subject == "1")
        ).one()
        assert send.attempts == 2 and send.done_at is not None


def test_a_429_waits_and_posts_once(world: tuple[Runtime, Slack], slack_stub: SlackStub) -> None:
    rt, slack = world
    _seed(rt)
    slack_stub.rate_limit("chat.postMessage", retry_after=1, times=1)
    result = reminders.sweep(rt, slack)
    assert result.failed == []
    assert len(slack_stub.messages(DB_CH)) == 1 and len(slack_stub.messages(WEB_CH)) == 1


def test_an_archived_channel_s_reminder_goes_to_the_postmortem_channel(
    database_url: str, world: tuple[Runtime, Slack], slack_stub: SlackStub, clock: FrozenClock
) -> None:
    rt, slack = world
    pks = _seed(rt)
    slack_stub.archive(WEB_CH)  # Slack knows; the bot missed the event and learns it from is_archived
    with_channel = runtime_for(database_url, slack_stub, clock, POSTMORTEM_CHANNEL=PMS)
    try:
        result = reminders.sweep(with_channel, slack)
    finally:
        with_channel.close()
    assert [m.about for m in result.posted if "web" in m.about] == ["#inc-web (archived) → C0PMS001"]
    assert len(slack_stub.messages(PMS)) == 1
    assert "inc-web, which is archived" in slack_stub.messages(PMS)[0]["text"]
    with rt.transaction() as session:
        assert session.get_one(Channel, pks["web"]).is_archived


def test_without_a_postmortem_channel_an_archived_channel_s_owners_get_it_by_dm(
    world: tuple[Runtime, Slack], slack_stub: SlackStub
) -> None:
    rt, slack = world
    _seed(rt)
    slack_stub.archive(DB_CH)
    from bot.services.channels import set_archived

    set_archived(rt, TEAM_ID, DB_CH, True)
    result = reminders.sweep(rt, slack)
    routed = sorted(m.about for m in result.posted if "inc-db" in m.about)
    assert routed == [f"#inc-db (archived) → DM <@{u}>" for u in sorted((ALICE, BOB, CAROL))]
    assert reminders.sweep(rt, slack).posted == []


def test_a_dry_run_prints_and_stores_nothing(
    world: tuple[Runtime, Slack],
    slack_stub: SlackStub,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rt, _ = world
    _seed(rt)
    result = reminders.sweep(rt, None, dry_run=True)
    assert len(result.posted) == 3
    monkeypatch.setenv("DATABASE_URL", rt.settings.database_url)
    monkeypatch.setenv("REMINDER_SCHEDULE", "mon 09:00")
    assert main(["remind", "--dry-run"]) == 0  # the wall clock, so only the output's shape is checked
    out = capsys.readouterr().out
    assert "would post" in out
    with rt.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Claim)) == 0
        assert session.scalar(select(func.sum(ActionItem.reminders_seen))) == 0
    assert slack_stub.calls_to("chat.postMessage") == []


def test_two_processes_racing_the_same_sweep_post_once(
    database_url: str, world: tuple[Runtime, Slack], slack_stub: SlackStub, clock: FrozenClock
) -> None:
    rt, _ = world
    _seed(rt)
    runtimes = [runtime_for(database_url, slack_stub, clock) for _ in range(2)]
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def run(process: Runtime) -> None:
        try:
            start.wait()
            reminders.sweep(process, slack_for(process))
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(r,)) for r in runtimes]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    for r in runtimes:
        r.close()
    assert errors == []
    assert len(slack_stub.messages(DB_CH)) == 1
    assert len(slack_stub.messages(WEB_CH)) == 1
    assert len(slack_stub.messages("D" + BOB[1:])) == 1
    with rt.transaction() as session:
        assert session.scalar(select(ActionItem.reminders_seen).where(ActionItem.id == 1)) == 1


def test_the_reminder_time_follows_daylight_saving_in_the_reminder_zone(
    database_url: str, world: tuple[Runtime, Slack], slack_stub: SlackStub, clock: FrozenClock
) -> None:
    _, slack = world
    berlin = runtime_for(database_url, slack_stub, clock, DEFAULT_TIMEZONE="Europe/Berlin")
    try:
        pk = _channel(berlin, DB_CH, "inc-db")
        clock.now = datetime(2026, 3, 23, 8, 0, tzinfo=UTC)  # Monday 09:00 CET
        _item(berlin, pk, ALICE, date(2026, 6, 1), "Add config schema validation")
        assert [m.about for m in reminders.sweep(berlin, slack).posted] == ["#inc-db"]
        clock.now = datetime(2026, 3, 30, 6, 59, tzinfo=UTC)  # 08:59 CEST: clocks went forward Sunday
        assert reminders.sweep(berlin, slack).posted == []
        clock.now = datetime(2026, 3, 30, 7, 0, tzinfo=UTC)  # 09:00 CEST, an hour earlier in UTC
        result = reminders.sweep(berlin, slack)
        assert result.week == "2026-W14" and [m.about for m in result.posted] == ["#inc-db"]
        trigger = reminder_trigger(berlin)
        fire = trigger.get_next_fire_time(None, datetime(2026, 3, 28, tzinfo=UTC))
        assert fire is not None and fire.astimezone(UTC) == datetime(2026, 3, 30, 7, 0, tzinfo=UTC)
        fire = trigger.get_next_fire_time(None, datetime(2026, 10, 24, tzinfo=UTC))
        assert fire is not None and fire.astimezone(UTC) == datetime(2026, 10, 26, 8, 0, tzinfo=UTC)
    finally:
        berlin.close()


def test_with_the_channel_and_the_postmortem_channel_both_archived_the_reroute_ends_and_the_rest_go_out(
    database_url: str,
    world: tuple[Runtime, Slack],
    slack_stub: SlackStub,
    clock: FrozenClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    rt, slack = world
    _seed(rt)
    slack_stub.archive(DB_CH)  # the bot missed the event: it learns it from is_archived
    slack_stub.archive(PMS)
    with_channel = runtime_for(database_url, slack_stub, clock, POSTMORTEM_CHANNEL=PMS)
    try:
        result = reminders.sweep(with_channel, slack)  # before: RecursionError, and nothing after it
        assert [(m.about, reason) for m, reason in result.failed] == [
            ("#inc-db (archived) → C0PMS001", "is_archived")
        ]
        assert sorted(m.about for m in result.posted) == ["#inc-web", f"DM <@{BOB}>"]
        assert len(slack_stub.messages(WEB_CH)) == 1 and len(slack_stub.messages("D" + BOB[1:])) == 1

        # Retried with backoff, not every 15 minutes for ever; after the third failure someone hears.
        tries = lambda: len(_posts(slack_stub, PMS))  # noqa: E731
        assert tries() == 1
        for _ in range(3):  # the retry job every 15 minutes: it tries at +15 and +30, then waits
            clock.advance(minutes=15)
            reminders.sweep(with_channel, slack, only_pending=True)
            retries.sweep(with_channel, slack)
        assert tries() == 3
        assert sum("there is nobody to tell" in r.getMessage() for r in caplog.records) == 1
        assert slack_stub.messages(DB_CH) == [] and slack_stub.messages(PMS) == []
    finally:
        with_channel.close()
