"""HTTP mode: POST /slack/events for everything Slack sends, GET /healthz for load balancers.

A plain WSGI app, so any WSGI server can host it (`bot.web:make_wsgi_app`); `serve()` runs it on
the standard library's threaded server (`Server`), which is what `postmortem-bot run` uses.

A POST reaches Bolt only past, in this order (no step reads more of the body than it needs):
1. its size: over MAX_BODY_BYTES is 413, from Content-Length before a byte is read (a chunked body
   is read up to the cap and no further);
2. its signature, checked on the raw bytes by slack_sdk's SignatureVerifier: missing, malformed,
   stale (over 5 minutes) or wrong is 401 (Slack's unsigned `ssl_check=1` is 200, nothing done);
3. its form: a signed body that is not a JSON object, nor a form (whose `payload` is one): 400;
4. its shape (`inbound/slack/shapes.py`): lacking what its kind always carries, 400 (an event:
   200, since Slack would only send it again).
Each refusal is one log line, never a traceback. Socket Mode never comes this way (bot/app.py).
"""

from __future__ import annotations

import io
import json
import logging
import re
import selectors
import socket
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterable
from http import HTTPStatus
from socketserver import ThreadingMixIn
from typing import TYPE_CHECKING, Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_bolt.adapter.wsgi.http_response import WsgiHttpResponse
from slack_bolt.request.internals import build_normalized_headers, extract_content_type, parse_body
from slack_sdk.signature import SignatureVerifier

from bot import __version__
from bot.inbound.slack import shapes
from bot.store.db import database_answers
from bot.store.migrate import schema_problem

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

    from bot.runtime import Runtime

logger = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"

# 2 MiB: the largest body Slack sends, with room to spare. The biggest is an edit (message_changed):
# the message and its previous version, each holding its text twice (`text` and its rich_text
# block), and Slack cuts a text at 40,000 characters. Slack's JSON writes a non-ASCII character as
# \uXXXX, 12 bytes for an emoji, so even the worst is 4 x 40,000 x 12 = 1.92 MB (plain ASCII: 160 KB).
# Interactions are smaller: a view is at most 250 KB (views.open refuses more), form-encoded at most
# three times that; a message holds at most 50 blocks. A 10 MB body is nothing Slack sends.
MAX_BODY_BYTES = 2 * 1024 * 1024
_READ_PIECE = 64 * 1024
# `Server` puts here what the app calls when it answers before reading the whole body: the server
# then reads and drops the rest before closing, so the client gets the answer, not a reset.
LINGER = "postmortem_bot.linger"


def make_wsgi_app(bolt_app: App, rt: Runtime) -> WSGIApplication:
    """The app. Without a signing secret (Socket Mode settings) every POST to EVENTS_PATH is 401."""
    slack = SlackRequestHandler(bolt_app, path=EVENTS_PATH)
    secret = rt.settings.slack_signing_secret
    verifier = SignatureVerifier(secret) if secret else None

    def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO"), environ.get("REQUEST_METHOD")
        try:
            if path == HEALTH_PATH and method in ("GET", "HEAD"):
                return _health(rt, start_response)
            if path == EVENTS_PATH and method == "POST":
                return _answer(start_response, _from_slack(bolt_app, verifier, environ))
            return slack(environ, start_response)
        except Exception:
            logger.exception("unhandled error answering %s %s", method, path)
            return _answer(start_response, _plain(HTTPStatus.INTERNAL_SERVER_ERROR))

    return application


def _from_slack(bolt_app: App, verifier: SignatureVerifier | None, environ: WSGIEnvironment) -> BoltResponse:
    try:
        raw = _read_body(environ)
    except _Refused as refused:
        if callable(linger := environ.get(LINGER)):
            linger()
        logger.warning("refused a request to %s: %s", EVENTS_PATH, refused)
        return _plain(refused.status)
    headers = WsgiHttpRequest(environ).get_headers()
    if not _signed(verifier, raw, headers):
        if _is_ssl_check(raw):
            return BoltResponse(status=200)
        # Anyone can send this, so: one line, at info, nothing of the body.
        logger.info("refused a request without a valid Slack signature (%d bytes)", len(raw))
        return _plain(HTTPStatus.UNAUTHORIZED)
    text = raw.decode()  # verified, and the verifier reads the body as UTF-8 text
    body = _parse(text, headers)
    if body is None:
        logger.warning("refused a signed request whose body is not a JSON object or a form")
        return _plain(HTTPStatus.BAD_REQUEST)
    problem = shapes.problem(body)
    if problem is not None:
        kind = shapes.kind(body)
        logger.warning("ignored a signed %s that cannot be read: %s", kind, problem)
        return BoltResponse(status=200) if kind == shapes.EVENT_CALLBACK else _plain(HTTPStatus.BAD_REQUEST)
    query = str(environ.get("QUERY_STRING", ""))
    return bolt_app.dispatch(BoltRequest(body=text, query=query, headers=headers))


class _Refused(Exception):
    def __init__(self, status: HTTPStatus, reason: str) -> None:
        super().__init__(reason)
        self.status = status


def _read_body(environ: WSGIEnvironment) -> bytes:
    """The body, whole; _Refused when over MAX_BODY_BYTES (read no further), malformed or cut short."""
    stream = environ.get("wsgi.input")
    length = str(environ.get("CONTENT_LENGTH") or "").strip()
    if stream is None:
        return b""
    if length:
        if not (length.isascii() and length.isdigit()):
            raise _Refused(HTTPStatus.BAD_REQUEST, f"a Content-Length of {length[:20]!r}")
        if len(length) > len(str(MAX_BODY_BYTES)) or int(length) > MAX_BODY_BYTES:
            raise _Refused(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"{length} bytes, over {MAX_BODY_BYTES}")
        data = _read(stream, int(length))
        if len(data) < int(length):
            raise _Refused(HTTPStatus.BAD_REQUEST, f"{len(data)} of {length} bytes: the body was cut short")
        return data
    if environ.get("wsgi.input_terminated"):  # a chunked body the server de-chunks, ending at its end
        data = _read(stream, MAX_BODY_BYTES + 1)
        if len(data) > MAX_BODY_BYTES:
            raise _Refused(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"a chunked body over {MAX_BODY_BYTES} bytes")
        return data
    if "chunked" in str(environ.get("HTTP_TRANSFER_ENCODING", "")).lower():
        raise _Refused(HTTPStatus.LENGTH_REQUIRED, "a chunked body this server cannot delimit")
    return b""


def _read(stream: Any, limit: int) -> bytes:
    """Up to `limit` bytes: fewer only when the body ends first."""
    parts: list[bytes] = []
    left = limit
    try:
        while left > 0:
            piece = stream.read(min(left, _READ_PIECE))
            if not piece:
                break
            parts.append(piece)
            left -= len(piece)
    except (ValueError, OSError) as error:  # malformed chunks, a client gone or too slow
        raise _Refused(HTTPStatus.BAD_REQUEST, f"the body could not be read ({error})") from None
    return b"".join(parts)


def _signed(verifier: SignatureVerifier | None, raw: bytes, headers: dict[str, Any]) -> bool:
    """Slack's signature over these very bytes, made within the last 5 minutes (slack_sdk decides)."""
    timestamp, signature = headers.get("x-slack-request-timestamp"), headers.get("x-slack-signature")
    if verifier is None or not isinstance(timestamp, str) or not isinstance(signature, str):
        return False
    # The verifier calls int() on the timestamp and compares the signatures as str, which must be
    # ASCII: anything else would raise in it instead of failing the check.
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12 and signature.isascii()):
        return False
    try:
        return verifier.is_valid(body=raw, timestamp=timestamp, signature=signature)
    except UnicodeDecodeError:  # slack_sdk signs text; a body that is not UTF-8 is nothing Slack sent
        return False


def _is_ssl_check(raw: bytes) -> bool:
    """Slack's unsigned check of a slash command URL's certificate (a small form, `ssl_check=1`):
    answered 200 with nothing done, as Bolt answers it before its own signature check."""
    return len(raw) <= 1024 and urllib.parse.parse_qs(raw.decode("latin-1")).get("ssl_check") == ["1"]


def _parse(text: str, headers: dict[str, Any]) -> dict[str, Any] | None:
    """The body as Bolt reads it (JSON, a form, a form's JSON `payload`); None unless an object."""
    content_type = extract_content_type(build_normalized_headers(headers))
    try:
        body = parse_body(text, content_type)
    except (ValueError, RecursionError):
        return None
    return body if isinstance(body, dict) else None


def _plain(status: HTTPStatus) -> BoltResponse:
    return BoltResponse(status=status.value, body=status.phrase)


def _answer(start_response: StartResponse, response: BoltResponse) -> list[bytes]:
    wsgi = WsgiHttpResponse(status=response.status, headers=response.headers, body=response.body)
    start_response(wsgi.status, wsgi.get_headers())
    return list(wsgi.get_body())


def _health(rt: Runtime, start_response: StartResponse) -> list[bytes]:
    healthy = database_answers(rt.engine)
    report: dict[str, Any] = {"version": __version__, "database": "ok" if healthy else "unreachable"}
    if healthy:
        problem = schema_problem(rt.engine)
        report["schema"] = "current" if problem is None else problem
    body = json.dumps(report).encode()
    status = "200 OK" if healthy else "503 Service Unavailable"
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


# --- the standard library's server, with what it lacks for this ---------------------------------------

# A chunk's size line: hex digits, optional extensions (ignored), CRLF.
_CHUNK_SIZE = re.compile(rb"([0-9A-Fa-f]{1,8})(?:;[^\r\n]*)?\r?\n")
_CHUNK_LINE_LIMIT = 4096
_TRAILER_LINES = 64
LINGER_SECONDS = 2.0
HANDLER_TIMEOUT = 30.0  # seconds a client may leave a request half-sent before it is dropped


class _ChunkedBody(io.RawIOBase):
    """A `Transfer-Encoding: chunked` body without its framing, ending after the last chunk (wsgiref
    hands the app the raw stream; gunicorn de-chunks likewise). Malformed framing: ValueError."""

    def __init__(self, raw: io.BufferedIOBase) -> None:
        self._raw = raw
        self._left = 0  # bytes still to come in the current chunk
        self._ended = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._ended:
            return 0
        if self._left == 0:
            self._left = self._chunk_size()
            if self._left == 0:
                self._ended = True
                return 0
        view = memoryview(buffer).cast("B")
        n = self._raw.readinto(view[: min(len(view), self._left)])
        if not n:
            raise ValueError("the body ended inside a chunk")
        self._left -= n
        if self._left == 0 and self._raw.readline(3) not in (b"\r\n", b"\n"):
            raise ValueError("a chunk not followed by a line break")
        return n

    def _chunk_size(self) -> int:
        found = _CHUNK_SIZE.fullmatch(self._raw.readline(_CHUNK_LINE_LIMIT))
        if found is None:
            raise ValueError("a malformed chunk size")
        size = int(found[1], 16)
        if size == 0:  # the last chunk: skip the trailer fields, up to the blank line
            for _ in range(_TRAILER_LINES):
                if self._raw.readline(_CHUNK_LINE_LIMIT) in (b"\r\n", b"\n", b""):
                    return 0
            raise ValueError("too many trailer fields")
        return size

    def close(self) -> None:
        super().close()
        self._raw.close()  # the socket's own reader: the connection closes only once it is closed


def _linger(connection: socket.socket) -> None:
    """Read and drop what the client is still sending, until it closes or LINGER_SECONDS pass."""
    deadline = time.monotonic() + LINGER_SECONDS
    try:
        connection.shutdown(socket.SHUT_WR)  # the answer is complete
        while (left := deadline - time.monotonic()) > 0:
            connection.settimeout(left)
            if not connection.recv(_READ_PIECE):
                return
    except OSError:
        return


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """An error outside the app goes to the log (socketserver prints it); a client that went
        quiet or away, as one line."""
        error = sys.exc_info()[1]
        if isinstance(error, TimeoutError | ConnectionError):
            logger.info("dropped a connection from %s: %s", client_address[0], type(error).__name__)
        else:
            logger.exception("error serving a request from %s", client_address[0])


class _QuietHandler(WSGIRequestHandler):
    """wsgiref's, plus: chunked bodies de-chunked, a client stalling mid-request dropped after
    HANDLER_TIMEOUT, and a lingering close when the app answered before reading the whole body."""

    timeout = HANDLER_TIMEOUT
    _chunked = False
    _linger = False

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s - %s", self.address_string(), format % args)

    def parse_request(self) -> bool:
        if not super().parse_request():
            return False
        self._chunked = "chunked" in self.headers.get("Transfer-Encoding", "").lower()
        if self._chunked:
            self.rfile = io.BufferedReader(_ChunkedBody(self.rfile))
        return True

    def get_environ(self) -> dict[str, Any]:
        environ = super().get_environ()
        if self._chunked:
            environ["wsgi.input_terminated"] = True  # read to its end: the framing says where it is
            environ.pop("CONTENT_LENGTH", None)  # means nothing beside chunked framing (RFC 9112 6.3)
        environ[LINGER] = self._linger_on_close
        return environ

    def _linger_on_close(self) -> None:
        self._linger = True

    def finish(self) -> None:
        super().finish()
        if self._linger:
            _linger(self.connection)


class Server:
    """A running HTTP server; `port` is the one actually bound (ask for 0 to get a free one).

    `shutdown()` is prompt: the serving loop waits on the listening socket and on a wake-up socket
    that `shutdown()` writes to, instead of polling a flag (socketserver's `serve_forever` polls
    every `poll_interval`, so its `shutdown()` waits up to that long).
    """

    def __init__(self, app: WSGIApplication, host: str, port: int) -> None:
        self._httpd = make_server(host, port, app, _ThreadingWSGIServer, _QuietHandler)
        self._httpd.timeout = 0  # handle_request() only after the selector saw a connection waiting
        self.host = host
        self.port = self._httpd.server_port
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._stopped = threading.Event()
        self._stopped.set()
        self._wake_r, self._wake_w = socket.socketpair()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def serve_forever(self) -> None:
        """Handle requests, each on its own thread, until `shutdown()` (or a signal handler raises)."""
        self._stopped.clear()
        try:
            with selectors.DefaultSelector() as selector:
                selector.register(self._httpd, selectors.EVENT_READ)
                selector.register(self._wake_r, selectors.EVENT_READ)
                while not self._stopping.is_set():
                    ready = selector.select()
                    if self._stopping.is_set():
                        break
                    if any(key.fileobj is self._httpd for key, _ in ready):
                        self._httpd.handle_request()
                    self._httpd.service_actions()
        finally:
            self._stopped.set()

    def start_in_background(self) -> Server:
        self._stopped.clear()  # so a shutdown() right after this waits for the loop to see it
        self._thread = threading.Thread(target=self.serve_forever, name="http", daemon=True)
        self._thread.start()
        return self

    def shutdown(self) -> None:
        self._stopping.set()
        self._wake_w.send(b"\0")
        self._stopped.wait()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._wake_r.close()
        self._wake_w.close()
