"""Decimal arithmetic, the one parser of numbers as analysts type them, and the number
formats printed in reports.

Every score and amount is a ``Decimal``; rounding is 四舍五入 (ROUND_HALF_UP) to two
places, as published reports do, never binary floats or ``round()``.
"""

import re
import unicodedata
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation

from . import limits

TWO = Decimal("0.01")
HUNDRED = Decimal(100)
# Internal arithmetic stays far inside this; only a number that slipped past the input
# checks reaches it (10^30 would take seconds to print with separators, 10^999999999 forever).
INTERNAL_EXPONENT = 30
SIGNIFICANT = Context(prec=limits.NUMBER_DIGITS, rounding=ROUND_HALF_UP)

NUMBER = re.compile(
    r"(?P<sign>[+-]?)(?P<int>\d+(?:,\d+)*)(?:\.(?P<frac>\d+))?(?:e(?P<exp>[+-]?\d+))?"
    r"(?P<scale>万|亿)?(?:元|人次|次|家|个|人|项|分|条|篇|%)?", re.IGNORECASE)
SCALE = {"万": Decimal(10000), "亿": Decimal(100000000)}
THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+")
TYPED = "请填写数字（可带千分位逗号、%、万、亿或单位，如 1,341、400万元、92.5%）"


DIGIT_GAP = re.compile(r"\d\s+\d")
SPACE_GROUPS = re.compile(r"[+-]?\d{1,3}(?: \d{3})+(?:\.\d+)?(?!\d)")  # 1 341 · 12 345.67
# Digits NFKC would read as plain ones though they mean something else: 10² is 100, not 102.
LOOKALIKE_TAGS = ("<super>", "<sub>", "<circle>", "<fraction>", "<square>", "<compat>")


def _refuse_lookalike_digits(text: str) -> None:
    for ch in text:
        if ch.isascii():
            continue
        tag = unicodedata.decomposition(ch).split(" ")[0]
        if tag in LOOKALIKE_TAGS and any(c.isdigit() for c in unicodedata.normalize("NFKC", ch)):
            raise NumberError(f"中有上标、下标或带圈的数字『{ch}』，含义不明确（10² 是 100 还是 102？），"
                              "请写成普通数字，如 100")


class NumberError(ValueError):
    """A value that cannot be used as a number; the message is a Chinese phrase that
    follows the value (「『0,5』含义不明确：……」)."""


class NotANumber(NumberError):
    """The value is not written as a number at all (it may be a name or a text)."""


def float_text(value: float) -> str:
    """A binary float as the analyst typed it: its 15 significant digits, as Excel shows
    them (1.0499999999999998 → 1.05, 3.0 → 3)."""
    return format(value, f".{limits.NUMBER_DIGITS}g")


def to_decimal(value) -> Decimal:
    """Convert an int, str or float (through its 15 significant digits) to a finite Decimal
    of sane size; anything else is a ValueError."""
    if isinstance(value, float):
        value = float_text(value)
    if not isinstance(value, Decimal):
        try:
            value = Decimal(str(value).strip())
        except InvalidOperation as exc:
            raise ValueError(f"不是数字：{value!r}") from exc
    if not value.is_finite():
        raise ValueError(f"不是有限的数字：{value}")
    if value and value.adjusted() >= INTERNAL_EXPONENT:
        raise ValueError(f"数字过大：{value:.3e}")
    return value


def parse_number(value) -> Decimal:
    """A number as analysts type it, wherever it is read (tables, scoring-rule inputs, the
    parameter file): 1,341 · 400万元 · 3.2亿 · 92.5% (kept in percent: 92.5) · １２３.

    Refused with ``NumberError`` (message says why): a comma that is not a thousands
    separator in groups of three (0,5 or 1,4 could be a decimal comma), inf and nan, and
    numbers outside |x| < 10^15 or with non-zero |x| < 10^-10. Kept to 15 significant digits,
    so a float artefact such as 1.0499999999999998 reads as 1.05.
    """
    if isinstance(value, bool) or value is None:
        raise NotANumber("不是数字，" + TYPED)
    if isinstance(value, float):
        value = float_text(value)
    _refuse_lookalike_digits(str(value))
    text = unicodedata.normalize("NFKC", str(value)).replace("\u2212", "-").strip()
    if DIGIT_GAP.search(text):
        grouped = SPACE_GROUPS.match(text)
        if not grouped or DIGIT_GAP.search(text[grouped.end() - 1:]):
            raise NumberError("的数字之间有空格，含义不明确；空格只能用作千分位分隔符（每三位一组，如 1 341），"
                              "否则请去掉空格")
    text = "".join(text.split())
    if text.lower().lstrip("+-") in ("inf", "infinity", "nan"):
        raise NumberError("不是有限的数字，" + TYPED)
    match = NUMBER.fullmatch(text)
    if not match:
        raise NotANumber("不是数字，" + TYPED)
    whole = match["int"]
    if "," in whole and not THOUSANDS.fullmatch(whole):
        raise NumberError("含义不明确：逗号只能用作千分位分隔符，且每三位一组（如 1,341）；"
                          "若是小数，请用小数点（如 0.5、1.4）")
    exponent = match["exp"] or "0"
    if len(exponent.lstrip("+-")) > 4:  # 1e999999999: refuse before Decimal has to think about it
        exponent = "-9999" if exponent.startswith("-") else "9999"
    digits = whole.replace(",", "") + (f".{match['frac']}" if match["frac"] else "")
    number = Decimal(f"{match['sign']}{digits}e{exponent}") if match["exp"] else Decimal(match["sign"] + digits)
    if number and number.adjusted() >= limits.NUMBER_MAX_EXPONENT:
        raise NumberError(f"超出可处理的范围（绝对值应小于 10^{limits.NUMBER_MAX_EXPONENT}），请检查是否多写了位数")
    if number and number.adjusted() < limits.NUMBER_MIN_EXPONENT:
        raise NumberError(f"过小（非零数的绝对值应不小于 10^{limits.NUMBER_MIN_EXPONENT}），请检查")
    number *= SCALE.get(match["scale"] or "", 1)
    if number and number.adjusted() >= limits.NUMBER_MAX_EXPONENT:
        raise NumberError(f"超出可处理的范围（绝对值应小于 10^{limits.NUMBER_MAX_EXPONENT}），请检查是否多写了位数")
    if len(number.as_tuple().digits) > limits.NUMBER_DIGITS:
        number = _plain(SIGNIFICANT.plus(number))
    return number + 0 if number else Decimal(0)  # + 0: no negative zero


def _plain(value: Decimal) -> Decimal:
    """Trailing zeros of the fraction dropped, integers kept without an exponent."""
    value = value.normalize()
    return value.quantize(Decimal(1)) if value.as_tuple().exponent > 0 else value


def parse_amount(value) -> Decimal:
    """``parse_number`` for amounts, which cannot be negative."""
    number = parse_number(value)
    if number < 0:
        raise NumberError("是负数，金额不能为负，请填写 0 或正数")
    return number


def unrounded(value) -> str:
    """All the decimals a value has, at least two: 900000 → 900000.00, 1000000.001 →
    1000000.001 (for messages comparing figures that differ beyond two places)."""
    value = to_decimal(value)
    return fixed2(value) if value == round2(value) else f"{value.normalize():f}"


def round2(value) -> Decimal:
    """Round half up to two decimal places."""
    return to_decimal(value).quantize(TWO, rounding=ROUND_HALF_UP)


def fixed2(value) -> str:
    """Two decimals always: 90.71, 9.25, 26.98."""
    return f"{round2(value):f}"


def trimmed(value) -> str:
    """Two-place rounding, trailing zeros dropped, as score tables print: 4.4, 5, 0.75."""
    text = fixed2(value)
    return text.rstrip("0").rstrip(".") if "." in text else text


def percent(numerator, denominator) -> str:
    """numerator / denominator as a percentage with two decimals: 92.50%."""
    den = to_decimal(denominator)
    if den == 0:
        raise ValueError("分母为零，无法计算比率")
    return f"{fixed2(to_decimal(numerator) * HUNDRED / den)}%"


def share(numerator, denominator) -> str:
    """Like ``percent``, but "—" when the denominator is zero (a figure not filled in yet)."""
    return "—" if to_decimal(denominator) == 0 else percent(numerator, denominator)


def growth(current, previous) -> str:
    """Year-on-year change (current − previous) / previous as a percentage: 14.48%."""
    prev = to_decimal(previous)
    return percent(to_decimal(current) - prev, prev)


def thousands(value) -> str:
    """Integer with thousands separators: 15,676,396."""
    return f"{int(to_decimal(value)):,}"


def yuan(value) -> str:
    """Amount in yuan with separators and two decimals: 600,000.00."""
    return f"{round2(value):,.2f}"


def wan(value) -> str:
    """Amount in 万元 with separators and two decimals, as tables print yuan: 4000000 → 400.00,
    38600000 → 3,860.00."""
    return f"{round2(to_decimal(value) / Decimal(10000)):,.2f}"


def month_text(text: str) -> str:
    """An ISO date or month as Chinese: 2018-08 → 2018年8月, 2019-07-01 → 2019年7月1日."""
    parts = [int(p) for p in str(text).split("-")]
    return "".join(f"{p}{unit}" for p, unit in zip(parts, "年月日"))


# The score style in effect while scoring rules write their working (the project's ``style.scores``).
SCORE_STYLE: ContextVar[str] = ContextVar("score_style", default="fixed")


def points(value) -> str:
    """A score as the report prints it, in the style in effect: 4.40, or 4.4 when trimmed."""
    return trimmed(value) if SCORE_STYLE.get() == "trimmed" else fixed2(value)


class Score(Decimal):
    """A score in 分; printed by the report's score style."""


class Rate(Decimal):
    """A percentage as its number of percent (92.5 is 92.50%)."""


class Amount(Decimal):
    """An amount of money in 元; printed in 万元 by default."""


SCORE_STYLES = {"fixed": "两位小数（90.71、4.40、5.00）", "trimmed": "去掉末尾的 0（90.71、4.4、5），与示例报告表 3-2 相同"}


@dataclass(frozen=True)
class Style:
    """How the report prints its figures: one rule for sentences, tables, charts and summary.json."""

    scores: str = "fixed"

    def score(self, value) -> str:
        return trimmed(value) if self.scores == "trimmed" else fixed2(value)

    @staticmethod
    def rate(value) -> str:
        return f"{fixed2(value)}%"

    @staticmethod
    def amount(value) -> str:
        return f"{wan(value)}万元"

    def score_column(self, values) -> list[str]:
        """Scores of one table column: two decimals, or in the trimmed style the decimals the
        column needs, the same in every cell (``aligned``); ``None`` stays None."""
        return aligned(values) if self.scores == "trimmed" else [None if v is None else fixed2(v) for v in values]

    def show(self, value) -> str:
        """Any value as the report prints it, by its type."""
        if isinstance(value, Score):
            return self.score(value)
        if isinstance(value, Rate):
            return self.rate(value)
        if isinstance(value, Amount):
            return self.amount(value)
        if isinstance(value, bool) or value is None:
            return "" if value is None else ("是" if value else "否")
        if isinstance(value, (int, Decimal)):
            return plain(value)
        return str(value)


def aligned(values) -> list[str]:
    """Numbers of one table column printed with one number of decimals, the most any of them
    needs after two-place rounding (1.5, 2, 0.75 → 1.50, 2.00, 0.75; 5, 4.4, 100 → 5.0, 4.4,
    100.0), with thousands separators when one of them reaches 1,000. ``None`` stays None."""
    numbers = [None if v is None else round2(v) for v in values]
    places = max((len(trimmed(n).partition(".")[2]) for n in numbers if n is not None), default=0)
    big = any(n is not None and abs(n) >= 1000 for n in numbers)
    step = Decimal(1).scaleb(-places)
    return [None if n is None else format(n.quantize(step, rounding=ROUND_HALF_UP), ",f" if big else "f")
            for n in numbers]


def plain(value) -> str:
    """A number with no unit: integers with separators from 1,000, decimals as they are."""
    value = to_decimal(value)
    if value == value.to_integral_value():
        return thousands(value) if abs(value) >= 1000 else str(int(value))
    return trimmed(value) if value == round2(value) else f"{value.normalize():f}"
