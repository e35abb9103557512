"""The systemic questions a review suggests instead of blame, and which finding gives the suggestion.

The suggestion reframes the first, most specific finding from a template, reusing the author's verb
phrase ("should have checked the logs" → "…to check the logs?"). The text itself is never changed.
"""

from __future__ import annotations

EASIER = "What would have made it easier for anyone in that position to {}?"
EASIER_NOT = "What would have made it easier for anyone in that position not to {}?"
REMIND = "What would have reminded anyone in that position to {}?"
HARD = "What made it hard to {} at that moment?"
EASY_TO = "What made {} easy to {} at that moment?"  # ("the disk space alert", "miss")
WRONG = "What made the wrong {} look like the right one at that moment?"
COUNTERFACTUAL_GENERIC = (
    "Ask what would have made the right call easier for anyone in that position, not what someone "
    "should have done."
)
OPTIONAL = "What made that step feel optional at the time, and could the system do it instead?"
SHIPPED = (
    "Describe what the system allowed, for example: "
    "\u201c{} {} {} reached production without being caught.\u201d"
)
ALLOWED = "Describe what the system allowed, for example: \u201c{}.\u201d What would have stopped it?"
POSSESSED = "Name the change, not its author: \u201cThe {}.\u201d What let it through?"
SLOW = "What slowed the response: did the alert reach the right person, through the expected channel?"
PERSON_GENERIC = (
    "Name the system or decision that allowed this rather than the person: what made it possible, "
    "and what would have caught it?"
)
SLIP = "What made the slip easy to make, and what would have caught it?"
ERROR = (
    "\u201c{}\u201d is where the inquiry starts: what made the error easy to make, "
    "and what would have caught it?"
)
FAULT = "Leave fault out of it: which system or decision allowed this to happen?"
HINDSIGHT = "That is hindsight: what did people know at that point, and why did it make sense then?"
JUDGED = "Describe the conditions instead of judging them: what did people know at that point?"
CALM = "State it calmly; the facts carry the weight."
# Which finding gives the suggestion: the most specific reframe wins, tone comes last.
R_REFRAME = 0  # a counterfactual reframed around its own verb phrase
R_PERSON_REFRAME = 1  # "a bad config change reached production…", "what slowed the response…"
R_COUNTERFACTUAL = 2
R_PERSON = 3
R_JUDGEMENT = 4
R_ANIMATED = 5
