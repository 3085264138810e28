"""The form as an Excel sheet, and a department's workbook of forms with a 汇总 sheet.

Figures are numbers with number formats; where the form computes, the cell is a formula
(执行率 = 全年执行数 ÷ 全年预算数, the budget block's 得分, 总分 and 评级), so a reviewer who
corrects a figure sees the total move. Every text from the inputs is written as a string cell
(never a formula, whatever it starts with). Each sheet prints on A4 landscape, one page wide,
with its title rows repeated and frozen.
"""

import os
import tempfile
from copy import copy
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from weakref import WeakKeyDictionary

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.cell.cell import MergedCell
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.page import PageMargins

from ..project import PENDING
from ..numeric import round2
from ..scoring.tree import NOT_APPLICABLE
from .model import Form, alone

COLUMNS = 9  # A 区块名 · B–D 指标层级 · E–I 数值与说明
WIDTHS = {"A": 8, "B": 12, "C": 14, "D": 26, "E": 16, "F": 16, "G": 9, "H": 11, "I": 34}  # at least
CAPS = {"D": 40, "I": 50}  # beyond these the text wraps; other columns stop at 24
AMOUNT = "#,##0.00"
SCORE = "0.00"
RATE = "0.00%"
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="F2F2F2")
TITLE_FONT = Font(name="黑体", size=16, bold=True)
PENDING_FILL = PatternFill("solid", fgColor="FFF2CC")
FONT = "宋体"
SUMMARY = "汇总"
FORBIDDEN = set('[]:*?/\\')
CENTRED = Alignment(horizontal="center", vertical="center")
CENTRED_WRAPPED = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT_WRAPPED = Alignment(horizontal="left", vertical="center", wrap_text=True)
_FONTS: dict[tuple, Font] = {}
_MADE: "WeakKeyDictionary[Workbook, dict]" = WeakKeyDictionary()  # a workbook's styles, by what they are made of
SHEET_LENGTH = 31


@dataclass
class Placed:
    """Where a written form keeps its results, for the 汇总 sheet's references, and jixiao's own
    value of every formula cell (what Excel or LibreOffice must compute)."""

    total: str  # cell of 总分
    grade: str
    budget: str  # 全年预算数 of 年度资金总额
    spent: str
    values: dict = field(default_factory=dict)


def _number(value: Decimal) -> float | int:
    return int(value) if value == value.to_integral_value() else float(value)


def _styled(cell, font: Font, alignment: Alignment, fill=None, number_format: str = "General"):
    """Give ``cell`` a font, an alignment, a fill and a number format. Each combination is made once
    per workbook and copied to the next cell as openpyxl's indexes (openpyxl hashes every style
    object assigned to a cell: that was most of a department workbook's time)."""
    made = _MADE.setdefault(cell.parent.parent, {})
    key = (id(font), id(alignment), id(fill), number_format)
    if key not in made:
        cell.font, cell.alignment, cell.number_format = font, alignment, number_format
        if fill is not None:
            cell.fill = fill
        made[key] = (copy(cell._style), (font, alignment, fill))  # the objects stay alive: their ids stay theirs
    cell._style = copy(made[key][0])
    return cell


def _font(bold: bool | None = None, **more) -> Font:
    """The form's font (宋体 10 pt), made once for each variant."""
    key = (bold, *sorted(more.items()))
    if key not in _FONTS:
        _FONTS[key] = Font(name=FONT, size=10, bold=bold, **more)
    return _FONTS[key]


def _text(ws, ref: str, value: str, bold: bool = False, center: bool = True, fill=None, font: Font | None = None):
    """A string cell, never read as a formula."""
    cell = ws[ref]
    cell.value = value
    cell.data_type = "s"
    fill = PENDING_FILL if value == PENDING else fill
    return _styled(cell, font or _font(bold), CENTRED_WRAPPED if center else LEFT_WRAPPED, fill)


def _value(ws, ref: str, value, number_format: str):
    """A number (or 待填写 / 不适用 when there is none), centred."""
    if value is None or isinstance(value, str):
        return _text(ws, ref, value if isinstance(value, str) else PENDING)
    cell = ws[ref]
    cell.value = _number(value) if isinstance(value, Decimal) else value
    return _styled(cell, _font(), CENTRED, number_format=number_format)


def _formula(ws, ref: str, formula: str, number_format: str = "General", font: Font | None = None):
    cell = ws[ref]
    cell.value = formula
    return _styled(cell, font or _font(), CENTRED, number_format=number_format)


def _boxed(ws, rows) -> None:
    """The thin box on every cell of ``rows`` (its index in the workbook found once, not per cell)."""
    border = ws.parent._borders.add(BOX)
    for line in rows:
        for cell in line:
            cell._style = StyleArray() if cell._style is None else copy(cell._style)  # a merged cell has none yet
            cell._style.borderId = border


def _merge(ws, ref: str) -> None:
    """Merge ``ref`` as ``ws.merge_cells`` does, without its per-cell copies of the first cell's
    borders and protection: every cell of the form gets its border afterwards (``_boxed``), and
    the protection is the default one."""
    if ":" in ref:
        merged = MergedCellRange(ws, ref)
        ws.merged_cells.add(merged)
        for row, col in list(merged.cells)[1:]:
            ws._cells[row, col] = MergedCell(ws, row, col)


def _grade_formula(form: Form, exact: str) -> str:
    """评级 from the unrounded total, by the framework's bands (lower bound inclusive)."""
    *bands, (_, lowest) = form.grades
    formula = _quoted(lowest)
    for floor, label in reversed(bands):  # ROUND(…,9): 90 computed in binary as 89.999999999999986 is 90
        formula = f"IF(ROUND({exact},9)>={_number(floor)},{_quoted(label)},{formula})"
    return "=" + formula


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def write_sheet(ws, form: Form) -> Placed:
    """Lay the form out on ``ws`` as the national form has it; return where its results are."""
    values = {}
    for col, size in WIDTHS.items():
        ws.column_dimensions[col].width = size
    _text(ws, "A1", "项目支出绩效自评表", font=TITLE_FONT)
    _merge(ws, "A1:I1")
    _text(ws, "A2", f"（{form.year}年度）")
    _merge(ws, "A2:I2")
    _text(ws, "A3", "项目名称", bold=True, fill=HEAD_FILL)
    _merge(ws, "A3:C3")
    _text(ws, "D3", form.name, center=False)
    _merge(ws, "D3:I3")
    _text(ws, "A4", "主管部门", bold=True, fill=HEAD_FILL)
    _merge(ws, "A4:C4")
    _text(ws, "D4", form.department, center=False)
    _merge(ws, "D4:E4")
    _text(ws, "F4", "实施单位", bold=True, fill=HEAD_FILL)
    _text(ws, "G4", form.unit, center=False)
    _merge(ws, "G4:I4")

    # 项目资金（万元）: a header row and four rows
    head = 5
    _text(ws, f"A{head}", "项目资金\n（万元）", bold=True, fill=HEAD_FILL)
    _merge(ws, f"A{head}:A{head + len(form.funds)}")
    _text(ws, f"B{head}", "", fill=HEAD_FILL)
    _merge(ws, f"B{head}:C{head}")
    for col, label in zip("DEFGHI", ("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分")):
        _text(ws, f"{col}{head}", label, bold=True, fill=HEAD_FILL)
    first = head + 1
    for n, fund in enumerate(form.funds):
        r = first + n
        _text(ws, f"B{r}", fund.label, center=False)
        _merge(ws, f"B{r}:C{r}")
        _value(ws, f"D{r}", fund.initial, AMOUNT)
        _value(ws, f"E{r}", fund.total, AMOUNT)
        _value(ws, f"F{r}", fund.spent, AMOUNT)
        if fund.total is None or fund.spent is None:
            _text(ws, f"H{r}", PENDING)
        else:
            _formula(ws, f"H{r}", f'=IF(E{r}=0,"—",F{r}/E{r})', RATE)
            values[f"H{r}"] = "—" if fund.rate is None else fund.rate
        if n:
            _text(ws, f"G{r}", "—")
            _text(ws, f"I{r}", "—")
    if form.budget_max is None:
        _text(ws, f"G{first}", "—")
        _text(ws, f"I{first}", "—")
    else:
        _value(ws, f"G{first}", form.budget_max, SCORE)
        if form.budget_formula:
            # the framework's 完成率: the rate rounded to two places in percent, capped at 100%
            rate = f"ROUND(F{first}/E{first}*100,2)"
            _formula(ws, f"I{first}", f"=IF({rate}>=100,G{first},ROUND(G{first}*{rate}/100,2))", SCORE)
            values[f"I{first}"] = form.budget_score
        else:
            _value(ws, f"I{first}", form.budget_score if form.budget_score is not None else NOT_APPLICABLE, SCORE)
    row = first + len(form.funds)

    # 年度总体目标
    _text(ws, f"A{row}", "年度\n总体\n目标", bold=True, fill=HEAD_FILL)
    _merge(ws, f"A{row}:A{row + 1}")
    _text(ws, f"B{row}", "预期目标", bold=True, fill=HEAD_FILL)
    _merge(ws, f"B{row}:E{row}")
    _text(ws, f"F{row}", "实际完成情况", bold=True, fill=HEAD_FILL)
    _merge(ws, f"F{row}:I{row}")
    row += 1
    goal, result = alone(form.goal), alone(form.result)
    _text(ws, f"B{row}", goal, center=False)
    _merge(ws, f"B{row}:E{row}")
    _text(ws, f"F{row}", result, center=False)
    _merge(ws, f"F{row}:I{row}")
    ws.row_dimensions[row].height = max(30, 15 * _lines(max(goal, result, key=len), 60))
    row += 1

    # 绩效指标
    top = row
    for col, label in zip("BCDEFGHI", ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
                                       "偏差原因分析及改进措施")):
        _text(ws, f"{col}{row}", label, bold=True, fill=HEAD_FILL)
    row += 1
    body = row
    for level, col in (("level1", "B"), ("level2", "C")):
        start = body
        for n, item in enumerate(form.rows):
            r = body + n
            last = n + 1 == len(form.rows) or getattr(form.rows[n + 1], level) != getattr(item, level) or (
                level == "level2" and form.rows[n + 1].level1 != item.level1)
            if last:
                _text(ws, f"{col}{start}", getattr(item, level))
                _merge(ws, f"{col}{start}:{col}{r}")
                start = r + 1
    for n, item in enumerate(form.rows):
        r = body + n
        _text(ws, f"D{r}", item.name, center=False)
        _text(ws, f"E{r}", item.target)
        _text(ws, f"F{r}", item.actual)
        _value(ws, f"G{r}", item.max, SCORE)
        _value(ws, f"H{r}", item.score if item.score is not None else NOT_APPLICABLE, SCORE)
        _text(ws, f"I{r}", item.deviation, center=False)
        ws.row_dimensions[r].height = max(20, 14 * max(_lines(item.name, 24), _lines(item.deviation, 32)))
    row = body + len(form.rows)
    _text(ws, f"A{top}", "绩效\n指标", bold=True, fill=HEAD_FILL)
    _merge(ws, f"A{top}:A{row - 1}")

    # 总分 and 评级: indicator scores plus the budget block's, rescaled when indicators are 不适用
    last = row - 1
    scores = f"H{body}:H{last}"
    weights = f"G{body}:G{last}"
    has_budget = form.budget_max is not None
    budget_score = f"N(I{first})" if has_budget else "0"
    budget_weight = f"IF(ISNUMBER(I{first}),G{first},0)" if has_budget else "0"  # 不适用 counts no weight
    counted = f'(SUMIF({scores},"<>{NOT_APPLICABLE}",{weights})+{budget_weight})'
    exact = f"(SUM({scores})+{budget_score})*{_number(form.weight)}/{counted}"
    _text(ws, f"A{row}", "总分", bold=True, fill=HEAD_FILL)
    _merge(ws, f"A{row}:F{row}")
    _formula(ws, f"G{row}", f"=SUM({weights})" + (f"+G{first}" if has_budget else ""), SCORE)
    _formula(ws, f"H{row}", f"=ROUND({exact},2)", SCORE, font=_font(bold=True))
    values[f"G{row}"], values[f"H{row}"] = form.weight, round2(form.total)
    _text(ws, f"I{row}", "")
    total_ref = f"H{row}"
    row += 1
    _text(ws, f"A{row}", "评级", bold=True, fill=HEAD_FILL)
    _merge(ws, f"A{row}:F{row}")
    _formula(ws, f"G{row}", _grade_formula(form, exact))
    _merge(ws, f"G{row}:I{row}")
    grade_ref = f"G{row}"
    values[grade_ref] = form.grade
    _boxed(ws, ws.iter_rows(min_row=3, max_row=row, max_col=COLUMNS))
    _fit(ws, WIDTHS, row)
    _page(ws, row)
    return Placed(total_ref, grade_ref, f"E{first}", f"F{first}", values)


def _width(text: str) -> int:
    """Display width of the longest line: CJK characters count two."""
    return max((sum(2 if ord(ch) > 0x2E7F else 1 for ch in line) for line in str(text).split("\n")), default=0)


def _fit(ws, least: dict[str, float], last_row: int) -> None:
    """Widen each column to its longest single-column cell (merged cells spread over several
    columns are left out), between its least width and its cap; number cells count as printed."""
    merged = {c for r in ws.merged_cells.ranges for row in ws.iter_rows(min_row=r.min_row, max_row=r.max_row,
                                                                             min_col=r.min_col, max_col=r.max_col)
              for c in row if r.min_col != r.max_col}
    for col, size in least.items():
        longest = 0
        for (cell,) in ws.iter_rows(min_row=1, max_row=last_row, min_col=ws[f"{col}1"].column,
                                    max_col=ws[f"{col}1"].column):
            if cell in merged or cell.value is None:
                continue
            text = cell.value if isinstance(cell.value, str) and not cell.value.startswith("=") else "0,000.00"
            longest = max(longest, _width(text))
        ws.column_dimensions[col].width = max(size, min(CAPS.get(col, 24), longest * 1.1 + 2))


def _lines(text: str, width: int) -> int:
    """Lines a text takes in a cell ``width`` half-width characters wide (CJK count two)."""
    total = 0
    for part in (text or "").split("\n"):
        size = sum(2 if ord(ch) > 0x2E7F else 1 for ch in part)
        total += max(1, -(-size // width))
    return total


def _page(ws, last_row: int) -> None:
    ws.print_area = f"A1:I{last_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:2"
    ws.print_options.horizontalCentered = True
    ws.page_margins = PageMargins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.freeze_panes = "A5"


def sheet_name(name: str, taken: set[str]) -> str:
    """A valid, unique sheet name for a project: forbidden characters replaced, at most 31
    characters (UTF-16 units, as Excel counts), no leading or trailing apostrophe, not 汇总,
    unique case-insensitively (同名 projects get （2）, （3） …)."""
    base = "".join("_" if ch in FORBIDDEN or ord(ch) < 32 else ch for ch in name).strip().strip("'") or "项目"
    n = 1
    while True:
        suffix = f"（{n}）" if n > 1 else ""
        room = SHEET_LENGTH - len(suffix)
        cut = ""
        for ch in base:
            if len((cut + ch).encode("utf-16-le")) // 2 > room:
                break
            cut += ch
        candidate = cut.rstrip("'") + suffix
        if candidate.casefold() not in taken and candidate.casefold() not in (SUMMARY, "history"):
            taken.add(candidate.casefold())
            return candidate
        n += 1


def save(workbook: Workbook, target: Path) -> None:
    """Write beside the target and rename over it: the previous file survives a failure."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".~", suffix=".xlsx", dir=target.parent)
    os.close(handle)
    try:
        workbook.save(temporary)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def form_workbook(form: Form) -> Workbook:
    """One project's form as a workbook of one sheet named 自评表."""
    workbook = Workbook()
    ws = workbook.active
    ws.title = "自评表"
    write_sheet(ws, form)
    _properties(workbook, form)
    return workbook


def _properties(workbook: Workbook, form: Form) -> None:
    """Document properties without the machine's clock or user: the report date, or 1 January
    after the year assessed while the date is still 待填写."""
    from datetime import datetime

    day = form.date or datetime(form.year + 1, 1, 1).date()
    moment = datetime(day.year, day.month, day.day)
    workbook.properties.created = workbook.properties.modified = moment
    workbook.properties.creator = form.unit
    workbook.properties.lastModifiedBy = None
    workbook.properties.title = f"{form.name}项目支出绩效自评表"


@dataclass
class Entry:
    """One project of a department workbook: its form, or the error that stopped it."""

    path: str
    form: Form | None = None
    error: str = ""


SUMMARY_HEAD = ("序号", "项目名称", "工作表", "参数文件", "主管部门", "实施单位", "全年预算数（万元）", "全年执行数（万元）",
                "执行率", "总分", "评级", "未达满分指标数", "待填写", "状态")
SUMMARY_WIDTHS = (6, 34, 20, 28, 18, 18, 14, 14, 10, 9, 8, 10, 8, 50)


def department_workbook(entries: list[Entry]) -> tuple[Workbook, dict[str, dict]]:
    """汇总 first (every project, best total first, invalid ones last with their error, a
    合计 row), then one sheet per valid project in that order; with jixiao's value of every
    formula cell, by sheet."""
    workbook = Workbook()
    summary = workbook.active
    summary.title = SUMMARY
    taken: set[str] = set()
    ordered = sorted(entries, key=lambda e: (e.form is None, -(e.form.total if e.form else 0), e.path))
    placed = []
    for entry in ordered:
        if entry.form is None:
            placed.append(None)
            continue
        name = sheet_name(entry.form.name, taken)
        placed.append((name, write_sheet(workbook.create_sheet(name), entry.form)))
    values = {name: spot.values for name, spot in filter(None, placed)}
    values[SUMMARY] = _summary(summary, ordered, placed)
    workbook.properties.creator = "jixiao"
    return workbook, values


def _summary(ws, entries: list[Entry], placed: list) -> dict:
    values = {}
    for n, (label, size) in enumerate(zip(SUMMARY_HEAD, SUMMARY_WIDTHS), start=1):
        ws.column_dimensions[get_column_letter(n)].width = size
        _text(ws, f"{get_column_letter(n)}1", label, bold=True, fill=HEAD_FILL)
    row = 2
    for n, (entry, where) in enumerate(zip(entries, placed), start=1):
        _value(ws, f"A{row}", n, "0")
        form = entry.form
        if form is None:
            _text(ws, f"B{row}", Path(entry.path).stem, center=False)
            _text(ws, f"D{row}", entry.path, center=False)
            for col in "CEFGHIJKLM":
                _text(ws, f"{col}{row}", "—")
            _text(ws, f"N{row}", f"输入有误：{entry.error}", center=False, font=_font(color="C00000"))
            row += 1
            continue
        name, spot = where
        ref = quote_sheetname(name)
        _text(ws, f"B{row}", form.name, center=False)
        link = _text(ws, f"C{row}", name, center=False, font=_font(color="0563C1", underline="single"))
        link.hyperlink = f"#{ref}!A1"
        _text(ws, f"D{row}", entry.path, center=False)
        _text(ws, f"E{row}", form.department, center=False)
        _text(ws, f"F{row}", form.unit, center=False)
        _formula(ws, f"G{row}", f"={ref}!{spot.budget}", AMOUNT)
        _formula(ws, f"H{row}", f"={ref}!{spot.spent}", AMOUNT)
        _formula(ws, f"I{row}", f'=IF(G{row}=0,"—",H{row}/G{row})', RATE)
        _formula(ws, f"J{row}", f"={ref}!{spot.total}", SCORE)
        _formula(ws, f"K{row}", f"={ref}!{spot.grade}")
        whole = form.funds[0]
        values.update({f"G{row}": whole.total, f"H{row}": whole.spent, f"I{row}": whole.rate,
                       f"J{row}": round2(form.total), f"K{row}": form.grade})
        _value(ws, f"L{row}", form.unmet, "0")
        _value(ws, f"M{row}", len(form.pending), "0")
        _text(ws, f"N{row}", "完成" if not form.pending else f"完成（{len(form.pending)} 处待填写）", center=False)
        row += 1
    last = row - 1
    valid = sum(1 for e in entries if e.form is not None)
    _text(ws, f"A{row}", "合计", bold=True, fill=HEAD_FILL)
    _merge(ws, f"A{row}:F{row}")
    if last >= 2:
        _formula(ws, f"G{row}", f"=SUM(G2:G{last})", AMOUNT)
        _formula(ws, f"H{row}", f"=SUM(H2:H{last})", AMOUNT)
        _formula(ws, f"I{row}", f'=IF(G{row}=0,"—",H{row}/G{row})', RATE)
        _formula(ws, f"J{row}", f'=IF(COUNT(J2:J{last})=0,"—",ROUND(AVERAGE(J2:J{last}),2))', SCORE)
        _formula(ws, f"L{row}", f"=SUM(L2:L{last})", "0")
        _formula(ws, f"M{row}", f"=SUM(M2:M{last})", "0")
        forms = [e.form for e in entries if e.form is not None]
        budget = sum((f.funds[0].total for f in forms), Decimal(0))
        spent = sum((f.funds[0].spent for f in forms), Decimal(0))
        totals = [round2(f.total) for f in forms]
        values.update({f"G{row}": budget, f"H{row}": spent, f"I{row}": spent / budget if budget else "—",
                       f"J{row}": round2(sum(totals) / len(totals)) if totals else "—",
                       f"L{row}": sum(f.unmet for f in forms), f"M{row}": sum(len(f.pending) for f in forms)})
    _text(ws, f"K{row}", "")
    _text(ws, f"N{row}", f"共 {len(entries)} 个项目：生成 {valid} 个，输入有误 {len(entries) - valid} 个（总分一格为平均分）",
          center=False)
    _boxed(ws, ws.iter_rows(min_row=1, max_row=row, max_col=len(SUMMARY_HEAD)))
    _fit(ws, {get_column_letter(n): size for n, size in enumerate(SUMMARY_WIDTHS, start=1)}, row)
    ws.freeze_panes = "C2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(SUMMARY_HEAD))}{max(last, 1)}"
    ws.print_area = f"A1:{get_column_letter(len(SUMMARY_HEAD))}{row}"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    return values

