"""Tokenizer files for random-weight checkpoints, built offline with the ``tokenizers`` package.

* ``tokenizer_json()``: the English model's layout, a 704-entry character-level BPE.
* ``grapheme_tokenizer_json(languages)``: the multilingual model's layout: specials, one
  ``[xx]`` token per language, Cangjie code tokens ``[cj_x]``, and lowercase graphemes of
  the scripts the 23 languages use (NFKD-decomposed, as the model's tokenizer sees them).
* ``write_gpt2_tokenizer(folder)``: Turbo's layout, a GPT-2-style byte-level BPE
  (``vocab.json``, ``merges.txt``, ``tokenizer_config.json``) that ``AutoTokenizer`` loads.
* ``cangjie_table(seed)``: a ``Cangjie5_TC.json``-shaped table of made-up codes.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

TEXT_VOCAB_SIZE = 704  # T3's English text vocabulary
MTL_TEXT_VOCAB_SIZE = 2454  # the multilingual T3's text vocabulary
START_ID, STOP_ID, UNK_ID, SPACE_ID = 255, 0, 1, 2
_SPECIALS = {"[STOP]": STOP_ID, "[UNK]": UNK_ID, "[SPACE]": SPACE_ID, "[START]": START_ID}
_EXTRA_SPECIALS = ["[PAD]", "[SEP]", "[CLS]", "[MASK]"]
_CANGJIE_LETTERS = "abcdefghijklmnopqrstuvwxy"


def _char_bpe(tokens: list[str], size: int, added: list[str]) -> str:
    """A BPE without merges over ``tokens`` (ids in order, [START] kept at 255), as JSON."""
    from tokenizers import Tokenizer, models, pre_tokenizers

    vocab: dict[str, int] = dict(_SPECIALS)
    next_id = 3
    for tok in tokens:
        if tok in vocab:
            continue
        while next_id in vocab.values() or next_id == START_ID:
            next_id += 1
        if next_id >= size:
            break
        vocab[tok] = next_id
        next_id += 1
    tok = Tokenizer(models.BPE(vocab=vocab, merges=[], unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.add_special_tokens([t for t in list(_SPECIALS) + added if t in vocab])
    return tok.to_str()


def tokenizer_json() -> str:
    """A valid 704-entry character-level tokenizer: [STOP]=0, [UNK]=1, [SPACE]=2, [START]=255."""
    chars = [chr(c) for c in range(33, 127)]
    chars += [chr(c) for c in range(0xA1, 0x250) if chr(c).isprintable()]
    chars += list("\u2018\u2019\u201c\u201d\u2013\u2014\u2026\u00ab\u00bb")
    return _char_bpe(_EXTRA_SPECIALS + sorted(set(chars)), TEXT_VOCAB_SIZE, _EXTRA_SPECIALS)


def _script_chars() -> list[str]:
    ranges = [
        (0x21, 0x7F),  # ASCII punctuation, digits, letters
        (0x300, 0x370),  # combining marks (NFKD accents)
        (0x3B1, 0x3CA),  # Greek lowercase
        (0x430, 0x460),  # Cyrillic lowercase
        (0x5B0, 0x5EB),  # Hebrew letters and points
        (0x621, 0x656),  # Arabic
        (0x900, 0x97F),  # Devanagari
        (0x1100, 0x1200),  # Hangul jamo (Korean is decomposed)
        (0x3041, 0x3097),  # hiragana
        (0x30A1, 0x30FB),  # katakana
    ]
    chars = [chr(c) for a, b in ranges for c in range(a, b) if chr(c).isprintable()]
    return chars + list("¡¿«»“”‘’–—…。、，！？")


def grapheme_tokenizer_json(languages: tuple[str, ...], size: int = MTL_TEXT_VOCAB_SIZE) -> str:
    """A multilingual-layout grapheme tokenizer of ``size`` entries with ``[xx]`` per language."""
    lang_tokens = [f"[{code}]" for code in languages]
    cj = [f"[cj_{c}]" for c in _CANGJIE_LETTERS + "0123456789."]
    added = _EXTRA_SPECIALS + lang_tokens + cj
    return _char_bpe(added + _script_chars(), size, added)


def cangjie_table(seed: int = 0, n_chars: int = 3000) -> list[str]:
    """``Cangjie5_TC.json`` entries ``"字\\tcode"`` for the first ``n_chars`` CJK ideographs."""
    rng = np.random.default_rng(seed)
    entries = []
    for k in range(n_chars):
        length = int(rng.integers(1, 5))
        code = "".join(_CANGJIE_LETTERS[int(i)] for i in rng.integers(0, 25, length))
        entries.append(f"{chr(0x4E00 + k)}\t{code}")
    return entries


_GPT2_CORPUS = (
    "The old lighthouse keeper climbed the stairs every evening at dusk.",
    "She opened the letter slowly, afraid of what it might say.",
    "Rain drummed on the tin roof while the children slept upstairs.",
    "Hi there, Sarah here [chuckle], have you got one minute to chat?",
)


def write_gpt2_tokenizer(folder: Path) -> None:
    """A small byte-level BPE in GPT-2's file layout (every id below Turbo's 50276)."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=600,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        special_tokens=["<|endoftext|>"],
        show_progress=False,
    )
    tok.train_from_iterator(list(_GPT2_CORPUS) * 20, trainer)
    folder.mkdir(parents=True, exist_ok=True)
    tok.model.save(str(folder))  # vocab.json, merges.txt
    config = {
        "tokenizer_class": "GPT2Tokenizer",
        "model_max_length": 1024,
        "bos_token": "<|endoftext|>",
        "eos_token": "<|endoftext|>",
        "unk_token": "<|endoftext|>",
        "add_prefix_space": False,
    }
    (folder / "tokenizer_config.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
