"""Charts: Chinese without missing glyphs, no title inside the image (the caption is the
figure's), values on the bars in the axis' unit and the report's number style, one palette."""

import dataclasses
import warnings

import pytest
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from conftest import ROOT
from jixiao.inputs.tables import SPECS, Row
from jixiao.numeric import Style
from jixiao.pieces import charts
from jixiao.project import load_project


@pytest.fixture(scope="module")
def project():
    return load_project(ROOT / "params" / "shanghai-credit-2018.yaml")


def _labels(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.axes[0].texts]


def _with_previous(project):
    """The example with a made-up 上年查询次数 (half of this year), for chart tests only."""
    rows = [Row({**r, "previous": r.year // 2}, r.line) for r in project.table("queries")]
    return dataclasses.replace(project, tables=project.tables | {"queries": rows})


CHARTS = {
    "dimension_rates": charts.dimension_rates,
    "points_lost": charts.points_lost,
    "budget_lines": lambda p: charts.table_chart(p, "budget_lines"),
    "queries": lambda p: charts.table_chart(p, "queries"),
    "queries_with_last_year": lambda p: charts.table_chart(_with_previous(p), "queries"),
    "surveys": lambda p: charts.table_chart(p, "surveys"),
}


@pytest.mark.parametrize("name", CHARTS)
def test_chart_draws_chinese_without_missing_glyphs_or_title(project, name, tmp_path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = CHARTS[name](project)
        fig.savefig(tmp_path / "c.png")
    assert not [w for w in caught if "missing from font" in str(w.message)]
    assert fig.axes[0].get_title() == "" and fig._suptitle is None
    assert fig.get_figwidth() == pytest.approx(charts.WIDTH)
    colours = {to_hex(p.get_facecolor()) for p in fig.axes[0].patches}
    assert colours <= set(charts.palette()), colours


def test_rates_on_bars_and_the_whole_in_the_emphasis_colour(project):
    fig = charts.dimension_rates(project)
    assert _labels(fig) == ["92.50%", "89.93%", "90.80%", "90.71%"]
    assert to_hex(fig.axes[0].patches[-1].get_facecolor()) == charts.palette()[2]


def test_points_lost_print_by_the_score_style(project):
    trimmed = _labels(charts.points_lost(project))
    fixed = _labels(charts.points_lost(dataclasses.replace(project, style=Style("fixed"))))
    assert "1" in trimmed and "1.00" in fixed and len(trimmed) == len(fixed)


def test_query_labels_in_the_unit_of_the_axis(project):
    fig = charts.table_chart(project, "queries")
    assert fig.axes[0].get_xlabel() == "本年查询次数（万次）"
    assert _labels(fig) == ["1,009.31", "411.39", "146.93"]  # 10,093,122 次 = 1,009.31 万次
    grouped = charts.table_chart(_with_previous(project), "queries")
    assert set(t.get_text() for t in grouped.axes[0].get_legend().get_texts()) == {"上年", "本年"}


def test_long_labels_wrap_instead_of_squeezing_the_plot(project):
    fig = charts.points_lost(project)
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert all(max(len(line) for line in t.split("\n")) <= charts.LABEL_CHARS for t in ticks)
    assert len(fig.axes[0].get_xticks()) >= 3


def test_a_chart_of_many_bars_fits_a_page_with_its_caption():
    """40 indicators losing points made a chart 11 inches tall at the text width: it ran into the
    page number and its caption fell off the page. It stops at MAX_HEIGHT, its labels smaller."""
    from decimal import Decimal

    labels = [f"B{n:03} 项目管理制度的健全性与执行有效性" for n in range(40)]
    fig = charts.bars(labels, [Decimal(1)] * 40, ["1.00"] * 40, "失分（分）")
    few = charts.bars(labels[:3], [Decimal(1)] * 3, ["1.00"] * 3, "失分（分）")
    assert fig.get_size_inches()[1] == charts.MAX_HEIGHT and few.get_size_inches()[1] < charts.MAX_HEIGHT
    assert fig.axes[0].get_yticklabels()[0].get_fontsize() < few.axes[0].get_yticklabels()[0].get_fontsize()


def test_every_charted_table_has_a_chart():
    assert {name for name, spec in SPECS.items() if spec.charted} == set(charts.TABLE_CHARTS)


def test_a_wholly_inapplicable_dimension_keeps_its_place(tmp_path):
    import sys

    sys.path.insert(0, str(ROOT / "tests" / "scoring"))
    from framework_projects import write_project

    project = load_project(write_project(tmp_path, "ifi-loan-2019"))  # its D 可持续性 is wholly 不适用
    labels = _labels(charts.dimension_rates(project))
    assert len(labels) == len(project.card.dimensions) + 1 and "不适用" in labels


def test_a_dimension_scored_out_of_100_shows_its_criterion_score(tmp_path):
    """ifi-loan-2019 as published: 效率 is 77.39 out of 100 (38.70 of 50); the chart shows 77.39
    as 表 3-1 does, not 77.40% (38.70 ÷ 50)."""
    import sys

    sys.path.insert(0, str(ROOT / "tests" / "scoring"))
    from framework_projects import write_published_ifi

    labels = _labels(charts.dimension_rates(load_project(write_published_ifi(tmp_path))))
    assert labels == ["100.00（百分制）", "77.39（百分制）", "73.90（百分制）", "92.00（百分制）", "82.68%"]


@pytest.mark.parametrize("name", ["budget_lines", "queries", "surveys"])
def test_dollar_signs_in_a_tables_labels_print_as_text_not_mathtext(project, name, tmp_path):
    """A budget line, query subject or survey group named with $…$ is drawn as typed: no
    mathtext, so no superscripts and no failure to draw on a half-written formula."""
    table = {"budget_lines": "name", "queries": "subject", "surveys": "group"}[name]
    rows = project.table(name)
    odd = [Row({**rows[0], table: "数据$\\frac{归集$"}, rows[0].line), Row({**rows[1], table: "政府$x^2$部门"}, rows[1].line)]
    fig = charts.table_chart(dataclasses.replace(project, tables=project.tables | {name: odd + rows[2:]}), name)
    fig.savefig(tmp_path / "c.png")
    shown = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert "数据$\\frac{归集$" in shown and "政府$x^2$部门" in shown
    assert not any(t.get_parse_math() for t in fig.axes[0].get_yticklabels())
