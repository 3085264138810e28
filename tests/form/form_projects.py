"""The self-assessment project the form is checked on (``write_form_project``), and LibreOffice's
recalculation of a workbook (``recalculated``).

The project is the synthetic self-assessment-2020 project (every scoring rule, 不适用 indicators,
a deduction, a banded and an interpolated indicator, and what the form needs besides), with its
budget execution rate scored as one indicator (完成率 of 全年执行数 over 全年预算数, 10 分) and an
annual goal and result written in Markdown; its form has no 待填写 cell.
"""

import csv
import shutil
import subprocess
from pathlib import Path

import yaml
from openpyxl import load_workbook

from framework_projects import write_project

FRAMEWORK = "self-assessment-2020"
# The 实际完成情况 as analysts write it: a placeholder, a line broken between Chinese characters,
# emphasis, a list, and characters Markdown escapes.
RESULT = ("完成主要产出，执行率 {{ rates.execution.value }}，\n满意度 75%。\n\n"
          "1. *偏差*：两项未达标\n2. 改进 <措施> & 计划 $x$")


def write_form_project(root: Path) -> Path:
    params = write_project(root, FRAMEWORK)
    data = root / "data" / FRAMEWORK
    with (data / "indicators.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    budget = [r for r in rows if r["二级指标"] == "A1"]
    budget[0].update({"三级指标": "预算执行率", "满分值": "10", "评分方法": "完成率", "不适用": "", "评分值": "",
                      "评分参数": "实际=budget.spent; 目标=budget.total", "评分理由": ""})
    rows = [r for r in rows if r not in budget[1:]]
    with (data / "indicators.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    raw = yaml.safe_load(params.read_text(encoding="utf-8"))
    raw["texts"].update({"annual_goal": "完成全部产出，服务对象满意度达到 **90%** 以上。",
                         "annual_result": RESULT})
    params.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return params


def recalculated(workbook: Path, folder: Path):
    """The workbook as LibreOffice computes it (headless, its own profile): values only."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run([soffice, f"-env:UserInstallation=file://{folder / 'profile'}", "--headless",
                           "--convert-to", "xlsx", "--outdir", str(folder / "lo"), str(workbook)],
                          capture_output=True, text=True, timeout=600)
    out = folder / "lo" / workbook.name
    assert out.is_file(), done.stdout + done.stderr
    return load_workbook(out, data_only=True)


def formula_cells(path: Path) -> dict[str, dict[str, str]]:
    """Every formula cell of a workbook, by sheet and cell."""
    book = load_workbook(path)
    return {ws.title: {c.coordinate: c.value for row in ws.iter_rows() for c in row
                       if isinstance(c.value, str) and c.value.startswith("=")} for ws in book.worksheets}


def cells(sheet) -> dict[str, object]:
    """Every non-empty cell of a sheet, with its number format."""
    return {c.coordinate: (c.value, c.number_format) for row in sheet.iter_rows() for c in row if c.value is not None}
