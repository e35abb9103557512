"""How the blameless scanner reads text: who or what each word is, and whom a phrase is aimed at.

Code, code blocks, links and channel mentions are masked out (same length, so offsets hold); the
rest becomes tokens in sentences. Each word is classified: a person (a mention, a known name, a
role, a word shaped like a first name, a person pronoun), a system or product noun, a word to skip
over, a conjunction, "who"/"that", or something else.

Who a counterfactual is aimed at is decided by the nearest subject before the phrase, within the
sentence. Skipping adverbs and auxiliaries ("really", "has", "not", any "-ly" word), the word just
before the phrase is its subject's head:
- a person (mention, name, role, or a person pronoun: I/we/you/he/she/they/someone/the team …);
- "who" / "that" stand for the word before them; "which", "it", "this", "nothing" are things;
- "and"/"but"/"or" before the phrase means the subject was left out ("Bob deployed and should have…"):
  the first person or system noun from the start of the clause (then of the sentence) is used;
- any other word, known system noun or not ("pipeline", "test suite", "linter", "the migration",
  "no validation"), is a thing: the sentence is about the system, and is not flagged.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from itertools import pairwise
from typing import NamedTuple

from bot.domain.blameless.vocabulary import (
    ABBREVIATIONS,
    CONJ,
    DETERMINERS,
    LY_NOUNS,
    NOUN_SUFFIXES,
    OBJECT_BREAK,
    PHRASE_BREAK,
    PRONOUNS,
    ROLES,
    SKIP,
    STARTERS,
    SYSTEM,
    TECH,
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


class Kind(Enum):
    NAMED = "named"
    ROLE = "role"
    PRONOUN = "pronoun"
    SYSTEM = "system"
    DET = "det"
    SKIP = "skip"
    CONJ = "conj"
    WHO = "who"
    THAT = "that"
    UNKNOWN = "unknown"


PERSONS = (Kind.NAMED, Kind.ROLE, Kind.PRONOUN)


@dataclass(frozen=True, slots=True)
class Subject:
    kind: Kind  # a person kind, or SYSTEM for any thing
    start: int
    end: int


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
_MAX_PHRASE_WORDS = 12
_MAX_PHRASE_CHARS = 120


class Reading:
    """The text read once: masked, tokenized, split into sentences; each word classified on demand."""

    def __init__(self, text: str, known_names: Iterable[str]) -> None:
        self.text = text
        self.masked = _mask(text)
        self.tokens = _tokenize(self.masked)
        self.starts = [t.start for t in self.tokens]
        self.refs = _known_name_refs(self.tokens, known_names)
        self._kinds: list[tuple[Kind, int, int] | None] = [None] * len(self.tokens)
        self.sentences: dict[int, tuple[int, int]] = {}
        for t in self.tokens:
            first = self.sentences.get(t.sentence, (t.start, t.end))[0]
            self.sentences[t.sentence] = (first, t.end)

    # --- who is who ---
    def classify(self, i: int) -> tuple[Kind, int, int]:
        known = self._kinds[i]
        if known is None:
            known = self._kinds[i] = self._classify_token(i)
        return known

    def _classify_token(self, i: int) -> tuple[Kind, int, int]:
        t = self.tokens[i]
        if i in self.refs:
            start, end = self.refs[i]
            return Kind.NAMED, start, end
        if t.kind in ("mention", "at"):
            return Kind.NAMED, t.start, t.end
        if t.kind != "word":
            return Kind.UNKNOWN, t.start, t.end
        k = t.key
        kind = Kind.UNKNOWN
        start = t.start
        if k in SKIP or (k.endswith("ly") and k not in LY_NOUNS and (t.text[0].islower() or len(k) > 6)):
            kind = Kind.SKIP
        elif k in CONJ:
            kind = Kind.CONJ
        elif k == "who":
            kind = Kind.WHO
        elif k == "that":
            kind = Kind.THAT
        elif k in PRONOUNS:
            kind = Kind.PRONOUN
        elif k in ROLES or (k == "call" and i > 0 and self.tokens[i - 1].key == "on"):
            kind = Kind.ROLE
            prev = self.tokens[i - 1] if i > 0 else None
            if prev and prev.kind == "word" and (prev.key in ROLES or prev.key == "on") and prev.key != k:
                start = prev.start
        elif k in DETERMINERS:
            kind = Kind.DET
        elif k in SYSTEM or k in TECH or (k.endswith("s") and k[:-1] in SYSTEM):
            kind = Kind.SYSTEM
        elif self._first_name_like(i):
            kind = Kind.NAMED
        return kind, start, t.bare_end if kind in (Kind.NAMED, Kind.ROLE) else t.end

    def _first_name_like(self, i: int) -> bool:
        t = self.tokens[i]
        k = t.key
        if not t.text[0].isupper() or k in STARTERS or not _is_title(t.text[: len(t.text) - t.cut]):
            return False
        if len(k) >= 5 and k.endswith(NOUN_SUFFIXES):
            return False
        prev = self.tokens[i - 1] if i > 0 else None
        if prev and prev.sentence == t.sentence and prev.kind == "word" and prev.key in DETERMINERS:
            return False
        nxt = self.tokens[i + 1] if i + 1 < len(self.tokens) else None
        return not (nxt and nxt.kind == "word" and _is_title(nxt.text[: len(nxt.text) - nxt.cut]))

    def subject_before(self, p: int, floor: int = -1) -> Subject | None:
        """The nearest subject before token p within its sentence (see the module docstring)."""
        sentence = self.tokens[p].sentence
        j = p - 1
        while j > floor and p - j <= 12:
            t = self.tokens[j]
            if t.sentence != sentence or t.kind == "stop":
                return None
            if t.kind == "clause":
                j -= 1
                continue
            kind, start, end = self.classify(j)
            if kind is Kind.SKIP:
                j -= 1
                continue
            if kind is Kind.CONJ:
                return self._elided_subject(j)
            if kind in (Kind.WHO, Kind.THAT):
                before = self._antecedent(j)
                if before is not None:
                    return before
                return Subject(Kind.PRONOUN if kind is Kind.WHO else Kind.SYSTEM, start, end)
            if kind in PERSONS:
                return Subject(kind, start, end)
            return Subject(Kind.SYSTEM, start, end)
        return None

    def _antecedent(self, j: int) -> Subject | None:
        k = j - 1
        while k >= 0 and self.tokens[k].kind == "clause":
            k -= 1
        if k < 0 or self.tokens[k].sentence != self.tokens[j].sentence:
            return None
        kind, start, end = self.classify(k)
        return Subject(kind, start, end) if kind in PERSONS else None

    def _elided_subject(self, conj: int) -> Subject | None:
        sentence = self.tokens[conj].sentence
        clause = conj
        while clause > 0 and self.tokens[clause - 1].sentence == sentence:
            if self.tokens[clause - 1].kind in ("stop", "clause"):
                break
            clause -= 1
        first = clause
        while (
            first > 0
            and self.tokens[first - 1].sentence == sentence
            and self.tokens[first - 1].kind != "stop"
        ):
            first -= 1
        for begin in dict.fromkeys((clause, first)):
            for k in range(begin, min(conj, begin + 40)):
                kind, start, end = self.classify(k)
                if kind in PERSONS or kind is Kind.SYSTEM:
                    return Subject(kind, start, end)
        return None

    def token_at(self, pos: int) -> int | None:
        i = bisect_left(self.starts, pos)
        return i if i < len(self.tokens) and self.tokens[i].start == pos else None

    # --- words and phrases after a position ---
    def object_after(self, pos: int) -> tuple[int, str]:
        i = bisect_left(self.starts, pos)
        end = pos
        words = 0
        while i < len(self.tokens) and words < 4:
            t = self.tokens[i]
            if t.kind in ("stop", "clause") or (t.kind == "word" and t.key in OBJECT_BREAK):
                break
            end = t.end
            words += 1
            i += 1
        return end, self.text[pos:end].strip()

    def clause_after(self, pos: int) -> str | None:
        """The original text from pos to the end of its clause, when it is short enough to quote."""
        i = bisect_left(self.starts, pos)
        end = len(self.text)
        words = 0
        while i < len(self.tokens):
            t = self.tokens[i]
            if t.kind in ("stop", "clause") or (t.kind == "word" and t.key in PHRASE_BREAK):
                end = t.start
                break
            words += 1
            if words > _MAX_PHRASE_WORDS:
                return None
            i += 1
        phrase = self.text[pos:end].strip().rstrip("*_~\"\u201d'\u2019").rstrip()
        if not phrase or words > _MAX_PHRASE_WORDS or len(phrase) > _MAX_PHRASE_CHARS:
            return None
        return phrase

    def matches(self, pattern: re.Pattern[str], firsts: frozenset[str]) -> Iterator[re.Match[str]]:
        """pattern matched at the words that can start it (faster than searching every position)."""
        for i, t in enumerate(self.tokens):
            possessive = t.cut and i + 1 < len(self.tokens) and self.tokens[i + 1].key == "fault"
            if t.kind == "word" and (t.key in firsts or possessive):
                m = pattern.match(self.masked, t.start)
                if m:
                    yield m

    def next_word(self, pos: int) -> int | None:
        i = bisect_left(self.starts, pos)
        while i < len(self.tokens) and self.tokens[i].kind == "word":
            if self.tokens[i].key not in SKIP or self.tokens[i].key in ("been", "had"):
                return i
            i += 1
        return None


# --- text helpers ---------------------------------------------------------------------------------
def _mask(text: str) -> str:
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


def _tokenize(masked: str) -> list[Tok]:
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


def _known_name_refs(tokens: list[Tok], known_names: Iterable[str]) -> dict[int, tuple[int, int]]:
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


@lru_cache(maxsize=4096)
def _is_title(word: str) -> bool:
    """'Bob', 'Zoë', 'Jean-Luc', 'O'Brien': capitalised words, the rest lower case, letters only."""
    return len(word) >= 2 and word.istitle() and word.replace("-", "").replace("'", "").isalpha()
