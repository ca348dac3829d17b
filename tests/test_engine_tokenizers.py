"""Our text tokenizers give the ids stock Chatterbox gives, for each family and language."""

from __future__ import annotations

import pytest

from tts_cli.engine import adapter
from tts_cli.engine.tokenizers import CangjieCodes, EnglishText, Gpt2Text, MultilingualText
from tts_cli.errors import ModelError
from tts_cli.models import MULTILINGUAL
from tts_cli.testing.tokenizers import (
    grapheme_tokenizer_json,
    tokenizer_json,
    write_gpt2_tokenizer,
)

_TEXTS = {
    "fr": "Le capitaine marchait le long du port à l'aube; les mouettes le suivaient…",
    "de": "Über den Brücken lag Nebel, und die Straßen waren still.",
    "es": "¿Dónde está el niño? ¡Aquí, señora!",
    "en": "The captain walked along the harbour at dawn.",
    "ko": "안녕하세요, 반갑습니다.",
    "ja": "東京は大きい都市です。",
    "el": "Καλημέρα σας, τι κάνετε;",
}


@pytest.fixture(scope="module")
def grapheme_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("mtl") / MULTILINGUAL.files["tokenizer"]
    path.write_text(grapheme_tokenizer_json(MULTILINGUAL.languages), encoding="utf-8")
    return path


@pytest.mark.parametrize("lang", sorted(_TEXTS))
def test_multilingual_ids_equal_stock_mtl_tokenizer(grapheme_file, lang, monkeypatch):
    from chatterbox.models.tokenizers import tokenizer as stock_module

    # stock loads pkuseg (a download) for every language; only Chinese uses it
    monkeypatch.setattr(stock_module, "ChineseCangjieConverter", lambda _dir: None)
    cb = adapter.api()
    stock = stock_module.MTLTokenizer(str(grapheme_file))
    text = _TEXTS[lang]
    want = stock.text_to_tokens(cb.punc_norms["multilingual"](text), language_id=lang)[0]
    got = MultilingualText(grapheme_file).encode(text, lang)
    assert got.tolist() == want.tolist()
    # the language token comes first, so the model knows what it reads
    lang_id = stock.tokenizer.token_to_id(f"[{lang}]")
    assert got[0].item() == lang_id


def test_english_ids_equal_stock_en_tokenizer(tmp_path):
    cb = adapter.api()
    path = tmp_path / "tokenizer.json"
    path.write_text(tokenizer_json(), encoding="utf-8")
    text = "Hello there; it's a fine day, isn't it"
    want = cb.EnTokenizer(str(path)).text_to_tokens(cb.punc_norm(text))[0]
    assert EnglishText(path).encode(text).tolist() == want.tolist()


def test_gpt2_tokenizer_keeps_turbo_punctuation_rules(tmp_path):
    write_gpt2_tokenizer(tmp_path)
    tok = Gpt2Text(tmp_path)
    cb = adapter.api()
    text = "hello world"
    want = tok.stock(cb.punc_norms["turbo"](text)).input_ids
    assert tok.encode(text).tolist() == want
    assert tok.encode(text).dtype.is_floating_point is False


def test_a_tokenizer_without_start_and_stop_is_a_model_error(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("{}", encoding="utf-8")
    with pytest.raises(ModelError, match="not a valid tokenizer"):
        MultilingualText(path)


def test_chinese_without_a_cangjie_table_names_the_file(grapheme_file):
    tok = MultilingualText(grapheme_file, cangjie=None)
    assert not tok.cangjie
    with pytest.raises(ModelError, match="Cangjie5_TC.json"):
        tok.encode("你好", "zh")


def test_cangjie_codes_replace_glyphs_with_their_codes(tmp_path):
    import json

    path = tmp_path / "Cangjie5_TC.json"
    path.write_text(json.dumps(["你\tonf", "好\tvnd"], ensure_ascii=False), encoding="utf-8")
    codes = CangjieCodes(path)
    out = codes("你好", segmenter=None)
    assert out == "[cj_o][cj_n][cj_f][cj_.][cj_v][cj_n][cj_d][cj_.]"
    assert codes("a你", segmenter=None) == "a[cj_o][cj_n][cj_f][cj_.]"  # only CJK glyphs
