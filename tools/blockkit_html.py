# ruff: noqa: E501 - the stylesheet is one rule a line
"""Block Kit → HTML close enough to Slack's to judge a surface by eye (layout, wording, what shows).

Not a Slack clone: mrkdwn bold/italic/strike/code/pre, links, user/channel mentions, a few emoji,
section text + fields + accessories, header, context, divider, actions, input and image blocks,
in Slack's proportions. Used by tools/screenshots.py.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from typing import Any

EMOJI = {
    "boom": "💥",
    "rotating_light": "🚨",
    "eyes": "👀",
    "adhesive_bandage": "🩹",
    "white_check_mark": "✅",
    "pushpin": "📌",
    "warning": "⚠️",
    "memo": "📝",
    "hourglass_flowing_sand": "⏳",
    "calendar": "📅",
    "bulb": "💡",
    "link": "🔗",
    "tada": "🎉",
    "x": "❌",
    "ballot_box_with_check": "☑️",
    "spiral_calendar_pad": "🗓️",
    "clipboard": "📋",
    "speech_balloon": "💬",
}

CSS = "\n".join(
    [
        "body { font: 15px/1.46668 -apple-system, 'Segoe UI', Lato, 'Helvetica Neue', Arial, sans-serif; color: #1d1c1d; background: #fff; margin: 0; padding: 16px 20px; width: 760px; }",
        ".surface-title { font-weight: 900; font-size: 18px; margin: 0 0 10px; color: #1d1c1d; }",
        ".meta { color: #616061; font-size: 12px; margin-bottom: 8px; }",
        ".msg { display: flex; gap: 8px; padding: 8px 0; }",
        ".avatar { width: 36px; height: 36px; border-radius: 4px; background: #4a154b; color: #fff; font-weight: 900; display: flex; align-items: center; justify-content: center; flex: none; }",
        ".body { flex: 1; min-width: 0; }",
        ".name { font-weight: 900; }",
        ".app { background: #e8e8e8; color: #616061; font-size: 10px; font-weight: 700; padding: 0 3px; border-radius: 2px; margin-left: 4px; }",
        ".time { color: #616061; font-size: 12px; margin-left: 6px; }",
        ".block { margin: 4px 0; }",
        ".header { font-size: 18px; font-weight: 900; margin: 6px 0; }",
        ".context { color: #616061; font-size: 13px; }",
        ".divider { border-top: 1px solid #ddd; margin: 10px 0; }",
        ".fields { display: grid; grid-template-columns: 1fr 1fr; gap: 6px 16px; margin-top: 6px; }",
        ".section { display: flex; gap: 12px; }",
        ".section .text { flex: 1; }",
        ".btn { display: inline-block; border: 1px solid #bbb; border-radius: 4px; padding: 2px 10px; font-size: 13px; font-weight: 700; margin: 4px 6px 0 0; background: #fff; }",
        ".btn.primary { background: #007a5a; color: #fff; border-color: #007a5a; }",
        ".btn.danger { background: #e01e5a; color: #fff; border-color: #e01e5a; }",
        ".select { display: inline-block; border: 1px solid #bbb; border-radius: 4px; padding: 2px 24px 2px 10px; font-size: 13px; margin: 4px 6px 0 0; color: #616061; }",
        "code { font: 12px Monaco, Menlo, Consolas, monospace; color: #e01e5a; background: #f8f8f8; border: 1px solid #ddd; border-radius: 3px; padding: 0 3px; }",
        "pre { font: 12px Monaco, Menlo, Consolas, monospace; background: #f8f8f8; border: 1px solid #ddd; border-radius: 4px; padding: 8px; white-space: pre-wrap; margin: 4px 0; }",
        "a { color: #1264a3; text-decoration: none; }",
        ".mention { background: #e8f5fa; color: #1264a3; border-radius: 3px; padding: 0 2px; }",
        "blockquote { border-left: 4px solid #ddd; margin: 4px 0; padding-left: 10px; }",
        ".modal { border: 1px solid #ccc; border-radius: 8px; box-shadow: 0 4px 20px rgba(0,0,0,.15); padding: 0; width: 520px; }",
        ".modal .top { padding: 16px 20px; border-bottom: 1px solid #ddd; font-weight: 900; font-size: 20px; }",
        ".modal .content { padding: 12px 20px; }",
        ".modal .bottom { border-top: 1px solid #ddd; padding: 12px 20px; text-align: right; }",
        ".input label { display: block; font-weight: 700; margin: 12px 0 4px; }",
        ".input .optional { color: #616061; font-weight: 400; }",
        ".input .field { border: 1px solid #bbb; border-radius: 4px; padding: 8px; color: #616061; min-height: 18px; }",
        ".input .field.multi { min-height: 60px; }",
        ".hint { color: #616061; font-size: 12px; margin-top: 4px; }",
        ".home { border-left: 4px solid #4a154b; padding-left: 16px; }",
        ".thread { border-left: 2px solid #ddd; margin-left: 18px; padding-left: 16px; }",
    ]
)


def _emoji(match: re.Match[str]) -> str:
    return EMOJI.get(match.group(1), match.group(0))


def mrkdwn(text: str) -> str:
    """Slack mrkdwn (already escaped with &amp; &lt; &gt;, as Slack wants it) → HTML."""
    pres: list[str] = []

    def keep_pre(m: re.Match[str]) -> str:
        pres.append(m.group(1))
        return f"\x00{len(pres) - 1}\x00"

    text = re.sub(r"```(.*?)```", keep_pre, text, flags=re.S)
    text = re.sub(r"<(https?://[^|>]+|mailto:[^|>]+)\|([^>]+)>", r'<a href="\1">\2</a>', text)
    text = re.sub(r"<(https?://[^|>]+)>", r'<a href="\1">\1</a>', text)
    text = re.sub(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>", r'<span class="mention">@\1</span>', text)
    text = re.sub(r"<#([CG][A-Z0-9]+)\|([^>]*)>", r'<span class="mention">#\2</span>', text)
    text = re.sub(r"<#([CG][A-Z0-9]+)>", r'<span class="mention">#\1</span>', text)
    text = re.sub(r"<!(here|channel|everyone)>", r'<span class="mention">@\1</span>', text)
    text = re.sub(r"<!date\^\d+\^[^|>]*\|([^>]+)>", r"\1", text)
    # `verbatim` only stops Slack's auto-linking of bare URLs and names; formatting still applies.
    text = re.sub(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])", r"<b>\1</b>", text)
    text = re.sub(r"(?<![\w_])_([^_\n]+)_(?![\w_])", r"<i>\1</i>", text)
    text = re.sub(r"(?<![\w~])~([^~\n]+)~(?![\w~])", r"<s>\1</s>", text)
    text = re.sub(r"`([^`\n]+)`", r"<code>\1</code>", text)
    text = re.sub(r":([a-z0-9_+\-]+):", _emoji, text)
    text = re.sub(r"(^|\n)&gt; ?([^\n]*)", r"\1<blockquote>\2</blockquote>", text)
    text = text.replace("\n", "<br>")
    return re.sub(r"\x00(\d+)\x00", lambda m: f"<pre>{pres[int(m.group(1))]}</pre>", text)


def _text(obj: Mapping[str, Any] | None) -> str:
    if not obj:
        return ""
    if obj.get("type") == "plain_text":
        return html.escape(str(obj.get("text", ""))).replace("\n", "<br>")
    return mrkdwn(str(obj.get("text", "")))


def _element(element: Mapping[str, Any]) -> str:
    kind = element.get("type")
    if kind == "button":
        style = element.get("style", "")
        return f'<span class="btn {style}">{_text(element.get("text"))}</span>'
    if kind in ("static_select", "users_select", "channels_select", "conversations_select", "overflow"):
        shown = (
            (element.get("initial_option") or {}).get("text")
            or element.get("placeholder")
            or {"type": "plain_text", "text": "…"}
        )
        return f'<span class="select">{_text(shown)} ▾</span>'
    if kind == "datepicker":
        return f'<span class="select">📅 {html.escape(str(element.get("initial_date") or "Select a date"))}</span>'
    if kind in ("mrkdwn", "plain_text"):
        return _text(element)
    if kind == "image":
        return f'<span class="context">[image: {html.escape(str(element.get("alt_text", "")))}]</span>'
    return f'<span class="context">[{html.escape(str(kind))}]</span>'


def block(b: Mapping[str, Any]) -> str:
    kind = b.get("type")
    if kind == "header":
        return f'<div class="block header">{_text(b.get("text"))}</div>'
    if kind == "divider":
        return '<div class="divider"></div>'
    if kind == "context":
        return f'<div class="block context">{" ".join(_element(e) for e in b.get("elements", []))}</div>'
    if kind == "actions":
        return f'<div class="block">{"".join(_element(e) for e in b.get("elements", []))}</div>'
    if kind == "section":
        fields = "".join(f"<div>{_text(f)}</div>" for f in b.get("fields", []))
        accessory = _element(b["accessory"]) if b.get("accessory") else ""
        inner = (
            f'<div class="text">{_text(b.get("text"))}'
            + (f'<div class="fields">{fields}</div>' if fields else "")
            + "</div>"
        )
        return f'<div class="block section">{inner}{accessory}</div>'
    if kind == "input":
        element = b.get("element") or {}
        multi = " multi" if element.get("multiline") else ""
        optional = ' <span class="optional">(optional)</span>' if b.get("optional") else ""
        if element.get("type") == "plain_text_input":
            initial = html.escape(
                str(element.get("initial_value") or (element.get("placeholder") or {}).get("text") or "")
            )
            field = f'<div class="field{multi}">{initial}</div>'
        else:
            field = _element(element)
        hint = f'<div class="hint">{_text(b.get("hint"))}</div>' if b.get("hint") else ""
        return f'<div class="block input"><label>{_text(b.get("label"))}{optional}</label>{field}{hint}</div>'
    if kind == "rich_text":
        return '<div class="block context">[rich text]</div>'
    return f'<div class="block context">[{html.escape(str(kind))} block]</div>'


def message(
    blocks: Sequence[Mapping[str, Any]] | None, text: str, *, who: str = "postmortem-bot", app: bool = True
) -> str:
    inner = "".join(block(b) for b in blocks) if blocks else f'<div class="block">{mrkdwn(text)}</div>'
    badge = '<span class="app">APP</span>' if app else ""
    return (
        f'<div class="msg"><div class="avatar">{html.escape(who[:1].upper())}</div><div class="body">'
        f'<span class="name">{html.escape(who)}</span>{badge}<span class="time">21:58</span>{inner}</div></div>'
    )


def modal(view: Mapping[str, Any]) -> str:
    blocks = "".join(block(b) for b in view.get("blocks", []))
    submit = _text(view.get("submit")) or "Submit"
    close = _text(view.get("close")) or "Cancel"
    return (
        f'<div class="modal"><div class="top">{_text(view.get("title"))}</div><div class="content">{blocks}</div>'
        f'<div class="bottom"><span class="btn">{close}</span><span class="btn primary">{submit}</span></div></div>'
    )


def home(view: Mapping[str, Any]) -> str:
    return f'<div class="home">{"".join(block(b) for b in view.get("blocks", []))}</div>'


def page(title: str, body: str) -> str:
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><style>{CSS}</style></head><body>"
        f'<div class="surface-title">{html.escape(title)}</div>{body}</body></html>'
    )
