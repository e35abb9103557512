"""The text a person sees in a Slack message, read from its JSON: `text`, `blocks` and `attachments`.

Monitoring alerts (Grafana, Datadog, PagerDuty, Opsgenie, Alertmanager), workflow posts and messages
written in the rich-text composer often carry an empty `text` and everything in `blocks` or in legacy
`attachments`; when both are present, Slack's `text` is usually a short notification summary of the
blocks (and, for a composer message, Slack's own mrkdwn copy of its `rich_text` block).

How they combine (`visible_text`): the lines of the blocks and then of each attachment, in display
order, each kept once (a line saying the same words as an earlier one is dropped: an attachment
repeating a block). Then, comparing words in order (case, punctuation, list markers and the labels
of mention tokens aside):
- `text` holds everything those lines say (a composer message and its `rich_text` block): `text`,
  exactly as Slack sent it;
- `text` is empty, or those lines hold it (a notification summary of the blocks, an attachment's
  fallback repeated as `text`): the lines;
- otherwise: `text` first, then each line it does not already hold.
So an alert with an empty `text` reads from its blocks, a composer message stays its `text`, and
nothing shown is lost or said twice.

What is read, in display order:
- blocks: `section` (text, then each of `fields`), `header`, `context` (its texts on one line),
  `rich_text` (sections, lists with their bullets or numbers and nesting, quotes, preformatted),
  `markdown`, `table` (a row a line), and the title of an `image` or `video`;
- attachments: `pretext`, `title`, `text`, `fields` ("Title: value"), their own `blocks`, a shared
  message's blocks; `fallback` only when the attachment shows nothing else.
Left out: buttons, menus and inputs, images, author and footer lines, and link previews (the
attachments Slack adds itself when someone pastes a URL).

The result is Slack's wire format, as `text` is: rich-text elements become the tokens Slack writes
(`<@U…>`, `<#C…>`, `<!subteam^S…>`, `<!here>`, `<url|label>`, `<!date^EPOCH^format|fallback>`) and
plain text is escaped, so the domain reads mentions, links, date tokens and stated times in blocks
exactly as in `text`. Tolerant: an unknown block or element is skipped, never an error.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

_ENTITY_OR_SPECIAL = re.compile(r"&(?:amp|lt|gt);|[&<>]")
_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_WORD = re.compile(r"\w+")
_TOKEN_LABEL = re.compile(r"<([@#][A-Z0-9]+|!subteam\^[A-Z0-9]+)\|[^<>]*>")
_LIST_MARKER = re.compile(r"(?m)^[ \t]*(?:[\u2022\u25e6\u25aa*-]|[0-9]{1,3}\.|[a-z]{1,4}\.)[ \t]+")
_LIST_ITEM = "\u2022 "  # •


def _escape(text: str) -> str:
    """Raw text → wire format; an entity already escaped stays as it is."""
    return _ENTITY_OR_SPECIAL.sub(lambda m: _ESCAPES.get(m.group(), m.group()), text)


def _objects(value: Any) -> list[Mapping[str, Any]]:
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []


def _string(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _text_object(value: Any) -> str:
    """A composition text object (`{"type": "mrkdwn" | "plain_text", "text": …}`) → wire format."""
    if isinstance(value, str):
        return value
    if not isinstance(value, Mapping):
        return ""
    text = _string(value.get("text"))
    return text if _kind(value) == "mrkdwn" else _escape(text)


# --- rich text ---------------------------------------------------------------------------------------


def _inline(element: Mapping[str, Any]) -> str:
    """One rich-text element as Slack's `text` would write it."""
    kind = _kind(element)
    if kind == "text":
        return _escape(_string(element.get("text")))
    if kind == "link":
        url, label = _escape(_string(element.get("url"))), _escape(_string(element.get("text")))
        if not url:
            return label
        return f"<{url}|{label}>" if label and label != url else f"<{url}>"
    if kind == "user":
        return f"<@{_string(element.get('user_id'))}>"
    if kind == "channel":
        return f"<#{_string(element.get('channel_id'))}>"
    if kind == "usergroup":
        return f"<!subteam^{_string(element.get('usergroup_id'))}>"
    if kind == "broadcast":
        return f"<!{_string(element.get('range')) or 'here'}>"
    if kind == "emoji":
        name = _string(element.get("name"))
        return f":{name}:" if name else ""
    if kind == "date":
        return _date(element)
    if kind == "color":
        return _escape(_string(element.get("value")))
    if kind in _RICH_CONTAINERS:
        return "\n".join(_rich_lines(element))
    # message_mention, team and anything newer: the text it carries, if any
    return _escape(_string(element.get("text")) or _string(element.get("url")))


def _date(element: Mapping[str, Any]) -> str:
    stamp = element.get("timestamp")
    if isinstance(stamp, str) and stamp.lstrip("-").isdigit():
        stamp = int(stamp)
    fallback = _escape(_string(element.get("fallback")))
    if not isinstance(stamp, int | float) or isinstance(stamp, bool):
        return fallback
    fmt = _string(element.get("format")).replace("|", " ").replace("^", " ") or "{date_short} {time}"
    url = _string(element.get("url"))
    link = f"^{_escape(url)}" if url else ""
    return f"<!date^{int(stamp)}^{_escape(fmt)}{link}" + (f"|{fallback}>" if fallback else ">")


def _run(elements: Iterable[Mapping[str, Any]]) -> list[str]:
    """Inline elements → lines (a text element may hold line breaks)."""
    return "".join(_inline(element) for element in elements).split("\n")


def _kind(obj: Mapping[str, Any]) -> str | None:
    """An element's `type`, when it is a string (Slack JSON from outside may hold anything)."""
    kind = obj.get("type")
    return kind if isinstance(kind, str) else None


def _rich_lines(element: Mapping[str, Any]) -> list[str]:
    """A rich-text container → lines. Nested lists arrive as sibling lists with a deeper `indent`."""
    kind = _kind(element)
    children = _objects(element.get("elements"))
    if kind == "rich_text_list":
        indent = element.get("indent")
        offset = element.get("offset")
        pad = "  " * (indent if isinstance(indent, int) and 0 < indent < 10 else 0)
        start = offset if isinstance(offset, int) and offset >= 0 else 0
        lines = []
        for number, item in enumerate(children, start=start + 1):
            bullet = f"{number}. " if element.get("style") == "ordered" else _LIST_ITEM
            item_lines = _rich_lines(item) if _kind(item) in _RICH_CONTAINERS else _run([item])
            lines += [pad + bullet + item_lines[0], *(pad + "  " + line for line in item_lines[1:])]
        return lines
    if any(_kind(child) in _RICH_CONTAINERS for child in children):
        lines = [line for child in children for line in _rich_lines(child)]
    else:
        lines = _run(children)
    if kind == "rich_text_quote":
        return ["&gt; " + line for line in lines]
    return lines


_RICH_CONTAINERS = frozenset(
    {"rich_text", "rich_text_section", "rich_text_list", "rich_text_quote", "rich_text_preformatted"}
)


# --- blocks and attachments ----------------------------------------------------------------------------


def _block_lines(block: Mapping[str, Any]) -> list[str]:
    kind = _kind(block)
    if kind == "section":
        fields = [_text_object(field) for field in _objects(block.get("fields"))]
        return [_text_object(block.get("text")), *fields]
    if kind == "header":
        return [_text_object(block.get("text"))]
    if kind == "context":
        texts = (_text_object(e) for e in _objects(block.get("elements")) if _kind(e) != "image")
        return [" ".join(text for text in texts if text.strip())]
    if kind == "rich_text":
        return _rich_lines(block)
    if kind == "markdown":
        return [_escape(_string(block.get("text")))]
    if kind in ("image", "video"):
        return [_text_object(block.get("title"))]
    if kind == "table":
        return [
            " | ".join(_cell(cell) for cell in row)
            for row in block.get("rows") or ()
            if isinstance(row, list)
        ]
    return []  # divider, actions, input, file, call … show no text of their own


def _cell(cell: Any) -> str:
    if not isinstance(cell, Mapping):
        return ""
    if _kind(cell) == "rich_text":
        return " ".join(line.strip() for line in _rich_lines(cell))
    return _escape(_string(cell.get("text")))


def _blocks(value: Any) -> list[str]:
    return [line for block in _objects(value) for line in _block_lines(block)]


def _is_link_preview(attachment: Mapping[str, Any]) -> bool:
    """An unfurl Slack added for a pasted link (not a shared message, which is content)."""
    if attachment.get("is_share") or attachment.get("is_msg_unfurl"):
        return False
    return bool(
        attachment.get("from_url") or attachment.get("original_url") or attachment.get("is_app_unfurl")
    )


def _attachment_lines(attachment: Mapping[str, Any]) -> list[str]:
    if _is_link_preview(attachment):
        return []
    lines = [_string(attachment.get(key)) for key in ("pretext", "title", "text")]
    for field in _objects(attachment.get("fields")):
        title, value = _string(field.get("title")), _string(field.get("value"))
        lines.append(f"{title}: {value}" if title and value else title or value)
    lines += _blocks(attachment.get("blocks"))
    for shared in _objects(attachment.get("message_blocks")):  # a forwarded message, as Slack shows it
        message = shared.get("message")
        lines += _blocks(message.get("blocks")) if isinstance(message, Mapping) else []
    if not any(line.strip() for line in lines):
        lines = [_string(attachment.get("fallback"))]
    return lines


def _key(text: str) -> str:
    """What two renderings of the same words share: words in order, case, punctuation, list
    markers and the labels of user, channel and group tokens (only hints) aside; space-padded."""
    text = _TOKEN_LABEL.sub(r"<\1>", text)
    text = _LIST_MARKER.sub("", text)
    words = _WORD.findall(text.casefold())
    return f" {' '.join(words)} " if words else " "


def _holds(held: str, line: str) -> bool:
    words = _key(line)
    return words in held if words.strip() else line.strip() in held


def visible_text(raw: Mapping[str, Any]) -> str:
    """What the message shows, in Slack's wire format: its `text`, its blocks, its attachments,
    combined as the module says."""
    text = raw.get("text")
    text = text if isinstance(text, str) else ""
    items = _blocks(raw.get("blocks"))
    for attachment in _objects(raw.get("attachments")):
        items += _attachment_lines(attachment)
    shown: list[str] = []  # the blocks' and attachments' lines, each once
    seen: set[str] = set()
    held = " "  # their words, in order
    for line in (line.rstrip() for item in items for line in item.split("\n")):
        words = _key(line)
        key = words if words.strip() else line.strip()  # a line of emoji only: itself
        if key and key not in seen:
            shown.append(line)
            seen.add(key)
            held += words.lstrip()
    if not shown:
        return text
    text_key = _key(text)
    if text.strip() and held in text_key:  # the text holds it all: a composer message, its rich_text
        return text
    if not text.strip() or _holds(held, text):  # no text, or a summary of what the blocks show
        return "\n".join(shown)
    return "\n".join([text, *(line for line in shown if not _holds(text_key, line))])
