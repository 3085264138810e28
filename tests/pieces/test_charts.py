import warnings

import pytest
from matplotlib.figure import Figure

from conftest import ROOT
from jixiao.pieces import charts
from jixiao.project import load_project
from jixiao.inputs.tables import Row


@pytest.fixture(scope="module")
def project():
    return load_project(ROOT / "params" / "shanghai-credit-2018.yaml")


def _with_previous(rows):
    """Query rows with a made-up 上年查询次数 (half of this year), for chart tests only."""
    return [Row({**r, "previous": r.year // 2}, r.line) for r in rows]


@pytest.mark.parametrize("make", [
    lambda p: charts.dimension_rates(p.card),
    lambda p: charts.points_lost(p.card),
    lambda p: charts.budget_composition(p.table("budget_lines")),
    lambda p: charts.queries_by_subject(p.table("queries")),
    lambda p: charts.survey_satisfaction(p.table("surveys")),
    lambda p: charts.queries_year_on_year(_with_previous(p.table("queries"))),
], ids=["dimension_rates", "points_lost", "budget_composition", "queries_by_subject", "survey_satisfaction",
        "queries_year_on_year"])
def test_chart_draws_chinese_without_missing_glyphs(project, make, tmp_path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = make(project)
        fig.savefig(tmp_path / "c.png")
    assert isinstance(fig, Figure)
    assert not [w for w in caught if "missing from font" in str(w.message)]
    title = fig.axes[0].get_title()
    assert title and any("\u4e00" <= ch <= "\u9fff" for ch in title)


def test_values_printed_on_bars(project):
    fig = charts.dimension_rates(project.card)
    labels = [t.get_text() for t in fig.axes[0].texts]
    assert labels == ["92.50%", "89.93%", "90.80%", "90.71%"]


def test_survey_chart_prints_each_rate(project):
    fig = charts.survey_satisfaction(project.table("surveys"))
    assert [t.get_text() for t in fig.axes[0].texts] == ["91.38%", "83.33%", "92.90%"]


def test_year_on_year_chart_only_with_last_years_counts(project):
    rows = project.table("queries")
    assert not charts.has_previous_year(rows)  # the example has no 上年查询次数
    assert charts.has_previous_year(_with_previous(rows))
    labels = [t.get_text() for t in charts.queries_year_on_year(_with_previous(rows)).axes[0].texts]
    assert "10,093,122（同比 100.00%）" in labels
