"""Text to T3 text tokens, per model family, exactly as each stock ``generate()`` does it.

Every tokenizer here has ``encode(text, lang) -> 1-D torch.long ids`` (the chunk's
punctuation cleaned the family's own way first, without the start/stop text tokens that
the T3 decoders add) and ``stock``: the object the family's stock model class expects.

* English: ``chatterbox.tts.punc_norm`` then ``EnTokenizer``.
* Multilingual: its own ``punc_norm``, then ``MTLTokenizer.encode``'s steps: lowercase,
  NFKD, the language's preparation (Chinese Cangjie codes after pkuseg word segmentation,
  Japanese kana, Korean jamo, Hebrew diacritics, Russian stress), a ``[lang]`` prefix,
  ``[SPACE]`` for spaces. Unlike stock, the Cangjie table is read from the model folder
  (stock asks the hub for it even for a local folder) and the segmenter is loaded only
  when a Chinese chunk comes (stock loads it, and downloads its model, at start-up).
* Turbo: its own ``punc_norm`` then the GPT-2 tokenizer, ids as they are.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import torch

from tts_cli.engine import adapter
from tts_cli.errors import ModelError

_SPACE = "[SPACE]"


def _ids(values) -> torch.Tensor:
    return torch.tensor(list(values), dtype=torch.long)


class EnglishText:
    """The English model's tokenizer (``tokenizer.json``)."""

    def __init__(self, path: Path):
        cb = adapter.api()
        self.punc_norm = cb.punc_norms["english"]
        try:
            self.stock = cb.EnTokenizer(str(path))
        except Exception as e:  # noqa: BLE001 - tokenizers raises plain Exception on bad files
            raise ModelError(
                f"model file {path} is not a valid tokenizer ({str(e)[:120]})",
                "download the model again",
            ) from None

    def encode(self, text: str, lang: str = "en") -> torch.Tensor:
        return _ids(self.stock.encode(self.punc_norm(text)))


class CangjieCodes:
    """Chinese characters to Cangjie code tokens, from ``Cangjie5_TC.json`` (upstream's scheme:
    ``[cj_x]`` per code letter, the index among characters sharing the code, ``[cj_.]``)."""

    def __init__(self, path: Path | None):
        self.word2cj: dict[str, str] = {}
        self.cj2word: dict[str, list[str]] = {}
        if path is None or not path.is_file():
            return
        try:
            entries = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise ModelError(
                f"model file {path} is not a valid Cangjie table ({str(e)[:120]})",
                "download the model again",
            ) from None
        for entry in entries:
            word, code = entry.split("\t")[:2]
            self.word2cj[word] = code
            self.cj2word.setdefault(code, []).append(word)

    def __bool__(self) -> bool:
        return bool(self.word2cj)

    def _code(self, glyph: str) -> str | None:
        code = self.word2cj.get(glyph)
        if code is None:
            return None
        index = self.cj2word[code].index(glyph)
        return code + (str(index) if index > 0 else "")

    def __call__(self, text: str, segmenter) -> str:
        if segmenter is not None:
            text = " ".join(segmenter.cut(text))
        out = []
        for ch in text:
            code = self._code(ch) if unicodedata.category(ch) == "Lo" else None
            out.append(ch if code is None else "".join(f"[cj_{c}]" for c in code) + "[cj_.]")
        return "".join(out)


class MultilingualText:
    """The multilingual model's grapheme tokenizer, with each language's preparation."""

    def __init__(self, path: Path, cangjie: Path | None = None):
        from tokenizers import Tokenizer

        cb = adapter.api()
        self.punc_norm = cb.punc_norms["multilingual"]
        self._prep = cb.mtl_text
        try:
            self.tokenizer = Tokenizer.from_file(str(path))
        except Exception as e:  # noqa: BLE001 - tokenizers raises plain Exception on bad files
            raise ModelError(
                f"model file {path} is not a valid tokenizer ({str(e)[:120]})",
                "download the model again",
            ) from None
        vocab = self.tokenizer.get_vocab()
        if "[START]" not in vocab or "[STOP]" not in vocab:
            raise ModelError(
                f"model file {path} lacks the [START]/[STOP] tokens of a Chatterbox tokenizer",
                "download the model again",
            )
        self.cangjie = CangjieCodes(cangjie)
        self.stock = self

    def prepare(self, text: str, lang: str) -> str:
        """``MTLTokenizer.encode``'s text, before the tokenizer sees it."""
        from tts_cli.models.routing import chinese_segmenter

        prep = self._prep
        txt = unicodedata.normalize("NFKD", text.lower())
        if lang == "zh":
            if not self.cangjie:
                raise ModelError(
                    "the multilingual model folder has no Cangjie5_TC.json for Chinese text",
                    "download the model again (Cangjie5_TC.json is part of it)",
                )
            txt = self.cangjie(txt, chinese_segmenter())
        elif lang == "ja":
            txt = prep.hiragana_normalize(txt)
        elif lang == "he":
            txt = prep.add_hebrew_diacritics(txt)
        elif lang == "ko":
            txt = prep.korean_normalize(txt)
        elif lang == "ru":
            txt = prep.add_russian_stress(txt)
        return f"[{lang.lower()}]{txt}".replace(" ", _SPACE)

    def encode(self, text: str, lang: str) -> torch.Tensor:
        return _ids(self.tokenizer.encode(self.prepare(self.punc_norm(text), lang)).ids)

    def text_to_tokens(self, text: str, language_id: str | None = None) -> torch.Tensor:
        """Stock ``MTLTokenizer.text_to_tokens`` (its ``generate()`` calls it)."""
        return self.encode(text, language_id or "").to(torch.int32)[None]


class Gpt2Text:
    """Turbo's GPT-2 tokenizer (``vocab.json`` + ``merges.txt`` and its config files)."""

    def __init__(self, folder: Path):
        cb = adapter.api()
        self.punc_norm = cb.punc_norms["turbo"]
        try:
            from transformers import AutoTokenizer

            self.stock = AutoTokenizer.from_pretrained(str(folder))
        except Exception as e:  # noqa: BLE001 - transformers raises many types on bad folders
            raise ModelError(
                f"the GPT-2 tokenizer in {folder} cannot be loaded ({str(e)[:120]})",
                "download the model again",
            ) from None
        if self.stock.pad_token is None:
            self.stock.pad_token = self.stock.eos_token

    def encode(self, text: str, lang: str = "en") -> torch.Tensor:
        return _ids(self.stock(self.punc_norm(text), truncation=True).input_ids)


def text_tokenizer(folder):
    """The tokenizer of a ``ModelFolder``'s family."""
    fam = folder.family
    if fam.name == "english":
        return EnglishText(folder.file("tokenizer"))
    if fam.name == "multilingual":
        cangjie = folder.path / fam.extra_files[0] if fam.extra_files else None
        return MultilingualText(folder.file("tokenizer"), cangjie)
    if fam.name == "turbo":
        return Gpt2Text(folder.path)
    raise ValueError(f"no tokenizer for the {fam.name!r} family")
