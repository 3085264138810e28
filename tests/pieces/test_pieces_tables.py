"""Table builders (pieces/tables.py) on projects of other frameworks than the example's: weighted
0–100 criteria (the published ifi-loan-2019 evaluation), a rescaled total, the annex of scoring
standards. (Named apart from tests/inputs/test_tables.py.)"""

import pytest

from conftest import ROOT
from framework_projects import OWN, write_project, write_published_ifi
from jixiao.pieces import tables
from jixiao.project import load_project


def _rows(markdown: str) -> dict[str, list[str]]:
    """A pipe table's body rows by their first cell."""
    rows = [[c.strip() for c in line.strip("|").split("|")] for line in markdown.splitlines()[2:]]
    return {row[0]: row[1:] for row in rows}


@pytest.fixture(scope="module")
def ifi(tmp_path_factory):
    return load_project(write_published_ifi(tmp_path_factory.mktemp("ifi")))


@pytest.fixture(scope="module")
def example_project():
    return load_project(ROOT / "params" / "shanghai-credit-2018.yaml")


@pytest.fixture(scope="module")
def own(tmp_path_factory):
    return load_project(write_project(tmp_path_factory.mktemp("own"), OWN))


def test_the_summary_of_weighted_criteria_shows_each_criterions_score_out_of_100(ifi):
    rows = _rows(tables.score_summary(ifi))
    assert rows["权重"] == ["20", "50", "20", "10", "100"]
    assert rows["百分制得分"] == ["100.00", "77.39", "73.90", "92.00", ""]
    assert rows["得分"] == ["20.00", "38.70", "14.78", "9.20", "82.68"]
    assert rows["得分率"] == ["—", "—", "—", "—", "82.68%"]  # never 77.40% (38.70 ÷ 50) beside 77.39


def test_the_summary_has_no_criterion_row_without_weighted_criteria(own):
    assert "百分制得分" not in _rows(tables.score_summary(own))


def test_the_detail_table_shows_the_rescaled_total_and_its_arithmetic(own):
    card = own.card
    last = tables.score_detail(own).splitlines()[-2]
    assert "折算总分" in last and f"按百分制折算：{own.style.score(card.raw_total)} ÷ 85 × 100" in last
    assert last.rstrip(" |").endswith(own.style.score(card.total))


def test_the_detail_table_of_a_project_without_不适用_ends_with_its_total(ifi):
    assert "折算" not in tables.score_detail(ifi)


def test_the_annex_names_the_method_of_weighted_and_inapplicable_indicators(own):
    annex = tables.scoring_standards(own)
    lines = {line.split("|")[1].strip(): [c.strip() for c in line.split("|")[2:]] for line in annex.splitlines()
             if line.startswith("| ") and line.split("|")[1].strip()[:1].isalpha()}
    assert lines["A101 资金到位率"][1] == "不适用"
    assert lines["A201 实施方案完备性"][1] == "百分制加权"
    assert lines["B101 制度执行有效性（一）"][1] == "比率法"


def test_the_annex_names_methods_as_a_reviewer_does(example_project):
    """No tool word 手工: a typed score is 定性评价, or 比率法 where its standard is a formula."""
    annex = tables.scoring_standards(example_project)
    methods = {line.split("|")[1].strip().split(" ")[0]: line.split("|")[3].strip() for line in annex.splitlines()
               if line.startswith("| ") and line.split("|")[1].strip()[:1].isalpha()}
    assert "手工" not in methods.values()
    assert methods["A101"] == "定性评价" and methods["B101"] == "比率法"
    assert methods["B102"] == methods["C107"] == methods["C110"] == "比率法"


def test_shares_add_up_to_their_total():
    """Largest remainder: 4/6, 1/6, 1/6 print 66.67 + 16.67 + 16.66 = 100.00, not 100.01."""
    from decimal import Decimal

    parts = tables.shares([Decimal(400), Decimal(100), Decimal(100)])
    assert parts == [Decimal("66.67"), Decimal("16.67"), Decimal("16.66")] and sum(parts) == 100
    thirds = tables.shares([Decimal(1)] * 3)
    assert sum(thirds) == 100 and sorted(thirds) == [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]
    assert tables.shares([Decimal(3), Decimal(1)]) == [Decimal(75), Decimal(25)]


def test_the_framework_table_fills_every_weight_total(example_project):
    """合计 carries the level-1 and the level-2 weight totals and the indicator count."""
    total = tables.indicator_system(example_project).splitlines()[-2]
    assert [c.strip() for c in total.split("|")[1:-1]] == ["合计", "100", "", "100", "38"]


def _grid_column(markdown: str, n: int) -> list[str]:
    """The filled cells of a grid table's column n (content lines only)."""
    lines = [line for line in markdown.splitlines() if line.startswith("|") and "+-" not in line][1:]
    return [cell for cell in (line.split("|")[n + 1].strip() for line in lines) if cell]


def _decimals(texts: list[str]) -> set[int]:
    return {len(t.partition(".")[2]) for t in texts}


def test_every_number_column_has_one_decimal_policy(example_project):
    """The example prints scores trimmed (4.4, 0.75, 2): in 表 3-2 each column takes the decimals
    its figures need, the same in every cell, 合计 included (1.5 beside 2.0; 4.40 beside 0.75),
    right-aligned; the figures keep their values."""
    detail = tables.score_detail(example_project)
    maxima, scores = _grid_column(detail, 3), _grid_column(detail, 4)
    assert _decimals(maxima) == {1} and _decimals(scores) == {2}
    assert "4.40" in scores and maxima[-1] == "100.0" and scores[-1] == "90.71"
    rule = next(line for line in detail.splitlines() if line.startswith("+:="))
    assert [seg[-1] for seg in rule.strip("+").split("+")][3:] == [":", ":"]  # 满分值, 评分值 right-aligned
    annex = tables.scoring_standards(example_project)
    assert _decimals(_grid_column(annex, 1)) == {1}
    summary = tables.score_summary(example_project).splitlines()[1]
    assert summary.count(":|") == 4  # the dimension columns right-aligned


def test_aligned_gives_a_column_one_number_of_decimals():
    from decimal import Decimal

    from jixiao.numeric import aligned

    assert aligned([Decimal("1.5"), 2, Decimal("0.75"), None]) == ["1.50", "2.00", "0.75", None]
    assert aligned([5, Decimal("4.4"), 100]) == ["5.0", "4.4", "100.0"]
    assert aligned([1, 2, 38]) == ["1", "2", "38"]
    assert aligned([1200, Decimal("0.5")]) == ["1,200.0", "0.5"]
