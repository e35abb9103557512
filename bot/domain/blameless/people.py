"""PERSON_AS_CAUSE: a person, a role, a team or someone unnamed as the subject of failure wording.

Who (reading.py classifies them): a Slack mention, an @name, a known name or a word shaped like a
first name; a role ("the on-call engineer", "the new hire", "the DBA", "an engineer", "our SRE",
"QA"); a team or group ("the platform team", "the DB folks", "ops", "leadership", and "they" when it
clearly refers to people); someone left unnamed ("someone", "somebody", "whoever"). "I", "we",
"you", "he", "she", "anyone", "everyone" and "nobody" are never named as the cause (a counterfactual
aimed at them is still flagged: scanner.py).

What: failure wording right after them, or after the relative clause that says which of them
("whoever merged this never ran it", "the engineer who approved it never looked at the diff"):
- an action that went wrong: "pushed a bad config", "broke the deploy", "took down …", "dropped the
  index", "restarted the wrong cluster", "merged it without review", "pushed straight to main",
  "deployed a migration that broke …", "ran it against prod by mistake", "bypassed", "skipped" …;
- a duty left undone: "never ran it", "did not read …", "hadn't tested …" (not "did not get / see /
  know / have / receive …", which is what the system failed to give them, nor "could not", which
  is what it made impossible);
- a perception verb in blame position: "missed", "ignored", "overlooked", "dismissed", and "did
  not notice / read / look at …";
- being slow, to blame or the cause: "took too long", "was to blame", "caused by the on-call".
Names are fine in a timeline ("Priya rolled back the deploy", "the on-call restarted the pods"), and
people as objects, modifiers or in general statements are not blamed: "the alert never reached the
on-call", "the on-call rotation had no secondary", "the platform team's runbook lacked a rollback
step", "whoever is on call gets paged", "someone reading the dashboard could not tell …".
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass

from bot.domain.blameless.english import base_form
from bot.domain.blameless.findings import Concern, Finding
from bot.domain.blameless.reading import BLAMEABLE, Reading, Subject
from bot.domain.blameless.reframes import (
    ALLOWED,
    EASIER,
    EASY_TO,
    PERSON_GENERIC,
    POSSESSED,
    R_PERSON,
    R_PERSON_REFRAME,
    SHIPPED,
    SLIP,
    SLOW,
    WRONG,
)
from bot.domain.blameless.vocabulary import (
    ADV_WORDS,
    BLAMING,
    CAUSE_BEFORE,
    FAILURE_AFTER,
    FAILURE_FIRSTS,
    GROUPS,
    INTENDED,
    NEW_ROLES,
    NOT_DUTIES,
    OBJECT_BREAK,
    PERCEIVING,
    PHRASE_BREAK,
    POSSESSIVE_AFTER,
    ROLES,
    SOMEONE,
    words,
)

# Words that can be (the last word of) someone blamed, besides capitalised words and known names.
_ACTOR_WORDS = ROLES | GROUPS | SOMEONE | NEW_ROLES | {"call", "they"}
# Words that can start failure wording beyond FAILURE_FIRSTS (any "-ed" word can, too).
_BLAMING_FIRSTS = FAILURE_FIRSTS | words(
    "never had hadn't hadn\u2019t hadnt has hasn't hasn\u2019t hasnt have haven't haven\u2019t havent "
    "dismissed overwrote ran hit took put set chose picked read"
)
_AUXILIARIES = words("was were is are be been being has have had will would could should did does do")
_RELATIVE_REACH = 10  # words after "whoever" / "who" / "that" searched for the failure wording
_PLURAL_NOT = ("ss", "us", "is")


@dataclass(frozen=True, slots=True)
class Hit:
    finding: Finding
    rank: int  # lower ranks give the suggestion (reframes.py)
    suggestion: str


class People(Reading):
    """The text as read, with the person-as-cause rule (scanner.py adds the other concerns)."""

    def _hit(self, concern: Concern, start: int, end: int, rank: int, suggestion: str) -> Hit:
        return Hit(Finding(concern, self.text[start:end], start, end), rank, suggestion)

    def subject_hit(self, subject: Subject | None) -> Iterator[Hit]:
        """The person a counterfactual is aimed at, when they can be named as the cause."""
        if subject is not None and subject.kind in BLAMEABLE:
            yield self._hit(Concern.PERSON_AS_CAUSE, subject.start, subject.end, R_PERSON, PERSON_GENERIC)

    def person_hits(self) -> Iterator[Hit]:
        seen: set[tuple[int, int]] = set()
        for i, t in enumerate(self.tokens):
            if t.kind == "word" and not (t.text[0].isupper() or t.key in _ACTOR_WORDS or i in self.refs):
                continue  # only names, mentions, roles, teams and someone can be blamed
            if t.kind not in ("word", "mention", "at"):
                continue
            kind, start, end = self.classify(i)
            if kind not in BLAMEABLE or (start, end) in seen:
                continue
            if i + 1 < len(self.tokens) and self.tokens[i + 1].kind == "word":
                after, after_start, _ = self.classify(i + 1)
                if after in BLAMEABLE and after_start == start:
                    continue  # the name or role goes on ("on-call engineer"): judge it from its last word
            seen.add((start, end))
            hit = self._wording_after(start, end) or self._wording_after_clause(i, start)
            if hit is not None:
                yield hit
            cue = self._cause_before(start)
            possessive = self.masked.startswith(("'s", "\u2019s"), end)
            if cue and (cue.group("by") or not possessive):
                yield self._hit(Concern.PERSON_AS_CAUSE, cue.start(), end, R_PERSON, PERSON_GENERIC)

    def _cause_before(self, start: int) -> re.Match[str] | None:
        """'caused by ', 'fault of the ', 'due to ' … just before a person (after a cue word only)."""
        p = bisect_left(self.starts, start) - 1
        if p >= 0 and self.tokens[p].key == "the":
            p -= 1
        if p < 0 or self.tokens[p].key not in ("by", "of", "on", "to", "it"):
            return None
        return CAUSE_BEFORE.search(self.masked, max(0, start - 40), start)

    def _wording_after_clause(self, i: int, start: int) -> Hit | None:
        """'whoever merged this never ran it', 'the team that owns billing did not read …'."""
        if self.tokens[i].key == "whoever":
            first = i + 2  # past the clause's own verb
        elif (
            i + 1 < len(self.tokens)
            and self.tokens[i + 1].key in ("who", "that")
            and self.relative_clause_at(i + 1)
        ):
            first = i + 2
        else:
            return None
        for k in range(first, min(first + _RELATIVE_REACH, len(self.tokens))):
            t = self.tokens[k]
            if t.sentence != self.tokens[i].sentence or t.kind in ("stop", "clause") or t.key in PHRASE_BREAK:
                return None
            if self.tokens[k - 1].key in _AUXILIARIES:
                continue  # "whoever was on call was never paged": passive, and tried from the auxiliary
            hit = self._wording_after(start, self.tokens[k - 1].end)
            if hit is not None:
                return hit
        return None

    def _wording_after(self, start: int, at: int) -> Hit | None:
        """Failure wording from `at` on (just after the person, or after their relative clause)."""
        if self.masked.startswith(("'s", "\u2019s"), at):
            return self._possessed(start, at)
        i = bisect_left(self.starts, at)
        while i < len(self.tokens) and self.tokens[i].key in ADV_WORDS:
            i += 1
        if i == len(self.tokens) or not (
            self.tokens[i].key in _BLAMING_FIRSTS or self.tokens[i].key.endswith("ed")
        ):
            return None  # a name in a timeline: no failure wording after it
        m = FAILURE_AFTER.match(self.masked, at)
        if m and m.group("adj"):
            obj_end, obj = self.object_after(m.end("adj"))
            if obj:
                adj = m.group("adj").lower()
                art = "An" if adj[0] in "aeiou" else "A"
                return self._person(start, obj_end, SHIPPED.format(art, adj, obj))
        if m and m.group("slow"):
            return self._person(start, m.end(), SLOW)
        b = BLAMING.match(self.masked, at)
        if b and b.group("neg") is not None and b.group("verb").lower().rsplit("-", 1)[-1] in NOT_DUTIES:
            return None  # "never got the page", "did not have access": what the system did not give
        hit = self._blaming(start, b) if b else None
        if hit is None and m:
            hit = self._person(start, m.end(), None)
        return hit

    def _possessed(self, start: int, at: int) -> Hit | None:
        """Name the change, not its author: "John's change took down the checkout service"."""
        m = POSSESSIVE_AFTER.match(self.masked, at)
        if not m:
            return None
        rest = self.clause_after(m.start("obj") + len(m.group("obj")) - len(m.group("obj").lstrip()))
        return self._person(start, m.end(), POSSESSED.format(rest) if rest else None)

    def _person(self, start: int, end: int, suggestion: str | None) -> Hit:
        if suggestion is None:
            return self._hit(Concern.PERSON_AS_CAUSE, start, end, R_PERSON, PERSON_GENERIC)
        return self._hit(Concern.PERSON_AS_CAUSE, start, end, R_PERSON_REFRAME, suggestion)

    def _blaming(self, start: int, m: re.Match[str]) -> Hit | None:
        """The wording BLAMING matched, with a reframe built from its own words."""
        if m.group("neg") is not None:
            verb = m.group("verb").lower()
            if verb in PERCEIVING:
                obj_end, obj = self._thing_after(m.end("verb"))
                return self._person(start, max(obj_end, m.end()), EASY_TO.format(obj or "it", "miss"))
            end, phrase = self._object_end(m.end("verb")), self.clause_after(m.start("verb"))
            if phrase:
                phrase = base_form(m.group("verb")) + phrase[len(m.group("verb")) :]
            return self._person(start, end, EASIER.format(phrase) if phrase else None)
        if m.group("perceived") is not None:
            obj_end, obj = self._thing_after(m.end("perceived"))
            how = "misread" if m.group("perceived").lower() == "misread" else "miss"
            return self._person(start, max(obj_end, m.end()), EASY_TO.format(obj or "it", how))
        if m.group("destroyed") is not None:
            if INTENDED & set(m.group("data").lower().split()):
                return None  # "dropped the stale index": housekeeping, unless other wording says more
            verb = m.group("destroyed").lower()
            done = "overwritten" if verb.startswith("overwr") else verb
            where = self._where(m.end("data"))
            said = _passive(m.group("data"), done) + (" " + where if where else "")
            return self._person(start, m.end(), ALLOWED.format(said))
        if m.group("wrong") is not None:
            return self._person(start, m.end(), WRONG.format(m.group("wrong")))
        if m.group("unchecked") is not None:
            said, end = self._unchecked(m)
            return self._person(start, max(end, m.end()), ALLOWED.format(said))
        if m.group("change") is not None:
            change = m.group("change").split(None, 1)[1].strip() if " " in m.group("change") else ""
            rest = self.clause_after(m.start("damage"))
            return self._person(start, m.end(), POSSESSED.format(f"{change} {rest}") if rest else None)
        return self._person(start, m.end(), SLIP)  # "… by mistake"

    def _unchecked(self, m: re.Match[str]) -> tuple[str, int]:
        """'merged the PR without review' → 'The PR was merged without review', and where that ends."""
        verb = m.group("unchecked")
        done = "run" if verb.lower() == "ran" else verb
        gap = m.group("gap").strip()
        straight = gap.lower().startswith(("straight", "directly"))
        _, obj = self.object_after(m.end("unchecked"))
        if straight or not obj or obj.lower() in ("it", "this", "that", "them"):
            obj = "the change"
        if straight:
            return f"{obj[:1].upper()}{obj[1:]} went {gap}", m.end()
        at = m.start("gap") + m.group("gap").lower().index("without")
        without = self.clause_after(at)
        if not without:
            return _passive(obj, done), m.end()
        return f"{_passive(obj, done)} {without}", at + len(without)

    def _thing_after(self, pos: int) -> tuple[int, str]:
        """What was missed: 'the capacity warnings', 'it'; past 'at' ('never looked at the diff')."""
        i = bisect_left(self.starts, pos)
        if i < len(self.tokens) and self.tokens[i].key == "at":
            pos = self.tokens[i].end
        return self._object(pos)

    def _object(self, pos: int) -> tuple[int, str]:
        """object_after, ending before a verb's auxiliary: 'missed the page was new' → 'the page'."""
        end, obj = self.object_after(pos)
        i = bisect_left(self.starts, pos)
        while i < len(self.tokens) and self.tokens[i].start < end:
            if self.tokens[i].key in _AUXILIARIES:
                end = self.tokens[i - 1].end if self.tokens[i - 1].start >= pos else pos
                return end, self.text[pos:end].strip()
            i += 1
        return end, obj

    def _object_end(self, pos: int) -> int:
        return max(self._object(pos)[0], pos)

    def _where(self, pos: int) -> str:
        """'on prod', 'in production', 'from the primary' just after the object, or ''."""
        i = bisect_left(self.starts, pos)
        if i >= len(self.tokens) or self.tokens[i].key not in ("on", "in", "from"):
            return ""
        k = i + 1
        while k < min(i + 4, len(self.tokens)) and self.tokens[k].kind == "word":
            if self.tokens[k].key in OBJECT_BREAK:
                break
            k += 1
        return self.text[self.tokens[i].start : self.tokens[k - 1].end] if k > i + 1 else ""


def _passive(obj: str, done: str) -> str:
    """('the index', 'dropped') → 'The index was dropped'; plural objects take 'were'."""
    obj = " ".join(obj.split())
    last = obj.rsplit(" ", 1)[-1].lower()
    plural = len(last) > 3 and last.endswith("s") and not last.endswith(_PLURAL_NOT)
    return f"{obj[:1].upper()}{obj[1:]} {'were' if plural else 'was'} {' '.join(done.lower().split())}"
