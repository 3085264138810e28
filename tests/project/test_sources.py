"""Where the example's figures come from, and ``jixiao explain``'s lines for an indicator."""

from decimal import Decimal

import pytest

from jixiao.errors import InputError
from jixiao.numeric import Amount, Rate, Score
from jixiao.project import load_project
from jixiao.project.sources import SourceIndex, figures, printed_forms

from conftest import ROOT, copy_example


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    root = tmp_path_factory.mktemp("sources")
    return SourceIndex(load_project(copy_example(root)), root)


def test_values_print_as_the_report_prints_them():
    assert printed_forms(Score("4.4")) == {"4.40", "4.4"}
    assert printed_forms(Rate("92.5")) == {"92.50%"}
    assert printed_forms(Amount(4000000)) >= {"400.00", "4,000,000.00"}
    assert printed_forms(Decimal(1341)) >= {"1,341"}
    assert figures("共 1,341 项，增长 14.48%") == ["1,341", "14.48%"]


def test_codes_are_not_figures():
    assert figures("C102 查询量 A1 项目立项") == []


def test_a_parameter_names_its_key(index):
    source = index.named["budget.total"]
    assert source.where == "params/shanghai-credit-2018.yaml：budget.total"
    assert "400.00" in source.numbers


def test_a_score_names_its_row_rule_and_working(index):
    source = index.named["indicators.C102.score"]
    assert source.where.startswith("data/shanghai-credit-2018/indicators.csv 第 25 行（指标 C102）")
    assert "完成率" in source.rule
    assert "15,676,396 ÷ 2,000,000" in source.working
    assert source.codes[0] == "C102"


def test_the_total_shows_its_sum(index):
    source = index.named["total"]
    assert {"90.71"} <= source.numbers
    assert source.working == "各一级指标得分之和：A 9.25 + B 26.98 + C 54.48"


def test_a_data_cell_is_found_by_its_row(index):
    rows = [cells for cells, texts in index.rows if "数据归集" in texts]
    assert rows[0]["600,000.00"].where == "data/shanghai-credit-2018/budget_lines.csv 第 2 行「预算金额」列"
    assert "600,000.00" not in index.by_number  # a cell alone is not a source of every 600,000.00


def test_a_figure_typed_in_a_text_names_its_file_and_line(index):
    source = index.typed("2014年4月30日", "30")
    assert source.where == "data/shanghai-credit-2018/texts/background.md 第 3 行"
    assert source.kind == "文字"


def test_a_figure_a_placeholder_printed_is_not_taken_for_typed(index):
    assert index.typed("年归集数据16,995,805条", "16,995,805") is None
    assert "facts" in index.filled("年归集数据16,995,805条", "16,995,805").placeholders


def test_explain_prints_score_rule_inputs_sources_and_working(index):
    text = "\n".join(index.explain("C102"))
    assert "指标 C102" in text and "（C 项目绩效 / C1 项目产出）" in text
    assert "得分：" in text and "满分 5 分" in text
    assert "来源：data/shanghai-credit-2018/indicators.csv 第 25 行" in text
    assert "评分方法：完成率（比率法）" in text
    assert "queries.year_total = 15,676,396（来源：data/shanghai-credit-2018/queries.csv 第 2–4 行「本年查询次数」列合计）" in text
    assert "facts.query_target = 2000000（来源：params/shanghai-credit-2018.yaml：facts.query_target）" in text
    assert "实际完成率 = 15,676,396 ÷ 2,000,000 = 783.82%" in text


def test_explain_a_manual_score_gives_the_reason(index):
    text = "\n".join(index.explain("A104"))
    assert "得分：0.75 分（满分 1.5 分）" in text
    assert "手工评分" in text and "评分理由：项目公益属性明显" in text


@pytest.mark.parametrize("code, hint", [("C12", "C102"), ("c102", "C102"), ("Z9", "三级指标编码有：A101")])
def test_an_unknown_code_names_the_codes_it_may_mean(index, code, hint):
    with pytest.raises(InputError) as caught:
        index.explain(code)
    message = caught.value.messages[0]
    assert f"没有编码为『{code}』的三级指标" in message and hint in message
