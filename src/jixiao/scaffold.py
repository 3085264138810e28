"""``jixiao new``: start a project from a shipped framework, or from last year's project.

From a framework it writes ``params/<name>.yaml`` and ``data/<name>/`` with an Excel
scoring sheet (indicator tree, weights, drop-down lists for rules, a 汇总 sheet of
subtotals that leave out 不适用 rows and count the rows jixiao still has to compute),
stub texts and an analysis file, all marked 待填写, the report date included. ``--from``
copies last year's parameter file and data with the year advanced, the scores and the
report date cleared and ``previous`` pointing back, so the report compares the two years.
"""

import csv
import io
import re
import shutil
import tempfile
from datetime import date
from pathlib import Path

import yaml
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from . import limits
from .inputs import frameworks
from .errors import InputError
from .inputs.files import regular_files
from .config import DEFAULT_OUTLINE, notebooks_dir
from .inputs.chapters import read_asks
from .inputs.outline import outline_path, read_outline
from .inputs.params import PENDING, read_yaml, validate_params
from .inputs.tables import SPECS
from .scoring.rules import MANUAL, RULE_NAMES

SHEET = "指标评分表"
SUMMARY = "汇总"
HINT = "填写提示"  # how to score the row (the framework's hint); not a column jixiao reads, so never printed
COLUMNS = [c.header for c in SPECS["indicators"].columns if c.key != "analysis"] + [HINT]
WIDTHS = {"三级指标": 36, "评分参数": 36, "评分理由": 30, "评分标准": 60, "评分方法": 12, "百分制得分": 10,
          "指标编码": 10, HINT: 50}
NOTES = [
    "说明：",
    "1. 适用满分值、评分值合计、待计算指标数都不含「不适用」填「是」的指标；整组不适用时得分率显示「不适用」。",
    "2. 评分方法不是「手工」的指标由 jixiao 按规则计算，评分值可以不填，这里计入「待计算指标数」；"
    "若填写，jixiao check 会核对与计算结果是否一致。有待计算指标时不显示得分率和总分。",
    "3. 填写了百分制得分（0–100）的指标，评分值 = 百分制得分 × 满分值 ÷ 100，四舍五入到两位。",
    "4. 总分 = 评分值合计 ÷ 适用满分值合计 × 100（有不适用指标时按百分制折算），以 jixiao check 和报告为准。",
]


def framework_outline(root: Path, raw: dict):
    """The outline a framework names (the template's)."""
    templates = notebooks_dir(root)
    return read_outline(outline_path(raw.get("outline") or DEFAULT_OUTLINE, root, templates, raw["name"]), templates)


def required_texts(outline) -> dict[str, str]:
    """The texts an outline's chapters require, with the heading each stands under."""
    asks = read_asks([c.notebook for c in outline.chapters])
    return {key: asks.titles[key] for key, required in asks.texts.items() if required}


def _targets(root: Path, name: str) -> tuple[Path, Path]:
    params, data = root / "params" / f"{name}.yaml", root / "data" / name
    for path in (params, data):
        if path.exists():
            raise InputError(f"{path} 已存在：请换一个项目名称，或先移走原有文件")
    return params, data


def new_from_framework(root: Path, name: str, framework: str, year: int | None = None) -> Path:
    """Write a fresh project for ``framework``; return its parameter file."""
    raw = frameworks.load(framework)
    params_path, data = _targets(root, name)
    year = year or date.today().year - 1
    (data / "texts").mkdir(parents=True)
    write_sheet(data / "indicators.xlsx", raw)
    (data / "budget_lines.csv").write_text("序号,子项目名称,预算金额\n", encoding="utf-8")
    (data / "analysis.md").write_text(
        "".join(f"## {i['code']}\n\n（{PENDING}：{i['name']}的评价依据与分析）\n\n" for i in frameworks.indicators(raw)),
        encoding="utf-8")
    outline = framework_outline(root, raw)
    stubs = required_texts(outline)
    for key, title in stubs.items():
        (data / "texts" / f"{key}.md").write_text(f"（{PENDING}：{title}）\n", encoding="utf-8")
    params_path.parent.mkdir(parents=True, exist_ok=True)
    cover = {name.removeprefix("project.") for _, name in outline.cover}
    params_path.write_text(_params_text(name, year, raw, stubs, cover, outline.kind), encoding="utf-8")
    return params_path


def _params_text(name: str, year: int, raw: dict, stubs: dict[str, str], cover: set[str], kind: str = "评价") -> str:
    """The new parameter file: 自评 or 评价 as the outline names its work; the evaluation
    methods claim no survey (公众评判法 is for a project with a survey table: add it then)."""
    framework = {"framework": {"name": raw["name"], "dimensions": frameworks.tree(raw), "grades": raw["grades"],
                               "constraints": raw.get("constraints", [])}}
    texts = "\n".join(f"  {key}: texts/{key}.md   # {title}" for key, title in stubs.items())
    third_party = "".join(f"  {key}: {PENDING}\n" for key in ("commissioning_unit", "evaluator") if key in cover)
    return f"""# {year} 年度项目支出绩效{kind} —— 参数文件（由 jixiao new 生成，框架：{raw['title']}）
# 把所有「{PENDING}」换成实际内容；键的含义见 README「参数文件」一节。金额单位为元。

project:
  name: {PENDING}项目名称
  year: {year}
  implementing_unit: {PENDING}
  competent_department: {PENDING}
{third_party}  report_date: {PENDING}      # 报告日期，如 {year + 1}-06-30；待填写时可以 check，不能 run
  period: {year}年1月至{year}年12月

budget:
  total: 0          # 项目预算（元），须等于 budget_lines 合计
  spent: 0          # 实际支出（元）
  category: {PENDING}
  source: {PENDING}
  receipts: []      # 资金到位记录，如 - {{date: {year}-08, amount: 3200000}}

evaluation:
  methods:
    - name: 比较法
      description: 将绩效目标与实施效果、历史情况和同类项目进行比较，综合分析目标实现程度。
    - name: 因素分析法
      description: 综合分析影响绩效目标实现和实施效果的内外部因素。

# 指标体系：一级指标权重可调整（合计 100）；三级指标及满分值在 data/{name}/indicators.xlsx 中。
{yaml.safe_dump(framework, allow_unicode=True, sort_keys=False).rstrip()}

data_dir: ../data/{name}
data:
  indicators: {{file: indicators.xlsx, sheet: {SHEET}}}
  budget_lines: budget_lines.csv

texts:
{texts}

facts: {{}}
"""


ROOM = 300  # empty rows below the indicators that the validation and the 汇总 formulas cover


def _column(header: str) -> str:
    return get_column_letter(COLUMNS.index(header) + 1)


def write_sheet(path: Path, raw: dict) -> None:
    """The Excel scoring sheet: indicator rows with drop-downs, and a subtotal sheet. A
    framework indicator marked ``percent_scale`` gets a formula that weighs its 百分制得分."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append(COLUMNS)
    rows = frameworks.indicators(raw)
    top, criterion = _column("满分值"), _column("百分制得分")
    for n, ind in enumerate(rows, start=2):
        values = {"一级指标": ind["level1"], "二级指标": ind["level2"], "指标编码": ind["code"], "三级指标": ind["name"],
                  "满分值": ind["max"], "评分方法": MANUAL, "评分标准": ind.get("standard", ""), HINT: ind.get("hint", "")}
        if ind.get("percent_scale"):
            values["评分值"] = f'=IF({criterion}{n}="","",ROUND({criterion}{n}*{top}{n}/100,2))'
        sheet.append([values.get(header) for header in COLUMNS])
    last = len(rows) + 1 + ROOM  # rows added below the framework's keep their drop-downs and subtotals
    rules = DataValidation(type="list", formula1=f'"{",".join(RULE_NAMES)}"', allow_blank=True,
                           error="请从下拉列表中选择评分方法", showErrorMessage=True)
    applicable = DataValidation(type="list", formula1='"是"', allow_blank=True)
    scores = DataValidation(type="decimal", operator="between", formula1="0", formula2=f"{top}2", allow_blank=True,
                            error="评分值应在 0 到满分值之间", showErrorMessage=True)
    criteria = DataValidation(type="decimal", operator="between", formula1="0", formula2="100", allow_blank=True,
                              error="百分制得分应在 0 到 100 之间", showErrorMessage=True)
    for rule, header in ((rules, "评分方法"), (applicable, "不适用"), (scores, "评分值"), (criteria, "百分制得分")):
        column = _column(header)
        rule.add(f"{column}2:{column}{last}")
        sheet.add_data_validation(rule)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for header in COLUMNS:
        sheet.column_dimensions[_column(header)].width = WIDTHS.get(header, 8)
    sheet.freeze_panes = "A2"
    _subtotals(book.create_sheet(SUMMARY), raw, last)
    book.save(path)


def _subtotals(sheet, raw: dict, last: int) -> None:
    """Subtotals by level-1 and level-2 code that leave out 不适用 rows, count the rows
    still to be computed by jixiao (rule-scored or not filled in), and give the rate on the
    applicable maximum only when nothing is pending; then the total, rescaled to 100."""
    def span(header):
        column = _column(header)
        return f"'{SHEET}'!${column}$2:${column}${last}"

    top, score, na = span("满分值"), span("评分值"), span("不适用")
    applicable = f'{na},"<>是"'
    sheet.append(["编码", "名称", "满分值", "适用满分值", "评分值合计", "待计算指标数", "得分率"])
    row, dimension_rows = 2, []
    for dim in raw["dimensions"]:
        dimension_rows.append(row)
        levels = [(dim["code"], dim["name"], span("一级指标"))]
        levels += [(g["code"], g["name"], span("二级指标")) for g in dim["groups"]]
        for code, name, level in levels:
            sheet.append([code, name,
                          f"=SUMIF({level},A{row},{top})",
                          f"=SUMIFS({top},{level},A{row},{applicable})",
                          f"=SUMIFS({score},{level},A{row},{applicable})",
                          f'=COUNTIFS({level},A{row},{applicable},{score},"")',
                          _rate(row)])
            row += 1
    # pending: the dimensions' counts (the empty rows kept below the indicators are in no dimension)
    sheet.append(["合计", "", f"=SUM({top})", f"=SUMIFS({top},{applicable})", f"=SUMIFS({score},{applicable})",
                  "=" + "+".join(f"F{r}" for r in dimension_rows), _rate(row)])
    total = row
    sheet.append(["总分", "评分值合计 ÷ 适用满分值合计 × 100", 100, "",
                  f'=IF(D{total}=0,"不适用",IF(F{total}>0,"待计算",ROUND(E{total}/D{total}*100,2)))'])
    for n in range(2, total + 1):
        sheet.cell(n, 7).number_format = "0.00%"
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.append([])
    for note in NOTES:
        sheet.append([note])
        sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=7)
        sheet.cell(sheet.max_row, 1).alignment = Alignment(wrap_text=True, vertical="top")
        sheet.row_dimensions[sheet.max_row].height = 30
    for column, width in zip("ABCDEFG", (8, 30, 8, 10, 10, 12, 10)):
        sheet.column_dimensions[column].width = width


def _rate(row: int) -> str:
    return f'=IF(D{row}=0,"不适用",IF(F{row}>0,"待计算",E{row}/D{row}))'


def new_from_previous(root: Path, name: str, previous: Path) -> Path:
    """Copy last year's project: year advanced, scores cleared, ``previous`` set. Last year's
    project passes ``check`` first (the same limits), and the copy is made aside and moved into
    place whole, so a refused or failed copy leaves nothing behind."""
    from .project import load_project

    raw = read_yaml(previous)
    validate_params(raw, str(previous))
    params_path, data = _targets(root, name)
    try:
        old = load_project(previous, with_previous=False)
    except InputError as exc:
        raise InputError([f"{previous}：上年项目未通过 jixiao check，请先改正："] + exc.messages) from None
    data.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".new-{name}-", dir=data.parent))
    try:
        _copy_data(old.data_dir, staging)
        _write_from_previous(raw, previous, name, params_path, staging)
        staging.rename(data)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        params_path.unlink(missing_ok=True)
        raise
    return params_path


def _copy_data(source: Path, target: Path) -> None:
    """Last year's data folder: its regular files inside it (no link out, no FIFO), within the size limit."""
    files = list(regular_files(source))
    size = sum(f.stat().st_size for f in files)
    if size > limits.DATA_FOLDER_BYTES:
        raise InputError(f"{source}：数据目录共 {size / limits.MB:.0f} MB，超过上限 {limits.DATA_FOLDER_BYTES / limits.MB:g} MB"
                         "（见 README「输入限制」），请先移走与报告无关的文件")
    for path in files:
        copy = target / path.relative_to(source)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, copy)


def _write_from_previous(raw: dict, previous: Path, name: str, params_path: Path, data: Path) -> None:
    year = int(raw["project"]["year"])
    text = previous.read_text(encoding="utf-8-sig")
    text = re.sub(r"(?m)^(\s+year:\s*)\d{4}", lambda m: f"{m.group(1)}{year + 1}", text, count=1)
    text = re.sub(r"(?m)^(\s+name:\s*)" + str(year), lambda m: f"{m.group(1)}{year + 1}", text, count=1)
    text = re.sub(r"(?m)^(\s+report_date:\s*).*$", lambda m: f"{m.group(1)}{PENDING}", text, count=1)
    # last year's period is not this year's: to fill in again (check lists it)
    text = re.sub(r"(?m)^(\s+period:\s*).*$", lambda m: f"{m.group(1)}{PENDING}", text, count=1)
    text = re.sub(r"(?m)^data_dir:.*$", f"data_dir: ../data/{name}", text, count=1)
    text = re.sub(r"(?m)^previous:.*\n?", "", text)
    relative = Path("..") / "params" / previous.name if previous.parent.name == "params" else previous.resolve()
    text = text.rstrip("\n") + f"\n\n# 上年参数文件：报告评价结论中加入与上年的得分对比\nprevious: {relative.as_posix()}\n"
    ref = raw["data"]["indicators"]
    file, sheet = (ref, None) if isinstance(ref, str) else (ref["file"], ref.get("sheet"))
    clear_scores(data / file, sheet)
    params_path.parent.mkdir(parents=True, exist_ok=True)
    params_path.write_text(text, encoding="utf-8")


def clear_scores(path: Path, sheet: str | None = None) -> None:
    """Empty the typed 评分值, 百分制得分 and last year's 评分理由 of an indicator table (CSV or
    xlsx); formulas stay."""
    headers = ("评分值", "百分制得分", "评分理由")
    if path.suffix.lower() == ".csv":
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
        columns = [rows[0].index(h) for h in headers if h in rows[0]]
        for row in rows[1:]:
            for column in columns:
                if column < len(row):
                    row[column] = ""
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(rows)
        path.write_text(buffer.getvalue(), encoding="utf-8")
        return
    book = load_workbook(path)
    ws = book[sheet] if sheet else book.worksheets[0]
    header = [c.value for c in ws[1]]
    for column in [header.index(h) + 1 for h in headers if h in header]:
        for row in range(2, ws.max_row + 1):
            cell = ws.cell(row, column)
            if not (isinstance(cell.value, str) and cell.value.startswith("=")):
                cell.value = None
    book.save(path)
