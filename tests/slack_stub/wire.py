"""What arrives on the wire: request bodies parsed into one dict of arguments, and the recorded Call.

slack-sdk's sync WebClient always sends POST (it ignores `http_verb`) and puts the token in an
`Authorization: Bearer` header. The body is one of:

- nothing at all (e.g. `auth_test()` with no arguments),
- `application/x-www-form-urlencoded` (every `params=` method: history, users.info, …;
  booleans arrive as "1"/"0", lists as JSON strings such as files.completeUploadExternal's `files`),
- `application/json;charset=utf-8` (methods built with `json=`: chat.postMessage, chat.update,
  views.*, canvases.*; values keep their JSON types),
- `multipart/form-data` (anything called with `files=`).

Slack also accepts GET with a query string, so the query string is merged in too. Form and query
values stay strings exactly as received in `Call.args`; `Call.decoded` / `Args` decode the
arguments Slack documents as JSON-encoded (blocks, attachments, view, files, …).
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from email.message import Message
from functools import cached_property
from typing import Any
from urllib.parse import parse_qsl

# Arguments Slack documents as "a JSON-based array/object" when sent form-encoded.
JSON_ARGS = frozenset(
    {
        "attachments",
        "blocks",
        "changes",
        "chunks",
        "dialog",
        "document_content",
        "files",
        "metadata",
        "outputs",
        "profile",
        "unfurls",
        "user_auth_blocks",
        "view",
    }
)


class SlackError(Exception):
    """Raised by a method handler; becomes `{"ok": false, "error": ...}` with HTTP 200."""

    def __init__(self, error: str, *messages: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.messages = list(messages)
        self.extra = extra

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {"ok": False, "error": self.error, **self.extra}
        if self.messages:
            out["response_metadata"] = {"messages": self.messages}
        return out


@dataclass(frozen=True)
class FilePart:
    """A file field of a multipart body."""

    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class Call:
    """One request to the stand-in, recorded after it was answered.

    `args` is every argument as received (query string + body; form values are strings), `token`
    is not included when it came in the Authorization header. `status` is the HTTP status sent
    back (200, or 429 when rate limited), `response` the JSON body and `response_headers` any
    extra headers (Retry-After). `answered` is False for a call the stand-in performed and then
    closed the connection of without answering (SlackStub.drop_connection): `response` is what
    the client would have been told.
    """

    method: str
    args: dict[str, Any]
    http_method: str
    headers: dict[str, str]
    body: bytes = b""
    status: int = 200
    response: dict[str, Any] = field(default_factory=dict)
    response_headers: dict[str, str] = field(default_factory=dict)
    answered: bool = True

    @cached_property
    def decoded(self) -> dict[str, Any]:
        """`args` with JSON-encoded form values (blocks, view, files, …) decoded."""
        return decode_json_args(self.args)

    @property
    def ok(self) -> bool:
        return self.status == 200 and bool(self.response.get("ok"))

    @property
    def error(self) -> str | None:
        return self.response.get("error")


def decode_json_args(args: dict[str, Any]) -> dict[str, Any]:
    out = dict(args)
    for name in JSON_ARGS & out.keys():
        value = out[name]
        if isinstance(value, str) and value[:1] in ("[", "{"):
            # Undecodable values stay as received; handlers then answer e.g. invalid_blocks_format.
            with contextlib.suppress(ValueError):
                out[name] = json.loads(value)
    return out


def parse_arguments(query: str, content_type: str, body: bytes) -> dict[str, Any]:
    """Query string and body (form, JSON or multipart) merged into one dict; the body wins."""
    args: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    if not body:
        return args
    media_type, params = _split_content_type(content_type)
    if media_type == "application/json":
        decoded = json.loads(body.decode(params.get("charset", "utf-8")))
        if not isinstance(decoded, dict):
            raise ValueError("a JSON body must be an object")
        args.update(decoded)
    elif media_type == "multipart/form-data":
        args.update(parse_multipart(body, params["boundary"]))
    else:  # application/x-www-form-urlencoded, and what Slack assumes when the type is missing
        text = body.decode(params.get("charset", "utf-8"))
        args.update(parse_qsl(text, keep_blank_values=True))
    return args


def parse_multipart(body: bytes, boundary: str) -> dict[str, Any]:
    """Fields become strings, file fields `FilePart`s."""
    fields: dict[str, Any] = {}
    delimiter = b"--" + boundary.encode("ascii")
    for chunk in body.split(delimiter)[1:]:
        if chunk.startswith(b"--"):
            break
        head, _, content = chunk.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        content = content.removesuffix(b"\r\n")
        headers = Message()
        for line in head.decode("utf-8").split("\r\n"):
            name, _, value = line.partition(":")
            headers[name.strip()] = value.strip()
        field_name = headers.get_param("name", header="content-disposition")
        if not isinstance(field_name, str):
            continue
        filename = headers.get_param("filename", header="content-disposition")
        if isinstance(filename, str):
            ctype = headers.get("content-type", "application/octet-stream")
            fields[field_name] = FilePart(filename, ctype, content)
        else:
            fields[field_name] = content.decode("utf-8")
    return fields


def _split_content_type(value: str) -> tuple[str, dict[str, str]]:
    message = Message()
    message["content-type"] = value or "application/x-www-form-urlencoded"
    params = {k.lower(): v for k, v in message.get_params(failobj=[])[1:] if isinstance(v, str)}
    return message.get_content_type(), params


class Args:
    """Typed access to a call's (decoded) arguments, raising Slack's errors for bad values."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self.values = decode_json_args(raw)

    def get(self, name: str, default: Any = None) -> Any:
        return self.values.get(name, default)

    def text(self, name: str) -> str | None:
        """A string argument; absent and empty are both None."""
        value = self.values.get(name)
        if value is None or value == "":
            return None
        return value if isinstance(value, str) else str(value)

    def require(self, name: str, error: str) -> str:
        value = self.text(name)
        if value is None:
            raise SlackError(error)
        return value

    def flag(self, name: str, default: bool = False) -> bool:
        value = self.values.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            return value
        return str(value).strip().lower() in ("1", "true", "yes")

    def number(self, name: str, default: int, *, minimum: int = 1, maximum: int = 1000) -> int:
        value = self.values.get(name)
        if value is None or value == "":
            return default
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise SlackError("invalid_arguments", f"[ERROR] {name} must be an integer") from None
        if number <= 0:
            return default  # Slack treats limit=0 as "use the default"
        return max(minimum, min(number, maximum))

    def ts(self, name: str) -> Decimal | None:
        value = self.text(name)
        if value is None:
            return None
        try:
            return Decimal(value)
        except InvalidOperation:
            raise SlackError("invalid_ts_" + ("latest" if name == "latest" else "oldest")) from None

    def ids(self, name: str) -> list[str]:
        """A comma-separated list (or a JSON list) of ids."""
        value = self.values.get(name)
        if value is None or value == "":
            return []
        if isinstance(value, list):
            return [str(v) for v in value]
        return [part.strip() for part in str(value).split(",") if part.strip()]
