"""SlackStub: a local stand-in for Slack's Web API, reached through WebClient(base_url=stub.url).

    with SlackStub() as stub:
        stub.add_channel("C1", "incidents")
        client = WebClient(token=stub.bot_token, base_url=stub.url)
        client.chat_postMessage(channel="C1", text="hi")
        assert stub.messages("C1")[0]["text"] == "hi"

Each request is answered under one lock: authenticate, apply a queued fault (rate_limit / fail),
run the method's handler, record the Call, wake `wait_for`. So a Call seen by a test has already
changed the state it describes. A call picked by `drop_connection` is performed and recorded like
any other, then its connection is closed without an answer: Slack did it, the client never heard.
"""

from __future__ import annotations

import copy
import json
import threading
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from tests.slack_stub import api_directory, api_messages, api_surfaces
from tests.slack_stub.state import Ctx, Env, Ids, State, Upload, format_ts, ts_key
from tests.slack_stub.transport import API_PREFIX, RESPONSE_PREFIX, StubServer
from tests.slack_stub.wire import Args, Call, SlackError, decode_json_args

HANDLERS = {**api_directory.HANDLERS, **api_messages.HANDLERS, **api_surfaces.HANDLERS}


@dataclass
class _Fault:
    error: str | None  # None: rate limited
    retry_after: int
    remaining: int | None  # None: until reset()
    when: Callable[[dict[str, Any]], bool] | None = None  # only calls whose arguments it accepts


@dataclass
class _Drop:
    method: str
    when: Callable[[dict[str, Any]], bool] | None
    remaining: int | None  # None: until reset()


class SlackStub:
    """Seeding: add_user / add_channel / add_message / archive. Inspection: calls, messages(), …

    `reset()` rewinds to the seeded world: what add_user/add_channel/add_message/archive created
    stays, everything done through the API (posts, edits, deletes, joins, DMs, ephemerals, views,
    uploads, canvases), the recorded calls and any queued fail()/rate_limit() are forgotten.
    `reset(keep_seeds=False)` also forgets the seeds (only the bot's own user remains).
    """

    def __init__(
        self,
        bot_token: str = "xoxb-test-token",
        team_id: str = "T0TEST",
        bot_user_id: str = "UBOT",
        bot_id: str = "BBOT",
        *,
        team_name: str = "Test Team",
        team_domain: str = "test-team",
        bot_name: str = "postmortem-bot",
        app_id: str = "A0TEST",
    ) -> None:
        self.bot_token = bot_token
        self.env = Env(team_id, team_name, team_domain, bot_user_id, bot_id, bot_name, app_id)
        # Reentrant: wait_for() predicates run under the lock and may call calls_to() and friends.
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._ids = Ids()
        self._seed = State(self.env)
        self._seed.add_user(
            bot_user_id, bot_name, real_name=bot_name, display_name=None, tz="UTC", is_bot=True, bot_id=bot_id
        )
        self._live = self._seed.clone()
        self._calls: list[Call] = []
        self._upload_calls: list[Call] = []
        self._faults: dict[str, deque[_Fault]] = {}
        self._drops: list[_Drop] = []
        self._responses: list[dict[str, Any]] = []
        self._server: StubServer | None = None
        self._thread: threading.Thread | None = None

    # ---- lifecycle -----------------------------------------------------------------------

    def start(self) -> SlackStub:
        if self._server is not None:
            raise RuntimeError("SlackStub already started")
        server = StubServer(self)
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.02}, name="slack-stub", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> SlackStub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def root(self) -> str:
        if self._server is None:
            raise RuntimeError("SlackStub not started")
        return f"http://127.0.0.1:{self._server.server_port}/"

    @property
    def url(self) -> str:
        """The WebClient base_url (SLACK_API_URL): "http://127.0.0.1:PORT/api/"."""
        return self.root + API_PREFIX.lstrip("/")

    @property
    def response_url(self) -> str:
        """Where signed slash commands and interactions tell the app to respond()."""
        return self.root + RESPONSE_PREFIX.lstrip("/") + "hook"

    @property
    def responses(self) -> list[dict[str, Any]]:
        """JSON bodies POSTed to response_url, in arrival order."""
        with self._lock:
            return copy.deepcopy(self._responses)

    def wait_for_response(
        self,
        predicate: Callable[[dict[str, Any]], bool] | None = None,
        *,
        timeout: float = 5.0,
        after: int = 0,
    ) -> dict[str, Any]:
        """Block until a response_url POST that matches arrives (or has arrived).

        `after`: consider only responses from that index on (`len(stub.responses)` taken before
        sending a command waits for that command's own answer).
        """
        with self._changed:
            found = self._changed.wait_for(
                lambda: next((r for r in self._responses[after:] if predicate is None or predicate(r)), None),
                timeout=timeout,
            )
            if found is None:
                raise TimeoutError(f"no matching response_url POST within {timeout}s: {self._responses}")
            return copy.deepcopy(found)

    # ---- seeding -------------------------------------------------------------------------

    def add_user(
        self,
        id: str,
        name: str,
        *,
        real_name: str | None = None,
        display_name: str | None = None,
        tz: str = "UTC",
        is_bot: bool = False,
        is_admin: bool = False,
        is_owner: bool = False,
    ) -> None:
        """A workspace member; `is_admin` / `is_owner` as users.info reports a workspace admin or owner."""
        with self._lock:
            for state in (self._seed, self._live):
                state.add_user(
                    id,
                    name,
                    real_name=real_name,
                    display_name=display_name,
                    tz=tz,
                    is_bot=is_bot,
                    is_admin=is_admin,
                    is_owner=is_owner,
                )

    def add_channel(
        self,
        id: str,
        name: str,
        *,
        is_private: bool = False,
        is_archived: bool = False,
        members: Iterable[str] = (),
    ) -> None:
        members = list(members)
        with self._lock:
            for state in (self._seed, self._live):
                state.add_channel(id, name, is_private=is_private, is_archived=is_archived, members=members)

    def add_message(
        self,
        channel: str,
        *,
        ts: str | None = None,
        text: str = "",
        user: str | None = None,
        thread_ts: str | None = None,
        reactions: list[dict[str, Any]] | dict[str, list[str]] | None = None,
        subtype: str | None = None,
        bot_id: str | None = None,
        pinned: bool = False,
        files: list[dict[str, Any]] | None = None,
        **extra: Any,
    ) -> str:
        """Seeds a message (a reply when thread_ts is given) and returns its ts.

        Without ts, the next stub ts is used (always newer than everything so far). `reactions`
        is Slack's list ([{"name", "users", "count"}]) or a {name: [user ids]} shorthand. Any
        other Slack message field (blocks, edited, …) can be passed as a keyword.
        """
        with self._lock:
            if ts is None:
                ts = self._ids.new_ts()
            else:
                ts = format_ts(int(ts_key(ts) * 1_000_000))
                self._ids.saw_ts(ts)
            message: dict[str, Any] = {"type": "message", "ts": ts, "text": text, **extra}
            optional = {
                "user": user,
                "bot_id": bot_id,
                "subtype": subtype,
                "thread_ts": thread_ts,
                "files": files,
            }
            message.update({k: v for k, v in optional.items() if v is not None})
            if user is not None:
                message["team"] = self.env.team_id
            if reactions:
                message["reactions"] = _reaction_list(reactions)
            if pinned:
                message["pinned_to"] = [channel]
            for state in (self._seed, self._live):
                state.add_message(channel, copy.deepcopy(message))
            return ts

    def archive(self, channel: str) -> None:
        with self._lock:
            for state in (self._seed, self._live):
                state.channel(channel)["is_archived"] = True

    # ---- faults --------------------------------------------------------------------------

    def fail(
        self,
        method: str,
        error: str = "channel_not_found",
        *,
        times: int | None = 1,
        when: Callable[[dict[str, Any]], bool] | None = None,
    ) -> None:
        """The next `times` calls to `method` answer {"ok": false, "error": error} (None: until reset).
        `when`: only calls whose decoded arguments it accepts (it runs under the stub's lock)."""
        self._queue(method, _Fault(error, 0, times, when))

    def rate_limit(self, method: str, *, retry_after: int = 1, times: int | None = 1) -> None:
        """The next `times` calls to `method` answer HTTP 429, Retry-After, error "ratelimited"."""
        self._queue(method, _Fault(None, retry_after, times))

    def drop_connection(
        self,
        method: str,
        *,
        times: int | None = 1,
        when: Callable[[dict[str, Any]], bool] | None = None,
    ) -> None:
        """The next `times` calls to `method` (those whose decoded arguments `when` accepts) are
        performed and recorded, then their connection is closed with no answer (None: until reset).

        What a client sees when Slack did the work but its answer was lost on the way back; the
        recorded Call has `answered` False. `when` runs under the stub's lock, once per call.
        """
        if method not in HANDLERS:
            raise ValueError(f"the stub does not implement {method!r}; known: {', '.join(sorted(HANDLERS))}")
        if times is not None and times < 1:
            raise ValueError("times must be at least 1 (or None for 'until reset')")
        with self._lock:
            self._drops.append(_Drop(method, when, times))

    def _drops_answer(self, method: str, args: dict[str, Any]) -> bool:
        for drop in self._drops:
            if drop.method != method or (drop.when is not None and not drop.when(decode_json_args(args))):
                continue
            if drop.remaining is not None:
                drop.remaining -= 1
                if drop.remaining == 0:
                    self._drops.remove(drop)
            return True
        return False

    def _queue(self, method: str, fault: _Fault) -> None:
        if method not in HANDLERS:
            raise ValueError(f"the stub does not implement {method!r}; known: {', '.join(sorted(HANDLERS))}")
        if fault.remaining is not None and fault.remaining < 1:
            raise ValueError("times must be at least 1 (or None for 'until reset')")
        with self._lock:
            self._faults.setdefault(method, deque()).append(fault)

    def _next_fault(self, method: str, args: dict[str, Any]) -> _Fault | None:
        queue = self._faults.get(method)
        if not queue:
            return None
        fault = next((f for f in queue if f.when is None or f.when(decode_json_args(args))), None)
        if fault is None:
            return None
        if fault.remaining is not None:
            fault.remaining -= 1
            if fault.remaining == 0:
                queue.remove(fault)
        return fault

    # ---- inspection ----------------------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        """Web API calls in arrival order (answered ones, errors and 429s included)."""
        with self._lock:
            return list(self._calls)

    @property
    def upload_calls(self) -> list[Call]:
        """POSTs of file bytes to upload URLs (files.uploadV2 step 2), in arrival order."""
        with self._lock:
            return list(self._upload_calls)

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self._calls if c.method == method]

    def messages(self, channel: str) -> list[dict[str, Any]]:
        """Current messages of a channel (seeded, posted, edited), replies included, oldest first."""
        with self._lock:
            record = self._live.channel(channel)
            return [self._live.render(record["id"], m) for m in self._live.ordered(record["id"])]

    def ephemerals(self, channel: str | None = None, user: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            return [
                copy.deepcopy(e)
                for e in self._live.ephemerals
                if (channel is None or e["channel"] == channel) and (user is None or e["user"] == user)
            ]

    @property
    def uploads(self) -> list[Upload]:
        """Files announced by files.getUploadURLExternal: bytes, title, channel, thread_ts, completed."""
        with self._lock:
            return [copy.deepcopy(u) for u in self._live.uploads.values()]

    @property
    def views(self) -> list[dict[str, Any]]:
        """One record per successful views.open/push/update/publish.

        Each is {"method", "view"} plus trigger_id (open/push), view_id (update) or user_id (publish).
        """
        with self._lock:
            return copy.deepcopy(self._live.views)

    @property
    def canvases(self) -> list[dict[str, Any]]:
        """Canvases created: {id, title, markdown, channel_id, changes}."""
        with self._lock:
            return copy.deepcopy(list(self._live.canvases.values()))

    def channel(self, channel: str) -> dict[str, Any]:
        """A conversation as conversations.info would show it, plus its `members`."""
        with self._lock:
            record = self._live.channel(channel)
            return {**self._live.render_channel(record, num_members=True), "members": list(record["members"])}

    def wait_for(
        self, method: str, predicate: Callable[[Call], bool] | None = None, *, timeout: float = 5.0
    ) -> Call:
        """The first recorded call to `method` matching `predicate`, waiting for it if need be.

        Calls recorded before wait_for() count too (use the predicate to pick a later one).
        Raises TimeoutError when none arrives within `timeout` seconds.
        """

        def find() -> Call | None:
            return next(
                (c for c in self._calls if c.method == method and (predicate is None or predicate(c))), None
            )

        with self._changed:
            found = self._changed.wait_for(find, timeout=timeout)
            if found is None:
                seen = ", ".join(c.method for c in self._calls) or "none"
                raise TimeoutError(f"no matching {method} call within {timeout}s (calls so far: {seen})")
            return found

    def reset(self, *, keep_seeds: bool = True) -> None:
        with self._lock:
            if not keep_seeds:
                bot = self._seed.users[self.env.bot_user_id]
                self._seed = State(self.env)
                self._seed.users[bot["id"]] = bot
            self._live = self._seed.clone()
            self._calls.clear()
            self._upload_calls.clear()
            self._faults.clear()
            self._drops.clear()
            self._responses.clear()

    # ---- answering -----------------------------------------------------------------------

    def _answer_api(
        self,
        method: str,
        args: dict[str, Any],
        token: str | None,
        call: dict[str, Any],
        *,
        bad_body: str | None,
    ) -> Call:
        with self._changed:
            headers: dict[str, str] = {}
            answered = True
            if bad_body is not None:
                status, body = 200, {"ok": False, "error": bad_body}
            else:
                status, body, headers = self._respond(method, args, token)
                answered = not (token == self.bot_token and self._drops_answer(method, args))
            recorded = Call(
                method=method,
                args=args,
                status=status,
                response=body,
                response_headers=headers,
                answered=answered,
                **call,
            )
            self._calls.append(recorded)
            self._changed.notify_all()
            return recorded

    def _respond(
        self, method: str, args: dict[str, Any], token: str | None
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        handler = HANDLERS.get(method)
        if handler is None:
            return 200, {"ok": False, "error": "unknown_method", "req_method": method}, {}
        if not token:
            return 200, {"ok": False, "error": "not_authed"}, {}
        if token != self.bot_token:
            return 200, {"ok": False, "error": "invalid_auth"}, {}
        fault = self._next_fault(method, args)  # only authenticated calls use up a queued fault
        if fault is not None and fault.error is None:
            headers = {"Retry-After": str(fault.retry_after)}
            return 429, {"ok": False, "error": "ratelimited"}, headers
        if fault is not None:
            return 200, {"ok": False, "error": fault.error}, {}
        ctx = Ctx(self._live, self._ids, self.root)
        try:
            # A deep copy, so nothing the handler stores aliases the recorded Call.args.
            return 200, handler(ctx, Args(copy.deepcopy(args))), {}
        except SlackError as e:
            return 200, e.body(), {}

    def _answer_response_url(self, key: str, body: bytes) -> int:
        try:
            payload = json.loads(body)
        except ValueError:
            return 400
        with self._changed:
            self._responses.append({"key": key, **payload})
            self._changed.notify_all()
        return 200

    def _answer_upload(self, file_id: str, content: bytes, call: dict[str, Any]) -> int:
        with self._changed:
            upload = self._live.uploads.get(file_id)
            status = 404 if upload is None else 200
            if upload is not None:
                upload.content = content
            self._upload_calls.append(Call(method=f"upload/v1/{file_id}", args={}, status=status, **call))
            self._changed.notify_all()
            return status


def _reaction_list(reactions: list[dict[str, Any]] | dict[str, list[str]]) -> list[dict[str, Any]]:
    if isinstance(reactions, dict):
        return [
            {"name": name, "users": list(users), "count": len(users)} for name, users in reactions.items()
        ]
    return copy.deepcopy(reactions)
