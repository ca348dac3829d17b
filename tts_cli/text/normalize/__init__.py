"""Speakable text: what a chunk's source says, in the form the model reads best.

Chatterbox ships ``punc_norm`` (chatterbox/tts.py): collapse spaces, ellipses
and colons/semicolons to commas, smart quotes to straight ones, dashes to
hyphens, capitalise the first letter, add a final full stop. We do the same
here (without importing chatterbox), with changes for books:

* a dash between words (``--``, ``—``, `` – ``) is a pause, so it becomes a
  comma rather than a hyphen that glues two words together;
* characters the tokenizers have no voice for (``_italics_`` underscores,
  ``[5]`` footnote markers, ``* * *`` ornaments, ``#``, ``|``, control and
  zero-width characters) are removed, and ``&``/``%`` are spelled out;
* written forms (numbers, and whatever else a language's verbalizer knows) are
  turned into words by the chunk language's verbalizer (below).

Verbalizers
-----------
``speakable(text, lang)`` runs, in order: clutter removal, the verbalizer of
``lang``, then the punctuation clean-up. A language's verbalizer is the function
``verbalize(text: str) -> str`` of the module ``tts_cli.text.normalize.<lang>``
when that module exists; languages without one use ``numbers.verbalize`` (num2words
where it knows the language, chapter numerals). A verbalizer turns written forms
into the words a narrator says and leaves everything else as it is.

The source text itself is never changed: chunks keep it next to this form.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import logging
import re
import unicodedata
from collections.abc import Callable
from typing import TYPE_CHECKING

from tts_cli.text.languages import PROFILES
from tts_cli.text.normalize import numbers
from tts_cli.text.normalize.common import ORNAMENT
from tts_cli.text.normalize.numbers import _HEADING_ROMAN, spell_numbers

if TYPE_CHECKING:
    from tts_cli.text.lexicon import Lexicon

__all__ = ["_ALNUM", "_HEADING_ROMAN", "speakable", "spell_numbers", "verbalizer"]

logger = logging.getLogger(__name__)

_CJK_STOPS = "。！？"

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")
# U+FFFD stands for bytes that were not text (a damaged UTF-8 file): nothing to say
_SOFT_HYPHEN = re.compile("[\u00ad\ufffd]")
_ALNUM = re.compile(r"[^\W_]")
_FOOTNOTE = re.compile(r"\[\d{1,4}\]|\[[a-z]\]|\[\*+\]")
_UNDERSCORE = re.compile(r"(?<!\w)_+|_+(?!\w)")
_DASH = re.compile(r"\s*(?:--+|—|―|\s–\s|\s-\s)\s*")
_ELLIPSIS = re.compile(r"\s*(?:\.\s?){3,}|\s*…")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.!?;:])")
_COMMA_RUN = re.compile(r"(?:,\s*){2,}")
_COMMA_BEFORE_CLOSE = re.compile(r",\s*([\"')]+)$")
_UNVOICED = re.compile(r"[/#*|~^<>{}\[\]\\=+@`\u200b-\u200f\u2028-\u202f\u2060\ufeff]")


@functools.cache
def verbalizer(lang: str) -> Callable[[str], str]:
    """The function that turns written forms of ``lang`` into words (see the module docstring)."""
    name = f"{__name__}.{lang}"
    if lang.isidentifier() and importlib.util.find_spec(name) is not None:
        return importlib.import_module(name).verbalize
    return functools.partial(numbers.verbalize, lang=lang)


def _verbalized(text: str, lang: str) -> str:
    """``lang``'s verbalizer on ``text``; a verbalizer bug never stops a book: the passage
    then gets the plain number speller, and the problem is logged once per passage."""
    try:
        return verbalizer(lang)(text)
    except Exception:  # noqa: BLE001 - any bug in a rule set
        logger.warning("the %s text rules failed on %r; numbers only there", lang, text[:80])
        logger.debug("verbalizer failure", exc_info=True)
        return numbers.verbalize(text, lang)


_GROWS = re.compile(r"[\d&%$£€¥₩@#+=<>/°§²³]")


def may_grow(text: str, lang: str) -> bool:
    """Whether ``speakable(text, lang)`` may be longer than ``text`` with its spaces collapsed
    (plus a final stop): digits and symbols, or anything ``lang``'s verbalizer rewrites
    (abbreviations, titles, regnal numerals). Everything else only shortens the text."""
    return bool(_GROWS.search(text)) or _verbalized(text, lang) != text


def speakable(
    text: str,
    lang: str,
    *,
    lexicon: Lexicon | None = None,
    counts: dict[str, int] | None = None,
) -> str:
    """The form of ``text`` a TTS model should read: Chatterbox's ``punc_norm`` plus book clean-up.

    Returns "" when nothing in ``text`` can be voiced (an ornament, a lone footnote mark).
    ``lexicon`` entries are applied after the verbalizer; each use is added to ``counts``
    (entry word -> number of replacements) when it is given.
    """
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
        text = _SOFT_HYPHEN.sub("", text)
    text = _CONTROL.sub(" ", text)
    text = _FOOTNOTE.sub(" ", text)
    text = _UNDERSCORE.sub("", text)
    text = ORNAMENT.sub(", ", text)  # "* * *", "---", "~~~": a pause, never words
    text = numbers.spell_leftovers(_verbalized(text, lang), lang)
    if lexicon:
        text, used = lexicon.apply(text, lang)
        if counts is not None:
            for word, n in used.items():
                counts[word] = counts.get(word, 0) + n
    text = _ELLIPSIS.sub(", ", text)
    text = _DASH.sub(", ", text)
    text = re.sub(r"«\s*", '"', text)
    text = re.sub(r"\s*»", '"', text)
    for old, new in (
        ("“", '"'), ("”", '"'), ("„", '"'), ("‹", "'"), ("›", "'"),
        ("‘", "'"), ("’", "'"), ("‚", "'"), ("–", "-"), ("‐", "-"), ("‑", "-"),
        (":", ","), (";", ","),
    ):  # fmt: skip
        text = text.replace(old, new)
    text = _UNVOICED.sub(" ", text)
    text = " ".join(text.split())
    text = _SPACE_BEFORE_PUNCT.sub(r"\1", text)
    text = _COMMA_RUN.sub(", ", text)
    text = _COMMA_BEFORE_CLOSE.sub(r"\1", text)
    text = text.strip(" ,")
    if not _ALNUM.search(text):
        return ""
    if text[0].islower():
        text = text[0].upper() + text[1:]
    # A quote or bracket after the final stop is fine: '"Yes."' ends in a stop.
    core = text.rstrip("\"') ")
    tail = text[len(core) :].replace(" ", "")
    core = core.rstrip(" ,")
    text = core + tail
    if core and core[-1] not in ".!?-" + _CJK_STOPS:
        cjk = lang in PROFILES and PROFILES[lang].cjk and lang != "ko"
        text += "。" if cjk else "."
    return text
