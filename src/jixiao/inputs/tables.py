"""Data tables (CSV or .xlsx): their columns, reading, and typed rows.

Each table is declared once here with its Chinese headers; the README's table
documentation and the ``jixiao new`` templates follow these declarations.
"""

import csv
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ..errors import InputError
from ..numeric import to_decimal

HEADER_SEARCH = 10  # rows searched for the header, below title rows
NUMBER = re.compile(r"([+-]?\d+(?:\.\d+)?)(万|亿)?(?:元|人次|次|家|个|人|项|分|条|%)?")
SCALE = {"万": Decimal(10000), "亿": Decimal(100000000)}


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = "text"  # text | number | int | amount (yuan) | percent (92.5 means 92.50%)
    required: bool = True


@dataclass(frozen=True)
class TableSpec:
    name: str
    title: str
    columns: tuple[Column, ...]
    required: bool = False
    extra: str | None = None  # key collecting all other columns (question → answer), if any
    charted: bool = False  # the report can draw a chart of it (pieces/charts.py TABLE_CHARTS)


SPECS = {
    spec.name: spec
    for spec in (
        TableSpec("indicators", "指标评分表", (
            Column("level1", "一级指标"),
            Column("level2", "二级指标"),
            Column("code", "指标编码"),
            Column("name", "三级指标"),
            Column("max", "满分值", "number"),
            Column("score", "评分值", "number", required=False),
            Column("criterion", "百分制得分", "number", required=False),
            Column("rule", "评分方法", required=False),
            Column("inputs", "评分参数", required=False),
            Column("na", "不适用", required=False),
            Column("reason", "评分理由", required=False),
            Column("analysis", "分析", required=False),
            Column("standard", "评分标准", required=False),
        ), required=True),
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
        ), required=True, charted=True),
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
        ), charted=True),
        TableSpec("surveys", "满意度调查表", (
            Column("group", "调查对象"),
            Column("rate", "满意度", "percent"),
            Column("indicator", "指标编码", required=False),
        ), charted=True),
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
        value = repr(value)
    return str(value).strip()


def _read_csv(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InputError(f"{path}：无法识别文件编码，请另存为 UTF-8 或 GBK 编码的 CSV")
    return [list(r) for r in csv.reader(text.splitlines())]


def _read_xlsx(path: Path, sheet: str | None) -> list[list[str]]:
    """Cell values of one sheet; a merged range gives its value to every cell it covers."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for damaged files
        raise InputError(f"{path}：无法打开 Excel 文件（{type(exc).__name__}），请确认文件未损坏且为 .xlsx 格式") from None
    if sheet is not None and sheet not in book.sheetnames:
        raise InputError(f"{path}：找不到工作表『{sheet}』，现有工作表：{'、'.join(book.sheetnames)}")
    ws = book[sheet] if sheet else book.worksheets[0]
    rows = [["" if v is None else v for v in row] for row in ws.iter_rows(values_only=True)]
    for merged in ws.merged_cells.ranges:
        value = rows[merged.min_row - 1][merged.min_col - 1]
        for r in range(merged.min_row - 1, merged.max_row):
            for c in range(merged.min_col - 1, merged.max_col):
                rows[r][c] = value
    return rows


def _header_row(raw: list[list[str]], spec: TableSpec) -> int:
    """Index of the header row: the first of the top rows naming every required column
    (title rows above the header are skipped)."""
    required = {c.header for c in spec.columns if c.required}
    for index, row in enumerate(raw[:HEADER_SEARCH]):
        if required <= set(row):
            return index
    return 0


def parse_number(value: str) -> Decimal:
    """A number as analysts type it: 1,341 · 400万元 · 3.2亿 · 92.5% · １２３ (the % sign is
    dropped: percentages are kept in percent)."""
    text = unicodedata.normalize("NFKC", str(value)).replace(",", "").replace(" ", "")
    match = NUMBER.fullmatch(text)
    if not match:
        raise ValueError(value)
    number = to_decimal(match.group(1))
    return number * SCALE.get(match.group(2) or "", 1)


def _convert(value: str, column: Column, where: str):
    if column.kind == "text":
        return value
    try:
        number = parse_number(value)
    except ValueError:
        raise InputError(f"{where}『{column.header}』的值『{value}』不是数字，请填写数字（可带千分位逗号、%、万、亿或单位）") from None
    if column.kind == "int":
        if number != number.to_integral_value():
            raise InputError(f"{where}『{column.header}』的值『{value}』应为整数")
        return int(number)
    return number


def _empty(column: Column):
    return "" if column.kind == "text" else None


def read_table(spec: TableSpec, path: Path, sheet: str | None = None) -> list[Row]:
    """Read and type one table; the header row must name the spec's columns."""
    if not path.is_file():
        raise InputError(f"{path}：{spec.title}文件不存在，请检查参数文件 data.{spec.name} 的路径")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        raw = _read_csv(path)
    elif suffix in (".xlsx", ".xlsm"):
        raw = _read_xlsx(path, sheet)
    else:
        raise InputError(f"{path}：不支持的文件类型『{suffix}』，{spec.title}请用 .csv 或 .xlsx")
    raw = [[_clean(v) for v in r] for r in raw]
    numbered = [(n, r) for n, r in enumerate(raw, start=1) if any(r)]
    if not numbered:
        raise InputError(f"{path}：{spec.title}是空的，至少需要表头一行")
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
    if problems:
        raise InputError(problems)
    return rows
