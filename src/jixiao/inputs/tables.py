"""Data tables (CSV or .xlsx): their columns, reading, and typed rows.

Each table is declared once here with its Chinese headers; the README's table
documentation and the ``jixiao new`` templates follow these declarations.
"""

import csv
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from .. import limits
from ..errors import InputError
from ..numeric import NotANumber, NumberError, float_text, parse_number
from .files import check_size, decode, clean_text

HEADER_SEARCH = 10  # rows searched for the header, below title rows


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = "text"  # text | number | int | amount (yuan) | percent (92.5 means 92.50%)
    required: bool = True
    negative: bool = False  # numbers below zero are refused unless a check further on explains them


@dataclass(frozen=True)
class TableSpec:
    name: str
    title: str
    columns: tuple[Column, ...]
    required: bool = False
    extra: str | None = None  # key collecting all other columns (question → answer), if any
    charted: bool = False  # the report can draw a chart of it (pieces/charts.py TABLE_CHARTS)
    unique: str | None = None  # column whose values name the rows: chart labels, placeholder names


SPECS = {
    spec.name: spec
    for spec in (
        TableSpec("indicators", "指标评分表", (
            Column("level1", "一级指标"),
            Column("level2", "二级指标"),
            Column("code", "指标编码"),
            Column("name", "三级指标"),
            Column("max", "满分值", "number"),
            Column("score", "评分值", "number", required=False, negative=True),  # range checked by the tree
            Column("criterion", "百分制得分", "number", required=False),
            Column("rule", "评分方法", required=False),
            Column("inputs", "评分参数", required=False),
            Column("na", "不适用", required=False),
            Column("reason", "评分理由", required=False),
            Column("analysis", "分析", required=False),
            Column("standard", "评分标准", required=False),
            Column("target", "年度指标值", required=False),  # the self-assessment form's columns
            Column("actual", "实际完成值", required=False),
            Column("deviation", "偏差原因", required=False),
        ), required=True),
        TableSpec("comments", "意见采纳情况表", (
            Column("no", "序号", "int"),
            Column("unit", "提出单位"),
            Column("comment", "意见"),
            Column("answer", "采纳情况", required=False),  # 采纳/部分采纳/未采纳: inputs/comments.py
            Column("note", "说明", required=False),
        )),
        TableSpec("keypoints", "要点表", (
            Column("code", "指标编码"),
            Column("point", "要点"),
            Column("marks", "分值", "number"),
            Column("met", "是否达到"),
        )),
        TableSpec("responses", "问卷答卷表", (
            Column("group", "调查对象"),
        ), extra="answers"),
        TableSpec("budget_lines", "预算明细表", (
            Column("no", "序号", "int"),
            Column("name", "子项目名称"),
            Column("amount", "预算金额", "amount"),
        ), required=True, charted=True, unique="name"),
        TableSpec("targets", "绩效目标表", (
            Column("goal", "分解目标"),
            Column("indicator", "绩效指标"),
            Column("target", "目标值"),
            Column("actual", "实际值", required=False),
        )),
        TableSpec("completion", "完成情况表", (
            Column("no", "序号", "int"),
            Column("item", "计划内容"),
            Column("result", "完成情况"),
        )),
        TableSpec("queries", "查询统计表", (
            Column("subject", "查询主体"),
            Column("year", "本年查询次数", "int"),
            Column("cumulative", "累计查询次数", "int"),
            Column("previous", "上年查询次数", "int", required=False),
        ), charted=True, unique="subject"),
        TableSpec("surveys", "满意度调查表", (
            Column("group", "调查对象"),
            Column("rate", "满意度", "percent"),
            Column("indicator", "指标编码", required=False),
        ), charted=True, unique="group"),
        TableSpec("staff", "人员表", (
            Column("no", "序号", "int"),
            Column("name", "姓名"),
            Column("education", "学历"),
            Column("title", "职称"),
            Column("duty", "职责分工"),
        )),
        TableSpec("activities", "活动表", (
            Column("no", "序号", "int"),
            Column("name", "活动名称"),
        )),
    )
}


class Row(dict):
    """One data row: values by column key, plus where it came from."""

    def __init__(self, values: dict, line: int, source: str = ""):
        super().__init__(values)
        self.line = line
        self.source = source

    def __getattr__(self, key):
        try:
            return self[key]
        except KeyError as exc:
            raise AttributeError(key) from exc


def _clean(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        value = float_text(value)  # the 1.05 the analyst typed, not 1.0499999999999998
    return clean_text(str(value)).strip()


Lines = list[tuple[int, list]]  # (line number in the file, cell values) of non-empty rows


def _row_limit(spec: "TableSpec") -> int:
    return limits.TABLE_ROWS_BY_NAME.get(spec.name, limits.TABLE_ROWS)


def _too_many_rows(path: Path, spec: "TableSpec") -> InputError:
    return InputError(f"{path}：{spec.title}超过 {_row_limit(spec):,} 行（见 README「输入限制」），"
                      "请检查是否有误填的行，或拆分数据")


class _Budget:
    """Counts the rows and cells read so far against the table's limits."""

    def __init__(self, path: Path, spec: "TableSpec"):
        self.path, self.spec, self.rows, self.cells = path, spec, 0, 0

    def take(self, width: int) -> None:
        self.rows += 1
        self.cells += width
        if self.rows > _row_limit(self.spec) + HEADER_SEARCH:
            raise _too_many_rows(self.path, self.spec)
        if self.cells > limits.TABLE_CELLS:
            raise InputError(f"{self.path}：{self.spec.title}超过 {limits.TABLE_CELLS:,} 个单元格（行数 × 列数，"
                             "见 README「输入限制」），请删去无关的行和列，或拆分数据")


def _read_csv(path: Path, spec: "TableSpec") -> Lines:
    text = decode(path.read_bytes(), path, "CSV 文件")
    lines = []
    budget = _Budget(path, spec)
    for number, row in enumerate(csv.reader(text.splitlines()), start=1):
        if any(cell.strip() for cell in row):
            budget.take(len(row))
            lines.append((number, row))
    return lines


def _merged_ranges(book, sheet) -> list[tuple[int, int, int, int]]:
    """(min_row, min_col, max_row, max_col) of each merged range; read-only worksheets do not
    parse them, so they are read from the sheet's XML, streamed."""
    from openpyxl.utils.cell import range_boundaries

    ranges = []
    with book._archive.open(sheet._worksheet_path) as source:  # read-only mode keeps both
        for _, element in ElementTree.iterparse(source):
            if element.tag.endswith("}mergeCell") and element.get("ref"):
                min_col, min_row, max_col, max_row = range_boundaries(element.get("ref"))
                ranges.append((min_row, min_col, max_row, max_col))
            element.clear()
    return ranges


def _read_xlsx(path: Path, sheet: str | None, spec: "TableSpec") -> Lines:
    """The used cells of one sheet, streamed in read-only mode (the stored dimension is not
    trusted: one stray cell at XFD1048576 would make it 17 billion cells); a merged range
    gives its value to every used row it covers."""
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        unpacked = 0  # not a zip: openpyxl below says so in its own words
    if unpacked > limits.XLSX_UNPACKED_BYTES:
        raise InputError(f"{path}：Excel 文件解压后有 {unpacked / limits.MB:.0f} MB，超过上限 "
                         f"{limits.XLSX_UNPACKED_BYTES / limits.MB:g} MB（见 README「输入限制」），请删去无关的工作表或内容")
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for damaged files
        raise InputError(f"{path}：无法打开 Excel 文件（{type(exc).__name__}），请确认文件未损坏且为 .xlsx 格式") from None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise InputError(f"{path}：找不到工作表『{sheet}』，现有工作表：{'、'.join(book.sheetnames)}")
        ws = book[sheet] if sheet else book.worksheets[0]
        ws.reset_dimensions()
        lines = []
        budget = _Budget(path, spec)
        for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
            used = [i for i, v in enumerate(values) if v is not None and str(v).strip()]
            if not used:
                continue
            if used[-1] >= limits.TABLE_COLUMNS:
                from openpyxl.utils import get_column_letter

                raise InputError(f"{path} 第 {number} 行 {get_column_letter(used[-1] + 1)} 列：单元格有内容，"
                                 f"但表格最多 {limits.TABLE_COLUMNS} 列（见 README「输入限制」），"
                                 "请删除这个可能误填的单元格")
            budget.take(used[-1] + 1)
            lines.append((number, ["" if v is None else v for v in values[:used[-1] + 1]]))
        _fill_merged(lines, _merged_ranges(book, ws))
        return lines
    finally:
        book.close()


def _fill_merged(lines: Lines, ranges) -> None:
    """Give each merged range's top-left value to the cells it covers, in the rows read."""
    by_number = {number: values for number, values in lines}
    for min_row, min_col, max_row, max_col in ranges:
        top = by_number.get(min_row)
        if top is None or min_col > len(top) or max_col > limits.TABLE_COLUMNS:
            continue
        value = top[min_col - 1]
        for number in range(min_row, max_row + 1):
            values = by_number.get(number)
            if values is None:
                continue  # an empty row inside a merged range stays out of the table
            values.extend([""] * (max_col - len(values)))
            values[min_col - 1:max_col] = [value] * (max_col - min_col + 1)


def _header_row(raw: list[list[str]], spec: TableSpec) -> int:
    """Index of the header row: the first of the top rows naming every required column
    (title rows above the header are skipped)."""
    required = {c.header for c in spec.columns if c.required}
    for index, row in enumerate(raw[:HEADER_SEARCH]):
        if required <= set(row):
            return index
    return 0


def _convert(value: str, column: Column, where: str):
    if column.kind == "text":
        return value
    try:
        number = parse_number(value)
    except NumberError as exc:
        raise InputError(f"{where}『{column.header}』的值『{value}』{exc}") from None
    if number < 0 and not column.negative:
        raise InputError(f"{where}『{column.header}』的值『{value}』是负数，{column.header}不能为负")
    if column.kind == "int":
        if number != number.to_integral_value():
            raise InputError(f"{where}『{column.header}』的值『{value}』应为整数")
        return int(number)
    return number


def _empty(column: Column):
    return "" if column.kind == "text" else None


def _lines(spec: TableSpec, path: Path, sheet: str | None) -> Lines:
    """The non-empty rows of a table file (CSV or Excel) as cleaned text, within the size limits."""
    if not path.is_file():
        raise InputError(f"{path}：{spec.title}文件不存在，请检查参数文件 data.{spec.name} 的路径")
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx", ".xlsm"):
        raise InputError(f"{path}：不支持的文件类型『{suffix}』，{spec.title}请用 .csv 或 .xlsx")
    check_size(path, limits.TABLE_BYTES, spec.title)
    raw = _read_csv(path, spec) if suffix == ".csv" else _read_xlsx(path, sheet, spec)
    numbered = [(n, cells) for n, cells in ((n, [_clean(v) for v in r]) for n, r in raw) if any(cells)]
    if not numbered:
        raise InputError(f"{path}：{spec.title}是空的，至少需要表头一行")
    return numbered


def read_table(spec: TableSpec, path: Path, sheet: str | None = None) -> list[Row]:
    """Read and type one table; the header row must name the spec's columns."""
    numbered = _lines(spec, path, sheet)
    start = _header_row([r for _, r in numbered], spec)
    header = numbered[start][1]
    positions = {}
    problems = []
    for column in spec.columns:
        if column.header in header:
            positions[column.key] = header.index(column.header)
        elif column.required:
            problems.append(f"{path}：{spec.title}缺少列『{column.header}』（表头应包含：{'、'.join(c.header for c in spec.columns)}）")
    if problems:
        raise InputError(problems)
    body = numbered[start + 1:]
    while body and body[0][1] == header:  # the lower half of a header merged over two rows
        body = body[1:]
    if len(body) > _row_limit(spec):
        raise _too_many_rows(path, spec)
    rows = []
    for offset, values in body:
        where = f"{path} 第 {offset} 行"
        record = {}
        for column in spec.columns:
            pos = positions.get(column.key)
            value = values[pos] if pos is not None and pos < len(values) else ""
            if value == "" and column.required:
                problems.append(f"{where}：『{column.header}』为空，请填写")
                continue
            try:
                record[column.key] = _convert(value, column, f"{where}：") if value else _empty(column)
            except InputError as exc:
                problems.extend(exc.messages)
        if spec.extra:
            record[spec.extra] = {
                name: values[pos] if pos < len(values) else ""
                for pos, name in enumerate(header)
                if name and pos not in positions.values()
            }
        rows.append(Row(record, offset, str(path)))
    problems += _duplicates(spec, rows, path)
    if problems:
        raise InputError(problems)
    return rows


def _duplicates(spec: TableSpec, rows: list[Row], path: Path) -> list[str]:
    """Rows naming the same thing twice: charts draw one bar per name and placeholders
    (``{{surveys.社会公众}}``) look a row up by it, so each name must be unique."""
    if spec.unique is None:
        return []
    header = next(c.header for c in spec.columns if c.key == spec.unique)
    first: dict[str, int] = {}
    problems = []
    for row in rows:
        name = row.get(spec.unique)
        if not name:
            continue
        if name in first:
            problems.append(f"{path} 第 {row.line} 行：{spec.title}的『{header}』『{name}』与第 {first[name]} 行重复；"
                            f"图表和正文按{header}区分各行，请合并这两行或改用不同的名称")
        else:
            first[name] = row.line
    return problems


def read_own_table(name: str, path: Path, sheet: str | None = None) -> list[Row]:
    """A table of the project's own (``data:`` beyond the known tables): the first row names the
    columns; a cell that reads as a number (the one number parser) is a number, any other is text.
    The same size limits as the known tables."""
    spec = TableSpec(name, f"自定义表『{name}』", ())
    numbered = _lines(spec, path, sheet)
    line, header = numbered[0]
    while header and not header[-1]:
        header = header[:-1]
    problems = []
    for pos, name_ in enumerate(header):
        if not name_:
            problems.append(f"{path} 第 {line} 行：{spec.title}表头第 {pos + 1} 列为空，请写上列名")
        elif name_ in header[:pos]:
            problems.append(f"{path} 第 {line} 行：{spec.title}表头『{name_}』重复，请改用不同的列名")
    if len(numbered) - 1 > _row_limit(spec):
        raise _too_many_rows(path, spec)
    rows = []
    for offset, values in numbered[1:]:
        if len(values) > len(header) and any(values[len(header):]):
            problems.append(f"{path} 第 {offset} 行：{spec.title}有内容超出表头的列，请补上列名或删去多余的单元格")
        record = {}
        for pos, column in enumerate(header):
            value = values[pos] if pos < len(values) else ""
            try:
                record[column] = parse_number(value) if value else None
            except NotANumber:
                record[column] = value
            except NumberError as exc:
                problems.append(f"{path} 第 {offset} 行：『{column}』的值『{value}』{exc}")
        rows.append(Row(record, offset, str(path)))
    if problems:
        raise InputError(problems)
    return rows
