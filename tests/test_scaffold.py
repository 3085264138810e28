"""`jixiao new`: from each shipped framework to a report, and from last year's project."""

import json

import pytest
import yaml
from openpyxl import load_workbook

from conftest import EXAMPLE, jixiao
from conftest import FRAMEWORK_WEIGHTS


def _fill(sheet_path, fraction=0.8):
    book = load_workbook(sheet_path)
    sheet = book["指标评分表"]
    header = [c.value for c in sheet[1]]
    score, reason, full = header.index("评分值") + 1, header.index("评分理由") + 1, header.index("满分值") + 1
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row, score).value = round(sheet.cell(row, full).value * fraction, 2)
        sheet.cell(row, reason).value = "测试评分"
    book.save(sheet_path)


def test_generated_sheet_has_dropdowns_and_subtotals(tmp_path):
    assert jixiao("new", "demo", "--framework", "national-2020", "--root", tmp_path).returncode == 0
    book = load_workbook(tmp_path / "data" / "demo" / "indicators.xlsx")
    sheet = book["指标评分表"]
    lists = [v.formula1 for v in sheet.data_validations.dataValidation if v.type == "list"]
    assert any("完成率" in f and "手工" in f and "功效系数" in f for f in lists)
    formulas = [c.value for row in book["汇总"].iter_rows(min_row=2) for c in row if isinstance(c.value, str)]
    assert any(f.startswith("=SUMIF(") for f in formulas) and any(f.startswith("=SUM(") for f in formulas)


def test_new_refuses_to_overwrite(tmp_path):
    assert jixiao("new", "demo", "--framework", "shanghai-abc", "--root", tmp_path).returncode == 0
    again = jixiao("new", "demo", "--framework", "shanghai-abc", "--root", tmp_path)
    assert again.returncode == 1 and "已存在" in again.stderr


def test_unfilled_project_fails_check_with_a_clear_message(tmp_path):
    jixiao("new", "demo", "--framework", "self-assessment-2020", "--root", tmp_path)
    done = jixiao("check", tmp_path / "params" / "demo.yaml")
    assert done.returncode == 1 and "手工评分须填写『评分值』和『评分理由』" in done.stderr


@pytest.mark.parametrize("framework", sorted(FRAMEWORK_WEIGHTS))
def test_new_fill_run(framework, tmp_path):
    assert jixiao("new", "demo", "--framework", framework, "--root", tmp_path).returncode == 0
    _fill(tmp_path / "data" / "demo" / "indicators.xlsx")
    params = tmp_path / "params" / "demo.yaml"
    check = jixiao("check", params)
    assert check.returncode == 0, check.stderr
    assert "待填写" in check.stdout  # the stubs are reported, not hidden
    done = jixiao("run", params, "--engine", "builtin", "--to", "html", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    summary = json.loads((tmp_path / "output" / "demo" / "summary.json").read_text(encoding="utf-8"))
    assert {d["code"]: int(d["weight"]) for d in summary["dimensions"]} == FRAMEWORK_WEIGHTS[framework]
    assert summary["framework"] == framework and summary["total"] == "80.00"


def test_from_last_year(example):
    root = example.parent.parent
    done = jixiao("new", "shanghai-credit-2019", "--from", example, "--root", root)
    assert done.returncode == 0, done.stderr
    params = root / "params" / "shanghai-credit-2019.yaml"
    raw = yaml.safe_load(params.read_text(encoding="utf-8"))
    assert raw["project"]["year"] == 2019 and raw["project"]["name"].startswith("2019年")
    assert raw["data_dir"] == "../data/shanghai-credit-2019" and raw["previous"] == f"../params/{EXAMPLE}.yaml"
    assert "# 2018 年上海市公共信用信息服务中心专项" in params.read_text(encoding="utf-8")  # comments kept
    table = (root / "data" / "shanghai-credit-2019" / "indicators.csv").read_text(encoding="utf-8")
    assert ",1.5,1.5,手工," not in table and ",1.5,,手工," in table
    check = jixiao("check", params)
    assert check.returncode == 1 and "A101" in check.stderr and "『评分值』" in check.stderr
