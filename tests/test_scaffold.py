"""`jixiao new`: from each shipped framework to a report, and from last year's project."""

import json

import pytest
import yaml
from openpyxl import load_workbook

from conftest import EXAMPLE, jixiao
from conftest import FRAMEWORK_WEIGHTS


def _fill(sheet_path, fraction=0.8):
    """Score every row at ``fraction`` of full marks: typed, or as a 百分制得分 where the
    sheet weighs one by formula."""
    book = load_workbook(sheet_path)
    sheet = book["指标评分表"]
    header = [c.value for c in sheet[1]]
    score, reason, full = header.index("评分值") + 1, header.index("评分理由") + 1, header.index("满分值") + 1
    criterion = header.index("百分制得分") + 1
    form = {header.index(h) + 1: value for h, value in (("年度指标值", "≥100%"), ("实际完成值", "100%"), ("偏差原因", "无"))}
    for row in range(2, sheet.max_row + 1):
        for column, value in form.items():  # the self-assessment form's columns
            sheet.cell(row, column).value = value
        if str(sheet.cell(row, score).value).startswith("="):
            sheet.cell(row, criterion).value = fraction * 100
        else:
            sheet.cell(row, score).value = round(sheet.cell(row, full).value * fraction, 2)
        sheet.cell(row, reason).value = "测试评分"
    book.save(sheet_path)


def _write_everything(root, name="demo"):
    """Replace every 待填写 the way an analyst finishes a project: texts, analyses, cover, budget."""
    data = root / "data" / name
    for path in [*data.glob("texts/*.md"), data / "analysis.md"]:
        path.write_text(path.read_text(encoding="utf-8").replace("待填写", "已核实"), encoding="utf-8")
    (data / "budget_lines.csv").write_text("序号,子项目名称,预算金额\n1,设备购置,600000\n2,运行维护,400000\n",
                                            encoding="utf-8")
    params = root / "params" / f"{name}.yaml"
    text = params.read_text(encoding="utf-8").replace("total: 0 ", "total: 1000000 ").replace("spent: 0 ", "spent: 950000 ")
    params.write_text(text.replace("待填写项目名称", "2020年测试专项").replace("report_date: 待填写", "report_date: 2021-06-30")
                      .replace("待填写", "测试单位"), encoding="utf-8")
    raw = yaml.safe_load(params.read_text(encoding="utf-8"))  # what the self-assessment form needs besides
    raw["budget"].update(initial=1000000, funds={"appropriation": {"initial": 1000000, "total": 1000000, "spent": 950000}})
    raw["texts"].update(annual_goal="完成全部产出。", annual_result="完成主要产出。")
    params.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")


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


def test_check_lists_every_place_still_to_fill(tmp_path):
    """`run` refuses a project with anything 待填写 and says `jixiao check` lists them all: it does,
    down to the last indicator's analysis, not the first eight and 「等 24 处」."""
    jixiao("new", "demo", "--framework", "self-assessment-2020", "--root", tmp_path)
    _fill(tmp_path / "data" / "demo" / "indicators.xlsx")
    check = jixiao("check", tmp_path / "params" / "demo.yaml")
    assert check.returncode == 0, check.stderr
    for place in ("project.report_date", "budget.total（为 0）", "texts.suggestions", "A101 的分析", "D101 的分析"):
        assert place in check.stdout, place
    assert "等 " not in check.stdout and "（共 24 处）" in check.stdout


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
    assert "待填写" in check.stdout and "project.report_date" in check.stdout  # the stubs are reported, not hidden
    refused = jixiao("run", params, "--engine", "builtin", "--to", "html", cwd=tmp_path)
    assert refused.returncode == 1 and "待填写" in refused.stdout + refused.stderr
    _write_everything(tmp_path)
    assert "待填写" not in jixiao("check", params).stdout
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
    assert raw["project"]["report_date"] == "待填写"
    check = jixiao("check", params)
    assert check.returncode == 1 and "A101" in check.stderr and "『评分值』" in check.stderr


def test_report_date_is_left_to_fill_and_run_refuses_it(tmp_path):
    assert jixiao("new", "demo", "--framework", "shanghai-abc", "--root", tmp_path).returncode == 0
    params = tmp_path / "params" / "demo.yaml"
    assert yaml.safe_load(params.read_text(encoding="utf-8"))["project"]["report_date"] == "待填写"
    _fill(tmp_path / "data" / "demo" / "indicators.xlsx")
    done = jixiao("run", params, "--engine", "builtin", "--to", "html", cwd=tmp_path)
    assert done.returncode == 1 and "project.report_date 仍是「待填写」" in done.stdout + done.stderr
    assert not (tmp_path / "output" / "demo").exists()


# ---- the 汇总 sheet, evaluated as Excel would -------------------------------------------

def _evaluated(path) -> dict[str, object]:
    """Cell → value of every formula cell of the 汇总 sheet, computed by a formula engine."""
    import re

    import formulas  # a dev dependency: computes the sheet as Excel would

    solution = formulas.ExcelModel().loads(str(path)).finish().calculate()
    values = {}
    for key, cells in solution.items():
        match = re.fullmatch(r"'\[[^\]]+\](.+)'!([A-Z]+\d+)", key)
        if match and match.group(1) == "汇总":
            value = cells.value[0, 0]
            values[match.group(2)] = value if isinstance(value, str) else float(value)
    return values


def _rows(path):
    """汇总 rows by code: (C..G cells), and the evaluated values."""
    values = _evaluated(path)
    sheet = load_workbook(path)["汇总"]
    rows = {}
    for n in range(2, sheet.max_row + 1):
        code = sheet.cell(n, 1).value
        if code and not str(code).startswith(("说明", "1.", "2.", "3.", "4.")):
            rows[code] = [values.get(f"{c}{n}", sheet.cell(n, ord(c) - 64).value) for c in "CDEFG"]
    return rows


def _set(sheet_path, edits):
    book = load_workbook(sheet_path)
    sheet = book["指标评分表"]
    header = [c.value for c in sheet[1]]
    for row in range(2, sheet.max_row + 1):
        code = sheet.cell(row, header.index("指标编码") + 1).value
        for column, value in edits(code).items():
            sheet.cell(row, header.index(column) + 1).value = value
    book.save(sheet_path)


def _agrees_with_jixiao(rows, params):
    from decimal import Decimal

    from jixiao.project import load_project
    from jixiao.scoring.tree import printed

    figures = printed(load_project(params).card)
    for node in figures["dimensions"] + figures["groups"]:
        full, applicable, score, pending, rate = rows[node["code"]]
        assert (pending, Decimal(str(applicable))) == (0, Decimal(node["applicable_weight"])), node
        if node["score"] == "不适用":
            assert rate == "不适用", node
        else:
            assert f"{Decimal(str(score)):.2f}" == node["score"] and f"{Decimal(str(rate)) * 100:.2f}%" == node["rate"]
    assert f"{Decimal(str(rows['总分'][2])):.2f}" == figures["total"]


def test_summary_sheet_leaves_out_not_applicable_rows_and_waits_for_rules(tmp_path):
    assert jixiao("new", "demo", "--framework", "national-2020", "--root", tmp_path).returncode == 0
    sheet, params = tmp_path / "data" / "demo" / "indicators.xlsx", tmp_path / "params" / "demo.yaml"
    _fill(sheet, 0.75)

    def edits(code):
        if code.startswith("A1"):  # a wholly inapplicable group
            return {"不适用": "是", "评分值": None}
        if code == "B101":  # computed by jixiao: 90 ÷ 100 × 4 = 3.60
            return {"评分方法": "完成率", "评分参数": "实际=90; 目标=100", "评分值": None}
        if code == "C201":  # a zero
            return {"评分值": 0}
        return {}

    _set(sheet, edits)
    rows = _rows(sheet)
    assert rows["A1"] == [6, 0, 0, 0, "不适用"]
    assert rows["A"][:4] == [20, 14, 10.5, 0] and rows["A"][4] == pytest.approx(0.75)
    assert rows["B1"][3] == 1 and rows["B1"][4] == "待计算" and rows["B"][4] == "待计算"
    assert rows["C2"][2:] == [0, 0, 0]
    assert rows["合计"][:2] == [100, 94] and rows["合计"][3] == 1 and rows["总分"][2] == "待计算"

    _set(sheet, lambda code: {"评分值": 3.6} if code == "B101" else {})  # typed as jixiao computes it
    rows = _rows(sheet)
    assert rows["合计"][3] == 0 and rows["总分"][2] == pytest.approx(63.6 / 94 * 100, abs=0.005)
    _agrees_with_jixiao(rows, params)


def test_summary_sheet_weighs_percent_scores_as_jixiao_does(tmp_path):
    assert jixiao("new", "demo", "--framework", "ifi-loan-2019", "--root", tmp_path).returncode == 0
    sheet, params = tmp_path / "data" / "demo" / "indicators.xlsx", tmp_path / "params" / "demo.yaml"
    criteria = {"A101": 100, "B101": 77.39, "C101": 73.9, "D101": 92}
    _set(sheet, lambda code: {"百分制得分": criteria[code], "评分理由": "专家评分"})
    rows = _rows(sheet)
    assert [rows[c][2] for c in "ABCD"] == pytest.approx([20, 38.7, 14.78, 9.2])
    assert rows["总分"][2] == pytest.approx(82.68)
    _agrees_with_jixiao(rows, params)
    _set(sheet, lambda code: {"不适用": "是"} if code == "D101" else {})  # a criterion dropped: rescaled
    rows = _rows(sheet)
    assert rows["D"][4] == "不适用" and rows["总分"][2] == pytest.approx(81.64, abs=0.005)  # 73.48 ÷ 90
    _agrees_with_jixiao(rows, params)


def test_the_sheet_keeps_the_analysts_hints_out_of_the_published_standard(tmp_path):
    """评分标准 is printed in the report's annex; how to fill a row goes to 填写提示, which jixiao ignores."""
    assert jixiao("new", "demo", "--framework", "national-2020", "--root", tmp_path).returncode == 0
    sheet = load_workbook(tmp_path / "data" / "demo" / "indicators.xlsx")["指标评分表"]
    header = [c.value for c in sheet[1]]
    rows = {r[header.index("指标编码")]: dict(zip(header, r)) for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["B102"]["评分标准"] == "预算执行率 =（实际支出资金 ÷ 实际到位资金）× 100%。"
    assert rows["B102"]["填写提示"] == "可选评分方法：完成率，评分参数 实际=budget.spent; 目标=budget.received"
    assert rows["D201"]["填写提示"].endswith("锚点=60:0, 90:5")
    assert not any("可选评分方法" in (r["评分标准"] or "") or "budget." in (r["评分标准"] or "") for r in rows.values())


# ---------------------------------------------------------------- new --from within the limits

def _oversized_sheet(data):
    from jixiao import limits

    with open(data / "indicators.csv", "ab") as f:
        f.truncate(limits.TABLE_BYTES + 1)


def _linked_secret(data):
    secret = data.parent.parent.parent / "secret.md"
    secret.write_text("SECRET-FROM-ELSEWHERE", encoding="utf-8")
    (data / "texts" / "background.md").unlink()
    (data / "texts" / "background.md").symlink_to(secret)


def _broken_weights(data):
    table = data / "indicators.csv"
    table.write_text(table.read_text(encoding="utf-8").replace(",1.5,1.5,手工,", ",9.5,1.5,手工,", 1), encoding="utf-8")


@pytest.mark.parametrize("plant, words", [
    (_oversized_sheet, "超过上限 20 MB"), (_linked_secret, "符号链接"), (_broken_weights, "未通过 jixiao check"),
])
def test_new_from_a_project_check_refuses_leaves_nothing_behind(example, plant, words):
    """What check refuses, new --from refuses as fast, with check's message; no half-made project."""
    import time

    root = example.parent.parent
    plant(root / "data" / EXAMPLE)
    started = time.perf_counter()
    done = jixiao("new", "shanghai-credit-2019", "--from", example, "--root", root)
    assert done.returncode == 1 and words in done.stderr, done.stderr
    assert time.perf_counter() - started < 30
    assert not (root / "params" / "shanghai-credit-2019.yaml").exists()
    assert sorted(p.name for p in (root / "data").iterdir()) == [EXAMPLE]


def test_new_from_copies_no_link_out_of_the_data_folder(example):
    import os

    root = example.parent.parent
    data = root / "data" / EXAMPLE
    (root / "secret.png").write_bytes(b"SECRET")
    (data / "photo.png").symlink_to(root / "secret.png")
    os.mkfifo(data / "pipe")
    done = jixiao("new", "shanghai-credit-2019", "--from", example, "--root", root)
    assert done.returncode == 0, done.stderr
    copy = root / "data" / "shanghai-credit-2019"
    assert not (copy / "photo.png").exists() and not (copy / "pipe").exists()
    assert (copy / "texts" / "background.md").is_file()


def test_a_self_assessment_says_so_and_claims_no_third_party_or_survey(tmp_path):
    jixiao("new", "demo", "--framework", "self-assessment-2020", "--root", tmp_path)
    text = (tmp_path / "params" / "demo.yaml").read_text(encoding="utf-8")
    assert text.splitlines()[0].startswith("# ") and "项目支出绩效自评" in text.splitlines()[0]
    assert "commissioning_unit" not in text and "evaluator" not in text
    assert "问卷" not in text and "公众评判法" not in text


def test_an_indicator_row_added_below_counts_in_the_subtotals(tmp_path):
    """The scoring sheet grows with the indicators: a row typed under the last one keeps the
    drop-downs and enters the 汇总 sheet; the empty rows kept for it count as nothing."""
    assert jixiao("new", "demo", "--framework", "national-2020", "--root", tmp_path).returncode == 0
    sheet = tmp_path / "data" / "demo" / "indicators.xlsx"
    _fill(sheet, 0.75)
    before = _rows(sheet)
    assert before["合计"][3] == 0  # no empty row counted as pending
    book = load_workbook(sheet)
    table = book["指标评分表"]
    header = [c.value for c in table[1]]
    last = max(r for r in range(2, table.max_row + 1) if table.cell(r, header.index("指标编码") + 1).value)
    for column, value in {"一级指标": "A", "二级指标": "A1", "指标编码": "A199", "三级指标": "新增指标", "满分值": 2,
                          "评分值": 1, "评分方法": "手工"}.items():
        table.cell(last + 1, header.index(column) + 1).value = value
    ranges = [str(v.sqref) for v in table.data_validations.dataValidation]
    assert ranges and all(int(r.split(":")[1][1:]) > last + 100 for r in ranges)
    book.save(sheet)
    after = _rows(sheet)
    assert after["A1"][0] == before["A1"][0] + 2 and after["A1"][2] == pytest.approx(before["A1"][2] + 1)
    assert after["合计"][0] == before["合计"][0] + 2


def test_from_last_year_leaves_the_period_and_reasons_to_fill_and_check_flags_an_old_period(example):
    root = example.parent.parent
    assert jixiao("new", "shanghai-credit-2019", "--from", example, "--root", root).returncode == 0
    params = root / "params" / "shanghai-credit-2019.yaml"
    assert yaml.safe_load(params.read_text(encoding="utf-8"))["project"]["period"] == "待填写"
    table = (root / "data" / "shanghai-credit-2019" / "indicators.csv").read_text(encoding="utf-8")
    assert "不扣分。" not in table  # last year's 评分理由 are cleared with the scores
    example.write_text(example.read_text(encoding="utf-8").replace("period: 2018年1月至2018年12月",
                                                                   "period: 2017年1月至2017年12月"), encoding="utf-8")
    check = jixiao("check", example)
    assert check.returncode == 0 and "project.period「2017年1月至2017年12月」不含评价年度 2018 年" in check.stdout + check.stderr
