"""The rules of a blameless review, and `review` itself.

Names are fine in a timeline; blame is in the wording. `review` reads the summary, root cause,
contributing factors and what went poorly, and reports four concerns with offsets into the text:

- PERSON_AS_CAUSE: a person, a role, a team or someone unnamed as the subject of failure wording
  (the rule lives in people.py). A person is a Slack mention (`<@U123>`, `<@U123|bob>`), an `@name`,
  a name from `known_names` (case-insensitive, whole words; a name that is also an ordinary word,
  such as "Will" or "Mark", only counts capitalised) or a capitalised word that looks like a first
  name: not a known word, product or noun-shaped word ("Monitoring", "Postgres"), not after a
  determiner, not followed by another capitalised word ("Black Friday"). A role is "the on-call
  engineer", "the new hire", "QA"; a team "the platform team", "the DB folks", "ops" (and "they"
  when it clearly refers to people); someone unnamed "someone", "whoever". Failure wording follows
  them ("Bob pushed a bad config", "<@U1> broke the deploy", "John's change took down…", "because
  Sam didn't…", "took too long", "the new hire dropped the index", "whoever merged this never ran
  it", "the platform team did not read…") or points back at them ("caused by Alice"). "Priya rolled
  back the deploy" is not failure; neither is "the alert never reached the on-call". The person a
  counterfactual is aimed at is named too, when they are one of these.
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

from collections.abc import Iterable, Iterator

from bot.domain.blameless.english import base_form, is_participle
from bot.domain.blameless.findings import Concern, Finding, Review
from bot.domain.blameless.people import Hit, People
from bot.domain.blameless.reading import BLAMEABLE, PERSONS
from bot.domain.blameless.reframes import (
    CALM,
    COUNTERFACTUAL_GENERIC,
    EASIER,
    EASIER_NOT,
    EASY_TO,
    ERROR,
    FAULT,
    HARD,
    HINDSIGHT,
    JUDGED,
    OPTIONAL,
    PERSON_GENERIC,
    R_ANIMATED,
    R_COUNTERFACTUAL,
    R_JUDGEMENT,
    R_PERSON,
    R_REFRAME,
    REMIND,
)
from bot.domain.blameless.tokens import Tok
from bot.domain.blameless.vocabulary import (
    ACRONYMS,
    BANGS,
    CHUNK,
    COUNTERFACTUAL,
    COUNTERFACTUAL_FIRSTS,
    JUDGEMENT,
    JUDGEMENT_FIRSTS,
    MODAL_PERFECT,
    NEGATED,
)

_PERSON_ONLY = frozenset({"should", "shouldnt", "could", "failed"})
_NEEDS_PARTICIPLE = frozenset({"should", "shouldnt", "could", "could_just"})


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


class _Scan(People):
    """The text as read (see reading.py), with the rules for each concern applied to it."""

    def __init__(self, text: str, known_names: Iterable[str]) -> None:
        super().__init__(text, known_names)
        self._modal: dict[int, bool] = {}

    def hits(self) -> list[Hit]:
        return [
            *self.person_hits(),
            *self._counterfactual_hits(),
            *self._if_hits(),
            *self._judgement_hits(),
            *self._animated_hits(),
        ]

    # --- counterfactuals ---
    def _counterfactual_hits(self) -> Iterator[Hit]:
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
            yield from self.subject_hit(subject)
            yield self._counterfactual(which, m.start(), m.end(), after)

    def _counterfactual(self, which: str, start: int, end: int, after: int | None) -> Hit:
        phrase: str | None = None
        template = EASIER
        if which == "ignored":
            obj = self.object_after(end)[1]
            suggestion = EASY_TO.format(f"the {obj}", "miss") if obj else COUNTERFACTUAL_GENERIC
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

    def _if_hits(self) -> Iterator[Hit]:
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
            yield from self.subject_hit(subject)
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
            if self.tokens[k - 1].key == "whoever":
                continue  # "if whoever merged it had run …": the clause's own verb
            if _participle(self.tokens, k) and (saw_had or self._modal_perfect_in(sentence)):
                return k
        return None

    def _modal_perfect_in(self, sentence: int) -> bool:
        if sentence not in self._modal:
            start, end = self.sentences[sentence]
            self._modal[sentence] = MODAL_PERFECT.search(self.masked, start, end) is not None
        return self._modal[sentence]

    # --- judgement and tone ---
    def _judgement_hits(self) -> Iterator[Hit]:
        for m in self.matches(JUDGEMENT, JUDGEMENT_FIRSTS):
            which = m.lastgroup
            start, end = m.start(), m.end()
            if which in ("fault", "owner") and NEGATED.search(self.masked, max(0, start - 24), start):
                continue
            if which == "owner":
                if m.group("owner").lower() in ("one", "nobody", "noone", "anyone", "anybody", "no"):
                    continue
                p = self.token_at(start)
                if p is not None and self.classify(p)[0] in BLAMEABLE:
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

    def _animated_hits(self) -> Iterator[Hit]:
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
