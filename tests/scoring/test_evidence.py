"""Scores computed from evidence in the example, disagreements, and not-applicable rescaling."""

import csv
from decimal import Decimal
import io

import pytest

from conftest import ROOT, jixiao, run_chapter
from jixiao.errors import InputError
from jixiao.project import load_project


def _edit_indicators(example, edit):
    path = example.parent.parent / "data" / "shanghai-credit-2018" / "indicators.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    for row in rows:
        edit(row)
    fields = list(dict.fromkeys(key for row in rows for key in row))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def test_example_rules_reproduce_the_published_scores():
    project = load_project(ROOT / "params" / "shanghai-credit-2018.yaml")
    card = project.card
    computed = {i.code: (i.rule, str(i.score)) for i in card.indicators if i.working}
    assert computed == {"B101": ("完成率", "4.00"), "C101": ("完成率", "4.40"), "C102": ("完成率", "5.00")}
    # the example prints scores trimmed (as its table 3-2): the working says 4.4 as the score sentence does
    assert "实际完成率 = 88 ÷ 100 = 88.00%，得分 = 5 × 88.00% = 4.4 分" == card.indicator("C101").working
    assert "783.82%" in card.indicator("C102").working
    assert str(card.total) == "90.71" and not project.warnings


def test_typed_score_disagreeing_with_rule_warns(example):
    def edit(row):
        if row["指标编码"] == "C101":
            row["评分值"] = "4.6"
    _edit_indicators(example, edit)
    project = load_project(example)
    assert str(project.card.indicator("C101").score) == "4.40"
    assert any("C101" in w and "4.6" in w and "4.4" in w for w in project.warnings)
    done = jixiao("check", example)
    assert done.returncode == 0 and "⚠" in done.stdout and "报告采用计算结果" in done.stdout


def test_manual_score_needs_a_reason(example):
    def edit(row):
        if row["指标编码"] == "A103":
            row["评分理由"] = ""
    _edit_indicators(example, edit)
    with pytest.raises(InputError) as err:
        load_project(example)
    assert "A103" in err.value.messages[0] and "『评分理由』" in err.value.messages[0]


def test_unknown_rule_and_bad_inputs_are_named(example):
    def edit(row):
        if row["指标编码"] == "A101":
            row["评分方法"] = "完成度"
        if row["指标编码"] == "C101":
            row["评分参数"] = "实际=facts.nothing; 目标=100"
    _edit_indicators(example, edit)
    with pytest.raises(InputError) as err:
        load_project(example)
    text = "\n".join(err.value.messages)
    assert "评分方法『完成度』不存在" in text and "facts.nothing" in text


def test_not_applicable_indicator_rescales_total(example, tmp_path):
    def edit(row):
        if row["指标编码"] == "B203":  # 1 mark, scored 0.5
            row["不适用"] = "是"
    _edit_indicators(example, edit)
    project = load_project(example)
    card = project.card
    assert str(card.raw_total) == "90.21" and card.applicable_weight == 99
    assert f"{card.total:.2f}" == "91.12"  # 90.21 ÷ 99 × 100 = 91.1212…
    text = run_chapter("03_conclusion", example, tmp_path)
    assert "其中B203 财务监控有效性不适用（满分合计 1 分）" in text
    assert "总得分 = 90.21 ÷ 99 × 100 = 91.12 分" in text
    assert "| B203 财务监控有效性" in text and "不适用" in text


def test_previous_year_comparison(example, tmp_path):
    last = example.parent / "last-year.yaml"
    last.write_text(example.read_text(encoding="utf-8"), encoding="utf-8")
    text = example.read_text(encoding="utf-8") + "\nprevious: last-year.yaml\n"
    example.write_text(text, encoding="utf-8")
    project = load_project(example)
    assert project.previous is not None and project.previous.previous is None
    text = run_chapter("03_conclusion", example, tmp_path)
    assert "上年度 90.71 分（优秀）" in text
    assert "| A 项目决策 | 9.25 | 9.25 | 0 |" in text  # the example prints scores trimmed


def test_review_appendix_lists_the_disagreement(example, tmp_path):
    def edit(row):
        if row["指标编码"] == "C101":
            row["评分值"] = "4.6"
    _edit_indicators(example, edit)
    shown = run_chapter("06_closing", example, tmp_path)
    assert "以下事项在校验中发现" in shown and "填写的评分值 4.6 与按「完成率」计算的 4.4 不一致" in shown


def test_survey_answers_become_group_rates(tmp_path):
    from jixiao.scoring.evidence import group_rates
    from jixiao.inputs.tables import SPECS, read_table

    path = tmp_path / "responses.csv"
    path.write_text("调查对象,Q1 查询便捷,Q2 服务态度\n社会公众,5,4\n社会公众,3,\n社会公众,2,5\n单位,4,很满意\n",
                    encoding="utf-8")
    problems = []
    rates = group_rates(read_table(SPECS["responses"], path), problems)
    assert rates == {"社会公众": (3, 5), "单位": (1, 1)}
    assert problems == [f"{path} 第 5 行『Q2 服务态度』：答案『很满意』应为 1–5 的整数（1 非常不满意 … 5 非常满意），未答请留空"]


def test_criterion_score_is_weighted_by_full_marks(example):
    def edit(row):
        row["百分制得分"] = ""
        if row["指标编码"] == "A101":  # 1.5 marks
            row["百分制得分"], row["评分值"] = "80", "1.5"
    _edit_indicators(example, edit)
    project = load_project(example)
    ind = project.card.indicator("A101")
    assert (ind.criterion, ind.score) == (Decimal(80), Decimal("1.20"))
    assert ind.working == "百分制得分 80 分，权重 1.5%，加权得分 = 80 × 1.5% = 1.2 分"
    assert any("A101" in w and "按百分制得分加权计算的 1.2 不一致" in w for w in project.warnings)


@pytest.mark.parametrize("criterion, rule, message", [
    ("120", "手工", "百分制得分 120 应在 0 到 100 之间"),
    ("80.125", "手工", "百分制得分 80.125 超过两位小数"),
    ("80", "完成率", "评分方法应为「手工」，而不是「完成率」"),
])
def test_criterion_score_problems_are_named(example, criterion, rule, message):
    def edit(row):
        row["百分制得分"] = ""
        if row["指标编码"] == "C101":
            row["百分制得分"], row["评分方法"] = criterion, rule
            row["评分参数"] = row["评分参数"] if rule != "手工" else ""
    _edit_indicators(example, edit)
    with pytest.raises(InputError) as err:
        load_project(example)
    assert any("指标 C101" in m and message in m for m in err.value.messages), err.value.messages


def test_rule_notes_reach_check(example):
    def edit(row):
        if row["指标编码"] == "C101":
            row["评分方法"], row["评分参数"] = "扣分", "值=12; 标准=0; 步长=5; 每步扣分=1"
    _edit_indicators(example, edit)
    done = jixiao("check", example)
    assert done.returncode == 0 and "指标 C101" in done.stdout and "方向=超出" in done.stdout
