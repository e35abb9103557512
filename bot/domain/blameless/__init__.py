"""Blame-shaped wording in postmortem text, and a systemic way to say the same thing.

`review(text, known_names=…)` returns a `Review`: the findings, with offsets, and one suggestion.

- findings.py: what a review returns (Concern, Finding, Review).
- scanner.py: `review` and the rules for each concern.
- people.py: the person-as-cause rule: a person, role, team or someone unnamed, and what blames them.
- reading.py: who or what each word is (person, role, team, someone, thing, "they"); a phrase's subject.
- tokens.py: the text as tokens and sentences, with code and links masked out; known names found.
- vocabulary.py: the word lists and phrasings the rules look for.
- english.py: past participles and their base forms.
- reframes.py: the systemic questions suggested instead, and which one wins.
"""

from bot.domain.blameless.findings import Concern, Finding, Review
from bot.domain.blameless.scanner import review

__all__ = ["Concern", "Finding", "Review", "review"]
