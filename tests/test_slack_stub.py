"""The Slack Web API stand-in, driven only through the real slack_sdk WebClient."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.client import RemoteDisconnected
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from tests.slack_stub import FilePart, SlackStub, conformance_problems

SECTION = {"type": "section", "text": {"type": "mrkdwn", "text": "*Impact*"}}
MODAL = {"type": "modal", "title": {"type": "plain_text", "text": "New postmortem"}, "blocks": [SECTION]}


@pytest.fixture
def stub() -> Iterator[SlackStub]:
    with SlackStub() as s:
        s.add_user("U1", "alice", real_name="Alice Adams", display_name="ali", tz="America/New_York")
        s.add_user("U2", "bob")
        s.add_channel("C1", "incidents", members=["U1", "U2"])
        yield s


@pytest.fixture
def client(stub: SlackStub) -> WebClient:
    return WebClient(token=stub.bot_token, base_url=stub.url)


def slack_error(excinfo: pytest.ExceptionInfo[SlackApiError]) -> Any:
    return excinfo.value.response["error"]


# ---- messages -----------------------------------------------------------------------------


def test_posted_messages_read_back_newest_first(stub: SlackStub, client: WebClient) -> None:
    first = client.chat_postMessage(channel="C1", text="Incident declared")
    second = client.chat_postMessage(channel="#incidents", text="Mitigated", blocks=[SECTION])

    assert first["channel"] == "C1" and second["channel"] == "C1"
    assert float(second["ts"]) > float(first["ts"])
    assert second["message"]["user"] == "UBOT" and second["message"]["bot_id"] == "BBOT"
    history = client.conversations_history(channel="C1")
    assert [m["text"] for m in history["messages"]] == ["Mitigated", "Incident declared"]
    assert history["messages"][0]["blocks"] == [SECTION]
    assert history["has_more"] is False
    assert [m["ts"] for m in stub.messages("C1")] == [first["ts"], second["ts"]]


def test_history_of_450_messages_pages_in_three_calls_of_200(stub: SlackStub, client: WebClient) -> None:
    for i in range(450):
        stub.add_message("C1", ts=f"{1_700_000_000 + i}.000100", text=f"m{i}", user="U1")

    sizes, seen = [], []
    for page in client.conversations_history(channel="C1", limit=200):
        sizes.append(len(page["messages"]))
        seen.extend(m["ts"] for m in page["messages"])

    assert len(stub.calls_to("conversations.history")) == 3
    assert sizes == [200, 200, 50]
    assert len(set(seen)) == 450
    assert seen == sorted(seen, key=float, reverse=True)
    assert seen[0] == "1700000449.000100"


def test_history_honours_oldest_latest_and_inclusive(stub: SlackStub, client: WebClient) -> None:
    ts = [stub.add_message("C1", ts=f"170000000{i}.000000", text=str(i), user="U1") for i in range(5)]

    exclusive = client.conversations_history(channel="C1", oldest=ts[1], latest=ts[3])
    inclusive = client.conversations_history(channel="C1", oldest=ts[1], latest=ts[3], inclusive=True)

    assert [m["text"] for m in exclusive["messages"]] == ["2"]
    assert [m["text"] for m in inclusive["messages"]] == ["3", "2", "1"]


def test_threads_stay_out_of_history_unless_broadcast(stub: SlackStub, client: WebClient) -> None:
    parent = stub.add_message("C1", text="db is down", user="U1")
    stub.add_message("C1", text="looking", user="U2", thread_ts=parent)
    client.chat_postMessage(channel="C1", text="timeline started", thread_ts=parent)
    client.chat_postMessage(channel="C1", text="resolved", thread_ts=parent, reply_broadcast=True)

    history = client.conversations_history(channel="C1")["messages"]
    assert [m["text"] for m in history] == ["resolved", "db is down"]
    assert history[0]["subtype"] == "thread_broadcast"
    assert history[1]["thread_ts"] == parent and history[1]["reply_count"] == 3
    assert history[1]["reply_users"] == ["U2", "UBOT"]

    replies = client.conversations_replies(channel="C1", ts=parent)["messages"]
    assert [m["text"] for m in replies] == ["db is down", "looking", "timeline started", "resolved"]
    assert all(r["thread_ts"] == parent and r["parent_user_id"] == "U1" for r in replies[1:])

    paged = [
        m["text"]
        for page in client.conversations_replies(channel="C1", ts=parent, limit=2)
        for m in page["messages"]
    ]
    assert paged == [m["text"] for m in replies]
    assert len(stub.calls_to("conversations.replies")) == 3


def test_chat_update_edits_only_existing_bot_messages(stub: SlackStub, client: WebClient) -> None:
    posted = client.chat_postMessage(channel="C1", text="Status: investigating")
    human = stub.add_message("C1", text="hello", user="U1")

    updated = client.chat_update(channel="C1", ts=posted["ts"], text="Status: resolved")

    assert updated["ts"] == posted["ts"] and updated["text"] == "Status: resolved"
    stored = next(m for m in stub.messages("C1") if m["ts"] == posted["ts"])
    assert stored["text"] == "Status: resolved" and stored["edited"]["user"] == "UBOT"
    with pytest.raises(SlackApiError) as missing:
        client.chat_update(channel="C1", ts="1.000001", text="x")
    assert slack_error(missing) == "message_not_found"
    with pytest.raises(SlackApiError) as not_ours:
        client.chat_update(channel="C1", ts=human, text="x")
    assert slack_error(not_ours) == "cant_update_message"


def test_ephemeral_is_recorded_for_its_user_only(stub: SlackStub, client: WebClient) -> None:
    response = client.chat_postEphemeral(channel="C1", user="U1", text="Only you can see this")

    assert response["message_ts"]
    assert [e["text"] for e in stub.ephemerals("C1", user="U1")] == ["Only you can see this"]
    assert stub.ephemerals(user="U2") == []
    assert stub.messages("C1") == []
    with pytest.raises(SlackApiError) as outsider:
        client.chat_postEphemeral(channel="C1", user="UBOT", text="x")
    assert slack_error(outsider) == "user_not_in_channel"


def test_delete_permalink_and_pins(stub: SlackStub, client: WebClient) -> None:
    pinned = stub.add_message("C1", text="runbook", user="U1", pinned=True)
    posted = client.chat_postMessage(channel="C1", text="temporary")

    link = client.chat_getPermalink(channel="C1", message_ts=pinned)["permalink"]
    client.chat_delete(channel="C1", ts=posted["ts"])

    assert link == f"https://test-team.slack.com/archives/C1/p{pinned.replace('.', '')}"
    assert [m["text"] for m in stub.messages("C1")] == ["runbook"]
    assert [i["message"]["text"] for i in client.pins_list(channel="C1")["items"]] == ["runbook"]


def test_block_kit_limits_are_enforced(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as too_many:
        client.chat_postMessage(channel="C1", text="x", blocks=[SECTION] * 51)
    long_section = {"type": "section", "text": {"type": "mrkdwn", "text": "a" * 3001}}
    with pytest.raises(SlackApiError) as too_long:
        client.chat_postMessage(channel="C1", text="x", blocks=[long_section])

    assert slack_error(too_many) == "invalid_blocks"
    assert "no more than 50 items" in too_many.value.response["response_metadata"]["messages"][0]
    assert "/blocks/0/text/text" in too_long.value.response["response_metadata"]["messages"][0]


def test_archived_and_unknown_channels_are_refused(stub: SlackStub, client: WebClient) -> None:
    stub.add_channel("C2", "old-incident")
    stub.archive("C2")

    with pytest.raises(SlackApiError) as archived:
        client.chat_postMessage(channel="C2", text="x")
    with pytest.raises(SlackApiError) as unknown:
        client.chat_postMessage(channel="C404", text="x")

    assert slack_error(archived) == "is_archived"
    assert slack_error(unknown) == "channel_not_found"
    assert stub.messages("C2") == []


# ---- request forms ------------------------------------------------------------------------


def test_form_json_and_multipart_bodies_become_one_argument_dict(stub: SlackStub, client: WebClient) -> None:
    client.api_call(
        "chat.postMessage", params={"channel": "C1", "text": "form", "blocks": json.dumps([SECTION])}
    )
    client.api_call(
        "chat.postMessage", data={"channel": "C1", "text": "multipart"}, files={"file": b"\x00\xffbin"}
    )
    client.chat_postMessage(channel="C1", text="json", blocks=[SECTION], unfurl_links=False)

    form, multipart, as_json = stub.calls_to("chat.postMessage")
    assert form.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert form.args["blocks"] == json.dumps([SECTION]) and form.decoded["blocks"] == [SECTION]
    assert multipart.headers["Content-Type"].startswith("multipart/form-data")
    assert multipart.args["text"] == "multipart"
    assert multipart.args["file"] == FilePart("Uploaded file", "application/octet-stream", b"\x00\xffbin")
    assert as_json.args == {"channel": "C1", "text": "json", "blocks": [SECTION], "unfurl_links": False}
    assert all(
        c.http_method == "POST" and c.headers["Authorization"] == "Bearer xoxb-test-token" for c in stub.calls
    )
    assert [m.get("blocks") for m in stub.messages("C1")] == [[SECTION], None, [SECTION]]


# ---- files, views, canvases ---------------------------------------------------------------


def test_files_upload_v2_stores_bytes_and_completes_into_the_thread(
    stub: SlackStub, client: WebClient
) -> None:
    parent = client.chat_postMessage(channel="C1", text="Postmortem thread")["ts"]

    response = client.files_upload_v2(
        channel="C1", thread_ts=parent, content="# Postmortem\n", filename="postmortem.md", title="Postmortem"
    )

    assert [c.method for c in stub.calls[1:]] == [
        "files.getUploadURLExternal",
        "files.completeUploadExternal",
    ]
    assert len(stub.upload_calls) == 1 and stub.upload_calls[0].body == b"# Postmortem\n"
    (upload,) = stub.uploads
    assert response["file"] == {"id": upload.id, "title": "Postmortem"}
    assert (upload.content, upload.filename, upload.channel, upload.thread_ts) == (
        b"# Postmortem\n",
        "postmortem.md",
        "C1",
        parent,
    )
    reply = stub.messages("C1")[-1]
    assert reply["thread_ts"] == parent and reply["files"][0]["name"] == "postmortem.md"


def test_views_are_recorded_and_updated_in_place(stub: SlackStub, client: WebClient) -> None:
    opened = client.views_open(trigger_id="123.456.abc", view=MODAL)["view"]
    updated = client.views_update(view_id=opened["id"], view={**MODAL, "private_metadata": "pm-1"})["view"]
    client.views_publish(user_id="U1", view={"type": "home", "blocks": [SECTION]})
    with pytest.raises(SlackApiError) as stale:
        client.views_update(view_id=opened["id"], hash=opened["hash"], view=MODAL)
    with pytest.raises(SlackApiError) as long_title:
        client.views_open(trigger_id="t", view={**MODAL, "title": {"type": "plain_text", "text": "x" * 25}})

    assert updated["id"] == opened["id"] and updated["private_metadata"] == "pm-1"
    assert [(v["method"], v["view"]["type"]) for v in stub.views] == [
        ("views.open", "modal"),
        ("views.update", "modal"),
        ("views.publish", "home"),
    ]
    assert stub.views[0]["trigger_id"] == "123.456.abc" and stub.views[2]["user_id"] == "U1"
    assert slack_error(stale) == "hash_conflict"
    assert slack_error(long_title) == "invalid_arguments"


def test_canvases_can_be_created_edited_and_made_to_fail(stub: SlackStub, client: WebClient) -> None:
    markdown = {"type": "markdown", "markdown": "# Timeline\n"}
    canvas_id = client.conversations_canvases_create(channel_id="C1", document_content=markdown)["canvas_id"]
    client.canvases_edit(
        canvas_id=canvas_id,
        changes=[
            {
                "operation": "insert_at_end",
                "document_content": {"type": "markdown", "markdown": "- 14:02 page"},
            }
        ],
    )
    with pytest.raises(SlackApiError) as twice:
        client.conversations_canvases_create(channel_id="C1", document_content=markdown)
    stub.fail("canvases.edit", "canvas_disabled", times=None)
    with pytest.raises(SlackApiError) as disabled:
        client.canvases_edit(canvas_id=canvas_id, changes=[{"operation": "delete"}])

    assert stub.canvases[0]["markdown"] == "# Timeline\n- 14:02 page"
    assert client.conversations_info(channel="C1")["channel"]["properties"]["canvas"]["file_id"] == canvas_id
    assert slack_error(twice) == "channel_canvas_already_exists"
    assert slack_error(disabled) == "canvas_disabled"


# ---- directory ----------------------------------------------------------------------------


def test_users_and_conversations(stub: SlackStub, client: WebClient) -> None:
    stub.add_channel("G1", "sev1-private", is_private=True)

    alice = client.users_info(user="U1")["user"]
    everyone = [u["id"] for page in client.users_list(limit=2) for u in page["members"]]
    public = [c["id"] for c in client.conversations_list()["channels"]]
    private = [c["id"] for c in client.conversations_list(types="private_channel")["channels"]]
    dm = client.conversations_open(users="U2")["channel"]["id"]
    again = client.conversations_open(users=["U2"])
    joined = client.conversations_join(channel="C1")["channel"]

    assert alice["real_name"] == "Alice Adams" and alice["profile"]["display_name"] == "ali"
    assert alice["tz"] == "America/New_York" and alice["tz_offset"] in (-18000, -14400)
    assert everyone == ["UBOT", "U1", "U2"] and len(stub.calls_to("users.list")) == 2
    assert public == ["C1"] and private == ["G1"]
    assert dm.startswith("D") and again["channel"]["id"] == dm and again["already_open"] is True
    assert joined["is_member"] is True
    assert client.conversations_members(channel="C1")["members"] == ["U1", "U2", "UBOT"]
    with pytest.raises(SlackApiError) as nobody:
        client.users_info(user="U404")
    assert slack_error(nobody) == "user_not_found"


# ---- auth, faults, rate limits ------------------------------------------------------------


def test_tokens_and_methods_are_checked(stub: SlackStub) -> None:
    with pytest.raises(SlackApiError) as wrong:
        WebClient(token="xoxb-wrong", base_url=stub.url).auth_test()
    with pytest.raises(SlackApiError) as missing:
        WebClient(base_url=stub.url).auth_test()
    with pytest.raises(SlackApiError) as unknown:
        WebClient(token=stub.bot_token, base_url=stub.url).api_call("chat.postMesage", json={"channel": "C1"})

    assert slack_error(wrong) == "invalid_auth"
    assert slack_error(missing) == "not_authed"
    assert slack_error(unknown) == "unknown_method"
    assert [c.method for c in stub.calls] == ["auth.test", "auth.test", "chat.postMesage"]


def test_fail_answers_the_error_then_recovers(stub: SlackStub, client: WebClient) -> None:
    stub.fail("chat.postMessage", "not_in_channel", times=2)

    for _ in range(2):
        with pytest.raises(SlackApiError) as failed:
            client.chat_postMessage(channel="C1", text="x")
        assert slack_error(failed) == "not_in_channel"
    ok = client.chat_postMessage(channel="C1", text="x")

    assert ok["ok"] is True
    assert [c.error for c in stub.calls_to("chat.postMessage")] == ["not_in_channel", "not_in_channel", None]


def test_fail_can_pick_the_calls_it_refuses(stub: SlackStub, client: WebClient) -> None:
    stub.add_channel("C2", "other")
    stub.fail("chat.postMessage", "not_in_channel", times=None, when=lambda args: args["channel"] == "C2")

    client.chat_postMessage(channel="C1", text="x")
    for _ in range(2):
        with pytest.raises(SlackApiError) as refused:
            client.chat_postMessage(channel="C2", text="x")
        assert slack_error(refused) == "not_in_channel"

    assert [c.error for c in stub.calls_to("chat.postMessage")] == [None, "not_in_channel", "not_in_channel"]


def test_rate_limit_is_waited_out_by_the_retry_handler(stub: SlackStub) -> None:
    client = WebClient(
        token=stub.bot_token,
        base_url=stub.url,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)],
    )
    stub.rate_limit("conversations.history", retry_after=1)

    started = time.monotonic()
    response = client.conversations_history(channel="C1")
    elapsed = time.monotonic() - started

    assert response["ok"] is True
    assert elapsed >= 1.0
    first, second = stub.calls_to("conversations.history")
    assert (first.status, first.response_headers, first.error) == (429, {"Retry-After": "1"}, "ratelimited")
    assert second.status == 200


def test_rate_limit_without_a_handler_raises_429(stub: SlackStub, client: WebClient) -> None:
    stub.rate_limit("chat.postMessage", retry_after=7)

    with pytest.raises(SlackApiError) as limited:
        client.chat_postMessage(channel="C1", text="x")

    assert limited.value.response.status_code == 429
    assert limited.value.response.headers["Retry-After"] == "7"
    assert slack_error(limited) == "ratelimited"
    assert stub.messages("C1") == []


def test_a_dropped_connection_performs_the_call_and_answers_nothing(stub: SlackStub) -> None:
    client = WebClient(token=stub.bot_token, base_url=stub.url, retry_handlers=[])
    stub.drop_connection("chat.postMessage", when=lambda args: args.get("text") == "lost")

    client.chat_postMessage(channel="C1", text="kept")
    with pytest.raises(RemoteDisconnected):
        client.chat_postMessage(channel="C1", text="lost")
    client.chat_postMessage(channel="C1", text="lost")  # the drop was used up

    assert [m["text"] for m in stub.messages("C1")] == ["kept", "lost", "lost"]
    assert [c.answered for c in stub.calls_to("chat.postMessage")] == [True, False, True]
    assert stub.calls_to("chat.postMessage")[1].ok  # Slack did it; only the answer was lost


def test_history_and_replies_show_message_metadata_only_when_asked(
    stub: SlackStub, client: WebClient
) -> None:
    metadata = {"event_type": "postmortem_bot_post", "event_payload": {"claim": 7, "part": 0}}
    parent = client.chat_postMessage(channel="C1", text="parent", metadata=metadata)
    client.chat_postMessage(channel="C1", text="reply", thread_ts=parent["ts"], metadata=metadata)

    plain = client.conversations_history(channel="C1")["messages"]
    tagged = client.conversations_history(channel="C1", include_all_metadata=True)["messages"]
    replies = client.conversations_replies(channel="C1", ts=parent["ts"], include_all_metadata=True)

    assert "metadata" not in plain[0]
    assert tagged[0]["metadata"] == metadata
    assert [m["metadata"] for m in replies["messages"]] == [metadata, metadata]
    assert "metadata" not in client.conversations_replies(channel="C1", ts=parent["ts"])["messages"][1]


# ---- conformance --------------------------------------------------------------------------


def test_conformance_flags_misspelt_arguments_and_unknown_methods(stub: SlackStub, client: WebClient) -> None:
    parent = client.chat_postMessage(channel="C1", text="parent")["ts"]
    client.api_call("chat.postMessage", json={"channel": "C1", "text": "reply", "threadts": parent})
    with pytest.raises(SlackApiError):
        client.api_call("conversations.histroy", params={"channel": "C1"})

    problems = conformance_problems(stub.calls)

    assert len(problems) == 2
    assert problems[0].startswith("chat.postMessage: unknown argument 'threadts'; did you mean 'thread_ts'?")
    assert "known: " in problems[0] and "thread_ts" in problems[0]
    assert problems[1].startswith("conversations.histroy: no such method on slack_sdk.WebClient")


def test_conformance_is_silent_for_correct_sdk_calls(stub: SlackStub) -> None:
    client = WebClient(token=stub.bot_token, base_url=stub.url, team_id="T0TEST")
    parent = client.chat_postMessage(channel="C1", text="parent", unfurl_links=False)["ts"]
    client.chat_update(channel="C1", ts=parent, text="edited", blocks=[SECTION])
    client.chat_postMessage(channel="C1", text="reply", thread_ts=parent)
    client.conversations_history(channel="C1", limit=10, inclusive=True)
    client.conversations_replies(channel="C1", ts=parent)
    client.users_info(user="U1", include_locale=True)
    client.views_open(trigger_id="t", view=MODAL)
    client.files_upload_v2(
        channel="C1", thread_ts=parent, content=b"x", filename="x.txt", initial_comment="here"
    )

    assert all(c.ok for c in stub.calls)
    assert all(c.args["team_id"] == "T0TEST" for c in stub.calls)
    assert conformance_problems(stub.calls) == []


# ---- waiting and resetting ----------------------------------------------------------------


def test_wait_for_returns_a_call_made_from_another_thread(stub: SlackStub, client: WebClient) -> None:
    poster = threading.Timer(0.05, lambda: client.chat_postMessage(channel="C1", text="later"))
    started = time.monotonic()
    poster.start()
    try:
        call = stub.wait_for("chat.postMessage", lambda c: c.args.get("text") == "later", timeout=5)
    finally:
        poster.join()

    assert time.monotonic() - started < 1.0
    assert call.ok and stub.messages("C1")[0]["text"] == "later"


def test_wait_for_predicates_may_inspect_the_stub(stub: SlackStub, client: WebClient) -> None:
    client.chat_postMessage(channel="C1", text="one")
    client.chat_postMessage(channel="C1", text="two")
    found: list[str] = []

    def wait() -> None:
        call = stub.wait_for(
            "chat.postMessage", lambda c: len(stub.calls_to("chat.postMessage")) >= 2, timeout=1
        )
        found.append(call.args["text"])

    waiter = threading.Thread(target=wait, daemon=True)
    waiter.start()
    waiter.join(timeout=3)

    assert not waiter.is_alive(), "wait_for deadlocked on a predicate that calls calls_to()"
    assert found == ["one"]


def test_wait_for_times_out_cleanly(stub: SlackStub, client: WebClient) -> None:
    client.chat_postMessage(channel="C1", text="not what we wait for")

    started = time.monotonic()
    with pytest.raises(TimeoutError, match=r"no matching chat\.delete call"):
        stub.wait_for("chat.delete", timeout=0.2)

    assert 0.2 <= time.monotonic() - started < 1.0


def test_reset_rewinds_to_the_seeded_world(stub: SlackStub, client: WebClient) -> None:
    seeded = stub.add_message("C1", text="seeded", user="U1")
    client.chat_postMessage(channel="C1", text="posted")
    client.conversations_join(channel="C1")
    stub.fail("auth.test")

    stub.reset()

    assert stub.calls == []
    assert [m["ts"] for m in stub.messages("C1")] == [seeded]
    assert "UBOT" not in stub.channel("C1")["members"]
    assert client.auth_test()["user_id"] == "UBOT"
    stub.reset(keep_seeds=False)
    with pytest.raises(SlackApiError) as gone:
        client.conversations_info(channel="C1")
    assert slack_error(gone) == "channel_not_found"


def test_response_url_records_what_respond_sends(stub: SlackStub) -> None:
    from slack_sdk.webhook import WebhookClient

    reply = WebhookClient(stub.response_url).send(text="only you can see this", response_type="ephemeral")
    assert reply.status_code == 200
    got = stub.wait_for_response(lambda r: r.get("response_type") == "ephemeral")
    assert got["text"] == "only you can see this"
    with pytest.raises(TimeoutError):
        stub.wait_for_response(lambda r: r.get("text") == "never sent", timeout=0.1)
