"""Decimal arithmetic and the number formats printed in reports.

Every score and amount is a ``Decimal``; rounding is 四舍五入 (ROUND_HALF_UP) to two
places, as published reports do, never binary floats or ``round()``.
"""

from contextvars import ContextVar
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

TWO = Decimal("0.01")
HUNDRED = Decimal(100)


def to_decimal(value) -> Decimal:
    """Convert an int, str or float (through its shortest repr) to Decimal."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        value = repr(value)
    try:
        return Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValueError(f"不是数字：{value!r}") from exc


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
    """Amount in 万元 with two decimals: 4000000 → 400.00."""
    return fixed2(to_decimal(value) / Decimal(10000))


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


def plain(value) -> str:
    """A number with no unit: integers with separators from 1,000, decimals as they are."""
    value = to_decimal(value)
    if value == value.to_integral_value():
        return thousands(value) if abs(value) >= 1000 else str(int(value))
    return trimmed(value) if value == round2(value) else f"{value.normalize():f}"
