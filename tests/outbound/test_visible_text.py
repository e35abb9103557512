"""bot.outbound.slack.visible_text: what a Slack message shows, from every shape it arrives in —
`text`, Block Kit `blocks`, legacy `attachments` — in display order, in Slack's wire format.

The payloads are shaped like what monitoring apps, workflows and the composer post (names, ids and
texts invented); they go through `message_from_slack` and the timeline too, as a captured message
does, so a mention, a link, a date token or a stated time inside a block reads like one in `text`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.messages import MessageEdited, NewMessage
from bot.domain.timeline import Mark, UserInfo, build_timeline, readable_text
from bot.inbound.slack.payloads import message_change
from bot.outbound.slack.payloads import message_from_slack
from bot.outbound.slack.visible_text import _key  # the words-in-order comparison it documents

TS = "1754990100.000100"  # 2025-08-12 09:15:00 UTC
USERS = {"U0VERA": UserInfo("vera", "UTC"), "W0WREN": UserInfo("wren", "America/New_York")}
CHANNELS = {"C0DB": "db-ops"}


def shown(raw: dict[str, Any]) -> str:
    """The record's text as the timeline shows it."""
    return readable_text(message_from_slack({"ts": TS, **raw}).text, USERS, CHANNELS)


def mrkdwn(text: str) -> dict[str, str]:
    return {"type": "mrkdwn", "text": text}


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


def rich(*elements: dict[str, Any]) -> dict[str, Any]:
    return {"type": "rich_text", "block_id": "r", "elements": list(elements)}


def section(*elements: dict[str, Any]) -> dict[str, Any]:
    return {"type": "rich_text_section", "elements": list(elements)}


def t(text: str, **style: bool) -> dict[str, Any]:
    return {"type": "text", "text": text, **({"style": style} if style else {})}


# --- monitoring apps -----------------------------------------------------------------------------------

GRAFANA = {  # unified alerting's Slack contact point: one attachment, empty text
    "type": "message",
    "subtype": "bot_message",
    "bot_id": "B0GRAF",
    "username": "Grafana",
    "text": "",
    "attachments": [
        {
            "id": 1,
            "color": "D63232",
            "fallback": "[FIRING:1] HighErrorRate api (prod)",
            "title": "[FIRING:1] HighErrorRate api (prod)",
            "title_link": "https://grafana.example/alerting/list",
            "text": "**Firing**\n\nValue: B=0.22\nLabels:\n - alertname = HighErrorRate\n"
            " - service = api\nAnnotations:\n - summary = 5xx ratio above 5% since 14:02 UTC\n",
            "footer": "Grafana v10.4.1",
            "footer_icon": "https://grafana.com/static/assets/img/fav32.png",
            "ts": 1754990100,
            "mrkdwn_in": ["pretext"],
        }
    ],
}

ALERTMANAGER = {  # the default Slack receiver template: title, text, fallback, a button
    "subtype": "bot_message",
    "bot_id": "B0AM",
    "username": "alertmanager",
    "text": "",
    "attachments": [
        {
            "title": "[FIRING:2] KubePodCrashLooping (payments)",
            "title_link": "https://alertmanager.example/#/alerts?receiver=slack",
            "text": "*Alert:* Pod payments-api-7f9 is crash looping - `critical`\n"
            "*Description:* restarted 6 times in 10 minutes\n*Alert:* Pod payments-worker-2 is crash looping",
            "fallback": "[FIRING:2] KubePodCrashLooping (payments) | https://alertmanager.example/",
            "color": "danger",
            "mrkdwn_in": ["fallback", "pretext", "text"],
            "actions": [
                {"type": "button", "text": "Runbook :green_book:", "url": "https://runbooks.example/k"}
            ],
        }
    ],
}

DATADOG = {  # the legacy integration: title, text, short fields (one holds a date token)
    "subtype": "bot_message",
    "bot_id": "B0DD",
    "username": "Datadog",
    "text": "",
    "attachments": [
        {
            "fallback": "Triggered: [P1] CPU high on db-7",
            "pretext": "Monitor alert for <#C0DB|db-ops>",
            "title": "Triggered: [P1] CPU high on db-7",
            "title_link": "https://app.datadoghq.com/monitors/123",
            "text": "CPU above 95% for 5 min\n<https://app.datadoghq.com/monitors/123|Monitor status>",
            "color": "#e01e5a",
            "fields": [
                {"title": "Metric", "value": "system.cpu.user", "short": True},
                {
                    "title": "Started",
                    "value": "<!date^1754989800^{date_short_pretty} at {time}|Aug 12 09:10 UTC>",
                    "short": True,
                },
            ],
            "footer": "Datadog",
        }
    ],
}

OPSGENIE = {  # the Opsgenie app: a summary text, an attachment with fields and buttons
    "subtype": "bot_message",
    "bot_id": "B0OG",
    "username": "Opsgenie",
    "text": "New alert: #4711 DiskFull db-7",
    "attachments": [
        {
            "fallback": "New alert: #4711 DiskFull db-7",
            "title": "#4711: DiskFull db-7",
            "title_link": "https://acme.app.opsgenie.com/alert/detail/4711",
            "text": "Disk usage 97% on /var/lib/postgresql",
            "fields": [
                {"title": "Priority", "value": "P1", "short": True},
                {"title": "Routed Teams", "value": "dba", "short": True},
                {"title": "Tags", "value": "", "short": True},
            ],
            "actions": [{"name": "ack", "text": "Ack", "type": "button"}],
            "color": "#D00000",
        }
    ],
}

PAGERDUTY = {  # the PagerDuty app: a summary text, sections, context, fields and buttons
    "bot_id": "B0PD",
    "app_id": "A0PD",
    "user": "U0PDBOT",
    "bot_profile": {"name": "PagerDuty"},
    "text": "[#1234] DiskFull on db-7",
    "blocks": [
        {
            "type": "section",
            "text": mrkdwn("*<https://acme.pagerduty.com/incidents/Q1|[#1234] DiskFull on db-7>*"),
        },
        {
            "type": "context",
            "elements": [
                {"type": "image", "image_url": "https://pd.example/i.png", "alt_text": "PagerDuty"},
                mrkdwn("Triggered · Service: *Database* · Urgency: High"),
            ],
        },
        {"type": "section", "fields": [mrkdwn("*Assigned:*\n<@U0VERA>"), mrkdwn("*Priority:*\nP1")]},
        {"type": "divider"},
        {
            "type": "actions",
            "elements": [{"type": "button", "text": plain("Acknowledge"), "action_id": "ack"}],
        },
    ],
}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(
            GRAFANA,
            "[FIRING:1] HighErrorRate api (prod)\n**Firing**\nValue: B=0.22\nLabels:\n"
            " - alertname = HighErrorRate\n - service = api\nAnnotations:\n"
            " - summary = 5xx ratio above 5% since 14:02 UTC",
            id="grafana",
        ),
        pytest.param(
            ALERTMANAGER,
            "[FIRING:2] KubePodCrashLooping (payments)\n*Alert:* Pod payments-api-7f9 is crash looping - "
            "`critical`\n*Description:* restarted 6 times in 10 minutes\n"
            "*Alert:* Pod payments-worker-2 is crash looping",
            id="alertmanager",
        ),
        pytest.param(
            DATADOG,
            "Monitor alert for #db-ops\nTriggered: [P1] CPU high on db-7\nCPU above 95% for 5 min\n"
            "Monitor status (https://app.datadoghq.com/monitors/123)\nMetric: system.cpu.user\n"
            "Started: Aug 12 09:10 UTC",
            id="datadog",
        ),
        pytest.param(
            OPSGENIE,
            "New alert: #4711 DiskFull db-7\nDisk usage 97% on /var/lib/postgresql\nPriority: P1\n"
            "Routed Teams: dba\nTags",
            id="opsgenie: a summary text stays first; a title it already says is not repeated",
        ),
        pytest.param(
            PAGERDUTY,
            "*[#1234] DiskFull on db-7 (https://acme.pagerduty.com/incidents/Q1)*\n"
            "Triggered · Service: *Database* · Urgency: High\n*Assigned:*\n@vera\n*Priority:*\nP1",
            id="pagerduty: a summary text the blocks hold is not said twice",
        ),
    ],
)
def test_monitoring_apps(raw: dict[str, Any], expected: str) -> None:
    assert shown(raw) == expected


def test_the_fallback_is_read_only_when_an_attachment_shows_nothing_else() -> None:
    assert (
        shown({"attachments": [{"fallback": "Deploy 4812 finished", "color": "good"}]})
        == "Deploy 4812 finished"
    )
    assert shown({"attachments": [{"fallback": "summary", "title": "Deploy 4812 finished"}]}) == (
        "Deploy 4812 finished"
    )


def test_an_attachment_repeating_the_text_adds_nothing() -> None:
    raw = {
        "text": "DiskFull on db-7",
        "attachments": [{"fallback": "DiskFull on db-7", "text": "DiskFull on db-7"}],
    }
    assert shown(raw) == "DiskFull on db-7"


def test_text_above_attachments_stays_first() -> None:
    raw = {
        "text": "<!here> new incident",
        "attachments": [{"pretext": "Declared by <@U0VERA>", "title": "INC-88 checkout errors"}],
    }
    assert shown(raw) == "@here new incident\nDeclared by @vera\nINC-88 checkout errors"


def test_link_previews_are_not_content_but_shared_messages_are() -> None:
    preview = {
        "from_url": "https://status.example.com/",
        "original_url": "https://status.example.com/",
        "service_name": "Example Status",
        "title": "All Systems Operational",
        "text": "Status page",
    }
    assert shown({"text": "see <https://status.example.com/>", "attachments": [preview]}) == (
        "see https://status.example.com/"
    )
    app_unfurl = {"is_app_unfurl": True, "app_unfurl_url": "https://jira.example/PROJ-1", "title": "PROJ-1"}
    assert shown({"text": "tracking in PROJ-1", "attachments": [app_unfurl]}) == "tracking in PROJ-1"
    forwarded = {
        "is_share": True,
        "is_msg_unfurl": True,
        "from_url": "https://acme.slack.com/archives/C0DB/p1754990000000100",
        "fallback": "[August 12th, 2025 9:13 AM] vera: replica lag 40s",
        "text": "replica lag 40s",
        "author_id": "U0VERA",
        "message_blocks": [
            {
                "team": "T0",
                "channel": "C0DB",
                "ts": "1754990000.000100",
                "message": {"blocks": [rich(section(t("replica lag 40s")))]},
            }
        ],
    }
    assert shown({"text": "this first", "attachments": [forwarded]}) == "this first\nreplica lag 40s"


# --- blocks --------------------------------------------------------------------------------------------


def test_header_section_fields_context_in_display_order() -> None:
    raw = {
        "text": "",
        "blocks": [
            {"type": "header", "text": plain("Incident declared: checkout 5xx")},
            {
                "type": "section",
                "text": mrkdwn("*Severity:* SEV2"),
                "accessory": {"type": "button", "text": plain("Open")},
            },
            {"type": "section", "fields": [mrkdwn("*Commander*\n<@U0VERA>"), plain("Channel: a < b & c")]},
            {"type": "context", "elements": [mrkdwn("Declared via"), plain("Incident workflow")]},
            {
                "type": "image",
                "image_url": "https://x.example/g.png",
                "alt_text": "graph",
                "title": plain("p99 latency"),
            },
            {"type": "input", "label": plain("Notes"), "element": {"type": "plain_text_input"}},
        ],
    }
    assert shown(raw) == (
        "Incident declared: checkout 5xx\n*Severity:* SEV2\n*Commander*\n@vera\nChannel: a < b & c\n"
        "Declared via Incident workflow\np99 latency"
    )


def test_markdown_and_table_blocks() -> None:
    raw = {
        "blocks": [
            {"type": "markdown", "text": "**Impact**: checkout < 50% for [EU](https://status.example)"},
            {
                "type": "table",
                "rows": [
                    [{"type": "raw_text", "text": "Region"}, {"type": "raw_text", "text": "Error rate"}],
                    [{"type": "raw_text", "text": "eu-west-1"}, rich(section(t("22%", bold=True)))],
                ],
            },
        ]
    }
    assert shown(raw) == (
        "**Impact**: checkout < 50% for [EU](https://status.example)\nRegion | Error rate\neu-west-1 | 22%"
    )


def test_rich_text_elements_become_slack_tokens() -> None:
    raw = {
        "text": "",
        "blocks": [
            rich(
                section(
                    t("paging "),
                    {"type": "usergroup", "usergroup_id": "S0DBA"},
                    t(" and "),
                    {"type": "user", "user_id": "W0WREN"},
                    t(" in "),
                    {"type": "channel", "channel_id": "C0DB"},
                    t(": "),
                    {"type": "broadcast", "range": "here"},
                    t(" "),
                    {"type": "emoji", "name": "fire", "unicode": "1f525"},
                    t(" see "),
                    {"type": "link", "url": "https://grafana.example/d/1?a=1&b=2", "text": "the graph"},
                    t(" & "),
                    {"type": "link", "url": "https://x.example"},
                    t(", since "),
                    {"type": "date", "timestamp": 1754989920, "format": "{time}", "fallback": "09:12 UTC"},
                    t(" "),
                    {"type": "color", "value": "#FF0000"},
                )
            )
        ],
    }
    record = message_from_slack({"ts": TS, **raw})
    assert record.text == (
        "paging <!subteam^S0DBA> and <@W0WREN> in <#C0DB>: <!here> :fire: see "
        "<https://grafana.example/d/1?a=1&amp;b=2|the graph> &amp; <https://x.example>, since "
        "<!date^1754989920^{time}|09:12 UTC> #FF0000"
    )
    assert readable_text(record.text, USERS, CHANNELS) == (
        "paging @group and @wren in #db-ops: @here :fire: see the graph (https://grafana.example/d/1?a=1&b=2)"
        " & https://x.example, since 09:12 UTC #FF0000"
    )


def test_rich_text_lists_quotes_and_preformatted_nest() -> None:
    raw = {
        "text": "",
        "blocks": [
            rich(
                section(t("Steps so far:\n")),
                {
                    "type": "rich_text_list",
                    "style": "ordered",
                    "indent": 0,
                    "elements": [
                        section(t("failed over to db-8")),
                        section(t("drained "), t("eu-west-1", code=True)),
                    ],
                },
                {
                    "type": "rich_text_list",
                    "style": "bullet",
                    "indent": 1,
                    "elements": [section(t("12 min"))],
                },
                {
                    "type": "rich_text_list",
                    "style": "ordered",
                    "indent": 0,
                    "offset": 2,
                    "elements": [section(t("rolled back"))],
                },
                {"type": "rich_text_quote", "elements": [t("customers see 502s\nsince 14:02")]},
                {
                    "type": "rich_text_preformatted",
                    "elements": [t("$ kubectl rollout undo deploy/api\n\nok")],
                },
            )
        ],
    }
    assert shown(raw) == (
        "Steps so far:\n1. failed over to db-8\n2. drained eu-west-1\n  \u2022 12 min\n3. rolled back\n"
        "> customers see 502s\n> since 14:02\n$ kubectl rollout undo deploy/api\nok"
    )


COMPOSER = {  # what the composer sends: Slack's own mrkdwn copy in `text`, the rich_text block beside it
    "type": "message",
    "user": "U0VERA",
    "client_msg_id": "5e1f…",
    "text": "*rolled back* <https://deploy.example/4812|4812>, cc <@W0WREN> <!subteam^S0DBA|@dba>\n"
    "\u2022 errors down\n\u2022 p99 normal\n&gt; all green",
    "blocks": [
        rich(
            section(
                t("rolled back", bold=True),
                t(" "),
                {"type": "link", "url": "https://deploy.example/4812", "text": "4812"},
                t(", cc "),
                {"type": "user", "user_id": "W0WREN"},
                t(" "),
                {"type": "usergroup", "usergroup_id": "S0DBA"},
                t("\n"),
            ),
            {
                "type": "rich_text_list",
                "style": "bullet",
                "elements": [section(t("errors down")), section(t("p99 normal"))],
            },
            {"type": "rich_text_quote", "elements": [t("all green")]},
        )
    ],
}


def test_a_composer_message_stays_its_own_text() -> None:
    assert message_from_slack({"ts": TS, **COMPOSER}).text == COMPOSER["text"]
    assert shown(COMPOSER) == (
        "*rolled back* 4812 (https://deploy.example/4812), cc @wren @dba\n"
        "\u2022 errors down\n\u2022 p99 normal\n> all green"
    )


def test_a_rich_text_only_message_reads_like_its_text() -> None:
    blocks_only = {**COMPOSER, "text": ""}
    assert shown(blocks_only) == (
        "rolled back 4812 (https://deploy.example/4812), cc @wren @group\n"
        "\u2022 errors down\n\u2022 p99 normal\n> all green"
    )


WORKFLOW = {  # a Workflow Builder step posting a form's answers
    "type": "message",
    "subtype": "bot_message",
    "bot_id": "B0WF",
    "bot_profile": {"name": "Declare an incident"},
    "text": "New incident declared",
    "blocks": [
        rich(
            section(
                t("New incident declared", bold=True),
                t("\nSummary: checkout 5xx\nReporter: "),
                {"type": "user", "user_id": "U0VERA"},
            ),
            section(t("\nStarted: around 14:02 UTC")),
        )
    ],
}


def test_a_workflow_post_reads_its_form() -> None:
    assert shown(WORKFLOW) == (
        "New incident declared\nSummary: checkout 5xx\nReporter: @vera\nStarted: around 14:02 UTC"
    )


@pytest.mark.parametrize(
    "raw",
    [
        {"text": None, "blocks": "nope", "attachments": {"x": 1}},
        {"blocks": [None, 3, {"type": "section"}, {"type": "section", "text": 5, "fields": "x"}]},
        {
            "blocks": [
                {"type": "rich_text", "elements": [{"type": "rich_text_list", "indent": "x", "offset": -4}]}
            ]
        },
        {"blocks": [{"type": "table", "rows": [["a", None], "row"]}, {"type": "header"}]},
        {"attachments": [None, {"fields": [None, {"title": 3}], "blocks": [{}]}]},
        {
            "blocks": [
                rich(section({"type": "date", "timestamp": "soon"}, {"type": "user"}, {"type": "mystery"}))
            ]
        },
    ],
)
def test_odd_shapes_are_tolerated(raw: dict[str, Any]) -> None:
    record = message_from_slack({"ts": TS, **raw})
    assert isinstance(record.text, str)


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                ["type", "text", "elements", "fields", "blocks", "title", "value", "url", "style", "indent"]
            ),
            children,
            max_size=4,
        )
    ),
    max_leaves=25,
)
BLOCK_TYPES = st.sampled_from(
    [
        "section",
        "header",
        "context",
        "rich_text",
        "rich_text_section",
        "rich_text_list",
        "markdown",
        "table",
        "text",
    ]
)


@settings(max_examples=200, deadline=None)
@given(
    text=st.one_of(st.none(), st.text(max_size=30)),
    blocks=st.lists(
        st.fixed_dictionaries({"type": BLOCK_TYPES}, optional={"text": JSONISH, "elements": JSONISH}),
        max_size=4,
    ),
    attachments=st.lists(
        st.dictionaries(st.sampled_from(["title", "text", "fallback", "fields", "blocks"]), JSONISH),
        max_size=3,
    ),
)
def test_any_json_gives_text_that_holds_what_text_said(
    text: object, blocks: object, attachments: object
) -> None:
    raw = {"ts": TS, "text": text, "blocks": blocks, "attachments": attachments}
    got = message_from_slack(raw).text
    assert isinstance(got, str)
    if isinstance(text, str):
        assert _key(text) in _key(got)  # nothing `text` says is lost, in its order
        assert message_from_slack({"ts": TS, "text": text}).text == text  # no blocks: exactly `text`


# --- through the timeline ---------------------------------------------------------------------------------


def test_a_time_stated_inside_blocks_places_a_marked_alert() -> None:
    alert = {
        **GRAFANA,
        "ts": "1755007800.000100",  # 14:10 UTC; the annotation says "since 14:02 UTC"
        "reactions": [{"name": "rotating_light", "users": ["U0VERA"]}],
    }
    (entry,) = build_timeline("inc", [message_from_slack(alert).captured()], USERS).entries
    assert (entry.at, entry.stated, entry.from_app) == (datetime(2025, 8, 12, 14, 2, tzinfo=UTC), True, True)
    assert entry.marks == (Mark.DETECTION,)


def test_a_date_token_inside_an_attachment_field_places_the_entry_at_its_epoch() -> None:
    alert = {
        **DATADOG,
        "ts": "1754990400.000100",
        "reactions": [{"name": "rotating_light", "users": ["U0VERA"]}],
    }
    (entry,) = build_timeline("inc", [message_from_slack(alert).captured()], USERS).entries
    assert entry.at == datetime(2025, 8, 12, 9, 10, tzinfo=UTC)
    assert entry.text.endswith("Started: Aug 12 09:10 UTC")


def test_a_date_element_in_rich_text_places_the_entry_too() -> None:
    raw = {
        "ts": "1754990400.000100",
        "user": "U0VERA",
        "text": "",
        "blocks": [
            rich(
                section(
                    t("impact began "),
                    {"type": "date", "timestamp": 1754989200, "format": "{date_short} {time}"},
                )
            )
        ],
        "reactions": [{"name": "boom", "users": ["U0VERA"]}],
    }
    (entry,) = build_timeline("inc", [message_from_slack(raw).captured()], USERS).entries
    assert (entry.at, entry.text) == (
        datetime(2025, 8, 12, 9, 0, tzinfo=UTC),
        "impact began 2025-08-12 09:00 UTC",
    )


def test_live_events_and_their_edits_read_blocks_too() -> None:
    """The Events API path (inbound/slack/payloads) parses with the same function."""
    posted = message_change({"type": "message", "channel": "C1", **PAGERDUTY, "ts": TS})
    assert posted is not None and isinstance(posted[1], NewMessage)
    assert posted[1].text.startswith("*<https://acme.pagerduty.com/incidents/Q1|[#1234] DiskFull on db-7>*")
    (attachment,) = GRAFANA["attachments"]
    edited_alert = {**GRAFANA, "ts": TS, "attachments": [{**attachment, "title": "[RESOLVED] x"}]}
    edit = {"type": "message", "subtype": "message_changed", "channel": "C1", "message": edited_alert}
    changed = message_change(edit)
    assert changed is not None and isinstance(changed[1], MessageEdited)
    assert changed[1].message.text.startswith("[RESOLVED] x\n**Firing**")


@pytest.mark.parametrize(
    "blocks",
    [
        [{"type": "rich_text", "elements": [{"type": []}]}],  # found by Hypothesis: an unhashable type
        [{"type": {"a": 1}, "text": "x"}],
        [{"type": "rich_text", "elements": [{"type": "rich_text_list", "elements": [{"type": None}]}]}],
    ],
)
def test_a_type_that_is_not_a_string_is_ignored_not_a_crash(blocks: list[dict[str, object]]) -> None:
    assert message_from_slack({"ts": "1754990100.000100", "text": "kept", "blocks": blocks}).text == "kept"
