"""The report checker (report_checks.py) on a real rendered report (national-2020's synthetic
project: 不适用 indicators, a rescaled total, a weighted criterion): it passes the report as
rendered and catches each kind of error when one printed figure or heading is changed."""

import json
from decimal import Decimal

import pytest

from report_checks import (DETAIL, Piece, analysis, arithmetic, budget_rates, check_report, column_of, columns,
                           detail, detail_table, grade, heading_numbers, leftovers, lone_characters, rates, read_report,
                           summary_table, table_pieces)


@pytest.fixture(scope="module")
def report(framework_report):
    return read_report(framework_report("national-2020") / "report.pdf")


def test_the_report_as_rendered_passes(report):
    assert check_report(report) == []


def test_the_detail_table_is_read_across_its_pages(report, framework_report):
    """表 3-2 runs on to a second page under 「续表 3-2」, with its header row and the group labels
    of the rows in progress (A 决策, A1 项目立项) drawn again: each is read once, and every
    indicator with its full marks and score."""
    cells = table_pieces(report, DETAIL)
    texts = [c.text.strip() for c in cells]
    assert len({c.page for c in cells}) == 2
    assert texts.count("一级指标") == sum("项目立项" in t for t in texts) == 1
    assert not any(t.startswith("续表") for t in texts)
    data = json.loads((framework_report("national-2020") / "summary.json").read_text(encoding="utf-8"))
    table = detail(report)
    def value(text):  # the table prints each column with one number of decimals (3.0 beside 1.5)
        return text if text == "不适用" else Decimal(text)

    assert [(r.code, value(r.max), value(r.score)) for r in table.rows] == [
        (i["code"], value(i["max"]), value(i["score"])) for i in data["indicators"]]
    assert (value(table.total.max), table.total.score) == (100, "65.96")
    assert table.rescaled == ["折算总分", "按百分制折算：65.96 ÷ 92 × 100", "100.0", "71.70"]


def test_a_cell_belongs_to_the_column_whose_header_text_it_starts_under():
    """Column widths follow the content (the example's 表 3-2): a left-aligned code starts nearer
    the header to its left than its own centred one; it starts after the left one ends."""
    names = ["一级指标", " 二级指标", " 三级指标", " 满分值", " 评分值"]
    head = [Piece(8, x, 223.7, 9.5, True, name) for x, name in zip([87.2, 169.0, 317.8, 443.3, 486.0], names)]
    cols = columns(head + [Piece(8, 242.3, 208.8, 9.5, False, "A101 ")])
    assert [c.name for c in cols] == [n.strip() for n in names]
    cells = {"合计": 78.7, "A1 ": 143.7, "A101 ": 242.3, "项目目标的适应性": 265.8, " 1.5": 451.1, " 0.75": 490.8}
    assert [column_of(Piece(8, x, 200, 9.5, False, t), cols) for t, x in cells.items()] == [0, 1, 2, 2, 3, 4]
    merged = columns([Piece(3, 171.9, 376.8, 9.5, True, "A."), Piece(3, 181.0, 376.8, 9.5, True, "相关性"),
                      Piece(3, 249.3, 376.8, 9.5, True, " B."), Piece(3, 258.8, 376.8, 9.5, True, "效率")])
    assert [c.name for c in merged] == ["A.相关性", "B.效率"]


@pytest.mark.parametrize("left", ["待填写", "{{ budget.paid }}", "[[tbl:budget]]", "⟦1⟧", "None", "nan", "{% if x %}"])
def test_leftovers(report, left):
    assert leftovers(report.replace("财政拨款", left))


def test_a_skipped_heading_number(report):
    assert heading_numbers(report.drop("（2）资金来源")) == ["heading 『（3）预算执行情况』: number 3 where 2 was expected"]
    # nth=1: the heading itself, not its line in the table of contents
    assert heading_numbers(report.replace("二、绩效评价工作情况", "三、绩效评价工作情况", nth=1))
    assert heading_numbers(report.replace("（二）绩效目标及绩效指标体系", "（一）绩效目标及绩效指标体系", nth=1))


def test_a_dimension_score_that_does_not_add_up(report):
    changed = report.replace("13.92", "13.93", cells=True)
    found = summary_table(changed)
    assert any("得分率 81.88% is not 13.93 ÷ 17" in p for p in found)
    assert any("得分: 13.93 + 12.04 + 20.00 + 20.00 ≠ 65.96" in p for p in found)
    assert any("A 得分 13.93" in p for p in detail_table(changed))


def test_a_rate_that_is_not_the_score_over_its_maximum(report):
    assert summary_table(report.replace("81.88%", "81.87%", cells=True))
    assert rates(report.replace("81.88%", "81.87%", cells=False))


def test_a_rate_printed_without_its_maximum(report):
    found = rates(report.replace("决策部分满分 20 分，其中不适用指标 3 分，适用满分 17 分；", "决策部分"))
    assert found and "without its maximum" in found[0]


def test_a_rescaled_total_that_is_not_the_arithmetic(report):
    assert any("折算总分" in p for p in summary_table(report.replace(" 71.70", " 71.80", nth=1, cells=True)))
    assert detail_table(report.replace(" 71.70", " 71.80", nth=2, cells=True))
    assert arithmetic(report.replace("71.70 分。", "71.80 分。"))


def test_the_detail_table_disagreeing_with_the_summary(report):
    changed = report.replace(" 2.40", " 2.50", cells=True)
    assert any("scores add up to 66.06, 合计 says 65.96" in p for p in detail_table(changed))
    assert any("A102" in p for p in analysis(changed))
    assert any("百分制得分 86.50 × 3.0% ≠ 2.57" in p for p in detail_table(report.replace(" 85.50", " 86.50", cells=True)))


def test_an_analysis_sentence_disagreeing_with_the_tables(report):
    assert any("A102" in p for p in analysis(report.replace("评分为 2.40 分", "评分为 2.50 分")))
    assert any("A 决策" in p for p in analysis(report.replace("评价得分 13.92 分", "评价得分 13.90 分")))
    assert any("A2 绩效目标" in p for p in analysis(report.replace("得分 5.21 分", "得分 5.20 分")))
    assert any("D2 满意度" in p for p in analysis(report.replace("本项指标均不适用，不参与评分。", "本项满分 5 分。")))


def test_false_arithmetic_in_a_working(report):
    assert arithmetic(report.replace("= 2.64 分", "= 2.65 分"))


def test_a_grade_outside_its_band(report):
    assert grade(report.replace("“中”。各一级指标", "“良”。各一级指标")) == [
        "total 71.70 is not in the band of 『良』 [80, 90)"]


def test_a_budget_rate_defined_twice_or_off_its_amounts(report):
    assert budget_rates(report.replace("为 92.00%", "为 93.00%"))
    twice = report.replace("资金到位率按", "预算执行率按")
    assert any("defined twice" in p for p in budget_rates(twice))


def test_a_second_rate_beside_a_criterion_score(monkeypatch):
    """A dimension scored 0–100 has its 百分制得分 as its rate: 77.40% (38.70 ÷ 50) beside 77.39
    reads as a contradiction, so its 得分率 cell must be —."""
    import report_checks

    def table(rate):
        return report_checks.Summary(["A", "B"], {"权重": ["50", "50", "100"], "百分制得分": ["77.39", "80.00", ""],
                                                  "得分": ["38.70", "40.00", "78.70"],
                                                  "得分率": [rate, "—", "78.70%"]})
    monkeypatch.setattr(report_checks, "summary", lambda report: table("—"))
    assert summary_table(None) == []
    monkeypatch.setattr(report_checks, "summary", lambda report: table("77.40%"))
    assert summary_table(None) == ["『项目评分汇总表』 A: 得分率 77.40% beside 百分制得分 77.39"]


def test_shares_must_add_up_to_their_total(report):
    from report_checks import shares

    assert shares(report) == []
    table = table_pieces(report, "项目预算明细表")
    first = next(p.text.strip() for p in table if p.text.strip().endswith("%"))
    problems = shares(report.replace(first, f"{float(first[:-1]) + 0.01:.2f}%", cells=True))
    assert problems and "项目预算明细表" in problems[0], problems


def test_a_reference_to_a_later_chapters_table_is_caught(report):
    from report_checks import forward_references

    assert forward_references(report) == []
    changed = report.replace("财政拨款", "财政拨款（见表 3-1）")
    assert forward_references(changed) == ["chapter 1 refers forward to 表 3-1"]
    assert forward_references(report.replace("财政拨款", "财政拨款（见第三部分表 3-1、第二部分图 3-1）")) == [
        "chapter 1 refers forward to 图 3-1"]  # the place named must be the table's


def test_one_decimal_policy_per_kind_of_figure(report):
    from report_checks import decimals

    assert decimals(report) == []
    assert any("92.0%" in p for p in decimals(report.replace("为 92.00%", "为 92.0%")))
    assert any("1000.00万元" in p for p in decimals(report.replace("项目预算 100.00万元", "项目预算 1000.00万元")))
    working = report.replace("75.00% 介于 50%", "75.00% 介于 50")
    assert any("compares a percentage with a bare number" in p for p in decimals(working))
    again = report.replace("75.00% 介于 50%（0 分）与 90%", "75 介于 50（0 分）与 90")  # the working's 93.1 beside 93.10%
    assert any("prints 75.00% again as 75" in p for p in decimals(again))


def test_every_image_has_a_numbered_caption(report):
    from report_checks import images_numbered

    assert images_numbered(report) == []
    caption = next(p.text.strip() for p in report.body if p.text.strip().startswith("图 3-1"))
    found = images_numbered(report.drop(caption))
    assert found and "numbered figure captions" in found[0]


def test_every_table_and_figure_is_cited(report):
    from report_checks import citations

    assert citations(report) == []
    assert citations(report.replace("得分率见图 3-1", "得分率如下")) == ["图 3-1 is not cited in the text"]


def test_a_cell_or_paragraph_ending_on_one_character_is_found(tmp_path):
    """lone_characters finds a last line of one CJK character (with its punctuation) under the
    line it goes on from, in a table cell and in a paragraph, and leaves a one-character cell
    (「是」) and a last line of two characters alone."""
    import typst

    from jixiao import fonts

    source = tmp_path / "runt.typ"
    source.write_text(
        '#set page(width: 12cm, height: 8cm, margin: 1cm)\n'
        f'#set text(font: "{fonts.serif()[0]}", size: 10.5pt, lang: "zh", costs: (runt: 0%))\n'
        "#table(columns: (5.5em, 5.5em, 3em), inset: 0.25em,\n"
        "  [资金使用情况], [项目资金使用情况], [是])\n\n"
        "#block(width: 5em)[评价结论优秀。]\n", encoding="utf-8")
    pdf = tmp_path / "runt.pdf"
    typst.compile(str(source), output=str(pdf), font_paths=[str(d) for d in fonts.font_dirs()])
    assert sorted(lone_characters(pdf)) == [(1, "况"), (1, "秀。")]
