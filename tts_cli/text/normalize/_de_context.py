"""German grammatical context: which adjective ending an ordinal takes, and which words start
a sentence (so "bis 3. Dann ..." keeps its full stop instead of becoming "dritter Dann").
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)

# Articles and contractions after which an ordinal ends in -en ("am dritten Oktober").
_EN_AFTER = frozenset(
    "am im vom zum beim dem den des zur einem einen eines einer seinem seinen seines seiner "
    "ihrem ihren ihres ihrer meinem meinen meines meiner deinem deinen deines deiner unserem "
    "unseren unseres unserer eurem euren eures eurer keinem keinen keines keiner diesem diesen "
    "dieses dieser jenem jenen jenes jener jedem jeden jedes jeder welchem welchen welches".split()
)
# ... in -e ("der dritte Mann", "die dritte Auflage", "ins dritte Jahr").
_E_AFTER = frozenset(
    "der die das ins ans aufs durchs fürs übers ums eine seine ihre meine deine unsere eure "
    "keine diese jene jede welche".split()
)
# ... with an ending from the noun's gender ("ein dritter Versuch", "ein drittes Mal").
_STRONG_AFTER = frozenset("ein sein ihr mein dein unser euer kein".split())
# Prepositions that make "der" dative/genitive: "in der dritten Klasse".
_PREPOSITIONS = frozenset(
    "in an auf aus bei mit nach von zu vor hinter über unter neben zwischen seit während "
    "wegen trotz statt innerhalb außerhalb gegenüber laut".split()
)
# Prepositions read with a strong dative ending when no article follows: "seit erstem Mai".
_DATIVE_BARE = frozenset("ab seit mit nach von aus bei".split())
_NEUTER = frozenset(
    "jahrhundert jahrhunderts jahrtausend jahrtausends jahr jahres mal kapitel lebensjahr "
    "semester treffen spiel rennen konzil reich programm buch stück album gebot".split()
)
_FEMININE = frozenset(
    "auflage klasse stelle etage runde symphonie sinfonie liga ausgabe dynastie republik "
    "station strophe welle armee division kompanie generation legislaturperiode".split()
)
# Words that, capitalised after "N.", start a new sentence rather than follow an ordinal.
SENTENCE_STARTERS = frozenset(
    "der die das den dem des ein eine einen einem einer er sie es ich wir ihr du man dann "
    "da dort doch aber und oder als wie wo was wer wenn weil so nun jetzt heute danach "
    "später damals bald schon noch auch nur erst im am in an auf mit nach von bei zu für "
    "um seit bis ab vor hinter über unter durch gegen ohne dies diese dieser dieses jener "
    "sein seine ihre mein meine unser kein keine nicht nichts alle alles viele einige "
    "hier damit deshalb daher trotzdem also jedoch zudem außerdem schließlich endlich "
    "plötzlich zuerst zunächst anschließend insgesamt".split()
)


_SERIES = re.compile(
    r"(\b\d+\.|\b\w*(?:erst|zweit|dritt|viert|fünft|sechst|siebt|acht|neunt|zehnt|elft|zwölft"
    r"|zigst|ßigst|hundertst|tausendst)(e[nmrs]?))\s*(?:bis|und|oder|[-–])\s*$",
    re.IGNORECASE,
)


def previous_words(before: str, count: int = 2) -> list[str]:
    """The last ``count`` words of ``before``, lower-cased, nearest last."""
    return [w.lower() for w in _WORD.findall(before[-60:])][-count:]


def ordinal_ending(before: str, noun: str = "") -> str:
    """The adjective ending of an ordinal from the words before it and the noun after it."""
    words = previous_words(before)
    prev = words[-1] if words else ""
    gender = _gender(noun)
    if prev in ("bis", "und", "oder") or before.rstrip().endswith(("–", "-")):
        # "vom 1. bis 3. Mai": the second ordinal takes the first one's ending
        head = _SERIES.search(before)
        if head:
            if head[2]:
                return head[2]
            return ordinal_ending(before[: head.start(1)], noun)
    if prev in _EN_AFTER:
        return "en"
    if prev == "der" and len(words) > 1 and words[-2] in _PREPOSITIONS:
        return "en"
    if prev in _E_AFTER:
        return "e"
    if prev in _STRONG_AFTER:
        return "es" if gender == "n" else "e" if gender == "f" else "er"
    if prev in _DATIVE_BARE:
        return "er" if gender == "f" else "em"
    return "es" if gender == "n" else "e" if gender == "f" else "er"


def _gender(noun: str) -> str:
    word = noun.lower().rstrip(".,;:!?")
    if word in _NEUTER:
        return "n"
    if word in _FEMININE:
        return "f"
    return "m"


def starts_sentence(word: str) -> bool:
    """Whether capitalised ``word`` after "N." is more likely a new sentence than a noun."""
    return word[:1].isupper() and word.lower().strip("\"'»«„“”,") in SENTENCE_STARTERS
