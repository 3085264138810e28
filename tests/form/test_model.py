"""The form as data: every figure from the validated project, 待填写 where it has none."""

from decimal import Decimal

import pytest
import yaml

from conftest import copy_example
from form_projects import write_form_project
from jixiao.errors import InputError
from jixiao.form.model import build_form, plain_text
from jixiao.project import load_project


@pytest.fixture(scope="module")
def form(tmp_path_factory):
    return build_form(load_project(write_form_project(tmp_path_factory.mktemp("form"))))


def _row(form, rule_name):
    return next(r for r in form.rows if r.name == rule_name)


def test_rule_inputs_give_the_target_and_the_actual_with_the_comparison(form):
    by_code = {r.code: (r.target, r.actual) for r in form.rows}
    assert ("≥100", "88") in by_code.values()  # 完成率: 实际=facts.实际产出数; 目标=facts.计划产出数
    assert ("≤100", "110") in by_code.values()  # 反向完成率
    assert ("≥95", "83.33") in by_code.values()  # 插值 60:0, 95:满分 — the anchor that earns full marks
    assert ("≤0", "3") in by_code.values()  # 分档 越低越好
    assert ("≤0", "12") in by_code.values()  # 扣分 方向=超出
    assert ("≥90%", "75.00%") in by_code.values()  # 满意度 from the answers
    assert ("2项要点", "达到1项") in by_code.values()  # 重点得分


def test_the_budget_block_is_the_budget_execution_rate_and_the_sheet_can_compute_it(form):
    assert form.budget_max == 10 and form.budget_score == Decimal("9.20") and form.budget_formula
    assert [f.label for f in form.funds] == ["年度资金总额", "其中：当年财政拨款", "上年结转资金", "其他资金"]
    assert [f.total for f in form.funds] == [100, 90, 10, 0]  # 万元
    assert form.funds[0].rate == Decimal("0.92")
    assert all(r.name != "预算执行率" for r in form.rows)


def test_totals_and_grade_are_the_scorecards_exactly(tmp_path):
    project = load_project(write_form_project(tmp_path))
    form = build_form(project)
    assert form.total == project.card.total and form.grade == project.card.grade
    assert sum(r.max for r in form.rows) + form.budget_max == 100
    assert any(r.score is None and r.target == "≥95%" for r in form.rows)  # 不适用 keeps its columns


def test_the_annual_goal_is_plain_text(form):
    assert form.goal == "完成全部产出，服务对象满意度达到 90% 以上。"
    assert plain_text("**加粗**与\\*星号\\*，[链接](https://example.com)\n\n## 标题") == "加粗与*星号*，链接\n标题"
    assert plain_text("*强调*与 \\_下划线\\_\n\n1.  第一\n2.  第二\n\n-   甲\n    -   乙") == "强调与 _下划线_\n1. 第一\n2. 第二\n- 甲\n    - 乙"
    assert form.result == "完成主要产出，执行率 92.00%，满意度 75%。\n1. 偏差：两项未达标\n2. 改进 <措施> & 计划 $x$"


def test_what_the_project_does_not_give_is_pending_and_named(tmp_path):
    form = build_form(load_project(copy_example(tmp_path)))
    assert form.funds[0].initial is None and form.funds[1].total is None
    assert form.goal == "待填写"
    assert any("budget 中填写 initial" in p for p in form.pending)
    assert any("texts 中写 annual_goal" in p for p in form.pending)
    manual = [p for p in form.pending if "第 2 行（指标 A101）" in p]
    assert manual and "『年度指标值』和『实际完成值』" in manual[0] and "indicators.csv" in manual[0]
    below = next(r for r in form.rows if r.score is not None and r.score < r.max)
    assert below.deviation == "待填写"


def test_a_project_without_budget_figures_has_no_form(tmp_path):
    params = write_form_project(tmp_path)
    raw = yaml.safe_load(params.read_text(encoding="utf-8"))
    raw["budget"].update(total=0, spent=0, receipts=[])
    del raw["budget"]["funds"], raw["budget"]["initial"]
    params.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    data = tmp_path / "data" / "self-assessment-2020"
    (data / "budget_lines.csv").write_text("序号,子项目名称,预算金额\n1,设备购置,0\n", encoding="utf-8")
    table = (data / "indicators.csv").read_text(encoding="utf-8")
    table = table.replace("完成率,实际=budget.spent; 目标=budget.total", "手工,").replace(",预算执行率,10,,", ",预算执行率,10,0,")
    (data / "indicators.csv").write_text(table.replace("预算执行率,10,0,,手工,,,", "预算执行率,10,0,,手工,,,未支出"),
                                         encoding="utf-8")
    with pytest.raises(InputError) as caught:
        build_form(load_project(params))
    assert "budget.total（全年预算数）为 0" in caught.value.messages[0] and str(params) in caught.value.messages[0]


def test_the_sources_of_the_money_must_add_up(tmp_path):
    params = write_form_project(tmp_path)
    raw = yaml.safe_load(params.read_text(encoding="utf-8"))
    raw["budget"]["funds"]["carryover"]["spent"] = 1
    params.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_project(params)
    assert any("budget.funds 各来源的 spent（全年执行数）合计 850001.00 元" in m for m in caught.value.messages)


def test_a_reference_in_a_goal_reads_as_words_in_the_form_alone(tmp_path):
    """「预算见 @tbl-budget_lines 和表格」: the report annexing the form numbers the reference (表 1-1); the
    form printed on its own (xlsx, docx, pdf) is made before any chapter runs and names the report's
    exhibit in words, never the internal token."""
    import io

    import docx
    import openpyxl
    import yaml

    from jixiao.form.output import form_files
    from jixiao.pieces.form_tables import goals

    params = copy_example(tmp_path)
    data = yaml.safe_load(params.read_text(encoding="utf-8"))
    data["texts"]["annual_goal"] = "完成数据归集和平台运维，预算见 @tbl-budget_lines 和表格。"
    data["texts"]["annual_result"] = "基本完成。"
    params.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    form = build_form(load_project(params))
    # the report annexing the form numbers the reference: its token reaches the stitcher whole
    assert "⟦ref:budget_lines⟧" in form.goal and "预算见 ⟦ref:budget_lines⟧ 和表格。" in goals(form)
    files = form_files(form)
    sheet = openpyxl.load_workbook(io.BytesIO(files["自评表.xlsx"]))
    cells = [v for ws in sheet for row in ws.iter_rows(values_only=True) for v in row if isinstance(v, str)]
    word = [c.text for t in docx.Document(io.BytesIO(files["自评表.docx"])).tables for r in t.rows for c in r.cells]
    for texts in (cells, word):
        assert "完成数据归集和平台运维，预算见评价报告中的相应图表和表格。" in texts
        assert not any("⟦" in t for t in texts)
