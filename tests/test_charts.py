import warnings

import pytest
from matplotlib.figure import Figure

from conftest import ROOT
from jixiao import charts
from jixiao.project import load_project


@pytest.fixture(scope="module")
def project():
    return load_project(ROOT / "params" / "shanghai-credit-2018.yaml")


@pytest.mark.parametrize("make", [
    lambda p: charts.dimension_rates(p.card),
    lambda p: charts.points_lost(p.card),
    lambda p: charts.budget_composition(p.table("budget_lines")),
    lambda p: charts.queries_by_subject(p.table("queries")),
], ids=["dimension_rates", "points_lost", "budget_composition", "queries_by_subject"])
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
