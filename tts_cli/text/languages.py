"""Language profiles for the 23 languages of Chatterbox Multilingual.

A profile says how long a chunk may be, how short it may be, and how fast the
language is spoken, in *characters of speakable text* per second (spaces and
punctuation included), which is what the planner counts.

Why these numbers
-----------------
* The model writes 25 speech tokens per second of audio and stops at 1000
  tokens (40 s). Users report garbling above ~300 characters of English;
  earlier Chatterbox audiobook apps used 400-500 characters for English and
  250-300 for French. We aim each chunk at about **18 s of speech**: long
  enough for natural prosody across a couple of sentences, short enough that
  attention does not drift, and far below the 40 s cap even with the token
  budget's 1.5x safety margin (18 s x 25 x 1.5 = 675 tokens).
  ``max_chunk_chars = chars_per_second x 18 s``, rounded; English lands at
  270, just under the ~300 garbling reports.
* Speaking rates: English read aloud runs at ~150-170 words per minute,
  ~5.5-6 characters per word with the space: ~15 characters/s. Romance and
  Germanic languages are close to that (Spanish and Italian pack more
  syllables per second but also more letters per syllable). Cyrillic, Greek,
  Polish and Turkish spell more letters per sound: ~14/s. Arabic and Hebrew
  write no short vowels, so fewer characters carry the same speech: ~12/s;
  Devanagari packs vowel signs into clusters: ~13/s. Korean Hangul writes a
  syllable per block (~6-7 syllables/s with spaces): 7/s; Japanese mixes kana
  (a mora each, ~7-8 morae/s) with kanji (1-2 morae each): 7/s; Chinese
  writes one syllable per character at ~4-5 syllables/s: 4.5/s. So CJK
  chunks get far fewer characters for the same duration.
* ``min_chunk_chars``: very short inputs come out as gibberish or crash the
  model (~5 text tokens or fewer); we require about 1 s of speech, and never
  fewer than 5 characters. Shorter sentences join a neighbour.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from tts_cli.errors import OptionError

#: Seconds of speech a full chunk aims at (see the module docstring).
TARGET_CHUNK_S = 18.0
#: Seconds of speech a chunk must at least carry.
MIN_CHUNK_S = 1.0


@dataclass(frozen=True)
class LanguageProfile:
    """How text in one language is cut into chunks."""

    code: str
    """ISO 639-1 code, as Chatterbox Multilingual names the language."""
    name: str
    """English name, for messages."""
    chars_per_second: float
    """Speaking rate in characters of speakable text per second."""
    max_chunk_chars: int
    """Longest chunk, in characters of speakable text (``--chunk-chars`` overrides)."""
    min_chunk_chars: int
    """Shortest chunk; a shorter sentence joins a neighbour."""
    num2words_lang: str | None
    """num2words language for spelling out numbers, or None where it has none."""
    cjk: bool = False
    """Written without spaces between words (chunks may be cut between any characters)."""


def _profile(code: str, name: str, rate: float, n2w: str | None, cjk: bool = False):
    max_chars = int(round(rate * TARGET_CHUNK_S / 10.0) * 10)
    min_chars = max(5, int(round(rate * MIN_CHUNK_S)))
    return LanguageProfile(code, name, rate, max_chars, min_chars, n2w, cjk)


PROFILES: dict[str, LanguageProfile] = {
    p.code: p
    for p in (
        _profile("ar", "Arabic", 12.0, "ar"),
        _profile("da", "Danish", 15.0, "da"),
        _profile("de", "German", 15.0, "de"),
        _profile("el", "Greek", 14.0, None),
        _profile("en", "English", 15.0, "en"),
        _profile("es", "Spanish", 15.5, "es"),
        _profile("fi", "Finnish", 14.5, "fi"),
        _profile("fr", "French", 14.5, "fr"),
        _profile("he", "Hebrew", 12.0, "he"),
        _profile("hi", "Hindi", 13.0, None),
        _profile("it", "Italian", 15.0, "it"),
        _profile("ja", "Japanese", 7.0, "ja", cjk=True),
        _profile("ko", "Korean", 7.0, "ko", cjk=True),
        _profile("ms", "Malay", 15.0, None),
        _profile("nl", "Dutch", 15.0, "nl"),
        _profile("no", "Norwegian", 15.0, "no"),
        _profile("pl", "Polish", 14.0, "pl"),
        _profile("pt", "Portuguese", 15.0, "pt"),
        _profile("ru", "Russian", 14.0, "ru"),
        _profile("sv", "Swedish", 15.0, "sv"),
        _profile("sw", "Swahili", 14.5, None),
        _profile("tr", "Turkish", 14.0, "tr"),
        _profile("zh", "Chinese", 4.5, None, cjk=True),
    )
}

#: The 23 language codes Chatterbox Multilingual supports, sorted.
SUPPORTED_LANGUAGES: tuple[str, ...] = tuple(sorted(PROFILES))


#: Speaking rate of a language without a profile of its own (one a fine-tuned model adds).
GENERIC_CHARS_PER_SECOND = 14.0


def expected_seconds(text: str | int, language: str) -> float:
    """Seconds a narrator takes to say ``text`` (or that many speakable characters) in
    ``language``, pauses at its commas and stops included: the one estimate the planner's
    token budgets, ``--dry-run`` and the quality gate's duration check all use."""
    chars = text if isinstance(text, int) else len(text)
    return chars / profile(language).chars_per_second


def check_language(lang: str, *, allow_auto: bool = True, extra: tuple[str, ...] = ()) -> str:
    """Return ``lang`` normalised ("EN" -> "en"), or raise ``OptionError`` listing the choices.

    ``extra``: codes a loaded model adds beyond the 23 (a fine-tune's Vietnamese, say).
    """
    code = lang.strip().lower().replace("_", "-").split("-")[0] if lang else ""
    if code == "nb" or code == "nn":
        code = "no"
    if (allow_auto and code == "auto") or code in PROFILES or code in extra:
        return code
    choices = ("auto " if allow_auto else "") + " ".join(sorted({*SUPPORTED_LANGUAGES, *extra}))
    raise OptionError(
        f"unsupported language: {lang!r}",
        f"use one of: {choices}",
    )


@functools.cache
def profile(lang: str) -> LanguageProfile:
    """The profile of ``lang``: its own for the 23, a generic one for any other code.

    Which codes are allowed is ``check_language``'s business; a code that got past it
    (a language a fine-tuned model adds) is planned with the generic profile: 14
    characters per second, sentences split by the language-agnostic segmenters, numbers
    spelled by num2words where it knows the code.
    """
    if lang in PROFILES:
        return PROFILES[lang]
    n2w = lang if _num2words_knows(lang) else None
    return _profile(lang, _LANGUAGE_NAMES.get(lang, lang), GENERIC_CHARS_PER_SECOND, n2w)


#: Names of languages community fine-tunes add, for messages.
_LANGUAGE_NAMES = {"vi": "Vietnamese", "th": "Thai", "id": "Indonesian", "uk": "Ukrainian"}


def _num2words_knows(lang: str) -> bool:
    try:
        from num2words import CONVERTER_CLASSES
    except ImportError:  # pragma: no cover - a declared dependency
        return False
    return lang in CONVERTER_CLASSES
