"""What a blameless review returns: the concerns, each finding with its offsets, and the review."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Concern(StrEnum):
    PERSON_AS_CAUSE = "person_as_cause"
    COUNTERFACTUAL = "counterfactual"
    JUDGEMENT = "judgement"
    ANIMATED = "animated"


@dataclass(frozen=True)
class Finding:
    concern: Concern
    excerpt: str  # the words that triggered it, as written
    start: int  # text[start:end] == excerpt
    end: int


@dataclass(frozen=True)
class Review:
    findings: tuple[Finding, ...]
    suggestion: str | None  # a systemic reframe of the text, or None when nothing was flagged

    @property
    def flagged(self) -> bool:
        return bool(self.findings)

    @property
    def names_a_person(self) -> bool:
        """A root cause that names a person as the cause stays flagged on the document.

        A role ("the new hire"), a team ("the platform team") or someone unnamed ("whoever merged
        this") counts: they are people too. "we", "I", "anyone" and "nobody" do not.
        """
        return any(f.concern is Concern.PERSON_AS_CAUSE for f in self.findings)
