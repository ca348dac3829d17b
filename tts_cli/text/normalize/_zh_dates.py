"""Chinese dates and times: 年 digit by digit, 月 and 日 as numbers, clock times with 点 分 秒.

* A year is read digit by digit: ``2023年`` 二零二三年, ``05年`` 零五年, ``公元前202年``
  公元前二零二年; ``ad``/``bc`` after a year become 公元/公元前 before it.
  A number of years is a cardinal: ``1000多年`` 一千多年, ``20年前`` 二十年前,
  ``80年代`` 八十年代, ``工作了15年`` 十五年 (see ``_is_duration``).
* Months and days are cardinals: ``08月`` 八月, ``23日`` 二十三日, ``2号`` 二号.
* Numeric dates are year-month-day, the Chinese order: ``2019/2/10``, ``2024-03-01``,
  ``2019.2.10``, ``12/2/2`` (a two-digit year); ``3/15/2024`` (year last) is month/day/year.
* Clock times: ``03:04:05`` 三点四分五秒, ``10:00`` 十点; ``am``/``pm`` after a time
  become 上午/下午/晚上 before it (``3:04pm`` 下午三点四分); ``3:2`` that is no time is 三比二.
"""

from __future__ import annotations

import re

from tts_cli.text.normalize._zh_numbers import cardinal, digits

_ERA_AFTER = r"(?P<era>\s?(?i:a\.d\.|ad|b\.c\.|bc)(?![A-Za-z]))"
# A year with its month and day: "2015年08月08号", "1823年3月bc", "2934ad".
_YMD_CJK = re.compile(
    r"(?P<pre>公元前|公元|纪元|西元)?(?P<y>(?<![\d.])\d{1,4})(?:(?P<nian>\s?年)"
    r"(?:\s?(?P<m>\d{1,2})\s?月(?:\s?(?P<d>\d{1,2})\s?(?P<dm>[日号]))?)?)?" + _ERA_AFTER + r"?"
)
_NUMERIC_DATE = re.compile(
    r"(?<![\d.:/A-Za-z])(?:(?P<y>\d{4}|\d{2})(?P<sep>[/.·\-])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})"
    r"|(?P<m2>\d{1,2})/(?P<d2>\d{1,2})/(?P<y2>\d{4}))(?![\d.]?\d)"
)
_MONTH = re.compile(r"(?<![\d.])(\d{1,2})(\s?月)")
_DAY = re.compile(r"(?<![\d.])(\d{1,2})(\s?[日号])")
_MERIDIEM = r"(?P<ap>\s?(?i:a\.m\.|p\.m\.|am|pm)(?![A-Za-z]))"
_CLOCK = re.compile(
    r"(?<![\d.:])(?P<h>\d{1,2})[:：](?P<m>\d{2})(?:[:：](?P<s>\d{2}))?(?![\d:])" + _MERIDIEM + r"?"
)
# "3:2" that is no clock time: a score or a ratio, 三比二.
_RATIO = re.compile(r"(?<![\d.:])(\d+)[:：](\d+)(?![\d:])")
# "5点差3分am", "3点4分": a time already in characters, then am/pm.
_CJK_CLOCK_MERIDIEM = re.compile(r"(?P<t>\d{1,2}点(?:差?\d{1,2}分)?(?:\d{1,2}秒)?)" + _MERIDIEM)

_DURATION_BEFORE = set("了过近约有达满这那每几多数余共整长")
_DURATION_AFTER_ANY = ("多", "余", "之久", "左右", "以上", "以下", "有余")
_DURATION_AFTER_SHORT = ("前", "后", "间", "内", "里", "中", "来", "之", "的时间", "代", "级")


def _is_duration(text: str, start: int, end: int, year: str) -> bool:
    """Whether ``<year>年`` at text[start:end] counts years (cardinal) rather than naming one."""
    after = text[end : end + 3]
    if after.startswith(_DURATION_AFTER_ANY) or (after.startswith("来") and len(year) >= 3):
        return True
    if len(year) == 1:
        return True
    if len(year) == 4:
        return False
    if len(year) == 3:
        return after.startswith(("前", "后", "间", "内", "里"))
    if year.startswith("0"):
        return False
    before = text[start - 1 : start] if start else ""
    return before in _DURATION_BEFORE or after.startswith(_DURATION_AFTER_SHORT)


def _era(m: re.Match[str]) -> str:
    era = (m.group("era") or "").strip().lower().replace(".", "")
    return {"ad": "公元", "bc": "公元前"}.get(era, "")


def _ymd_cjk(m: re.Match[str]) -> str:
    pre, year, nian = m.group("pre") or "", m.group("y"), m.group("nian")
    era = _era(m)
    if not nian and not era:
        return m.group(0)  # a plain number: not ours
    if m.group("m") and not 1 <= int(m.group("m")) <= 12:
        return m.group(0)
    if m.group("d") and not 1 <= int(m.group("d")) <= 31:
        return m.group(0)
    dated = bool(pre or era or m.group("m"))
    if nian and not dated and _is_duration(m.string, m.start("y"), m.end("nian"), year):
        return m.group(0)  # counted years: the cardinal rule reads them
    out = (pre or era) + digits(year) + "年"
    if m.group("m"):
        out += cardinal(m.group("m")) + "月"
    if m.group("d"):
        out += cardinal(m.group("d")) + m.group("dm")
    return out


def _numeric_date(m: re.Match[str]) -> str:
    if m.group("y"):
        year, month, day = m.group("y"), m.group("m"), m.group("d")
        if m.group("sep") == "-" and len(year) == 2:
            return m.group(0)  # "12-3-4" is a range or a code, not a date
    else:
        year, month, day = m.group("y2"), m.group("m2"), m.group("d2")
    if not (1 <= int(month) <= 12 and 1 <= int(day) <= 31):
        return m.group(0)
    return f"{digits(year)}年{cardinal(month)}月{cardinal(day)}日"


def _month(m: re.Match[str]) -> str:
    return cardinal(m.group(1)) + m.group(2).strip() if 1 <= int(m.group(1)) <= 12 else m.group(0)


def _day(m: re.Match[str]) -> str:
    return cardinal(m.group(1)) + m.group(2).strip() if 1 <= int(m.group(1)) <= 31 else m.group(0)


def _meridiem(ap: str | None, hour: int) -> str:
    """上午/下午/晚上 for an ``am``/``pm`` after a time; "" for none or a 24-hour clock."""
    if not ap or hour > 12:
        return ""
    if ap.strip().lower().startswith("a"):
        return "凌晨" if hour == 12 else "上午"
    return "晚上" if 6 <= hour <= 11 else "下午"


def _clock(m: re.Match[str]) -> str:
    hour, minute, second = int(m.group("h")), int(m.group("m")), m.group("s")
    if hour > 24 or minute > 59 or (second is not None and int(second) > 59):
        return m.group(0)
    out = _meridiem(m.group("ap"), hour) + cardinal(str(hour), liang_units=True) + "点"
    if second is not None:
        return out + f"{cardinal(str(minute))}分{cardinal(second)}秒"
    return out + (f"{cardinal(str(minute))}分" if minute else "")


def _cjk_clock_meridiem(m: re.Match[str]) -> str:
    hour = int(m.group("t").split("点")[0])
    return _meridiem(m.group("ap"), hour) + m.group("t")


def numeric_dates(text: str) -> str:
    """``2019/2/10``, ``2024-03-01``, ``12.2.3``: year-month-day in words."""
    return _NUMERIC_DATE.sub(_numeric_date, text)


def verbalize_dates(text: str) -> str:
    """Years, months, days and clock times to words (other digits untouched)."""
    if "年" in text or "a" in text.lower() or "b" in text.lower():
        text = _YMD_CJK.sub(_ymd_cjk, text)
    if "月" in text:
        text = _MONTH.sub(_month, text)
    if "日" in text or "号" in text:
        text = _DAY.sub(_day, text)
    if ":" in text or "：" in text:
        text = _CLOCK.sub(_clock, text)
        text = _RATIO.sub(lambda m: f"{cardinal(m.group(1))}比{cardinal(m.group(2))}", text)
    if "点" in text:
        text = _CJK_CLOCK_MERIDIEM.sub(_cjk_clock_meridiem, text)
    return text
