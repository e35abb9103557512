"""Blame-shaped wording in postmortem text, and a systemic way to say the same thing.

`review(text, known_names=…)` returns a `Review`: the findings, with offsets, and one suggestion.

- findings.py: what a review returns (Concern, Finding, Review).
- scanner.py: `review` and the rules for each concern.
- reading.py: the text as tokens and sentences; who or what each word is; a phrase's subject.
- vocabulary.py: the word lists and phrasings the rules look for.
- english.py: past participles and their base forms.
- reframes.py: the systemic questions suggested instead, and which one wins.
"""

from bot.domain.blameless.findings import Concern, Finding, Review
from bot.domain.blameless.scanner import review

__all__ = ["Concern", "Finding", "Review", "review"]
