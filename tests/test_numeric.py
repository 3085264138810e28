from decimal import Decimal

from jixiao.numeric import fixed2, growth, month_text, percent, round2, thousands, trimmed, wan, yuan


def test_half_up_where_float_round_fails():
    assert round(82.675, 2) == 82.67  # the float pitfall this module exists for
    assert fixed2("82.675") == "82.68"
    assert round2(Decimal("0.125")) == Decimal("0.13")
    assert fixed2(2.675) == "2.68"


def test_formats_as_reports_print_them():
    assert trimmed("4.40") == "4.4"
    assert trimmed("5.00") == "5"
    assert trimmed("0.75") == "0.75"
    assert percent(Decimal("9.25"), 10) == "92.50%"
    assert percent("26.98", 30) == "89.93%"
    assert percent(15676396, 2000000) == "783.82%"
    assert growth(16995805, 14846300) == "14.48%"
    assert growth(43256, 39796) == "8.69%"
    assert thousands(15676396) == "15,676,396"
    assert wan(4000000) == "400.00"
    assert wan(38600000) == "3,860.00" and wan(-12345678) == "-1,234.57"  # separators as the tables print yuan
    assert yuan(600000) == "600,000.00"
    assert month_text("2018-08") == "2018年8月"
    assert month_text("2019-07-01") == "2019年7月1日"


# The one number parser: every way analysts write a number, and every way that must be refused.
import pytest  # noqa: E402

from jixiao.numeric import NotANumber, NumberError, parse_amount, parse_number, to_decimal, unrounded  # noqa: E402


@pytest.mark.parametrize("text, value", [
    ("1,341", "1341"), ("10,093,122", "10093122"), ("12,345.67", "12345.67"), ("1 341", "1341"),
    ("400万元", "4000000"), ("400万", "4000000"), ("3.2亿", "320000000"), ("2.5万元", "25000"),
    ("92.5%", "92.5"), ("92.5％", "92.5"), ("１２３", "123"), ("１，３４１", "1341"), ("－５", "-5"), ("−5", "-5"),
    ("88家", "88"), ("15分", "15"), ("1E3", "1000"), (1341, "1341"), (Decimal("4.40"), "4.40"),
    ("0", "0"), ("-0", "0"), ("0.0000000001", "0.0000000001"),
])
def test_parses_numbers_as_analysts_write_them(text, value):
    assert parse_number(text) == Decimal(value)


@pytest.mark.parametrize("value, typed", [
    (1.0499999999999998, "1.05"), ("1.0499999999999998", "1.05"), (0.30000000000000004, "0.3"),
    (36.00000000000001, "36"), (16995805.0, "16995805"),
])
def test_float_artefacts_read_as_typed(value, typed):
    assert str(parse_number(value)) == typed
    if isinstance(value, float):
        assert str(to_decimal(value)) == typed


@pytest.mark.parametrize("text", ["0,5", "0，5", "1,4", "4,40", "1,3411", "12,34,567", "１，４"])
def test_a_comma_that_is_not_a_thousands_separator_is_ambiguous(text):
    with pytest.raises(NumberError) as err:
        parse_number(text)
    assert not isinstance(err.value, NotANumber)
    assert "含义不明确" in str(err.value) and "每三位一组" in str(err.value) and "小数点" in str(err.value)


@pytest.mark.parametrize("value, words", [
    ("1e999999999", "超出可处理的范围"), ("1e15", "超出可处理的范围"), ("1000000000000000", "超出可处理的范围"),
    ("99999999亿", "超出可处理的范围"), (1e300, "超出可处理的范围"), ("1e-999999999", "过小"), ("0.00000000001", "过小"),
    ("inf", "不是有限的数字"), ("-Infinity", "不是有限的数字"), ("nan", "不是有限的数字"), (float("inf"), "不是有限的数字"),
    (float("nan"), "不是有限的数字"),
])
def test_numbers_outside_a_sane_range_are_refused(value, words):
    with pytest.raises(NumberError) as err:
        parse_number(value)
    assert words in str(err.value)


@pytest.mark.parametrize("value", ["三十六", "一分", "facts.done", "", "1.2.3", "12abc", True, None])
def test_text_is_not_a_number(value):
    with pytest.raises(NotANumber):
        parse_number(value)


def test_amounts_cannot_be_negative():
    assert parse_amount("200万元") == Decimal(2000000)
    with pytest.raises(NumberError, match="负数"):
        parse_amount("-1")


def test_internal_conversion_refuses_what_would_hang():
    for value in ("1e999999999", "Infinity", "NaN", float("inf")):
        with pytest.raises(ValueError):
            to_decimal(value)


def test_unrounded_shows_a_difference_beyond_cents():
    assert unrounded(Decimal("1000000.001")) == "1000000.001"
    assert unrounded(Decimal("900000")) == "900000.00"
    assert unrounded(Decimal("4.4")) == "4.40"


# Digits that only look like digits, and spaces between digits: never a different number.
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
SUBSCRIPTS = "₀₁₂₃₄₅₆₇₈₉"


@pytest.mark.parametrize("text, words", [
    ("10²", "上标"), ("1 0 0 0", "空格"), ("1₂", "下标"), ("①", "带圈"), ("12 34", "空格"), ("1 3410", "空格"),
    ("1 341.5 6", "空格"), ("9 2.5%", "空格"), ("⒈5", "上标"),
])
def test_superscripts_and_spaces_between_digits_are_refused(text, words):
    """NFKC reads 10² as 102 and dropping spaces reads 1 0 0 0 as 1000: both changed a grade."""
    with pytest.raises(NumberError) as err:
        parse_number(text)
    assert words in str(err.value) and not isinstance(err.value, NotANumber)


@pytest.mark.parametrize("text, value", [("1 341", "1341"), ("12 345.67", "12345.67"), ("1\u00a0341 000", "1341000"),
                                         ("1\u2009341", "1341"), ("400 万元", "4000000"), (" 92.5 % ", "92.5")])
def test_well_formed_space_groups_and_spaces_around_still_read(text, value):
    assert parse_number(text) == Decimal(value)


@settings(max_examples=400, deadline=None)
@given(st.integers(min_value=0, max_value=10**14 - 1), st.data())
def test_a_space_between_digits_never_reads_as_another_number(number, data):
    """Insert spaces anywhere in a number: it reads as the same number (a well-formed group) or is refused."""
    digits = str(number)
    cuts = data.draw(st.sets(st.integers(min_value=1, max_value=max(len(digits) - 1, 1)), max_size=4))
    text = "".join((" " if n in cuts and 0 < n < len(digits) else "") + d for n, d in enumerate(digits))
    try:
        assert parse_number(text) == number
    except NumberError:
        assert " " in text


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=10**9), st.data())
def test_a_superscript_or_subscript_digit_is_always_refused(number, data):
    digits = list(str(number))
    at = data.draw(st.integers(min_value=0, max_value=len(digits) - 1))
    digits[at] = data.draw(st.sampled_from([SUPERSCRIPTS, SUBSCRIPTS]))[int(digits[at])]
    with pytest.raises(NumberError):
        parse_number("".join(digits))


@settings(max_examples=300, deadline=None)
@given(st.decimals(min_value=-10**12 + 1, max_value=10**12 - 1, places=2, allow_nan=False, allow_infinity=False))
def test_numbers_in_range_read_back_as_written(value):
    """Within the 15 significant digits kept (README「输入限制」)."""
    assert parse_number(f"{value:f}") == value
    if value >= 0:
        assert parse_number(f"{value:,f}") == value
