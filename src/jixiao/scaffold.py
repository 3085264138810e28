"""``jixiao new``: start a project from a shipped framework, or from last year's project.

From a framework it writes ``params/<name>.yaml`` and ``data/<name>/`` with an Excel
scoring sheet (indicator tree, weights, drop-down lists for rules, subtotal formulas),
stub texts and an analysis file, all marked 待填写. ``--from`` copies last year's
parameter file and data with the year advanced, the scores cleared and ``previous``
pointing back, so the report compares the two years.
"""

import csv
import io
import re
import shutil
from datetime import date
from pathlib import Path

import yaml
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from .inputs import frameworks
from .errors import InputError
from .inputs.params import read_yaml, validate_params
from .scoring.rules import RULE_NAMES
from .config import DEFAULT_OUTLINE, notebooks_dir
from .inputs.chapters import read_asks
from .inputs.outline import outline_path, read_outline

SHEET = "指标评分表"
COLUMNS = ["一级指标", "二级指标", "指标编码", "三级指标", "满分值", "评分值", "评分方法", "评分参数",
           "不适用", "评分理由", "评分标准"]
PENDING = "待填写"


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
    params_path.write_text(_params_text(name, year, raw, stubs, cover), encoding="utf-8")
    return params_path


def _params_text(name: str, year: int, raw: dict, stubs: dict[str, str], cover: set[str]) -> str:
    framework = {"framework": {"name": raw["name"], "dimensions": frameworks.tree(raw), "grades": raw["grades"],
                               "constraints": raw.get("constraints", [])}}
    texts = "\n".join(f"  {key}: texts/{key}.md   # {title}" for key, title in stubs.items())
    third_party = "".join(f"  {key}: {PENDING}\n" for key in ("commissioning_unit", "evaluator") if key in cover)
    return f"""# {year} 年度项目支出绩效评价 —— 参数文件（由 jixiao new 生成，框架：{raw['title']}）
# 把所有「{PENDING}」换成实际内容；键的含义见 README「参数文件」一节。金额单位为元。

project:
  name: {PENDING}项目名称
  year: {year}
  implementing_unit: {PENDING}
  competent_department: {PENDING}
{third_party}  report_date: {date.today().isoformat()}
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
    - name: 公众评判法
      description: 通过问卷调查和访谈收集服务对象的评价，衡量满意程度。

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


def write_sheet(path: Path, raw: dict) -> None:
    """The Excel scoring sheet: indicator rows with drop-downs, and a subtotal sheet."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append(COLUMNS)
    rows = frameworks.indicators(raw)
    for ind in rows:
        sheet.append([ind["level1"], ind["level2"], ind["code"], ind["name"], ind["max"], None, "手工", None,
                      None, None, ind.get("standard", "")])
    last = len(rows) + 1
    rules = DataValidation(type="list", formula1=f'"{",".join(RULE_NAMES)}"', allow_blank=True,
                           error="请从下拉列表中选择评分方法", showErrorMessage=True)
    applicable = DataValidation(type="list", formula1='"是"', allow_blank=True)
    score = DataValidation(type="decimal", operator="between", formula1="0", formula2="E2", allow_blank=True,
                           error="评分值应在 0 到满分值之间", showErrorMessage=True)
    for rule, cells in ((rules, f"G2:G{last}"), (applicable, f"I2:I{last}"), (score, f"F2:F{last}")):
        rule.add(cells)
        sheet.add_data_validation(rule)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for column, width in zip("ABCDEFGHIJK", (8, 8, 10, 36, 8, 8, 12, 36, 8, 30, 60)):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    _subtotals(book.create_sheet("汇总"), raw, last)
    book.save(path)


def _subtotals(sheet, raw: dict, last: int) -> None:
    """SUMIF subtotals by level-1 and level-2 code, so the sheet checks itself in Excel."""
    sheet.append(["编码", "名称", "满分值", "评分值", "得分率"])
    ref = f"'{SHEET}'!"
    row = 2
    for dim in raw["dimensions"]:
        for code, name, column in [(dim["code"], dim["name"], "A")] + [(g["code"], g["name"], "B") for g in dim["groups"]]:
            sheet.append([code, name,
                          f"=SUMIF({ref}${column}$2:${column}${last},A{row},{ref}$E$2:$E${last})",
                          f"=SUMIF({ref}${column}$2:${column}${last},A{row},{ref}$F$2:$F${last})",
                          f'=IF(C{row}=0,"",D{row}/C{row})'])
            sheet.cell(row, 5).number_format = "0.00%"
            row += 1
    sheet.append(["合计", "", f"=SUM({ref}$E$2:$E${last})", f"=SUM({ref}$F$2:$F${last})", f'=IF(C{row}=0,"",D{row}/C{row})'])
    sheet.cell(row, 5).number_format = "0.00%"
    for cell in sheet[1]:
        cell.font = Font(bold=True)


def new_from_previous(root: Path, name: str, previous: Path) -> Path:
    """Copy last year's project: year advanced, scores cleared, ``previous`` set."""
    raw = read_yaml(previous)
    validate_params(raw, str(previous))
    params_path, data = _targets(root, name)
    old_data = (previous.parent / raw["data_dir"]).resolve()
    shutil.copytree(old_data, data)
    year = int(raw["project"]["year"])
    text = previous.read_text(encoding="utf-8-sig")
    text = re.sub(r"(?m)^(\s+year:\s*)\d{4}", lambda m: f"{m.group(1)}{year + 1}", text, count=1)
    text = re.sub(r"(?m)^(\s+name:\s*)" + str(year), lambda m: f"{m.group(1)}{year + 1}", text, count=1)
    text = re.sub(r"(?m)^(\s+report_date:\s*).*$", lambda m: f"{m.group(1)}{date.today().isoformat()}", text, count=1)
    text = re.sub(r"(?m)^data_dir:.*$", f"data_dir: ../data/{name}", text, count=1)
    text = re.sub(r"(?m)^previous:.*\n?", "", text)
    relative = Path("..") / "params" / previous.name if previous.parent.name == "params" else previous.resolve()
    text = text.rstrip("\n") + f"\n\n# 上年参数文件：报告评价结论中加入与上年的得分对比\nprevious: {relative.as_posix()}\n"
    params_path.parent.mkdir(parents=True, exist_ok=True)
    params_path.write_text(text, encoding="utf-8")
    ref = raw["data"]["indicators"]
    file, sheet = (ref, None) if isinstance(ref, str) else (ref["file"], ref.get("sheet"))
    clear_scores(data / file, sheet)
    return params_path


def clear_scores(path: Path, sheet: str | None = None) -> None:
    """Empty the 评分值 column of an indicator table (CSV or xlsx)."""
    if path.suffix.lower() == ".csv":
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
        column = rows[0].index("评分值")
        for row in rows[1:]:
            if column < len(row):
                row[column] = ""
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(rows)
        path.write_text(buffer.getvalue(), encoding="utf-8")
        return
    book = load_workbook(path)
    ws = book[sheet] if sheet else book.worksheets[0]
    header = [c.value for c in ws[1]]
    column = header.index("评分值") + 1
    for row in range(2, ws.max_row + 1):
        ws.cell(row, column).value = None
    book.save(path)
