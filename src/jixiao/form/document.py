"""The form in Word and PDF, laid out as the national form: one table of nine columns on A4
landscape, the levels of 绩效指标 in merged cells, 总分 and 评级 at the foot.

Both are made from one grid of cells (``grid``): Word through python-docx, PDF through Typst
(the engine the report's PDF uses), so they agree cell for cell. Texts from the inputs enter
Typst only as string literals, never as markup.
"""

import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, timezone

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from .. import fonts
from ..errors import RunFailure
from ..numeric import fixed2, trimmed
from .model import Form, alone, rate_text, score_text

COLUMNS = 9
WIDTHS_CM = (1.6, 2.4, 2.6, 5.2, 3.0, 3.0, 1.6, 1.8, 5.5)  # 26.7 cm: A4 landscape less 1.5 cm margins


@dataclass
class Cell:
    """A cell of the grid: its text, position and spans; ``head`` cells are shaded and bold."""

    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1
    head: bool = False
    align: str = "center"


def _amount(value) -> str:
    return "待填写" if value is None else f"{value:,.2f}"


def grid(form: Form) -> tuple[list[Cell], int]:
    """The form's cells and its number of rows, in the national form's layout."""
    cells: list[Cell] = []

    def put(row, col, text, rowspan=1, colspan=1, head=False, align="center"):
        cells.append(Cell(row, col, text, rowspan, colspan, head, align))

    put(0, 0, "项目名称", colspan=3, head=True)
    put(0, 3, form.name, colspan=6, align="left")
    put(1, 0, "主管部门", colspan=3, head=True)
    put(1, 3, form.department, colspan=2, align="left")
    put(1, 5, "实施单位", head=True)
    put(1, 6, form.unit, colspan=3, align="left")
    top = 2
    put(top, 0, "项目资金（万元）", rowspan=len(form.funds) + 1, head=True)
    put(top, 1, "", colspan=2, head=True)
    for col, label in enumerate(("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"), start=3):
        put(top, col, label, head=True)
    for n, fund in enumerate(form.funds, start=1):
        r = top + n
        put(r, 1, fund.label, colspan=2, align="left")
        put(r, 3, _amount(fund.initial))
        put(r, 4, _amount(fund.total))
        put(r, 5, _amount(fund.spent))
        put(r, 7, rate_text(fund.rate) if fund.total is not None and fund.spent is not None else "待填写")
        if n == 1 and form.budget_max is not None:
            put(r, 6, trimmed(form.budget_max))
            put(r, 8, score_text(form.budget_score))
        else:
            put(r, 6, "—")
            put(r, 8, "—")
    r = top + len(form.funds) + 1
    put(r, 0, "年度总体目标", rowspan=2, head=True)
    put(r, 1, "预期目标", colspan=4, head=True)
    put(r, 5, "实际完成情况", colspan=4, head=True)
    put(r + 1, 1, alone(form.goal), colspan=4, align="left")
    put(r + 1, 5, alone(form.result), colspan=4, align="left")
    r += 2
    put(r, 0, "绩效指标", rowspan=len(form.rows) + 1, head=True)
    for col, label in enumerate(("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
                                 "偏差原因分析及改进措施"), start=1):
        put(r, col, label, head=True)
    body = r + 1
    for level, col in (("level1", 1), ("level2", 2)):
        start = 0
        for n, item in enumerate(form.rows):
            following = form.rows[n + 1] if n + 1 < len(form.rows) else None
            if following is None or getattr(following, level) != getattr(item, level) or following.level1 != item.level1:
                put(body + start, col, getattr(item, level), rowspan=n - start + 1)
                start = n + 1
    for n, item in enumerate(form.rows):
        put(body + n, 3, item.name, align="left")
        put(body + n, 4, item.target)
        put(body + n, 5, item.actual)
        put(body + n, 6, trimmed(item.max))
        put(body + n, 7, score_text(item.score))
        put(body + n, 8, item.deviation, align="left")
    r = body + len(form.rows)
    put(r, 0, "总分", colspan=6, head=True)
    put(r, 6, trimmed(form.weight))
    put(r, 7, fixed2(form.total))
    put(r, 8, f"评级：{form.grade}")
    return cells, r + 1


def title(form: Form) -> tuple[str, str]:
    return "项目支出绩效自评表", f"（{form.year}年度）"


# ---- Word ---------------------------------------------------------------------------------


def _east_asian(run, family: str) -> None:
    run.font.name = "Times New Roman"
    rpr = run._element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    rfonts.set(qn("w:eastAsia"), family)


def _shade(cell) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), "F2F2F2")
    cell._tc.get_or_add_tcPr().append(shading)


def _write_docx_cell(target, cell: Cell) -> None:
    target.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    lines = cell.text.split("\n") or [""]
    paragraph = target.paragraphs[0]
    for n, line in enumerate(lines):
        if n:
            paragraph = target.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if cell.align == "center" else WD_ALIGN_PARAGRAPH.LEFT
        paragraph.paragraph_format.space_after = Pt(0)
        run = paragraph.add_run(line)
        run.font.size = Pt(10)
        run.bold = cell.head
        _east_asian(run, "黑体" if cell.head else "仿宋_GB2312")
    if cell.head:
        _shade(target)


def docx_bytes(form: Form) -> bytes:
    """The form as a Word document (A4 landscape, one table, fixed dates)."""
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(1.5))
    section.top_margin = section.bottom_margin = Cm(1.5)
    heading, year = title(form)
    for text, size, family in ((heading, 18, "黑体"), (year, 12, "仿宋_GB2312")):
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.font.size = Pt(size)
        _east_asian(run, family)
    cells, rows = grid(form)
    table = document.add_table(rows=rows, cols=COLUMNS)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, WIDTHS_CM):  # the grid LibreOffice and WPS lay out by
        column.width = Cm(width)
    at = table._cells  # once: every lookup through table.cell() walks the whole table
    for n, target in enumerate(at):
        target.width = Cm(WIDTHS_CM[n % COLUMNS])
    for cell in cells:  # cells never overlap, so each merge leaves the others' elements in place
        target = at[cell.row * COLUMNS + cell.col]
        if cell.rowspan > 1 or cell.colspan > 1:
            target = target.merge(at[(cell.row + cell.rowspan - 1) * COLUMNS + cell.col + cell.colspan - 1])
        _write_docx_cell(target, cell)
    for row in table.rows:  # a row never breaks across pages
        cant = OxmlElement("w:cantSplit")
        row._tr.get_or_add_trPr().append(cant)
    header = table.rows[2 + len(form.funds) + 3]._tr.get_or_add_trPr()  # 绩效指标 column heads repeat
    header.append(OxmlElement("w:tblHeader"))
    props = document.core_properties
    props.title = f"{form.name}{heading}"
    props.author = form.unit
    props.last_modified_by = ""
    props.comments = props.subject = props.keywords = props.category = ""
    day = _day(form)
    props.created = props.modified = datetime(day.year, day.month, day.day, tzinfo=timezone.utc)
    props.revision = 1
    out = io.BytesIO()
    document.save(out)
    return _fixed_zip(out.getvalue(), day)


def _day(form: Form) -> date:
    """The form's date: the report date, or 1 January after the assessed year while it is 待填写."""
    return form.date or date(form.year + 1, 1, 1)


def _fixed_zip(data: bytes, day: date) -> bytes:
    """The same archive with every entry dated ``day``: the same inputs give the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=(day.year, day.month, day.day, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(item.filename))
    return out.getvalue()


# ---- PDF (Typst) --------------------------------------------------------------------------


def _string(text: str) -> str:
    """A Typst string literal holding ``text`` exactly."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "") + '"'


def _array(names: list[str]) -> str:
    return "(" + ", ".join(_string(n) for n in names) + ("," if len(names) == 1 else "") + ")"


def typst_source(form: Form) -> str:
    """The Typst document of the form."""
    serif = [f[0] for f in [fonts.serif()] if f]
    sans = [f[0] for f in [fonts.sans()] if f]
    heading, year = title(form)
    cells, _ = grid(form)
    body = []
    for cell in cells:
        options = [f"x: {cell.col}", f"y: {cell.row}"]
        if cell.rowspan > 1:
            options.append(f"rowspan: {cell.rowspan}")
        if cell.colspan > 1:
            options.append(f"colspan: {cell.colspan}")
        if cell.head:
            options.append("fill: luma(242)")
        align = "center + horizon" if cell.align == "center" else "left + horizon"
        text = f"text(font: sans, weight: \"bold\", {_string(cell.text)})" if cell.head else _string(cell.text)
        cellsrc = f"table.cell({', '.join(options)}, align: {align})[#{text}]"
        body.append(f"  {cellsrc},")
    columns = ", ".join(f"{w}cm" for w in WIDTHS_CM)
    return "\n".join([
        f"#let serif = {_array(serif)}",
        f"#let sans = {_array(sans)}",
        f"#set document(title: {_string(form.name + heading)}, author: {_string(form.unit)})",
        '#set page(paper: "a4", flipped: true, margin: 1.5cm, footer: context align(center, text(size: 9pt)['
        '第 #counter(page).display() 页，共 #counter(page).final().first() 页]))',
        '#set text(font: serif, size: 9.5pt, lang: "zh")',
        "#set par(justify: false, leading: 0.5em)",
        f"#align(center, text(font: sans, size: 18pt, weight: \"bold\", {_string(heading)}))",
        f"#align(center, text(size: 12pt, {_string(year)}))",
        "#v(0.3em)",
        f"#table(columns: ({columns}), inset: 4pt, stroke: 0.5pt,",
        *body,
        ")",
        "",
    ])


def pdf_bytes(form: Form) -> bytes:
    """The form as a PDF through Typst, dated as the report."""
    import typst

    if fonts.missing():
        raise RunFailure(fonts.missing())
    day = _day(form)
    stamp = int(datetime(day.year, day.month, day.day, tzinfo=timezone.utc).timestamp())
    source = typst_source(form).encode("utf-8")
    try:
        return typst.compile(source, font_paths=fonts.font_dirs(), timestamp=stamp)
    except Exception as exc:  # typst raises its own error types
        raise RunFailure(f"Typst 排版自评表 PDF 失败：{exc}") from None


