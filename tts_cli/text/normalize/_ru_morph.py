"""Russian agreement through pymorphy3: the case and gender of a noun, and a noun's form after
a number ("2 рубль" -> "рубля"). Without pymorphy3 the words are left in the given form."""

from __future__ import annotations

import functools
import logging

logger = logging.getLogger(__name__)

# pymorphy3 case tags -> num2words case letters
_CASE = {"nomn": "n", "gent": "g", "datv": "d", "accs": "a", "ablt": "i", "loct": "p",
         "gen2": "g", "loc2": "p", "voct": "n"}  # fmt: skip
_GENDER = {"masc": "m", "femn": "f", "neut": "n"}


@functools.lru_cache(maxsize=1)
def _analyzer():
    try:
        import pymorphy3
    except ImportError:  # pragma: no cover - a declared dependency
        logger.warning("pymorphy3 is not installed: Russian numbers will not agree with nouns")
        return None
    return pymorphy3.MorphAnalyzer()


@functools.lru_cache(maxsize=4096)
def noun_info(word: str) -> tuple[str, str, bool] | None:
    """(case, gender, plural) of ``word`` read as a noun or adjective, or None if it is not one."""
    morph = _analyzer()
    if morph is None or not word.isalpha():
        return None
    for parse in morph.parse(word)[:3]:
        tag = parse.tag
        if tag.POS in ("NOUN", "ADJF") and tag.case:
            gender = _GENDER.get(tag.gender or "", "m")
            return _CASE.get(tag.case, "n"), gender, tag.number == "plur"
    return None


@functools.lru_cache(maxsize=4096)
def agree(word: str, n: int) -> str:
    """``word`` (a noun in the nominative singular) in the form that follows the number ``n``."""
    morph = _analyzer()
    if morph is None:
        return word
    parses = morph.parse(word)
    parse = next((p for p in parses if {"nomn", "sing"} in p.tag), parses[0])
    form = parse.make_agree_with_number(n)
    return (form.word if form else word).replace("ё", "е")


@functools.lru_cache(maxsize=4096)
def inflect(word: str, case: str, plural: bool = False) -> str:
    """``word`` in a num2words-style case letter ("g" genitive ...), singular or plural."""
    morph = _analyzer()
    if morph is None:
        return word
    tags = {v: k for k, v in _CASE.items() if k in ("nomn", "gent", "datv", "accs", "ablt", "loct")}
    wanted = {tags.get(case, "nomn"), "plur" if plural else "sing"}
    parses = morph.parse(word)
    parse = next((p for p in parses if {"nomn", "sing"} in p.tag), parses[0])
    form = parse.inflect(wanted)
    return (form.word if form else word).replace("ё", "е")
