"""The Chinese (Mandarin) verbalizer: digits and symbols in a passage as a narrator reads them.

``verbalize(text)`` turns every written form it knows into characters and leaves the rest
(Latin words, punctuation) as it is. Passes, in order (each turns its digits into words, so
later passes see only what is left):

1. full-width digits and ``％`` become ASCII;
2. URLs, e-mail addresses, ``C++``/``C#``, phone numbers (``_zh_electronic``);
3. numeric dates (``2019/2/10``, ``2024-03-01``), then hyphenated codes;
4. money, percentages, ranges, fractions, measures and math (``_zh_symbols``);
5. years, months, days and clock times (``_zh_dates``);
6. everything else: ordinals (``第3`` 第三), ``No.1``/``#1`` 一号, versions (``3.10.2`` 三点十点二), numbers with
   their sign, ``,`` grouping and decimals (``_zh_numbers``), where a bare 2 before a
   measure word is 两 (``2个`` 两个, but ``2月`` 二月, ``第2`` 第二);
7. ``&`` 和.

Passages without a digit or one of the symbols above (most of a novel) are returned as
they are after one regex search.
"""

from __future__ import annotations

import re

from tts_cli.text.normalize._zh_dates import numeric_dates, verbalize_dates
from tts_cli.text.normalize._zh_electronic import verbalize_codes, verbalize_electronic
from tts_cli.text.normalize._zh_numbers import cardinal, digits, number
from tts_cli.text.normalize._zh_symbols import verbalize_symbols

__all__ = ["verbalize"]

_WORTH_A_LOOK = re.compile(
    r"[\d&@+=<>~^#%$€£¥￥₩₹₽°℃℉×÷±≤≥≠≈√π½⅓⅔¼¾⅕⅛²³０-９％]|www\.|[A-Za-z]\.[a-z]{2,3}\b"
)
_FULL_WIDTH = str.maketrans("０１２３４５６７８９％", "0123456789%")

_ORDINAL = re.compile(r"第\s?(\d+)(?![\d.]?\d)")
_NUMBERED = re.compile(r"(?:(?<![A-Za-z])(?i:No)\.|#)\s?(\d+)(?![\d.]?\d)")
_VERSION = re.compile(r"(?<![\d.])\d+(?:\.\d+){2,}(?![.]?\d)")
_NUMBER = re.compile(
    r"(?P<sign>(?<![0-9A-Za-z.%)）\]])[-−+])?"
    r"(?P<num>(?<![\d,])\d{1,3}(?:,\d{3})+(?![\d,])(?:\.\d+)?|\d+(?:\.\d+)?)"
)
# Measure words (and units) after which a bare 2 is 两: 两个, 两本, 两点, 两公里.
_MEASURE_WORDS = (
    "个位名本条件只张次回遍天周岁年点种家辆台双对块斤公里米克吨层座棵匹头口句篇份杯瓶碗"
    "把支枝根颗粒片套场部首间所架艘项节门封幅扇倍批群排行组步趟顿声下眼笔元毛角万亿千百"
    "样类成股笼盒包箱袋桶碗盘勺滴串束朵亩户人"
)
_MEASURE_PHRASES = ("小时", "分钟", "秒钟", "星期", "礼拜", "公斤", "千米", "美元", "欧元", "英镑")


def _liang(text: str, start: int, end: int) -> bool:
    """Whether the bare ``2`` at text[start:end] is counted (两) rather than named (二)."""
    before = text[start - 1 : start] if start else ""
    if before in ("第", "点", ".", "初", "周", "星", "期"):
        return False
    after = text[end : end + 2].lstrip()
    if after.startswith("次方"):
        return False  # 二次方: a power, not a count
    return bool(after) and (after[0] in _MEASURE_WORDS or after.startswith(_MEASURE_PHRASES))


def _version(m: re.Match[str]) -> str:
    parts = m.group(0).split(".")
    return "点".join(
        digits(p) if len(p) > 2 or (len(p) > 1 and p[0] == "0") else cardinal(p) for p in parts
    )


def _number(m: re.Match[str]) -> str:
    raw = (m.group("sign") or "") + m.group("num")
    return number(raw, liang_units=_liang(m.string, m.start("num"), m.end("num")))


def verbalize(text: str) -> str:
    """Digits, symbols, dates, money, units… in a Chinese passage, as words."""
    if not _WORTH_A_LOOK.search(text):
        return text
    text = text.translate(_FULL_WIDTH)
    text = verbalize_electronic(text)
    text = numeric_dates(text)
    text = verbalize_codes(text)
    text = verbalize_symbols(text)
    text = verbalize_dates(text)
    if "第" in text:
        text = _ORDINAL.sub(lambda m: "第" + cardinal(m.group(1)), text)
    text = _NUMBERED.sub(lambda m: cardinal(m.group(1)) + "号", text)
    text = _VERSION.sub(_version, text)
    text = _NUMBER.sub(_number, text)
    return text.replace("&", "和")
