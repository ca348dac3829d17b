"""Language identification per paragraph (py3langid), restricted to the 23 languages.

``--lang auto`` routes every paragraph to its own language, so a French
quotation inside an English novel is read by the French voice. py3langid is a
small naive-Bayes model (97 languages, no network, microseconds per
paragraph); it is restricted to Chatterbox's 23 languages plus close
relatives that are mapped onto them (Bokmål and Nynorsk to Norwegian,
Indonesian to Malay). Short paragraphs ("Yes," said he.) carry too little
evidence: they take the language of their neighbours.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Sequence

from tts_cli.text.languages import SUPPORTED_LANGUAGES

#: Fewer letters than this and a paragraph inherits its neighbour's language.
MIN_LETTERS_FOR_ID = 40
#: Below this probability (after restriction) a paragraph inherits too.
MIN_CONFIDENCE = 0.60
#: To differ from the book's main language a paragraph needs this much more:
#: names and places ("St. John's Wood, Serpentine Avenue") fool the model.
MIN_LETTERS_TO_SWITCH = 60
MIN_CONFIDENCE_TO_SWITCH = 0.95
_ALIASES = {"nb": "no", "nn": "no", "id": "ms"}


@functools.lru_cache(maxsize=4)
def _identifier(extra: tuple[str, ...] = ()):
    try:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier
    except ImportError as e:  # pragma: no cover - a declared dependency
        raise RuntimeError("--lang auto requires the py3langid package") from e
    ident = LanguageIdentifier.from_pickled_model(MODEL_FILE, norm_probs=True)
    known = set(ident.nb_classes)
    ident.set_languages([*SUPPORTED_LANGUAGES, *_ALIASES, *(c for c in extra if c in known)])
    return ident


def identify(text: str, extra: tuple[str, ...] = ()) -> tuple[str, float]:
    """Most likely of the 23 languages (and ``extra`` ones) for ``text``, and its probability."""
    lang, prob = _identifier(tuple(sorted(extra))).classify(text[:1000])
    return _ALIASES.get(lang, lang), float(prob)


def identify_paragraphs(
    paragraphs: Sequence[str], default: str = "en", extra: tuple[str, ...] = ()
) -> list[str]:
    """One language per paragraph; unsure or short paragraphs take a neighbour's.

    The document's language (identified on a sample of its text) stands in
    where no neighbour is sure, and ``default`` where nothing is. ``extra``: codes
    beyond the 23 that a loaded model speaks (py3langid knows 97 languages).
    """
    n = len(paragraphs)
    found: list[tuple[str, float, int] | None] = [None] * n
    for i, para in enumerate(paragraphs):
        letters = sum(1 for c in para[:2000] if c.isalpha())
        # CJK scripts carry a word per character or two.
        if letters >= MIN_LETTERS_FOR_ID or (letters >= 8 and _mostly_cjk(para)):
            lang, prob = identify(para, extra)
            if prob >= MIN_CONFIDENCE:
                found[i] = (lang, prob, letters)
    weights = Counter()
    for item in found:
        if item:
            weights[item[0]] += item[2]
    if weights:
        fallback = weights.most_common(1)[0][0]
    else:
        sample = " ".join(paragraphs)[:20000]
        fallback = identify(sample, extra)[0] if any(c.isalpha() for c in sample) else default
    sure: list[str | None] = []
    for item in found:
        if item is None:
            sure.append(None)
        elif item[0] == fallback or (
            item[1] >= MIN_CONFIDENCE_TO_SWITCH
            and (item[2] >= MIN_LETTERS_TO_SWITCH or _mostly_cjk_lang(item[0]))
        ):
            sure.append(item[0])
        else:
            sure.append(None)
    out: list[str] = []
    previous: str | None = None
    for i in range(n):
        if sure[i]:
            previous = sure[i]
            out.append(sure[i])
            continue
        # Inherit from the previous sure paragraph, else the next one.
        nxt = next((sure[j] for j in range(i + 1, min(n, i + 50)) if sure[j]), None)
        out.append(previous or nxt or fallback)
    return out


def _mostly_cjk_lang(lang: str) -> bool:
    return lang in ("ja", "ko", "zh")


def _mostly_cjk(text: str) -> bool:
    sample = text[:200]
    cjk = sum(1 for c in sample if "\u3040" <= c <= "\u9fff" or "\uac00" <= c <= "\ud7af")
    return cjk * 2 >= sum(1 for c in sample if c.isalpha())
