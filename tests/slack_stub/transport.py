"""HTTP plumbing: a ThreadingHTTPServer on 127.0.0.1 that turns requests into stub answers.

`/api/<method>` (GET or POST) is the Web API; `POST /upload/v1/<file id>` is the upload URL that
files.getUploadURLExternal hands out (files.uploadV2 step 2: the SDK POSTs the raw bytes there,
with urllib's default form Content-Type, so that body is stored as is, never parsed as a form).
"""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol
from urllib.parse import urlsplit

from tests.slack_stub.wire import Call, FilePart, parse_arguments

API_PREFIX = "/api/"
UPLOAD_PREFIX = "/upload/v1/"
# Slash commands and interactions carry a response_url; Bolt's respond() POSTs JSON to it.
RESPONSE_PREFIX = "/response/"


class Answerer(Protocol):
    """What the server needs from SlackStub."""

    def _answer_api(
        self,
        method: str,
        args: dict[str, Any],
        token: str | None,
        call: dict[str, Any],
        *,
        bad_body: str | None,
    ) -> Call: ...

    def _answer_upload(self, file_id: str, content: bytes, call: dict[str, Any]) -> int: ...

    def _answer_response_url(self, key: str, body: bytes) -> int: ...


def _upload_bytes(body: bytes, content_type: str) -> bytes:
    """The SDK POSTs raw bytes; curl-style uploads send multipart with one file field."""
    if content_type.startswith("multipart/form-data"):
        parts = parse_arguments("", content_type, body)
        for value in parts.values():
            if isinstance(value, FilePart):
                return value.content
    return body


class StubServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, stub: Answerer) -> None:
        super().__init__(("127.0.0.1", 0), _RequestHandler)
        self.stub = stub


class _RequestHandler(BaseHTTPRequestHandler):
    server: StubServer
    server_version = "SlackStub/1.0"

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output clean; every request is in stub.calls

    def _handle(self) -> None:
        stub = self.server.stub
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        content_type = self.headers.get("Content-Type", "")
        call = {"http_method": self.command, "headers": dict(self.headers.items()), "body": body}
        if parts.path.startswith(UPLOAD_PREFIX) and self.command == "POST":
            content = _upload_bytes(body, content_type)
            status = stub._answer_upload(parts.path.removeprefix(UPLOAD_PREFIX), content, call)
            self._send(status, f"OK - {len(body)}".encode() if status == 200 else b"Not Found", "text/plain")
            return
        if parts.path.startswith(RESPONSE_PREFIX) and self.command == "POST":
            status = stub._answer_response_url(parts.path.removeprefix(RESPONSE_PREFIX), body)
            self._send(status, b"ok" if status == 200 else b"invalid_payload", "text/plain")
            return
        if not parts.path.startswith(API_PREFIX):
            self._send(404, b"Not Found", "text/plain")
            return
        method = parts.path.removeprefix(API_PREFIX).strip("/")
        is_json = content_type.startswith("application/json")
        bad_body = None
        try:
            args = parse_arguments(parts.query, content_type, body)
        except (ValueError, KeyError, UnicodeDecodeError):
            args, bad_body = {}, "invalid_json" if is_json else "invalid_form_data"
        token = _bearer(self.headers.get("Authorization"))
        if token is None and not is_json and isinstance(args.get("token"), str):
            token = args["token"]  # Slack still takes a token in the query string or form body
        recorded = stub._answer_api(method, args, token, call, bad_body=bad_body)
        if not recorded.answered:
            self.close_connection = True  # performed, but the answer is lost: no status line at all
            return
        payload = json.dumps(recorded.response).encode()
        self._send(recorded.status, payload, "application/json; charset=utf-8", recorded.response_headers)

    def _send(
        self, status: int, payload: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)


def _bearer(header: str | None) -> str | None:
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()
