"""The rules of a blameless review, and `review` itself.

Names are fine in a timeline; blame is in the wording. `review` reads the summary, root cause,
contributing factors and what went poorly, and reports four concerns with offsets into the text:

- PERSON_AS_CAUSE: a person as the subject of failure wording. A person is a Slack mention
  (`<@U123>`, `<@U123|bob>`), an `@name`, a name from `known_names` (case-insensitive, whole words;
  a name that is also an ordinary word, such as "Will" or "Mark", only counts capitalised), a role
  ("the on-call engineer", "QA") or a capitalised word that looks like a first name: not a known
  word, product or noun-shaped word ("Monitoring", "Postgres"), not after a determiner, not followed
  by another capitalised word ("Black Friday"). Failure wording follows the person ("Bob pushed a bad
  config", "<@U1> broke the deploy", "John's change took down…", "because Sam didn't…", "took too
  long") or points back at them ("caused by Alice"). "Priya rolled back the deploy" is not failure.
- COUNTERFACTUAL: "should have", "shouldn't have", "could have (just)", "forgot to", "neglected to",
  "failed to", "didn't bother", "ignored the", and "if they had <done>" ("would not have happened if
  they followed…"), when aimed at people. "should/could have" must be followed by a past participle
  ("should have access" is a recommendation, not hindsight).
- JUDGEMENT: "careless", "sloppy", "human error", "X's fault" … (not "nobody's fault").
- ANIMATED: two or more "!", or shouting: a run of 2+ all-caps words of 3+ letters, or one all-caps
  word of 5+ letters, leaving out acronyms (API, HTTP, SEV …), tokens with digits or underscores,
  and anything inside `code`, code blocks or links.

Whom a phrase is aimed at is read as reading.py describes. "should/could have" and "failed to" need
a person subject; "forgot to", "neglected to", "didn't bother", "ignored the" and "could have just"
are flagged unless the subject is a thing (so a subjectless "Forgot to renew the cert." is flagged,
a subjectless "Failed to connect." is not). The suggestion comes from reframes.py.
Everything is a linear scan with bounded look-around; nothing here raises on any text.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from bot.domain.blameless.english import base_form, is_participle
from bot.domain.blameless.findings import Concern, Finding, Review
from bot.domain.blameless.reading import PERSONS, Kind, Reading, Subject, Tok
from bot.domain.blameless.reframes import (
    CALM,
    COUNTERFACTUAL_GENERIC,
    EASIER,
    EASIER_NOT,
    ERROR,
    FAULT,
    HARD,
    HINDSIGHT,
    JUDGED,
    OPTIONAL,
    PERSON_GENERIC,
    POSSESSED,
    R_ANIMATED,
    R_COUNTERFACTUAL,
    R_JUDGEMENT,
    R_PERSON,
    R_PERSON_REFRAME,
    R_REFRAME,
    REMIND,
    SHIPPED,
    SLOW,
)
from bot.domain.blameless.vocabulary import (
    ACRONYMS,
    ADV_WORDS,
    BANGS,
    CAUSE_BEFORE,
    CHUNK,
    COUNTERFACTUAL,
    COUNTERFACTUAL_FIRSTS,
    FAILURE_AFTER,
    FAILURE_FIRSTS,
    JUDGEMENT,
    JUDGEMENT_FIRSTS,
    MODAL_PERFECT,
    NEGATED,
    POSSESSIVE_AFTER,
    ROLES,
)

_PERSON_ONLY = frozenset({"should", "shouldnt", "could", "failed"})
_NEEDS_PARTICIPLE = frozenset({"should", "shouldnt", "could", "could_just"})


@dataclass(frozen=True, slots=True)
class _Hit:
    finding: Finding
    rank: int  # lower ranks give the suggestion
    suggestion: str


def review(text: str, *, known_names: Iterable[str] = ()) -> Review:
    """Blame-shaped wording in `text`, with offsets, and a systemic reframe of its most specific part."""
    hits = _Scan(text, known_names).hits()
    if not hits:
        return Review((), None)
    best = min(hits, key=lambda h: (h.rank, h.finding.start))
    kept: list[Finding] = []
    reach: dict[Concern, int] = {}
    for hit in sorted(hits, key=lambda h: (h.finding.start, -h.finding.end)):
        f = hit.finding
        if f.end <= reach.get(f.concern, -1):
            continue  # the same words, or words inside a longer finding of the same concern
        reach[f.concern] = f.end
        kept.append(f)
    order = list(Concern)
    findings = tuple(sorted(kept, key=lambda f: (f.start, f.end, order.index(f.concern))))
    suggestion = best.suggestion
    if best.finding.concern is not Concern.ANIMATED and any(f.concern is Concern.ANIMATED for f in findings):
        suggestion += " " + CALM
    return Review(findings, suggestion)


class _Scan(Reading):
    """The text as read (see reading.py), with the rules for each concern applied to it."""

    def __init__(self, text: str, known_names: Iterable[str]) -> None:
        super().__init__(text, known_names)
        self._modal: dict[int, bool] = {}

    def hits(self) -> list[_Hit]:
        return [
            *self._person_hits(),
            *self._counterfactual_hits(),
            *self._if_hits(),
            *self._judgement_hits(),
            *self._animated_hits(),
        ]

    def _hit(self, concern: Concern, start: int, end: int, rank: int, suggestion: str) -> _Hit:
        return _Hit(Finding(concern, self.text[start:end], start, end), rank, suggestion)

    # --- a person as the cause ---
    def _person_hits(self) -> Iterator[_Hit]:
        seen: set[tuple[int, int]] = set()
        for i, t in enumerate(self.tokens):
            if t.kind == "word" and not (
                t.text[0].isupper() or t.key in ROLES or t.key == "call" or i in self.refs
            ):
                continue  # only names, mentions and roles can be a person
            if t.kind not in ("word", "mention", "at"):
                continue
            kind, start, end = self.classify(i)
            if kind not in (Kind.NAMED, Kind.ROLE) or (start, end) in seen:
                continue
            if i + 1 < len(self.tokens) and self.tokens[i + 1].kind == "word":
                after, after_start, _ = self.classify(i + 1)
                if after in (Kind.NAMED, Kind.ROLE) and after_start == start:
                    continue  # the name or role goes on ("on-call engineer"): judge it from its last word
            seen.add((start, end))
            yield from self._failure_after(start, end)
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

    def _failure_after(self, start: int, end: int) -> Iterator[_Hit]:
        i = bisect_left(self.starts, end)
        while i < len(self.tokens) and self.tokens[i].key in ADV_WORDS:
            i += 1
        possessive = self.masked.startswith(("'s", "\u2019s"), end)
        if not possessive and (i == len(self.tokens) or self.tokens[i].key not in FAILURE_FIRSTS):
            return  # a name in a timeline: no failure wording after it
        m = POSSESSIVE_AFTER.match(self.masked, end) if possessive else None
        if m:
            rest = self.clause_after(m.start("obj") + len(m.group("obj")) - len(m.group("obj").lstrip()))
            template = POSSESSED.format(rest) if rest else PERSON_GENERIC
            yield self._hit(
                Concern.PERSON_AS_CAUSE, start, m.end(), R_PERSON_REFRAME if rest else R_PERSON, template
            )
            return
        m = FAILURE_AFTER.match(self.masked, end)
        if not m:
            return
        stop = m.end()
        if m.group("adj"):
            obj_end, obj = self.object_after(m.end("adj"))
            if obj:
                adj = m.group("adj").lower()
                stop = obj_end
                art = "An" if adj[0] in "aeiou" else "A"
                yield self._hit(
                    Concern.PERSON_AS_CAUSE, start, stop, R_PERSON_REFRAME, SHIPPED.format(art, adj, obj)
                )
                return
        if m.group("slow"):
            yield self._hit(Concern.PERSON_AS_CAUSE, start, stop, R_PERSON_REFRAME, SLOW)
            return
        yield self._hit(Concern.PERSON_AS_CAUSE, start, stop, R_PERSON, PERSON_GENERIC)

    # --- counterfactuals ---
    def _counterfactual_hits(self) -> Iterator[_Hit]:
        for m in self.matches(COUNTERFACTUAL, COUNTERFACTUAL_FIRSTS):
            p = self.token_at(m.start())
            which = m.lastgroup
            if p is None or which is None:
                continue
            after = self.next_word(m.end())
            if which in _NEEDS_PARTICIPLE and (after is None or not _participle(self.tokens, after)):
                continue
            subject = self.subject_before(p)
            if subject is not None and subject.kind not in PERSONS:
                continue
            if subject is None and which in _PERSON_ONLY:
                continue
            yield from self._subject_hit(subject)
            yield self._counterfactual(which, m.start(), m.end(), after)

    def _subject_hit(self, subject: Subject | None) -> Iterator[_Hit]:
        if subject is not None and subject.kind in (Kind.NAMED, Kind.ROLE):
            yield self._hit(Concern.PERSON_AS_CAUSE, subject.start, subject.end, R_PERSON, PERSON_GENERIC)

    def _counterfactual(self, which: str, start: int, end: int, after: int | None) -> _Hit:
        phrase: str | None = None
        template = EASIER
        if which == "ignored":
            obj = self.object_after(end)[1]
            suggestion = (
                f"What made the {obj} easy to miss at that moment?" if obj else COUNTERFACTUAL_GENERIC
            )
            return self._hit(
                Concern.COUNTERFACTUAL, start, end, R_REFRAME if obj else R_COUNTERFACTUAL, suggestion
            )
        if which == "bother":
            if after is not None and self.tokens[after].key == "to":
                phrase = self.clause_after(self.tokens[after].end)
            if phrase is None:
                return self._hit(Concern.COUNTERFACTUAL, start, end, R_COUNTERFACTUAL, OPTIONAL)
        elif which in _NEEDS_PARTICIPLE and after is not None:
            phrase = self._verb_phrase(after)
            template = EASIER_NOT if which == "shouldnt" else EASIER
        elif which in ("forgot", "neglected", "failed"):
            phrase = self.clause_after(end)
            template = HARD if which == "failed" else REMIND
        if phrase is None:
            return self._hit(Concern.COUNTERFACTUAL, start, end, R_COUNTERFACTUAL, COUNTERFACTUAL_GENERIC)
        return self._hit(Concern.COUNTERFACTUAL, start, end, R_REFRAME, template.format(phrase))

    def _verb_phrase(self, v: int) -> str | None:
        """'checked the logs and rolled back' → 'check the logs and roll back' (the base forms)."""
        rest = self.clause_after(self.tokens[v].start)
        if rest is None:
            return None
        end = self.tokens[v].start + len(rest)
        out: list[str] = []
        pos = self.tokens[v].start
        i = v
        while i < len(self.tokens) and self.tokens[i].start < end:
            t = self.tokens[i]
            if t.kind == "word" and (
                i == v or (self.tokens[i - 1].key in ("and", "or") and _participle(self.tokens, i))
            ):
                out.append(self.text[pos : t.start] + base_form(t.text))
                pos = t.end
            i += 1
        out.append(self.text[pos:end])
        return "".join(out)

    def _if_hits(self) -> Iterator[_Hit]:
        """'if they had followed…', 'would not have happened if Bob ran…', 'Had Bob checked…'."""
        for i, t in enumerate(self.tokens):
            first_of_sentence = (
                i == 0 or self.tokens[i - 1].sentence != t.sentence or self.tokens[i - 1].kind == "stop"
            )
            if t.kind != "word" or not (
                t.key == "if" or (t.key == "had" and first_of_sentence and t.text[0].isupper())
            ):
                continue
            verb = self._if_verb(i, needs_had=t.key == "if")
            if verb is None:
                continue
            subject = self.subject_before(verb, floor=i)
            if subject is None or subject.kind not in PERSONS:
                continue
            yield from self._subject_hit(subject)
            phrase = self._verb_phrase(verb)
            suggestion = EASIER.format(phrase) if phrase else COUNTERFACTUAL_GENERIC
            yield self._hit(
                Concern.COUNTERFACTUAL,
                t.start,
                self.tokens[verb].end,
                R_REFRAME if phrase else R_COUNTERFACTUAL,
                suggestion,
            )

    def _if_verb(self, i: int, *, needs_had: bool) -> int | None:
        sentence = self.tokens[i].sentence
        saw_had = not needs_had
        for k in range(i + 1, min(i + 8, len(self.tokens))):
            t = self.tokens[k]
            if t.sentence != sentence or t.kind in ("stop", "clause"):
                return None
            if t.kind != "word":
                continue
            if t.key in ("had", "hadn't", "hadn\u2019t") or t.text.lower().endswith(("'d", "\u2019d")):
                saw_had = True
                continue
            if _participle(self.tokens, k) and (saw_had or self._modal_perfect_in(sentence)):
                return k
        return None

    def _modal_perfect_in(self, sentence: int) -> bool:
        if sentence not in self._modal:
            start, end = self.sentences[sentence]
            self._modal[sentence] = MODAL_PERFECT.search(self.masked, start, end) is not None
        return self._modal[sentence]

    # --- judgement and tone ---
    def _judgement_hits(self) -> Iterator[_Hit]:
        for m in self.matches(JUDGEMENT, JUDGEMENT_FIRSTS):
            which = m.lastgroup
            start, end = m.start(), m.end()
            if which in ("fault", "owner") and NEGATED.search(self.masked, max(0, start - 24), start):
                continue
            if which == "owner":
                if m.group("owner").lower() in ("one", "nobody", "noone", "anyone", "anybody", "no"):
                    continue
                p = self.token_at(start)
                if p is not None and self.classify(p)[0] in (Kind.NAMED, Kind.ROLE):
                    yield self._hit(Concern.PERSON_AS_CAUSE, start, end, R_PERSON, PERSON_GENERIC)
            if which == "error":
                phrase = m.group()
                yield self._hit(
                    Concern.JUDGEMENT,
                    start,
                    end,
                    R_JUDGEMENT,
                    ERROR.format(phrase[:1].upper() + phrase[1:]),
                )
            elif which in ("fault", "owner"):
                yield self._hit(Concern.JUDGEMENT, start, end, R_JUDGEMENT, FAULT)
            elif which == "hindsight":
                yield self._hit(Concern.JUDGEMENT, start, end, R_JUDGEMENT, HINDSIGHT)
            else:
                yield self._hit(Concern.JUDGEMENT, start, end, R_JUDGEMENT, JUDGED)

    def _animated_hits(self) -> Iterator[_Hit]:
        for m in BANGS.finditer(self.masked):
            run = m.group()
            if (
                run == ":bangbang:"
                or run.count("!") + run.count("\uff01") + 2 * run.count("\u203c") + run.count("\u2049") >= 2
            ):
                yield self._hit(Concern.ANIMATED, m.start(), m.end(), R_ANIMATED, CALM)
        for start, end in _shouting(self.masked):
            yield self._hit(Concern.ANIMATED, start, end, R_ANIMATED, CALM)


def _participle(tokens: list[Tok], i: int) -> bool:
    t = tokens[i]
    if t.kind != "word":
        return False
    return is_participle(t.key, tokens[i + 1].key if i + 1 < len(tokens) else None)


def _shouting(masked: str) -> Iterator[tuple[int, int]]:
    """Runs of all-caps words: 2+ counted words of 3+ letters, or one of 5+ (acronyms not counted)."""
    run: list[tuple[int, int]] = []
    counted = 0
    longest = 0
    last_end = 0
    for m in CHUNK.finditer(masked):
        word = m.group()
        letters = word.replace("'", "").replace("\u2019", "").replace("-", "")
        caps = letters.isalpha() and letters.isupper()
        if run and (not caps or "\n" in masked[last_end : m.start()]):
            if counted >= 2 or longest >= 5:
                yield run[0][0], run[-1][1]
            run, counted, longest = [], 0, 0
        if caps:
            run.append((m.start(), m.end()))
            bare = word.upper().rstrip("S") if word.upper() not in ACRONYMS else word.upper()
            if len(letters) >= 3 and word.upper() not in ACRONYMS and bare not in ACRONYMS:
                counted += 1
                longest = max(longest, len(letters))
        last_end = m.end()
    if run and (counted >= 2 or longest >= 5):
        yield run[0][0], run[-1][1]
