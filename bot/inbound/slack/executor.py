"""The pool Bolt runs listeners on, which also knows when it has nothing left to do.

Bolt hands every listener to its `listener_executor` (`slack_bolt.App(listener_executor=...)`);
this is the same thread pool Bolt makes when given none (5 workers), plus a count of work submitted
and not yet finished. Production never asks; tests wait on `wait_idle` instead of sleeping before
they check that something did NOT happen.

Why waiting for idle after a response covers that request (slack-bolt 1.x,
`slack_bolt/listener/thread_runner.py`, `ThreadListenerRunner.run`): with
`process_before_response=False` (our setting, as in every HTTP-mode app that acks first) the runner
calls `ack()` for events, then `listener_executor.submit(run_ack_function_asynchronously)`, then
starts lazy listeners (`ThreadLazyListenerRunner.start`, which submits to this same executor), and
only then waits for `ack.response` and returns the response that the HTTP adapter writes. So by the
time a client has the HTTP response, the request's listener is already counted here, and
`wait_idle` returning True means it has finished, with everything it called (Slack, the database).
A request refused before a listener runs (bad signature, a redelivery the middleware skips, a path
Bolt does not serve) submits nothing. With `process_before_response=True` the listener runs on the
request thread before the response, and nothing is submitted.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

BOLT_DEFAULT_WORKERS = 5  # what slack_bolt.App uses when given no listener_executor


class ListenerPool(ThreadPoolExecutor):
    """A ThreadPoolExecutor that counts pending work and can wait until there is none."""

    def __init__(self, max_workers: int = BOLT_DEFAULT_WORKERS) -> None:
        super().__init__(max_workers=max_workers, thread_name_prefix="listener")
        self._pending = 0
        self._changed = threading.Condition()

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        with self._changed:
            self._pending += 1
        try:
            future = super().submit(fn, *args, **kwargs)
        except BaseException:
            self._finished()
            raise
        future.add_done_callback(lambda _: self._finished())
        return future

    def _finished(self) -> None:
        with self._changed:
            self._pending -= 1
            if self._pending == 0:
                self._changed.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        """Block until every submitted piece of work has finished (True), or `timeout` seconds pass
        with some still running (False). Work submitted while waiting is waited for too."""
        with self._changed:
            return self._changed.wait_for(lambda: self._pending == 0, timeout)
