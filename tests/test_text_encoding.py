"""Input encodings and book size limits: UTF-8 first, a few bad bytes replaced with a warning,
legacy codecs guessed only among those usual for the language, zip bombs refused unpacked."""

from __future__ import annotations

import json
import logging
import time
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tts_cli.errors import InputError, OptionError
from tts_cli.text.encoding import decode_text
from tts_cli.text.reader import ReadOptions, read_document

EVAL = Path("/work/shared/eval-data")
if not EVAL.is_dir():
    EVAL = Path(__file__).resolve().parents[1] / "eval-data"
pytestmark = pytest.mark.skipif(not EVAL.is_dir(), reason="shared eval data absent")


@pytest.fixture(autouse=True)
def _restore_logging(restore_logging):
    """In-process runs of the command leave logging as they found it."""


def _book(name: str) -> bytes:
    return (EVAL / "texts" / name).read_bytes()


def _ud(lang: str, n: int = 60) -> str:
    rows = json.loads((EVAL / "sbd-ud" / f"{lang}.json").read_text(encoding="utf-8"))
    return "\n\n".join(r["text"] for r in rows[:n])


def _inject(data: bytes, *bad: tuple[int, bytes]) -> bytes:
    for pos, junk in sorted(bad, reverse=True):
        data = data[:pos] + junk + data[pos:]
    return data


def _warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


@pytest.mark.parametrize(
    "name, line",
    [
        ("en_alice_ch01_down_the_rabbit_hole.txt", None),
        ("en_gift_of_the_magi.txt", None),  # pure ASCII but for the damage
        ("fr_madame_bovary_p1_ch01.txt", None),
    ],
)
def test_stray_bytes_in_a_utf8_book_are_replaced_with_a_warning_not_a_legacy_guess(
    name, line, caplog
):
    # regression: one stray byte made Alice decode as mac_iceland and Bovary "binary"
    good = _book(name)
    bad = _inject(good, (5000, b"\xff"), (7000, b"\x80\x81"))
    with caplog.at_level(logging.WARNING, logger="tts_cli.text"):
        text = decode_text(bad, name)
    original = good.decode("utf-8")
    assert text.replace("\ufffd", "") == original
    assert text.count("\ufffd") == 3
    expected_line = good[:5000].count(b"\n") + 1
    (msg,) = _warnings(caplog)
    assert f"{name}: 3 byte sequences are not valid UTF-8" in msg
    assert f"first at line {expected_line}, byte 5000" in msg
    assert "mac_" not in msg and "not UTF-8; read it as" not in msg


def test_replaced_bytes_are_not_spoken():
    from tts_cli.text.normalize import speakable

    assert speakable("She told the tru\ufffdth.", "en") == "She told the truth."


def test_a_file_whose_own_text_has_u_fffd_is_plain_utf8(caplog):
    data = "Le caf\ufffd est pr\u00eat.\n".encode()
    with caplog.at_level(logging.WARNING, logger="tts_cli.text"):
        assert decode_text(data, "x.txt") == "Le caf\ufffd est pr\u00eat.\n"
    assert _warnings(caplog) == []


def test_more_than_a_few_bad_bytes_in_a_utf8_book_is_a_mixed_encoding_error():
    good = _book("fr_madame_bovary_p1_ch01.txt")  # 488 non-ASCII letters: a few is 4
    bad = _inject(good, *((1000 + 500 * i, b"\xe9") for i in range(20)))
    with pytest.raises(InputError, match=r"mixes UTF-8 with another encoding: 20 of 508") as e:
        decode_text(bad, "bovary.txt")
    assert "re-save the file as UTF-8" in str(e.value)


@pytest.mark.parametrize(
    "lang, codec, source",
    [
        ("fr", "cp1252", "fr_madame_bovary_p1_ch01.txt"),
        ("fr", "latin_1", "fr_madame_bovary_p1_ch01.txt"),
        ("de", "cp1252", "de_die_verwandlung_part1_excerpt.txt"),
        ("en", "cp1252", "en_sherlock_scandal_in_bohemia_part1.txt"),
        ("ru", "cp1251", None),
        ("ru", "koi8_r", None),
        ("zh", "gb18030", None),
        ("ja", "shift_jis", None),
    ],
)
@pytest.mark.parametrize("given", [False, True], ids=["auto", "--lang"])
def test_legacy_books_are_guessed_among_their_languages_codecs(lang, codec, source, given, caplog):
    if source:
        text = _book(source).decode("utf-8")
    else:
        # koi8-r has no guillemets or dashes: the ones in the UD text become ASCII
        text = _ud(lang).translate(str.maketrans("«»–—", '""--'))
    if codec == "latin_1":
        text = text.replace("’", "'").replace("—", "-").replace("“", '"').replace("”", '"')
    data = text.encode(codec, "replace")
    with caplog.at_level(logging.WARNING, logger="tts_cli.text"):
        out = decode_text(data, "legacy.txt", lang if given else None)
    expected = data.decode(codec)
    assert out == expected
    (msg,) = _warnings(caplog)
    assert "legacy.txt is not UTF-8; read it as" in msg
    assert f"usual for {lang}" in msg
    # latin-1 text is a subset of cp1252: cp1252 is the guess and decodes it identically
    assert msg.split("read it as ")[1].split(" ")[0] in {codec, "cp1252"}


def test_legacy_english_is_never_guessed_as_a_mac_codec(caplog):
    data = _book("en_sherlock_scandal_in_bohemia_part1.txt").decode("utf-8").encode("cp1252")
    with caplog.at_level(logging.WARNING, logger="tts_cli.text"):
        decode_text(data, "holmes.txt")
    assert "read it as cp1252" in _warnings(caplog)[0]


# --- book size ----------------------------------------------------------------

_CONTAINER = (
    '<?xml version="1.0"?><container version="1.0" '
    'xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
    '<rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>'
    "</rootfiles></container>"
)
_OPF = (
    '<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0" '
    'unique-identifier="id"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/">'
    '<dc:identifier id="id">x</dc:identifier><dc:title>Big</dc:title>'
    "<dc:language>en</dc:language></metadata><manifest>"
    '<item id="c1" href="c1.xhtml" media-type="application/xhtml+xml"/></manifest>'
    '<spine><itemref idref="c1"/></spine></package>'
)


_PARA = b"<p>All work and no play makes Jack a dull boy.</p>\n"


def _epub(path: Path, paragraph_mb: float) -> Path:
    """An EPUB with one chapter of ``paragraph_mb`` MB of one repeated paragraph."""
    para = _PARA
    reps = int(paragraph_mb * 1_000_000 / len(para))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        zf.writestr("META-INF/container.xml", _CONTAINER)
        zf.writestr("OEBPS/content.opf", _OPF)
        with zf.open("OEBPS/c1.xhtml", "w") as f:
            f.write(b'<html xmlns="http://www.w3.org/1999/xhtml"><body><h1>One</h1>')
            block = para * 20_000
            for _ in range(reps // 20_000):
                f.write(block)
            f.write(para * (reps % 20_000) + b"</body></html>")
    return path


def test_epub_zip_bomb_is_refused_from_its_directory_in_the_cli(tmp_path):
    from tts_cli.cli import app

    bomb = _epub(tmp_path / "bomb.epub", 210)  # ~1 MB on disk
    assert bomb.stat().st_size < 3_000_000
    start = time.monotonic()
    result = CliRunner().invoke(app, [str(bomb), "--dry-run"])
    elapsed = time.monotonic() - start
    assert elapsed < 2.0
    assert result.exit_code == 2
    line = result.output.strip()
    assert line.startswith("ttsgen: error: EPUB ")
    assert "unpacks to text and markup of 210 MB, above the 200 MB limit for one book" in line
    assert "raise the limit with --max-book-mb 211" in line
    assert len(line.splitlines()) == 1


def test_max_book_mb_sets_the_limit(tmp_path):
    book = _epub(tmp_path / "long.epub", 2.5)
    with pytest.raises(InputError, match="2 MB limit for one book"):
        read_document(book, ReadOptions(max_book_mb=2))
    doc = read_document(book, ReadOptions(max_book_mb=3))
    assert doc.title == "Big"
    assert doc.paragraphs[1] == "All work and no play makes Jack a dull boy."
    assert len(doc.paragraphs) == 1 + int(2.5e6 / len(_PARA))


def test_text_file_and_stdin_over_the_limit_are_refused(tmp_path, monkeypatch):
    import io
    import sys

    path = tmp_path / "long.txt"
    path.write_bytes(b"Words, words, words.\n" * 100_000)  # 2.1 MB
    with pytest.raises(InputError, match=r"long.txt is 2 MB, above the 1 MB limit"):
        read_document(path, ReadOptions(max_book_mb=1))
    assert read_document(path, ReadOptions(max_book_mb=3)).paragraphs[0].startswith("Words")
    fake = io.TextIOWrapper(io.BytesIO(path.read_bytes()), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", fake)
    with pytest.raises(InputError, match="stdin gives more, above the 1 MB limit"):
        read_document("-", ReadOptions(max_book_mb=1))


def test_media_that_expands_like_text_counts_as_text(tmp_path):
    path = tmp_path / "pics.epub"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("OEBPS/cover.jpg", b"\0" * 3_000_000)  # no picture compresses 1000-fold
    with pytest.raises(InputError, match="3 MB, above the 2 MB limit"):
        read_document(path, ReadOptions(max_book_mb=2))


def test_max_book_mb_must_be_positive():
    with pytest.raises(OptionError, match="--max-book-mb must be above 0"):
        ReadOptions(max_book_mb=0).validate()
