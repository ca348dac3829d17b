"""Bytes of a text file to text: UTF-8 first, a legacy codec only for a file that is not UTF-8.

The order matters because the two failure modes differ. A UTF-8 book with one damaged byte
is still a UTF-8 book: guessing a legacy codec for the whole file turns every accented letter
into mojibake ("Ã©") or, when no codec fits, rejects the book as binary. So:

1. a byte-order mark decides (UTF-8, UTF-16);
2. strict UTF-8;
3. UTF-8 with *a few* invalid sequences: read as UTF-8, each invalid sequence replaced by
   U+FFFD (which the speakable text drops), with a warning giving their count and the first
   one's position;
4. a file whose non-ASCII bytes are mostly valid UTF-8 but with more damage than a few is an
   error: it mixes encodings, and neither reading is right;
5. only a file that is not UTF-8 at all gets a legacy codec, guessed by charset-normalizer
   among the codecs plausible for the book's language (``--lang``, else identified on the
   candidate decodings), never among all of Python's codecs (no ``mac_iceland`` for English).

"A few" is measured against the file's non-ASCII sequences (valid multi-byte UTF-8 sequences
plus invalid ones): at most 1 % of them, or at most 4 in all. A legacy file's non-ASCII bytes
are almost never valid UTF-8: encoded as cp1252, latin-1 or mac_roman, the eval-data books in
French, German, Spanish and English have 0 valid sequences out of 107 to 632; Russian in
cp1251 0 of 16,203, in koi8-r 2 of 16,123. Multi-byte codecs and cp866 make more by chance (up
to 27 % for Japanese in EUC-JP), never a majority. A UTF-8 file is 100 % valid. So 1 % leaves
a UTF-8 book room for the stray bytes of a damaged copy (a French novel has ~25,000
non-ASCII letters per MB, so 1 % is some 250 bytes), while a legacy file never looks like
damaged UTF-8; the floor of 4 covers books that are ASCII but for their damage (an English
text without typographic quotes has no valid sequence to compare with). The 50 % line between
"mixed" and "legacy" sits between the 27 % that legacy codecs reach by chance and the 99 %
of a damaged UTF-8 file.
"""

from __future__ import annotations

import codecs
import logging
from typing import NamedTuple

from tts_cli.errors import InputError

logger = logging.getLogger(__name__)

#: At most this share of a file's non-ASCII sequences may be invalid for it to be read as
#: UTF-8 with them replaced ...
FEW_INVALID_SHARE = 0.01
#: ... or at most this many in all (a file that is ASCII but for its damage).
FEW_INVALID_COUNT = 4
#: A file with more damage than that is "mixed" (an error) while at least this share of its
#: non-ASCII sequences is valid UTF-8; below it, it is a legacy file.
MIXED_VALID_SHARE = 0.5

_BINARY_SNIFF_BYTES = 8192
_REPLACEMENT_UTF8 = "\ufffd".encode()

_WESTERN = ("cp1252", "latin_1", "iso8859_15")
_CENTRAL = ("cp1250", "iso8859_2")
#: Legacy codecs worth trying per language, likeliest first; the first of two codecs that
#: decode a text equally cleanly wins (cp1252 before latin-1: most legacy e-texts are 1252,
#: and it is a superset of Latin-1's printable characters).
LEGACY_CODECS: dict[str, tuple[str, ...]] = {
    **{
        lang: _WESTERN
        for lang in ("en", "fr", "de", "es", "it", "pt", "nl", "da", "no", "sv", "fi", "ms", "sw")
    },
    **{lang: _CENTRAL for lang in ("pl", "cs", "sk", "sl", "hr", "hu", "ro")},
    "ru": ("cp1251", "koi8_r", "cp866"),
    "zh": ("gb18030", "big5"),
    "ja": ("shift_jis", "cp932", "euc_jp"),
    "ko": ("cp949", "euc_kr"),
    "el": ("cp1253", "iso8859_7"),
    "he": ("cp1255", "iso8859_8"),
    "ar": ("cp1256", "iso8859_6"),
    "tr": ("cp1254", "iso8859_9"),
    "vi": ("cp1258",),
}
_ALL_LEGACY = tuple(dict.fromkeys(c for codecs_ in LEGACY_CODECS.values() for c in codecs_))


def decode_text(data: bytes, name: str, lang: str | None = None) -> str:
    """Decode a text file's bytes (see the module docstring for the order).

    ``lang``: the book's language when the user gave one (``--lang``); it restricts the
    legacy codecs tried. Raises ``InputError`` for binary data, a file that mixes UTF-8 with
    another encoding, and a file no plausible codec reads.
    """
    if data.startswith(codecs.BOM_UTF8):
        return _utf8(data[len(codecs.BOM_UTF8) :], name, bom=True)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as e:
            raise InputError(
                f"{name} starts with a UTF-16 byte-order mark but is not valid UTF-16",
                "re-save the file as UTF-8",
            ) from e
    if b"\x00" in data[:_BINARY_SNIFF_BYTES] or data.startswith(b"PK\x03\x04"):
        raise binary_input(name)
    text = _utf8(data, name, bom=False)
    if text is not None:
        return text
    return _legacy(data, name, lang)


def _utf8(data: bytes, name: str, bom: bool) -> str | None:
    """UTF-8, strict or with a few invalid sequences replaced; None for a legacy file."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        first = e.start
    text = data.decode("utf-8", "replace")
    # every invalid sequence became one U+FFFD; the file's own U+FFFDs are not damage
    invalid = text.count("\ufffd") - data.count(_REPLACEMENT_UTF8)
    valid = sum(1 for c in text if c > "\x7f") - invalid
    non_ascii = valid + invalid
    line = data.count(b"\n", 0, first) + 1
    where = f"first at line {line}, byte {first}"
    if invalid <= max(FEW_INVALID_COUNT, FEW_INVALID_SHARE * non_ascii):
        logger.warning(
            "%s: %d byte sequence%s not valid UTF-8 (%s); read as UTF-8 with %s replaced "
            "(not read aloud)",
            name,
            invalid,
            " is" if invalid == 1 else "s are",
            where,
            "it" if invalid == 1 else "them",
        )
        return text
    if bom or valid >= MIXED_VALID_SHARE * non_ascii:
        raise InputError(
            f"{name} mixes UTF-8 with another encoding: {invalid} of {non_ascii} non-ASCII "
            f"sequences are not UTF-8 ({where})",
            "re-save the file as UTF-8, e.g. iconv -f cp1252 -t utf-8 (with the part's "
            "real encoding)",
        )
    return None


def _legacy(data: bytes, name: str, lang: str | None) -> str:
    """The file in the legacy codec likeliest for its language (see ``_candidates``)."""
    known = lang in LEGACY_CODECS
    found = _pick(_candidates(data, lang if known else None), lang if known else None)
    if found is None:
        if known:
            raise InputError(
                f"{name} is neither UTF-8 nor in an encoding usual for --lang {lang} "
                f"({', '.join(LEGACY_CODECS[lang])})",
                "re-save the file as UTF-8",
            )
        raise InputError(
            f"{name} is not UTF-8, and no legacy encoding reads it as text in a language "
            "it could be in",
            "re-save the file as UTF-8, or give its language with --lang",
        )
    encoding, text, found_lang = found
    if sum(1 for c in text[:4096] if not c.isprintable() and c not in "\n\r\t") > 8:
        raise binary_input(name)
    logger.warning(
        "%s is not UTF-8; read it as %s (a guess, among the encodings usual for %s)",
        name,
        encoding,
        found_lang,
    )
    return text


_MULTIBYTE = ("gb18030", "big5", "shift_jis", "cp932", "euc_jp", "cp949", "euc_kr")


def _norm(encoding: str) -> str:
    return codecs.lookup(encoding).name.replace("-", "_")


class _Candidate(NamedTuple):
    codecs: tuple[str, ...]
    """Codecs that decode the file to ``text`` (normalised names)."""
    chaos: float
    """How messy ``text`` looks, in % (charset-normalizer's measures)."""
    text: str
    strict_only: bool
    """Found by strict decoding, not among charset-normalizer's matches: its ``chaos`` is
    measured another way, so it is compared only with its own kind."""


def _candidates(data: bytes, lang: str | None) -> list[_Candidate]:
    """Decodings of ``data``, likeliest first.

    charset-normalizer's matches (among ``lang``'s codecs, else all plausible ones), then,
    as it finds Japanese and some Chinese text too chaotic to report, every multi-byte codec
    (or ``lang``'s codecs) that decodes the file strictly, ranked by charset-normalizer's
    mess measure of its text: gb18030 decodes almost any byte pairs, so decoding is not
    enough.
    """
    from charset_normalizer import from_bytes
    from charset_normalizer.md import mess_ratio

    pool = LEGACY_CODECS[lang] if lang else _ALL_LEGACY
    out = []
    for m in from_bytes(data, cp_isolation=list(pool)):
        names = tuple(dict.fromkeys(_norm(c) for c in [m.encoding, *m.could_be_from_charset]))
        out.append(_Candidate(names, m.percent_chaos, str(m), False))
    seen = {c for cand in out for c in cand.codecs}
    strict = []
    for codec in pool if lang else _MULTIBYTE:
        if _norm(codec) in seen:
            continue
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        strict.append(_Candidate((_norm(codec),), 100 * mess_ratio(text[:20000], 1.0), text, True))
    return out + sorted(strict, key=lambda c: c.chaos)


def _pick(candidates: list[_Candidate], lang: str | None) -> tuple[str, str, str] | None:
    """(codec, text, language) of the likeliest candidate whose codec fits its language.

    With ``lang`` every candidate fits. Without, each candidate decoding (best first) goes
    to the language identifier, and the first whose codec is usual for the language it
    reads as wins: a Russian file decoded as cp1252 reads as no language cp1252 is used
    for. Among that language's codecs that decode the text about as cleanly (coherence
    cannot always tell cp1252 from latin-1 on a page of French), the language's own order
    decides.
    """
    from tts_cli.text.langid import identify

    for cand in candidates:
        found = lang or identify(cand.text[:5000])[0]
        order = [_norm(c) for c in LEGACY_CODECS.get(found, ())]
        if not set(order) & set(cand.codecs):
            continue
        close = [
            other
            for other in candidates
            if other.strict_only == cand.strict_only and other.chaos <= cand.chaos + 1.0
        ]
        _rank, codec, text = min(
            (order.index(c), c, other.text)
            for other in [cand, *close]
            for c in other.codecs
            if c in order
        )
        return codec, text, found
    return None


def binary_input(name: str) -> InputError:
    return InputError(
        f"input looks like a binary file, not text: {name}",
        "give a plain-text (.txt), Markdown (.md) or EPUB (.epub) file",
    )
