"""A pandas DataFrame as a report table: the report's number formats, a 合计 row and merged cells
where asked.

A column whose filled cells are all numbers is a number column: right-aligned, whole numbers with
thousands separators (1,341), others with two decimals (38,600,000.00); scores and rates of the
vocabulary print as the report prints them (90.71, 92.50%), a column of scores with one number
of decimals. Empty cells print 「—」.
"""

import math
from decimal import Decimal
from numbers import Number

from ..errors import InputError
from ..numeric import Amount, Rate, Score, Style, thousands, to_decimal, yuan
from .markdown import SPAN, grid_table, pipe_table
from .tables import TOTAL


def _empty(value) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    try:
        import pandas as pd

        return value is pd.NA or value is pd.NaT
    except ImportError:  # pragma: no cover - pandas is a dependency
        return False


def _is_number(value) -> bool:
    return isinstance(value, (Number, Decimal)) and not isinstance(value, bool)


def _whole(value) -> bool:
    number = to_decimal(value)
    return number == number.to_integral_value()


def _cell(value, whole: bool, style: Style) -> str:
    if _empty(value):
        return "—"
    if isinstance(value, (Score, Rate, Amount)):
        return style.show(value)
    if _is_number(value):
        return thousands(value) if whole else yuan(value)
    return str(value)


def frame_markdown(frame, style: Style = Style(), totals=(), merge=(), where: str = "表格") -> str:
    """The DataFrame as a pipe table, or a grid table when ``merge`` names columns whose repeated
    values share one cell; ``totals`` names number columns summed in a 合计 row."""
    columns = [str(c) for c in frame.columns]
    rows = [list(r) for r in frame.itertuples(index=False, name=None)]
    unknown = [c for c in [*totals, *merge] if c not in columns]
    if unknown:
        raise InputError(f"{where}：列『{'、'.join(unknown)}』不在表中；表的列：{'、'.join(columns)}")
    numeric = [bool(filled) and all(_is_number(v) for v in filled)
               for filled in ([v for v in (r[i] for r in rows) if not _empty(v)] for i in range(len(columns)))]
    wrong = [c for c, n in zip(columns, numeric) if c in totals and not n]
    if wrong:
        raise InputError(f"{where}：合计列『{'、'.join(wrong)}』中有不是数字的单元格，只能合计数字列")
    whole = [all(_whole(v) for r in rows for v in [r[i]] if not _empty(v)) if numeric[i] else False
             for i in range(len(columns))]
    body = [[_cell(v, whole[i], style) for i, v in enumerate(r)] for r in rows]
    for i in range(len(columns)):  # a column of scores: one number of decimals (4.40 beside 5.00)
        filled = [r[i] for r in rows if not _empty(r[i])]
        if filled and all(isinstance(v, Score) for v in filled):
            shown = style.score_column([None if _empty(r[i]) else r[i] for r in rows])
            for row, text in zip(body, shown):
                row[i] = text or "—"
    if totals:
        first_text = next((i for i, n in enumerate(numeric) if not n), 0)
        total = ["" for _ in columns]
        total[first_text] = TOTAL
        for i, column in enumerate(columns):
            if column in totals:
                summed = sum((to_decimal(r[i]) for r in rows if not _empty(r[i])), Decimal(0))
                total[i] = _cell(summed, whole[i], style)
        body.append(total)
    align = "".join("r" if n else "l" for n in numeric)
    if merge:
        for i, column in enumerate(columns):
            if column in merge:
                previous = object()
                for row in body:
                    row[i], previous = (SPAN if row[i] == previous and row[i] != TOTAL else row[i]), row[i]
        return grid_table(columns, body, align=align)
    return pipe_table(columns, body, align=align)
