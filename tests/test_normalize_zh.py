"""Chinese normalisation: speakable(text, "zh") for each class of written form.

Readings follow standard Mandarin usage (see the docstrings of
``tts_cli/text/normalize/zh.py`` and its ``_zh_*`` helpers); speakable adds the final 。.
"""

from __future__ import annotations

import re
import time

import pytest

from tts_cli.text import speakable
from tts_cli.text.normalize._zh_numbers import cardinal


def zh(text: str) -> str:
    return speakable(text, "zh")


class TestCardinal:
    @pytest.mark.parametrize(
        ("digits", "words"),
        [
            ("0", "零"),
            ("10", "十"),
            ("15", "十五"),
            ("115", "一百一十五"),
            ("1005", "一千零五"),
            ("1050", "一千零五十"),
            ("20300", "两万零三百"),
            ("60000", "六万"),
            ("160000", "十六万"),
            ("3000005", "三百万零五"),
            ("40002000", "四千万两千"),
            ("700000000", "七亿"),
            ("300000000001", "三千亿零一"),
            ("1200", "一千二百"),
            ("22", "二十二"),
        ],
    )
    def test_groups_and_zeros(self, digits, words):
        assert cardinal(digits) == words

    def test_two_is_liang_before_qian_wan_yi(self):
        assert cardinal("2000") == "两千"
        assert cardinal("20000") == "两万"
        assert cardinal("200000000") == "两亿"
        assert cardinal("200") == "二百"
        assert cardinal("12") == "十二"

    def test_in_sentences(self):
        assert zh("书架上有37本书") == "书架上有三十七本书。"
        assert zh("全市人口1,200,000人") == "全市人口一百二十万人。"
        assert zh("负300") == "负三百。"
        assert zh("-42") == "负四十二。"

    def test_bare_two_before_a_measure_word(self):
        assert zh("我买了2个苹果") == "我买了两个苹果。"
        assert zh("等了2小时") == "等了两小时。"
        assert zh("2点钟") == "两点钟。"
        assert zh("12个人") == "十二个人。"
        assert zh("2号线") == "二号线。"

    def test_leading_zero_is_read_digit_by_digit(self):
        assert zh("特工007") == "特工零零七。"


class TestDecimal:
    def test_digits_after_dian_as_written(self):
        assert zh("3.14") == "三点一四。"
        assert zh("7.0") == "七点零。"
        assert zh("0.25") == "零点二五。"
        assert zh("2.5个") == "二点五个。"

    def test_with_wan_and_yi(self):
        assert zh("人口14.1亿") == "人口十四点一亿。"
        assert zh("-0.8万") == "负零点八万。"


class TestFraction:
    def test_denominator_first(self):
        assert zh("3/4") == "四分之三。"
        assert zh("-2/7") == "负七分之二。"
        assert zh("2又3/8") == "二又八分之三。"
        assert zh("½杯水") == "二分之一杯水。"
        assert zh("1000分之3") == "一千分之三。"


class TestPercent:
    def test_bai_fen_zhi(self):
        assert zh("增长了12%") == "增长了百分之十二。"
        assert zh("-4.5%") == "负百分之四点五。"
        assert zh("3‰") == "千分之三。"
        assert zh("15%-25%") == "百分之十五到百分之二十五。"
        assert zh("-百分之7") == "负百分之七。"


class TestOrdinal:
    def test_di(self):
        assert zh("第3章") == "第三章。"
        assert zh("第2名") == "第二名。"
        assert zh("第12届") == "第十二届。"
        assert zh("第2000位") == "第两千位。"
        assert zh("No.7") == "七号。"


class TestDate:
    def test_years_digit_by_digit(self):
        assert zh("1976年") == "一九七六年。"
        assert zh("2008年") == "二零零八年。"
        assert zh("07年") == "零七年。"
        assert zh("公元前221年") == "公元前二二一年。"
        assert zh("476ad") == "公元四七六年。"
        assert zh("500bc") == "公元前五零零年。"

    def test_counted_years_are_cardinals(self):
        assert zh("住了30年") == "住了三十年。"
        assert zh("40年前") == "四十年前。"
        assert zh("90年代") == "九十年代。"
        assert zh("5000多年") == "五千多年。"
        assert zh("3年") == "三年。"

    def test_month_and_day(self):
        assert zh("1949年10月1日") == "一九四九年十月一日。"
        assert zh("07月09日") == "七月九日。"
        assert zh("5月20号") == "五月二十号。"
        assert zh("2月") == "二月。"

    def test_numeric_dates_year_month_day(self):
        assert zh("2021/7/1") == "二零二一年七月一日。"
        assert zh("2024-03-09") == "二零二四年三月九日。"
        assert zh("1999.12.31") == "一九九九年十二月三十一日。"
        assert zh("12/25/2020") == "二零二零年十二月二十五日。"

    def test_year_ranges(self):
        assert zh("1937-1945年") == "一九三七到一九四五年。"


class TestTime:
    def test_clock(self):
        assert zh("07:45") == "七点四十五分。"
        assert zh("18:00") == "十八点。"
        assert zh("02:10") == "两点十分。"
        assert zh("23:59:30") == "二十三点五十九分三十秒。"

    def test_am_pm_before_the_time(self):
        assert zh("9:15am") == "上午九点十五分。"
        assert zh("3:40pm") == "下午三点四十分。"
        assert zh("8:00 p.m.") == "晚上八点。"

    def test_written_with_characters(self):
        assert zh("6点1刻") == "六点一刻。"
        assert zh("2个小时30分钟") == "两个小时三十分钟。"

    def test_ranges_and_ratios(self):
        assert zh("8:30-9:00") == "八点三十分到九点。"
        assert zh("比分2:1") == "比分二比一。"


class TestMoney:
    def test_currency_after_the_amount(self):
        assert zh("$30") == "三十美元。"
        assert zh("€2") == "两欧元。"
        assert zh("£7.5") == "七点五英镑。"
        assert zh("$2.3万") == "二点三万美元。"
        assert zh("50 EUR") == "五十欧元。"

    def test_yuan_jiao_fen(self):
        assert zh("¥8.60") == "八元六角。"
        assert zh("¥4.07") == "四元零七分。"
        assert zh("￥0.3") == "三角。"
        assert zh("售价35元") == "售价三十五元。"


class TestMeasure:
    def test_units(self):
        assert zh("跑了42km") == "跑了四十二公里。"
        assert zh("3kg") == "三千克。"
        assert zh("2kg") == "两千克。"
        assert zh("500ml") == "五百毫升。"
        assert zh("80m²") == "八十平方米。"
        assert zh("60km/h") == "六十公里每小时。"
        assert zh("15min") == "十五分钟。"

    def test_temperatures_and_degrees(self):
        assert zh("-12°C") == "负十二摄氏度。"
        assert zh("37.2℃") == "三十七点二摄氏度。"
        assert zh("北纬40°") == "北纬四十度。"

    def test_a_name_is_not_a_unit(self):
        assert zh("iPhone 6s") == "IPhone 六s。"


class TestRange:
    def test_dao(self):
        assert zh("3-5天") == "三到五天。"
        assert zh("10~20人") == "十到二十人。"
        assert zh("第4-6章") == "第四到六章。"


class TestMath:
    def test_operators(self):
        assert zh("3+4=7") == "三加四等于七。"
        assert zh("9-2=7") == "九减二等于七。"
        assert zh("x > 3") == "X大于三。"
        assert zh("a ≤ b") == "A小于等于b。"
        assert zh("6×7") == "六乘七。"
        assert zh("3^2") == "三的二次方。"
        assert zh("√9") == "根号九。"
        assert zh("x = -4") == "X等于负四。"


class TestTelephone:
    def test_digit_by_digit_with_yao(self):
        assert zh("13912345671") == "幺三九幺二三四五六七幺。"
        assert zh("拨打120") == "拨打幺二零。"
        assert zh("021-61234567") == "零二幺 六幺二三四五六七。"
        assert zh("+86 139 1111 2222") == "加八六 幺三九 幺幺幺幺 二二二二。"

    def test_round_numbers_are_not_phones(self):
        assert zh("13000000000") == "一百三十亿。"


class TestElectronic:
    def test_email_and_url(self):
        assert zh("写信到li@abc.cn") == "写信到 li艾特abc点cn。"
        assert zh("访问https://www.abc.com/x_1") == "访问 www点abc点com斜杠x下划线幺。"

    def test_programming_languages_and_symbols(self):
        assert zh("学C++和C#") == "学C加加和C sharp。"
        assert zh("张三&李四") == "张三和李四。"

    def test_versions_and_codes(self):
        assert zh("版本3.11.4") == "版本三点十一点四。"
        assert zh("编号12-345-6") == "编号幺二杠三四五杠六。"


def test_text_without_digits_is_unchanged():
    text = "天下大势，分久必合，合久必分"
    assert zh(text) == text + "。"


def test_nothing_written_is_left_for_the_model():
    passage = (
        "2023年5月4日上午9:30，我们在第3会议室讨论了1/3的预算（约$1.2万，增长15%），"
        "温度-2°C，路程12km，比分3:1，电话13812345678，邮箱a@b.com，C++与1+1=2。"
    )
    said = zh(passage)
    assert not re.search(r"[0-9%$°@+=]", said), said


def test_a_long_passage_is_fast():
    passage = "他在1998年3月5日花了¥12.50买了2本书，第3章写到12%的人。" * 2000
    start = time.perf_counter()
    zh(passage)
    assert time.perf_counter() - start < 2.0
