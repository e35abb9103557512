"""The text as tokens: code and links masked out, words, mentions and sentence stops, with offsets.

Masking keeps the length, so every offset into the masked text is an offset into the original. A
word's `key` is its lower-case form without a trailing 's / 'd / 've / 'll / 're. Known names are
matched here too, as runs of tokens (the longest wins).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import pairwise
from typing import NamedTuple

from bot.domain.blameless.vocabulary import (
    ABBREVIATIONS,
    CONJ,
    DETERMINERS,
    PRONOUNS,
    SKIP,
    STARTERS,
    SYSTEM,
    WORDLIKE_NAMES,
)


class Tok(NamedTuple):
    kind: str  # word | num | mention | at | stop | clause
    text: str
    start: int
    end: int
    sentence: int
    key: str  # lower case, without a trailing 's / 'd / 've / 'll / 're
    cut: int = 0  # how many characters that trailing part had

    @property
    def bare_end(self) -> int:
        """Where the word ends without its trailing 's / 'd …: 'Bob's' → after 'Bob'."""
        return self.end - self.cut


_MASK = re.compile(
    r"`[^`\n]*`"
    r"|<(?:https?|mailto|ftp|tel|slack)[^>\n<]{0,2000}>"
    r"|<[#!][^>\n<]{0,200}>"
    r"|\b(?:https?://|www\.)\S+",
    re.IGNORECASE,
)
_TOKEN = re.compile(
    r"(?P<mention><@[UW][A-Z0-9]{1,20}(?:\|[^>\n<]{0,80})?>)"
    r"|(?P<at>(?<![\w@.])@(?!(?:here|channel|everyone)\b)[^\W\d_][\w.\-]{0,40})"
    r"|(?P<word>[^\W\d_]+(?:[-'\u2019][^\W\d_]+)*)"
    r"|(?P<num>\w+)"
    r"|(?P<stop>[.!?\uff01\u203c]+(?=[\s\"'\u201d\u2019)\]*_~]|$)|\n|[!?\uff01\u203c]+)"
    r"|(?P<clause>[,;:()\[\]\u2013\u2014…]|(?<=\s)-(?=\s))"
)
_CONTRACTION = re.compile(r"['\u2019](?:s|d|ve|ll|re)$")


def mask(text: str) -> str:
    """Code, code blocks, links and channel or special mentions as spaces: same length, same offsets."""
    chars = list(text)
    pos = 0
    while (open_at := text.find("```", pos)) != -1:
        close_at = text.find("```", open_at + 3)
        if close_at == -1:
            break
        chars[open_at : close_at + 3] = " " * (close_at + 3 - open_at)
        pos = close_at + 3
    blanked = "".join(chars)
    return _MASK.sub(lambda m: " " * len(m.group()), blanked)


def tokenize(masked: str) -> list[Tok]:
    tokens: list[Tok] = []
    sentence = 0
    for m in _TOKEN.finditer(masked):
        kind = m.lastgroup or "num"
        text = m.group()
        if kind == "stop":
            prev = tokens[-1] if tokens else None
            if text == "." and prev and prev.end == m.start() and prev.key in ABBREVIATIONS:
                continue
            tokens.append(Tok(kind, text, m.start(), m.end(), sentence, text))
            sentence += 1
            continue
        low = text.lower()
        key = low
        if kind == "word" and ("'" in low or "\u2019" in low):
            key = _CONTRACTION.sub("", low) or low
        tokens.append(Tok(kind, text, m.start(), m.end(), sentence, key, len(low) - len(key)))
    return tokens


def known_name_refs(tokens: list[Tok], known_names: Iterable[str]) -> dict[int, tuple[int, int]]:
    """Token index → (start, end) of the known name it belongs to (longest match wins)."""
    names: dict[tuple[str, ...], bool] = {}  # words → only when capitalised
    for name in known_names:
        words = tuple(
            m.group().lower()
            for m in _TOKEN.finditer(str(name).lstrip("@"))
            if m.lastgroup in ("word", "num")
        )
        if words and len(words) <= 4 and sum(len(w) for w in words) >= 2:
            single = words[0] if len(words) == 1 else ""
            common = single in WORDLIKE_NAMES or single in SKIP or single in DETERMINERS or single in CONJ
            names[words] = common or single in SYSTEM or single in PRONOUNS or single in STARTERS
    firsts = {w[0] for w in names}
    refs: dict[int, tuple[int, int]] = {}
    i = 0
    while i < len(tokens):
        if tokens[i].kind not in ("word", "num") or tokens[i].key not in firsts:
            i += 1
            continue
        matched = 0
        for n in range(min(4, len(tokens) - i), 0, -1):
            run = tokens[i : i + n]
            key = tuple(t.key for t in run)
            if key not in names or any(
                b.start - a.end > 2 or b.kind not in ("word", "num") for a, b in pairwise(run)
            ):
                continue
            if names[key] and not run[0].text[:1].isupper():
                continue
            span = (run[0].start, run[-1].bare_end)
            for k in range(i, i + n):
                refs[k] = span
            matched = n
            break
        i += matched or 1
    return refs
