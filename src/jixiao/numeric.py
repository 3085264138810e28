"""Decimal arithmetic and the number formats printed in reports.

Every score and amount is a ``Decimal``; rounding is 四舍五入 (ROUND_HALF_UP) to two
places, as published reports do, never binary floats or ``round()``.
"""

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
