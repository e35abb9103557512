"""HTTP mode: POST /slack/events for everything Slack sends, GET /healthz for load balancers.

A plain WSGI app, so any WSGI server can host it (`bot.web:make_wsgi_app`); `serve()` runs it on
the standard library's threaded server (`Server`), which is what `postmortem-bot run` uses.
"""

from __future__ import annotations

import json
import logging
import selectors
import socket
import threading
from collections.abc import Iterable
from socketserver import ThreadingMixIn
from typing import TYPE_CHECKING, Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot import __version__
from bot.store.db import database_answers
from bot.store.migrate import schema_problem

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

    from bot.runtime import Runtime

logger = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"


def make_wsgi_app(bolt_app: App, rt: Runtime) -> WSGIApplication:
    slack = SlackRequestHandler(bolt_app, path=EVENTS_PATH)

    def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == HEALTH_PATH and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            return _health(rt, start_response)
        return slack(environ, start_response)

    return application


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


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s - %s", self.address_string(), format % args)


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
