"""How the blameless scanner reads text: who or what each word is, and whom a phrase is aimed at.

The text comes as tokens in sentences (tokens.py). Each word is classified: a person who can be
named as a cause (a mention, a known name, a word shaped like a first name; a role, "the new hire";
a team or group, "the platform team", "the DB folks"; someone left unnamed, "someone", "whoever"),
a person pronoun (I/we/you/he/she, "anyone", "nobody"), a system or product noun, a word to skip
over, a conjunction, "who"/"that", or something else.

"they" is a group when what it refers to is clearly people: the first person, role, team or plural
noun from the start of its sentence up to it, or else of the sentence before, is a person, role or
team ("The DBAs got the ticket. They never …"). A plural thing first ("The alerts paged the DBAs.
They never …"), someone unnamed ("If someone finds they caused …": anyone at all) or nothing at
all leaves it a plain pronoun, as before: a counterfactual aimed at it is still flagged, but it is
never named as the cause.

Who a counterfactual is aimed at is decided by the nearest subject before the phrase, within the
sentence. Skipping adverbs and auxiliaries ("really", "has", "not", any "-ly" word), the word just
before the phrase is its subject's head:
- a person (mention, name, role, team, someone, or a person pronoun: I/we/you/he/she/they …);
- "who" / "that" stand for the word before them; "which", "it", "this", "nothing" are things;
- a thing inside a relative clause is passed over for the person the clause is about: "whoever
  merged this should have…", "the engineer who approved it should have…" (not after "said", "thought"
  … or when the clause has its own subject, "the team that we paged");
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

from bot.domain.blameless.english import is_participle
from bot.domain.blameless.tokens import known_name_refs, mask, tokenize
from bot.domain.blameless.vocabulary import (
    CONJ,
    DETERMINERS,
    GROUPS,
    LY_NOUNS,
    NEW_ROLES,
    NEW_WORDS,
    NOUN_SUFFIXES,
    OBJECT_BREAK,
    PHRASE_BREAK,
    PRONOUNS,
    REPORTING,
    ROLE_MODIFIERS,
    ROLES,
    SKIP,
    SOMEONE,
    STARTERS,
    SYSTEM,
    TECH,
)


class Kind(Enum):
    NAMED = "named"
    ROLE = "role"
    GROUP = "group"
    SOMEONE = "someone"
    PRONOUN = "pronoun"
    SYSTEM = "system"
    DET = "det"
    SKIP = "skip"
    CONJ = "conj"
    WHO = "who"
    THAT = "that"
    UNKNOWN = "unknown"


BLAMEABLE = (Kind.NAMED, Kind.ROLE, Kind.GROUP, Kind.SOMEONE)  # can be named as the cause
PERSONS = (*BLAMEABLE, Kind.PRONOUN)
_MAX_PHRASE_WORDS = 12
_MAX_PHRASE_CHARS = 120
_ANYONE = frozenset({"anyone", "anybody", "everyone", "everybody", "nobody"})


@dataclass(frozen=True, slots=True)
class Subject:
    kind: Kind  # a person kind, or SYSTEM for any thing
    start: int
    end: int


class Reading:
    """The text read once: masked, tokenized, split into sentences; each word classified on demand."""

    def __init__(self, text: str, known_names: Iterable[str]) -> None:
        self.text = text
        self.masked = mask(text)
        self.tokens = tokenize(self.masked)
        self.starts = [t.start for t in self.tokens]
        self.refs = known_name_refs(self.tokens, known_names)
        self._kinds: list[tuple[Kind, int, int] | None] = [None] * len(self.tokens)
        self.sentences: dict[int, tuple[int, int]] = {}
        self._sentence_first: dict[int, int] = {}
        self._referents: dict[int, tuple[int, bool] | None] = {}
        for i, t in enumerate(self.tokens):
            first = self.sentences.get(t.sentence, (t.start, t.end))[0]
            self.sentences[t.sentence] = (first, t.end)
            self._sentence_first.setdefault(t.sentence, i)

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
        elif k in SOMEONE:
            kind = Kind.SOMEONE
        elif k in GROUPS and not (t.text == "Teams" and i > 0 and self.tokens[i - 1].sentence == t.sentence):
            kind, start = Kind.GROUP, self._modifiers_start(i)  # mid-sentence "Teams" is the product
        elif k == "they" and self._they_are_people(i):
            kind = Kind.GROUP
        elif k in PRONOUNS:
            kind = Kind.PRONOUN
        elif self._is_role(i):
            kind = Kind.ROLE
            prev = self.tokens[i - 1] if i > 0 else None
            if (
                prev
                and prev.kind == "word"
                and (prev.key in ROLES or prev.key in ROLE_MODIFIERS)
                and prev.key != k
            ):
                start = prev.start
        elif k in DETERMINERS:
            kind = Kind.DET
        elif k in SYSTEM or k in TECH or (k.endswith("s") and k[:-1] in SYSTEM):
            kind = Kind.SYSTEM
        elif self._first_name_like(i):
            kind = Kind.NAMED
        return kind, start, t.bare_end if kind in BLAMEABLE else t.end

    def _is_role(self, i: int) -> bool:
        k = self.tokens[i].key
        before = self.tokens[i - 1].key if i > 0 else ""
        return k in ROLES or (k == "call" and before == "on") or (k in NEW_ROLES and before in NEW_WORDS)

    def _modifiers_start(self, i: int) -> int:
        """Where a team's name starts: 'the platform team' → 'platform', 'the DB folks' → 'DB'."""
        start = self.tokens[i].start
        for j in range(i - 1, max(i - 3, -1), -1):
            t = self.tokens[j]
            k = t.key
            if t.kind != "word" or t.sentence != self.tokens[i].sentence or t.cut or is_participle(k):
                break
            if k in DETERMINERS or k in SKIP or k in CONJ or k in PRONOUNS or k in STARTERS or k in SOMEONE:
                break
            if k in PHRASE_BREAK or k in OBJECT_BREAK or k in REPORTING or k in ("who", "that"):
                break
            start = t.start
        return start

    def _they_are_people(self, i: int) -> bool:
        """Whether 'they' refers to people (see the module docstring)."""
        sentence = self.tokens[i].sentence
        first = self._first_referent(sentence)
        if first is None or first[0] > i:
            first = self._first_referent(sentence - 1)
        return first is not None and first[1]

    def _first_referent(self, sentence: int) -> tuple[int, bool] | None:
        """The sentence's first person, role or team (True) or plural thing or someone (False)."""
        if sentence not in self._referents:
            self._referents[sentence] = None
            j = self._sentence_first.get(sentence, len(self.tokens))
            while j < len(self.tokens) and self.tokens[j].sentence == sentence:
                verdict = self._referent_at(j)
                if verdict is not None:
                    self._referents[sentence] = (j, verdict)
                    break
                j += 1
        return self._referents[sentence]

    def _referent_at(self, j: int) -> bool | None:
        t = self.tokens[j]
        if j in self.refs or t.kind in ("mention", "at"):
            return True
        k = t.key
        if t.kind != "word" or t.cut or k in ("they", "them", "their"):
            return None
        if k in ROLES or k in GROUPS or self._is_role(j):
            return True
        if k in SOMEONE or k in _ANYONE:
            return False  # "if someone finds they caused an incident, they …": anyone at all
        if k in SKIP or k in DETERMINERS or k in CONJ or k in PRONOUNS or k in STARTERS:
            return None
        if len(k) > 3 and k.endswith("s") and not k.endswith(("ss", "us", "is")):
            return False
        return True if self._first_name_like(j) else None

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
            return self._relative_subject(j, floor) or Subject(Kind.SYSTEM, start, end)
        return None

    def _relative_subject(self, j: int, floor: int) -> Subject | None:
        """'whoever merged this should…', 'the engineer who approved it should…': whom the clause is about."""
        for k in range(j - 1, max(j - 6, floor), -1):
            t = self.tokens[k]
            if t.sentence != self.tokens[j].sentence or t.kind in ("stop", "clause"):
                return None
            if t.key in REPORTING or t.key in CONJ or t.key in PHRASE_BREAK:
                return None
            if t.key == "whoever":
                return Subject(Kind.SOMEONE, t.start, t.end)
            if t.key in ("who", "that"):
                return self._antecedent(k) if self.relative_clause_at(k) else None
        return None

    def relative_clause_at(self, k: int) -> bool:
        """Whether the 'who'/'that' at k opens a clause about the word before it ('the team that owns…')."""
        nxt = self.tokens[k + 1] if k + 1 < len(self.tokens) else None
        if nxt is None or nxt.kind != "word" or nxt.sentence != self.tokens[k].sentence:
            return False
        return not (nxt.key in DETERMINERS or nxt.key in PRONOUNS or nxt.key in SOMEONE)

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


@lru_cache(maxsize=4096)
def _is_title(word: str) -> bool:
    """'Bob', 'Zoë', 'Jean-Luc', 'O'Brien': capitalised words, the rest lower case, letters only."""
    return len(word) >= 2 and word.istitle() and word.replace("-", "").replace("'", "").isalpha()
