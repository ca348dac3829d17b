"""Chinese readings of money, percentages, fractions, measures, ranges and math.

* Money: the currency follows the amount: ``$5`` 五美元, ``€5`` 五欧元, ``$1.5万``
  一点五万美元, ``100 USD`` 一百美元; yuan with cents use 元/角/分 (``¥12.50`` 十二元五角,
  ``¥3.05`` 三元零五分).
* ``30%`` 百分之三十, ``-98%`` 负百分之九十八, ``5‰`` 千分之五; ``10%-20%`` 百分之十到百分之二十.
* ``1/3`` 三分之一 (the denominator first), ``½`` 二分之一.
* Measures: ``25kg`` 二十五千克, ``120m²`` 一百二十平方米, ``38°C`` 三十八摄氏度,
  ``100km/h`` 一百公里每小时; a bare 2 before a unit is 两 (``2kg`` 两千克).
* Ranges: ``3-5`` / ``3~5`` 三到五, ``9:00-17:00`` 九点到十七点; ``~5`` 约五.
* Math: ``1+1=2`` 一加一等于二, ``x > 5`` x大于五, ``5-3=2`` 五减三等于二, ``2^10``
  二的十次方, ``3×4`` 三乘四, ``±`` 正负, ``√`` 根号.
"""

from __future__ import annotations

import re

from tts_cli.text.normalize._zh_numbers import cardinal, digits, number

NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SIGN = r"(?:(?<![0-9A-Za-z.%)）])[-−])"

_CURRENCY_SYMBOLS = {
    "US$": "美元", "HK$": "港元", "NT$": "新台币", "$": "美元", "€": "欧元", "£": "英镑",
    "₩": "韩元", "¥": "元", "￥": "元", "₹": "卢比", "₽": "卢布", "฿": "泰铢",
}  # fmt: skip
_CURRENCY_CODES = {
    "USD": "美元", "EUR": "欧元", "GBP": "英镑", "JPY": "日元", "CNY": "元", "RMB": "元",
    "HKD": "港元", "KRW": "韩元", "TWD": "新台币", "CHF": "瑞士法郎", "CAD": "加元",
    "AUD": "澳元", "INR": "卢比", "RUB": "卢布", "SGD": "新加坡元",
}  # fmt: skip
_SYMBOL_ALT = "|".join(re.escape(s) for s in sorted(_CURRENCY_SYMBOLS, key=len, reverse=True))
_CODE_ALT = "|".join(_CURRENCY_CODES)
_MONEY_BEFORE = re.compile(
    rf"(?P<sign>{_SIGN})?(?P<cur>{_SYMBOL_ALT}|(?<![A-Za-z])(?:{_CODE_ALT})(?=\s?\d))\s?"
    rf"(?P<num>{NUM})(?P<mult>[百千万亿]+)?"
)
_MONEY_AFTER = re.compile(
    rf"(?P<sign>{_SIGN})?(?P<num>{NUM})\s?(?P<mult>[百千万亿]+)?\s?(?P<cur>{_CODE_ALT})(?![A-Za-z])"
)

_PERCENT_RANGE = re.compile(
    rf"(?P<a>{NUM})\s?(?P<pa>[%％])?\s?(?P<to>[-~～—–]|到|至)\s?(?P<b>{NUM})\s?[%％]"
)
_PERCENT = re.compile(rf"(?P<sign>{_SIGN}|负)?(?P<num>{NUM})\s?(?P<p>[%％‰])")
_NEGATIVE_WORD = re.compile(r"(?<![0-9A-Za-z])[-−](?=百分之|千分之|\d+分之)")

_FRACTION = re.compile(r"(?<![\d/.])(?P<sign>" + _SIGN + r")?(?P<a>\d+)/(?P<b>\d+)(?![\d/])")
_VULGAR = {
    "½": "二分之一", "⅓": "三分之一", "⅔": "三分之二", "¼": "四分之一", "¾": "四分之三",
    "⅕": "五分之一", "⅛": "八分之一",
}  # fmt: skip
_VULGAR_RE = re.compile("[" + "".join(_VULGAR) + "]")

# Unit -> reading. Case matters (m 米, M is not a unit; ms 毫秒, Ms is not).
_UNITS = {
    "km/h": "公里每小时", "m/s": "米每秒", "km²": "平方公里", "m²": "平方米", "cm²": "平方厘米",
    "m³": "立方米", "cm³": "立方厘米", "㎡": "平方米", "㎞": "公里", "㎏": "千克",
    "mm": "毫米", "cm": "厘米", "dm": "分米", "km": "公里", "nm": "纳米", "μm": "微米", "m": "米",
    "mg": "毫克", "kg": "千克", "g": "克", "t": "吨",
    "ml": "毫升", "mL": "毫升", "L": "升", "l": "升",
    "ms": "毫秒", "s": "秒", "min": "分钟", "h": "小时",
    "kHz": "千赫", "MHz": "兆赫", "GHz": "吉赫", "Hz": "赫兹",
    "kW": "千瓦", "MW": "兆瓦", "W": "瓦", "kV": "千伏", "mV": "毫伏", "V": "伏",
    "mAh": "毫安时", "mA": "毫安", "kWh": "千瓦时",
    "kcal": "千卡", "cal": "卡", "kPa": "千帕", "MPa": "兆帕", "Pa": "帕", "dB": "分贝",
    "mph": "英里每小时", "ft": "英尺", "lb": "磅", "lbs": "磅", "oz": "盎司",
    "°C": "摄氏度", "℃": "摄氏度", "°F": "华氏度", "℉": "华氏度", "°": "度",
}  # fmt: skip
_NO_LIANG = {"摄氏度", "华氏度", "度"}
_UNIT_ALT = "|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True))
_MEASURE = re.compile(
    rf"(?<![A-Za-z0-9.])(?P<num>{_SIGN}?(?:{NUM}))\s?(?P<unit>{_UNIT_ALT})(?![A-Za-z0-9²³])"
)

_NAME_BEFORE = re.compile(r"[A-Za-z]\s")
_RANGE = re.compile(
    rf"(?<![\d.\-])(?P<a>{NUM})(?P<ua>[年月日号点时%％]?)\s?[-~～—–]\s?(?P<b>{NUM})(?![\d]|-\d)"
)
_YEAR_AFTER = re.compile(r"年|赛季|学年|财年")
_ABOUT = re.compile(r"(?<![\d\w])[~～](?=\s?\d)")

_OPERAND = r"(?:[A-Za-z0-9.]+|\([^()]*\))"
_OP = r"[-−+*/×÷^]"
_REL = r"(?:[<>]=?|==|!=|[=≠≈≤≥])"
_EXPRESSION = re.compile(
    rf"(?<![A-Za-z0-9.])[-−]?{_OPERAND}(?:\s*{_OP}\s*[-−]?{_OPERAND})*"
    rf"(?:\s*{_REL}\s*[-−]?{_OPERAND}(?:\s*{_OP}\s*[-−]?{_OPERAND})*)+"
)
_WORDS = {
    "+": "加", "-": "减", "−": "减", "*": "乘", "×": "乘", "/": "除以", "÷": "除以",
    "=": "等于", "==": "等于", "!=": "不等于", "≠": "不等于", "≈": "约等于", "<": "小于",
    ">": "大于", "<=": "小于等于", ">=": "大于等于", "≤": "小于等于", "≥": "大于等于",
}  # fmt: skip
_TOKEN = re.compile(rf"\s*(?P<op>{_REL}|{_OP})\s*")
_POWER = re.compile(r"(?P<base>[A-Za-z0-9.)]+)\^(?P<exp>[-−]?[A-Za-z0-9.]+)")
_SQUARE = re.compile(r"(?<=[A-Za-z0-9)])([²³])")
_PLUS = re.compile(r"(?<=[A-Za-z0-9)）])\s*\+\s*(?=[A-Za-z0-9(（√])")
_TIMES = re.compile(r"(?<=[0-9)）])\s*[×x*]\s*(?=[0-9(（])")
_DIVIDE = re.compile(r"\s*÷\s*")
_LOOSE_REL = re.compile(rf"(?<=[\w)）])\s*(?P<op>{_REL})\s*(?=[-−\w(（√])")


def _amount(num: str, mult: str, cur: str) -> str:
    """An amount and its currency name; yuan with cents as 元/角/分."""
    whole, _, frac = num.replace(",", "").partition(".")
    if cur == "元" and not mult and frac and len(frac) <= 2:
        jiao, fen = int(frac[0]), int(frac[1]) if len(frac) == 2 else 0
        out = cardinal(whole) + "元" if int(whole or "0") else ""
        if jiao:
            out += cardinal(str(jiao)) + "角"
        if fen:
            out += ("零" if out and not jiao else "") + cardinal(str(fen)) + "分"
        return out or "零元"
    return number(num, liang_units=True) + (mult or "") + cur


def _money(m: re.Match[str], names: dict[str, str]) -> str:
    sign = "负" if m.group("sign") else ""
    return sign + _amount(m.group("num"), m.group("mult") or "", names[m.group("cur").strip()])


def _percent_range(m: re.Match[str]) -> str:
    to = "至" if m.group("to") == "至" else "到"
    head = "百分之" + number(m.group("a"))
    return head + to + ("百分之" if m.group("pa") else "") + number(m.group("b"))


def _percent(m: re.Match[str]) -> str:
    sign = "负" if m.group("sign") else ""
    head = "千分之" if m.group("p") == "‰" else "百分之"
    return sign + head + number(m.group("num"))


def _fraction(m: re.Match[str]) -> str:
    sign = "负" if m.group("sign") else ""
    return sign + cardinal(m.group("b")) + "分之" + cardinal(m.group("a"))


def _measure(m: re.Match[str]) -> str:
    key = m.group("unit")
    before = m.string[max(0, m.start() - 2) : m.start()]
    if len(key) == 1 and key.isascii() and _NAME_BEFORE.fullmatch(before):
        return m.group(0)  # "iPhone 5s", "Model 3s": a name, not seconds
    unit = _UNITS[key]
    return number(m.group("num"), liang_units=unit not in _NO_LIANG) + unit


def _range(m: re.Match[str]) -> str:
    a, b = m.group("a"), m.group("b")
    rest = m.string[m.end() : m.end() + 2]
    if len(a) == 4 and len(b) in (2, 4) and not m.group("ua") and _YEAR_AFTER.match(rest):
        # "2019-2020年", "2014-15赛季": both are years, read digit by digit
        return digits(a) + "到" + digits(b)
    return a + m.group("ua") + "到" + b


def _expression(m: re.Match[str]) -> str:
    """A formula with a relation: every operator becomes its word; a leading minus is 负."""
    expr = _POWER.sub(lambda p: f"{p.group('base')}的{p.group('exp')}次方", m.group(0))
    out = []
    pos = 0
    previous_is_operand = False
    for t in _TOKEN.finditer(expr):
        chunk = expr[pos : t.start()]
        if chunk:
            out.append(chunk)
            previous_is_operand = True
        op = t.group("op")
        if op in "-−" and not previous_is_operand:
            out.append("负")
        else:
            out.append(_WORDS.get(op, op))
            previous_is_operand = False
        pos = t.end()
    out.append(expr[pos:])
    return "".join(out)


def verbalize_symbols(text: str) -> str:
    """Money, percentages, fractions, measures, ranges and math to words (other digits kept)."""
    if any(c in text for c in "=<>≠≈≤≥"):
        text = _EXPRESSION.sub(_expression, text)
        text = _LOOSE_REL.sub(lambda m: _WORDS[m.group("op")], text)
    text = _MONEY_BEFORE.sub(lambda m: _money(m, _CURRENCY_SYMBOLS | _CURRENCY_CODES), text)
    text = _MONEY_AFTER.sub(lambda m: _money(m, _CURRENCY_CODES), text)
    if "%" in text or "％" in text or "‰" in text:
        text = _PERCENT_RANGE.sub(_percent_range, text)
        text = _PERCENT.sub(_percent, text)
    text = _NEGATIVE_WORD.sub("负", text)
    text = _RANGE.sub(_range, text)
    text = _ABOUT.sub("约", text)
    if "/" in text:
        text = _FRACTION.sub(_fraction, text)
    text = _VULGAR_RE.sub(lambda m: _VULGAR[m.group(0)], text)
    text = _MEASURE.sub(_measure, text)
    if "^" in text:
        text = _POWER.sub(lambda p: f"{p.group('base')}的{p.group('exp')}次方", text)
    text = _SQUARE.sub(lambda m: "的平方" if m.group(1) == "²" else "的立方", text)
    text = _PLUS.sub("加", text)
    text = _TIMES.sub("乘", text)
    text = _DIVIDE.sub("除以", text)
    return text.replace("±", "正负").replace("√", "根号").replace("π", "派")
