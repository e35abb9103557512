"""What every tracker stand-in shares: a real HTTP server on 127.0.0.1, a record of every call, faults.

    with GitHubStub() as stub:
        tracker = GitHubTracker(stub.token, api_url=stub.api_url)
        stub.fail(500)                       # the next request answers 500
        stub.rate_limit(retry_after=30)      # … or 429 with the tracker's own rate-limit headers
        stub.drop()                          # … or the connection closes with no answer

Each request is answered under one lock: authenticate, apply a queued fault, route, record the Call. A
Call seen by a test has already changed the state it describes. Subclasses give `routes` (method, path
regex, handler), `authenticate`, `rate_limited` (the tracker's own 429) and `common_headers`.
"""

from __future__ import annotations

import json
import re
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str  # raw (percent-encoded) path
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names
    body: bytes
    params: dict[str, str] = field(default_factory=dict)  # the route's named groups, raw

    @property
    def json(self) -> Any:
        return json.loads(self.body) if self.body else None

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default


@dataclass
class Reply:
    status: int = 200
    body: Any = None  # JSON-able, or bytes as is
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any
    status: int
    response: Any
    response_headers: dict[str, str]


@dataclass
class _Fault:
    kind: str  # "fail" | "rate_limit" | "drop"
    status: int = 500
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    path: str | None = None  # a substring of the path it applies to; None: any


Route = tuple[str, re.Pattern[str], Callable[[Request], Reply]]


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that hung up mid-answer (a dropped connection, a test that ended) is not news


class HTTPError(Exception):
    """Raised by a handler: answered as `status` with `body`."""

    def __init__(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        super().__init__(status)
        self.status = status
        self.body = body
        self.headers = headers or {}


class TrackerStub:
    name = "tracker"

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._calls: list[Call] = []
        self._faults: deque[_Fault] = deque()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ---- what subclasses give -----------------------------------------------------------------

    def routes(self) -> list[Route]:
        raise NotImplementedError

    def authenticate(self, request: Request) -> Reply | None:
        """None when the request may go on; the refusal otherwise."""
        return None

    def rate_limited(self, retry_after: int, headers: dict[str, str]) -> Reply:
        return Reply(429, {"message": "rate limited"}, {"Retry-After": str(retry_after), **headers})

    def common_headers(self, request: Request, status: int) -> dict[str, str]:
        return {}

    # ---- lifecycle ----------------------------------------------------------------------------

    def start(self) -> TrackerStub:
        if self._server is not None:
            raise RuntimeError(f"{self.name} stub already started")
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _any(self) -> None:
                stub._handle(self)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _any

        self._server = _Server(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.02},
            name=f"{self.name}-stub",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None or self._thread is None:
            return
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> Any:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def root(self) -> str:
        if self._server is None:
            raise RuntimeError(f"{self.name} stub not started")
        return f"http://127.0.0.1:{self._server.server_port}"

    # ---- faults and inspection ----------------------------------------------------------------

    def fail(self, status: int = 500, body: Any = None, *, path: str | None = None, times: int = 1) -> None:
        with self._lock:
            for _ in range(times):
                self._faults.append(
                    _Fault("fail", status, body if body is not None else {"message": "stub fault"}, path=path)
                )

    def rate_limit(
        self,
        retry_after: int = 30,
        *,
        headers: dict[str, str] | None = None,
        path: str | None = None,
        times: int = 1,
    ) -> None:
        with self._lock:
            for _ in range(times):
                self._faults.append(
                    _Fault(
                        "rate_limit", 429, None, {"retry_after": str(retry_after), **(headers or {})}, path
                    )
                )

    def drop(self, *, path: str | None = None, times: int = 1) -> None:
        """The connection closes with no answer at all."""
        with self._lock:
            for _ in range(times):
                self._faults.append(_Fault("drop", path=path))

    @property
    def calls(self) -> list[Call]:
        with self._lock:
            return list(self._calls)

    def calls_to(self, method: str, path_pattern: str) -> list[Call]:
        pattern = re.compile(path_pattern)
        return [c for c in self.calls if c.method == method and pattern.search(c.path)]

    def reset_calls(self) -> None:
        with self._lock:
            self._calls.clear()

    # ---- answering ----------------------------------------------------------------------------

    def _take_fault(self, path: str) -> _Fault | None:
        for fault in list(self._faults):
            if fault.path is None or fault.path in path:
                self._faults.remove(fault)
                return fault
        return None

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        request = Request(
            handler.command,
            parts.path,
            parse_qs(parts.query, keep_blank_values=True),
            {k.lower(): v for k, v in handler.headers.items()},
            body,
        )
        with self._lock:
            reply = self._answer(request)
            if reply is None:  # dropped: nothing is written and the connection closes
                handler.close_connection = True
                return
            try:
                recorded_body = request.json
            except ValueError:
                recorded_body = request.body
            headers = {**self.common_headers(request, reply.status), **reply.headers}
            self._calls.append(
                Call(
                    request.method,
                    request.path,
                    request.query,
                    request.headers,
                    recorded_body,
                    reply.status,
                    reply.body,
                    headers,
                )
            )
        payload = (
            b""
            if reply.body is None
            else reply.body
            if isinstance(reply.body, bytes)
            else json.dumps(reply.body).encode()
        )
        handler.send_response(reply.status)
        if reply.body is not None and not isinstance(reply.body, bytes):
            handler.send_header("Content-Type", "application/json;charset=UTF-8")
        handler.send_header("Content-Length", str(len(payload)))
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        if payload:
            handler.wfile.write(payload)

    def _answer(self, request: Request) -> Reply | None:
        refused = self.authenticate(request)
        if refused is not None:
            return refused
        fault = self._take_fault(request.path)
        if fault is not None:
            if fault.kind == "drop":
                return None
            if fault.kind == "rate_limit":
                extra = dict(fault.headers)
                retry_after = int(extra.pop("retry_after"))
                return self.rate_limited(retry_after, extra)
            return Reply(fault.status, fault.body)
        for method, pattern, fn in self.routes():
            found = pattern.fullmatch(request.path)
            if found and method == request.method:
                request.params = found.groupdict()
                try:
                    return fn(request)
                except HTTPError as error:
                    return Reply(error.status, error.body, error.headers)
        return Reply(404, {"message": "Not Found", "stub": f"no route for {request.method} {request.path}"})
