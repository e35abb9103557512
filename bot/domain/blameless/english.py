"""English verb forms: whether a word is a past participle, and its base form.

'checked' → 'check', 'caught' → 'catch', 'paged' → 'page', 'double-checked' → 'double-check'.
"""

from __future__ import annotations

import re

from bot.domain.blameless.vocabulary import words

# Past forms that do not end in -ed (and a few -ed forms the rules below would get wrong).
_IRREGULAR: dict[str, str] = {
    **{
        form: form
        for form in words(
            "run rerun put set reset let read cut hit shut spread split quit hurt cast broadcast upset"
        )
    },
    **dict(
        pair.split(":", 1)
        for pair in words(
            "ran:run been:be done:do did:do gone:go went:go seen:see saw:see known:know knew:know taken:take "
            "took:take given:give gave:give written:write wrote:write made:make caught:catch brought:bring "
            "bought:buy thought:think taught:teach found:find told:tell sold:sell held:hold kept:keep "
            "left:leave felt:feel meant:mean sent:send spent:spend built:build lost:lose paid:pay said:say "
            "heard:hear had:have got:get gotten:get understood:understand stood:stand shown:show drawn:draw "
            "grown:grow thrown:throw blown:blow flown:fly chosen:choose chose:choose driven:drive "
            "drove:drive "
            "forgotten:forget forgot:forget frozen:freeze hidden:hide risen:rise spoken:speak stolen:steal "
            "woken:wake proven:prove broken:break broke:break begun:begin began:begin stuck:stick "
            "struck:strike hung:hang dug:dig led:lead fed:feed met:meet slept:sleep dealt:deal sat:sit "
            "fought:fight rebuilt:rebuild rewritten:rewrite overridden:override undone:undo "
            "withdrawn:withdraw added:add cached:cache synced:sync routed:route rerouted:reroute "
            "focused:focus created:create changed:change pinged:ping exchanged:exchange biased:bias "
        )
    ),
}
_NOT_PARTICIPLE_AFTER_READ = words("access only permission permissions rights replica replicas")


def is_participle(word: str, next_word: str | None = None) -> bool:
    """Whether `word` (lower case) is a past participle; 'read' followed by 'access' … is not."""
    w = word.rsplit("-", 1)[-1]  # double-checked
    if w == "read" and next_word in _NOT_PARTICIPLE_AFTER_READ:
        return False
    if w in _IRREGULAR:
        return True
    return len(w) > 3 and w.endswith("ed") and not w.endswith("eed") and w.isalpha()


def base_form(word: str) -> str:
    """The base form of a past participle: 'checked' → 'check', 'caught' → 'catch', 'paged' → 'page'."""
    head, dash, last = word.rpartition("-")
    if dash:
        return head + dash + base_form(last)
    w = word.lower()
    if w in _IRREGULAR:
        return _IRREGULAR[w] or w
    if not w.endswith("ed") or len(w) <= 3:
        return word
    if w.endswith("ied") and len(w) > 4:
        return w[:-3] + "y"
    stem = w[:-2]
    if stem.endswith(("e", "u")):
        return stem + "e"
    if stem[-1] == stem[-2] and stem[-1] not in "aeiou":
        if stem[-1] not in "lsfz" or (stem.endswith(("ell", "oll")) and _syllables(stem) >= 2):
            return stem[:-1]
        return stem
    return stem + "e" if _needs_e(stem) else stem


def _syllables(stem: str) -> int:
    return len(re.findall(r"[aeiouy]+", stem))


def _needs_e(stem: str) -> bool:
    """Whether 'stem' + 'ed' came from a verb ending in a silent e ('paged', 'validated', 'used')."""
    last, prev = stem[-1], stem[-2] if len(stem) > 1 else ""
    before = stem[-3] if len(stem) > 2 else ""
    vowels = "aeiou"
    if last in "vzsc":
        return True
    if last == "g":
        return prev not in "gn" or stem.endswith(("ang", "eng", "ung"))
    if last not in "lbdkmnprt":
        return False
    if prev not in vowels:
        return last == "l" and prev not in "rwnl"  # handled, enabled; not curled, crawled
    if before in vowels:
        return False  # waited, looked, failed, repaired
    end2 = stem[-2:]
    if last == "t":
        if end2 in ("at", "ut"):
            return True
        if end2 == "ot":
            return _syllables(stem) == 1 or stem.endswith("mot")
        if end2 == "et":
            return stem.endswith(("let", "pet"))
        return stem.endswith(("invit", "unit", "ignit", "excit", "cit", "writ", "expedit"))
    if last == "r":
        return end2 != "er" and not stem.endswith(
            ("itor", "ctor", "rror", "thor", "ntor", "chor", "ndor", "vor")
        )
    if last == "l":
        return end2 in ("il", "ul") or _syllables(stem) == 1
    if last == "n":
        return end2 in ("in", "un") or (end2 == "on" and _syllables(stem) == 1)
    if last == "p":
        return not stem.endswith("lop")
    return True  # b, d, k, m after a single vowel: probed, coded, invoked, timed
