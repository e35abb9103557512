"""What reaches the app at all, over real HTTP: the signature is checked on the raw bytes before
anything reads the body (401), a signed body that cannot be read is 400, a body over the cap is 413
before it is read, and a stored message keeps within Slack's 40,000 characters. Never a traceback.
"""

from __future__ import annotations

import http.client
import json
import logging
import socket
import time
import urllib.parse

import pytest

from bot import web
from bot.store.messages import TEXT_LIMIT
from bot.web import MAX_BODY_BYTES
from tests.conftest import BotUnderTest
from tests.harness import SIGNING_SECRET, sign
from tests.inbound.channels import incident_channel, message_event, revisions, stored, wait_stored
from tests.inbound.signed import FORM, calm, post_raw, signed_headers, warned

pytestmark = pytest.mark.e2e

HELP = urllib.parse.urlencode(
    {"command": "/postmortem", "text": "help", "team_id": "T0TEST", "user_id": "U1", "channel_id": "C1"}
).encode()
NOT_JSON_PAYLOAD = urllib.parse.urlencode({"payload": "{not json"}).encode()

GARBAGE = [
    pytest.param(b"[1]", "application/json", id="a JSON list"),
    pytest.param(b"null", "application/json", id="JSON null"),
    pytest.param(b"{not json", "application/json", id="not JSON"),
    pytest.param(b"\xff\xfe\x00\x81garbage", "application/json", id="not UTF-8"),
    pytest.param(NOT_JSON_PAYLOAD, FORM, id="a form whose payload is not JSON"),
    pytest.param(HELP, FORM, id="a well-formed command"),
]


@pytest.fixture(autouse=True)
def _log_info(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)


# --- 1. the signature, on the raw bytes, first ----------------------------------------------------------


@pytest.mark.parametrize(("body", "content_type"), GARBAGE)
def test_an_unsigned_body_is_401_whatever_it_holds(
    bot_without_database: BotUnderTest,
    body: bytes,
    content_type: str,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    bot = bot_without_database
    unsigned = {"Content-Type": content_type}
    forged = signed_headers(b"something else", content_type)
    for headers in (unsigned, forged):
        reply = post_raw(bot, body, headers)
        assert reply.status == 401
        assert b"usage" not in reply.body.lower()
    bot.idle()
    assert len(bot.stub.calls) == 1  # auth.test, when the app was built; nothing since
    calm(caplog, capsys)


@pytest.mark.parametrize(
    "timestamp",
    ["abc", "1e9", "", " ", "-1", "+1700000000", "\u00b2\u00b3", "9" * 5000, "17000000001700000000"],
    ids=[
        "letters",
        "float",
        "empty",
        "blank",
        "negative",
        "plus",
        "superscript digits",
        "5000 digits",
        "huge",
    ],
)
def test_a_timestamp_that_is_not_a_plain_number_is_401(
    bot_without_database: BotUnderTest,
    timestamp: str,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    body = b"[1]"
    headers = {
        "Content-Type": "application/json",
        "X-Slack-Request-Timestamp": timestamp,  # "²³" isdigit(), but int() refuses it
        "X-Slack-Signature": sign(SIGNING_SECRET, 0, body),
    }
    assert post_raw(bot_without_database, body, headers).status == 401
    calm(caplog, capsys)


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Slack-Signature": "v0=abc"},
        {"X-Slack-Request-Timestamp": "now"},
        {"X-Slack-Signature": "v0=\u00e9\u00e9", "X-Slack-Request-Timestamp": "1700000000"},
    ],
    ids=["neither", "no timestamp", "no signature", "a signature that is not ASCII"],
)
def test_a_missing_or_malformed_signature_is_401(
    bot_without_database: BotUnderTest,
    headers: dict[str, str],
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    reply = post_raw(bot_without_database, HELP, {"Content-Type": FORM, **headers})
    assert reply.status == 401
    calm(caplog, capsys)


@pytest.mark.parametrize(
    "body", [b"ssl_check=1&token=legacy", HELP.replace(b"command=", b"ssl_check=1&command=")]
)
def test_slacks_unsigned_ssl_check_is_200_and_does_nothing(
    bot_without_database: BotUnderTest, body: bytes
) -> None:
    """Slack checks a slash command URL's certificate with an unsigned `ssl_check=1`: answered as
    Bolt answers it, and nothing smuggled in with it runs."""
    reply = post_raw(bot_without_database, body, {"Content-Type": FORM})
    assert (reply.status, reply.body) == (200, b"")
    bot_without_database.idle()
    assert len(bot_without_database.stub.calls) == 1


@pytest.mark.parametrize("minutes", [-6, 6])
def test_a_signature_more_than_five_minutes_off_is_401(
    bot_without_database: BotUnderTest, minutes: int
) -> None:
    stamp = int(time.time()) + minutes * 60
    reply = bot_without_database.slack.post(HELP, FORM, timestamp=stamp)
    assert reply.status == 401


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        pytest.param(b"[1]", "application/json", id="a JSON list"),
        pytest.param(b"null", "application/json", id="JSON null"),
        pytest.param(b'"text"', "application/json", id="a JSON string"),
        pytest.param(b"{not json", "application/json", id="not JSON"),
        pytest.param(b"[" * 100_000, "application/json", id="nested deeper than Python recurses"),
        pytest.param(NOT_JSON_PAYLOAD, FORM, id="a form whose payload is not JSON"),
        pytest.param(
            urllib.parse.urlencode({"payload": "[1]"}).encode(), FORM, id="a payload that is a list"
        ),
    ],
)
def test_a_signed_body_that_cannot_be_read_is_400(
    bot_without_database: BotUnderTest,
    body: bytes,
    content_type: str,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    bot = bot_without_database
    reply = bot.slack.post(body, content_type)
    assert reply.status == 400
    warned(caplog, "not a JSON object or a form")
    bot.idle()
    assert len(bot.stub.calls) == 1  # auth.test only
    calm(caplog, capsys)


def test_a_signed_body_that_is_not_utf8_is_401_as_slack_sdk_cannot_verify_it(
    bot_without_database: BotUnderTest, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    """Slack sends UTF-8 and slack_sdk's SignatureVerifier signs text; bytes that are not UTF-8
    cannot be shown to come from Slack, so they are refused as unsigned."""
    reply = bot_without_database.slack.post(b"{\xff\xfe}", "application/json")
    assert reply.status == 401
    calm(caplog, capsys)


def test_a_signed_well_formed_request_still_works(bot: BotUnderTest) -> None:
    reply = bot.slack.post(HELP, FORM)
    assert reply.status == 200
    assert "/postmortem help" in json.dumps(reply.json()["blocks"])


# --- 2. a size cap, before the body is read ----------------------------------------------------------


def _raw_exchange(bot: BotUnderTest, head: bytes, body: bytes = b"") -> bytes:
    """Send `head` (request line and headers) and `body` on a socket of our own; what came back."""
    with socket.create_connection(("127.0.0.1", int(bot.url.rsplit(":", 1)[1])), timeout=5) as conn:
        conn.sendall(head + body)
        conn.shutdown(socket.SHUT_WR)
        chunks = []
        while piece := conn.recv(65536):
            chunks.append(piece)
    return b"".join(chunks)


def test_a_declared_length_over_the_cap_is_413_before_a_byte_of_the_body_is_sent(
    bot_without_database: BotUnderTest, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    """The headers alone: if the app waited for the 10 MB it was promised, this would time out."""
    head = (
        b"POST /slack/events HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        b"Content-Length: 10000000\r\n\r\n"
    )
    answer = _raw_exchange(bot_without_database, head)
    assert answer.startswith(b"HTTP/1.0 413 "), answer[:80]
    warned(caplog, "10000000 bytes", f"over {MAX_BODY_BYTES}")
    calm(caplog, capsys)


def test_a_signed_10_mb_message_event_is_413_and_nothing_is_stored(
    bot: BotUnderTest, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    incident_channel(bot, "C0BIG", "inc-big")
    huge = message_event("C0BIG", "1742075880.000100", "x" * 10_000_000)
    reply = bot.slack.event(huge)
    assert reply.status == 413  # and the client heard it: the server drained what it would not read
    bot.idle()
    assert "1742075880.000100" not in stored(bot, "C0BIG")
    calm(caplog, capsys)


def test_the_cap_leaves_room_for_the_largest_edit_slack_can_send(bot: BotUnderTest) -> None:
    """An edit of a 40,000-character message (Slack's limit), all emoji, in text and rich_text
    block, both versions, written as Slack writes JSON (\\u escapes): under the cap, and stored."""
    incident_channel(bot, "C0EDIT", "inc-edit")
    text = "\U0001f525" * 40_000
    words = {"type": "text", "text": text}
    rich = [{"type": "rich_text", "elements": [{"type": "rich_text_section", "elements": [words]}]}]
    version = {"type": "message", "user": "U1", "text": text, "blocks": rich, "ts": "1742075880.000100"}
    edit = {
        "type": "message",
        "subtype": "message_changed",
        "channel": "C0EDIT",
        "ts": "1742075990.000200",
        "message": {**version, "edited": {"user": "U1", "ts": "1742075990.000200"}},
        "previous_message": version,
    }
    envelope_size = len(json.dumps({"event": edit}).encode())  # ensure_ascii, as Slack escapes
    assert envelope_size < MAX_BODY_BYTES
    assert bot.slack.event(edit).status == 200
    assert wait_stored(bot, "C0EDIT", "1742075880.000100").text == text


def _chunked(bot: BotUnderTest, pieces: list[bytes], headers: dict[str, str]) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", int(bot.url.rsplit(":", 1)[1]), timeout=10)
    try:
        conn.request("POST", "/slack/events", body=iter(pieces), headers=headers, encode_chunked=True)
        reply = conn.getresponse()
        return reply.status, reply.read()
    finally:
        conn.close()


def test_a_chunked_body_is_read_up_to_the_cap_and_no_further(
    bot_without_database: BotUnderTest, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    pieces = [b"x" * 65536] * (MAX_BODY_BYTES // 65536 + 16)  # 1 MiB over, in 64 KiB chunks
    status, _ = _chunked(bot_without_database, pieces, {"Content-Type": "application/json"})
    assert status == 413
    warned(caplog, "a chunked body over")
    calm(caplog, capsys)


def test_a_chunked_signed_command_under_the_cap_is_read_whole(bot: BotUnderTest) -> None:
    pieces = [HELP[i : i + 7] for i in range(0, len(HELP), 7)]
    status, body = _chunked(bot, pieces, signed_headers(HELP, FORM))
    assert status == 200
    assert "/postmortem help" in body.decode()


def test_malformed_chunks_are_400(
    bot_without_database: BotUnderTest, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    head = b"POST /slack/events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
    answer = _raw_exchange(bot_without_database, head, b"zz\r\nnot a size\r\n0\r\n\r\n")
    assert answer.startswith(b"HTTP/1.0 400 "), answer[:80]
    calm(caplog, capsys)


def test_a_body_cut_short_of_its_length_is_400(bot_without_database: BotUnderTest) -> None:
    head = b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n"
    assert _raw_exchange(bot_without_database, head, b'{"type": ').startswith(b"HTTP/1.0 400 ")


@pytest.mark.parametrize("length", ["abc", "-5", "1e3"])
def test_a_content_length_that_is_not_a_number_is_400(
    bot_without_database: BotUnderTest, length: str
) -> None:
    head = f"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: {length}\r\n\r\n".encode()
    assert _raw_exchange(bot_without_database, head).startswith(b"HTTP/1.0 400 ")


def test_a_client_that_stalls_mid_request_is_dropped_with_one_line(
    bot_without_database: BotUnderTest,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Half a request, then silence: the thread is not held for ever, and the log gets one line."""
    monkeypatch.setattr(web._QuietHandler, "timeout", 0.3)
    port = int(bot_without_database.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
        conn.sendall(b"POST /slack/events HTTP/1.1\r\nHost: x\r\n")  # and never the blank line
        assert conn.recv(1024) == b""  # closed by the server
    bot_without_database.idle()
    assert any("dropped a connection" in r.getMessage() for r in caplog.records)
    calm(caplog, capsys)


# --- 2. stored text keeps within Slack's limit ---------------------------------------------------------


def test_a_message_over_slacks_40000_characters_is_kept_cut_with_a_marker(bot: BotUnderTest) -> None:
    """Under the request cap, but more than Slack lets anyone write: cut, saying how much is left out.
    Its edit (and the version it replaced, kept as a revision) stay within the limit too."""
    incident_channel(bot, "C0LONG", "inc-long")
    text = "checkout down. " + "y" * 99_985  # 100,000 characters
    bot.slack.event(message_event("C0LONG", "1742075880.000100", text))
    kept = wait_stored(bot, "C0LONG", "1742075880.000100")
    assert len(kept.text) <= TEXT_LIMIT
    assert kept.text.startswith("checkout down. yyy")
    left_out = 100_000 - len(kept.text.split(" … [")[0])
    assert kept.text.endswith(
        f" … [{left_out:,} more characters not kept: a Slack message holds at most 40,000]"
    )

    edited = {"type": "message", "user": "U1", "text": "z" * 50_000, "ts": "1742075880.000100"}
    edited["edited"] = {"user": "U1", "ts": "1742075999.000100"}
    change = {"type": "message", "subtype": "message_changed", "channel": "C0LONG", "message": edited}
    bot.slack.event({**change, "ts": "1742075999.000100"})
    bot.idle()
    now = stored(bot, "C0LONG")["1742075880.000100"]
    assert now.text.startswith("zzz") and len(now.text) <= TEXT_LIMIT
    assert revisions(bot, now.id) == [kept.text]  # the version it replaced, as it was kept


def test_a_message_of_exactly_40000_characters_is_kept_whole(bot: BotUnderTest) -> None:
    incident_channel(bot, "C0FULL", "inc-full")
    text = "<@U1> " + "w" * (TEXT_LIMIT - 6)
    bot.slack.event(message_event("C0FULL", "1742075880.000100", text))
    assert wait_stored(bot, "C0FULL", "1742075880.000100").text == text
