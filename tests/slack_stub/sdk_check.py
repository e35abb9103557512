"""Do the recorded calls name real slack_sdk methods and arguments?

slack-sdk forwards unknown keyword arguments to Slack untouched (every method takes **kwargs), and
Slack ignores arguments it does not know, so `chat_postMessage(threadts=...)` quietly posts to the
channel instead of the thread. This check compares each recorded call against the installed
WebClient:

- the Web API method ("chat.postMessage") must be sent by some WebClient method. The mapping is
  read from WebClient's own source (each method's `self.api_call("<name>", ...)`), falling back to
  the naming rule the SDK follows ("files.getUploadURLExternal" -> `files_getUploadURLExternal`);
- every argument must be a named parameter of that method's signature, or one the SDK itself adds
  to any body: `token` (popped into the Authorization header, or sent in a form body) and `team_id`
  (added to every request of a client built with `WebClient(team_id=...)` for org-wide installs).

Arguments the SDK derives inside a method all land on named parameters of the method that sends
them: `files_upload_v2` sends `filename, length, alt_txt, snippet_type` to
files.getUploadURLExternal and `files, channel_id, channels, initial_comment, thread_ts` to
files.completeUploadExternal, each a parameter of those methods.
"""

from __future__ import annotations

import difflib
import inspect
import re
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any, Protocol

from slack_sdk import WebClient

ALWAYS_ALLOWED = frozenset({"token", "team_id"})
_API_CALL = re.compile(r"""\.api_call\(\s*["']([\w.]+)["']""")


class RecordedCall(Protocol):
    method: str
    args: dict[str, Any]


@cache
def sdk_methods() -> dict[str, Callable[..., Any]]:
    """Web API method name -> the WebClient function that sends it, read from WebClient's source."""
    found: dict[str, Callable[..., Any]] = {}
    for attr, fn in inspect.getmembers(WebClient, inspect.isfunction):
        if attr.startswith("_"):
            continue
        try:
            source = inspect.getsource(fn)
        except (OSError, TypeError):
            continue
        for api_method in _API_CALL.findall(source):
            found.setdefault(api_method, fn)
    return found


def sdk_method(api_method: str) -> Callable[..., Any] | None:
    fn = sdk_methods().get(api_method)
    if fn is None:
        candidate = getattr(WebClient, api_method.replace(".", "_"), None)
        fn = candidate if inspect.isfunction(candidate) else None
    return fn


@cache
def known_arguments(api_method: str) -> frozenset[str] | None:
    """Named parameters of the WebClient method for `api_method`; None if there is no such method."""
    fn = sdk_method(api_method)
    if fn is None:
        return None
    named = (
        name
        for name, p in inspect.signature(fn).parameters.items()
        if name != "self" and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)
    )
    return frozenset(named)


def conformance_problems(calls: Iterable[RecordedCall]) -> list[str]:
    """One human-readable line per unknown method or unknown argument (each reported once)."""
    problems: list[str] = []
    for call in calls:
        known = known_arguments(call.method)
        if known is None:
            close = difflib.get_close_matches(call.method, sdk_methods(), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            problem = f"{call.method}: no such method on slack_sdk.WebClient{hint}"
            if problem not in problems:
                problems.append(problem)
            continue
        for arg in call.args:
            if arg in known or arg in ALWAYS_ALLOWED:
                continue
            close = difflib.get_close_matches(arg, known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            problem = f"{call.method}: unknown argument {arg!r}{hint} (known: {', '.join(sorted(known))})"
            if problem not in problems:
                problems.append(problem)
    return problems
