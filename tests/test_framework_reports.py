"""Every shipped framework's synthetic project, and one framework of a project's own, rendered
to PDF with the built-in engine (once each, shared by these tests): the text reads true
(report_checks.py) and says what is true of that kind of report and that framework."""

import re

import pytest

from framework_projects import OWN, OWN_FRAMEWORK
from jixiao.inputs import frameworks
from report_checks import check_report, read_report, sections

NAMES = frameworks.names() + [OWN]
AMOUNT_WORDS = {"budget.total": "项目预算", "budget.spent": "实际支出", "budget.received": "实际到位资金"}


@pytest.fixture(scope="module", params=NAMES)
def report(request, framework_report):
    return request.param, read_report(framework_report(request.param) / "report.pdf")


def _text(report) -> str:
    return re.sub(r"\s+", "", report.text)


def _definition(name: str) -> dict:
    raw = OWN_FRAMEWORK if name == OWN else frameworks.load(name)
    return raw


def test_the_report_reads_true(report):
    _, pdf = report
    assert check_report(pdf) == []


def test_each_budget_rate_is_defined_once_with_the_frameworks_formula(report):
    name, pdf = report
    text = _text(pdf)
    rates = _definition(name).get("rates")
    assert rates, f"{name} does not define its budget rates"
    for rate in rates.values():
        formula = f"{rate['name']}按“{AMOUNT_WORDS[rate['of']]}÷{AMOUNT_WORDS[rate['over']]}”计算"
        assert text.count(formula) == 1, formula
        assert text.count(f"{rate['name']}按") == 1


def test_the_grade_bands_are_the_frameworks(report):
    name, pdf = report
    text = _text(pdf)
    labels = [g["label"] for g in sorted(_definition(name)["grades"], key=lambda g: -g["min"])]
    bands = re.search(r"等级按总分（不四舍五入）划分：(.*?)。", text).group(1)
    assert re.findall(r"为“([^”]+)”", bands) == labels


def test_a_self_assessment_reads_as_the_units_own(framework_report):
    pdf = read_report(framework_report("self-assessment-2020") / "report.pdf")
    text = _text(pdf)
    assert "项目支出绩效自评报告" in text and "项目单位（盖章）：测试实施单位" in text
    for third_party in ("评价机构", "委托单位", "测试评价机构", "绩效评价工作", "评价结论", "评价等级"):
        assert third_party not in text, third_party
    assert "自评等级为“中”" in text
    heads = [h.text for h in sections(pdf)]
    assert "二、绩效自评工作情况" in heads and "三、自评结论和绩效分析" in heads


def test_a_third_party_evaluation_is_signed_by_the_evaluator(framework_report):
    text = _text(read_report(framework_report("national-2020") / "report.pdf"))
    assert "评价机构（盖章）：测试评价机构" in text and "项目单位（盖章）" not in text
    assert "委托单位测试委托单位" in text.replace("：", "")


def test_weighted_criteria_print_the_criterion_and_the_weighted_score(framework_report):
    text = _text(read_report(framework_report("ifi-loan-2019") / "report.pdf"))
    assert "百分制得分85.50分，权重10%，加权得分=85.50×10%=8.55分" in text
    assert "百分制得分为85.50分，按权重10%折合8.55分" in text


def test_the_detail_table_shows_how_the_total_is_rescaled(report):
    _, pdf = report
    text = _text(pdf)
    raw, applicable, total = re.search(r"总得分=([\d.]+)÷([\d.]+)×100=([\d.]+)分", text).groups()
    # the full marks print with the decimals of their column (100 or 100.0)
    assert re.search(rf"按百分制折算：{re.escape(raw)}÷{re.escape(applicable)}×100100(\.0)?{re.escape(total)}", text)


def test_the_annex_names_each_indicators_method(framework_report):
    text = _text(read_report(framework_report(OWN) / "report.pdf"))
    annex = text[text.index("附件："):]
    # (满分值 with the decimals of its column: 5 or 5.0)
    assert re.search(r"A101资金到位率5(\.0)?不适用", annex)  # a 不适用 indicator has no method
    assert re.search(r"A201实施方案完备性5(\.0)?百分制加权", annex)  # a criterion scored 0–100 and weighted


def test_the_review_appendix_speaks_to_the_reader(framework_report):
    text = _text(read_report(framework_report("national-2020") / "report.pdf"))
    appendix = text[text.rindex("附件2评分复核说明"):]  # the second 附件, on a page of its own
    assert "（1）扣除不适用指标后，产出与效益指标权重合计（C、D）折算为59.78，低于60" in appendix
    assert ".yaml" not in appendix and "请确认" not in appendix


def test_chapter_two_names_only_the_parts_it_has(framework_report):
    """Without texts on the principles and the process, chapter 二 neither promises them in a
    heading nor repeats 「绩效评价方法」 as the only heading under 「绩效评价方法」."""
    heads = [h.text for h in sections(read_report(framework_report("national-2020") / "report.pdf"))]
    chapter = heads[heads.index("二、绩效评价工作情况") + 1:heads.index("三、评价结论和绩效分析")]
    assert chapter == ["（一）绩效评价方法"]
