"""One rule for printing scores, the same in the working, sentences, tables, charts and
summary.json: two decimals by default, the reference report's trimmed style when chosen."""

import pytest

from conftest import run_chapter
from jixiao.assemble.summary import summary
from jixiao.pieces import charts, tables
from jixiao.project import load_project


def _with_style(params, style):
    text = params.read_text(encoding="utf-8").replace("  scores: trimmed", f"  scores: {style}")
    params.write_text(text, encoding="utf-8")
    return load_project(params)


@pytest.mark.parametrize("style, c101, lost", [("fixed", "4.40", "0.60"), ("trimmed", "4.4", "0.6")])
def test_one_score_prints_one_way_everywhere(example, tmp_path, style, c101, lost):
    project = _with_style(example, style)
    indicator = project.card.indicator("C101")
    assert indicator.working.endswith(f"= {c101} 分")
    assert f"| {c101}" in tables.score_detail(project)
    assert {i["code"]: i["score"] for i in summary(project)["indicators"]}["C101"] == c101
    assert lost in [t.get_text() for t in charts.points_lost(project).axes[0].texts]
    text = run_chapter("04_analysis", example, tmp_path)
    assert f"根据评价标准该指标评分为 {c101} 分（满分 5 分）" in text and f"= {c101} 分" in text


def test_default_is_two_decimals(example):
    text = example.read_text(encoding="utf-8").replace("style:\n  scores: trimmed\n", "")
    example.write_text(text, encoding="utf-8")
    printed = summary(load_project(example))
    assert printed["total"] == "90.71"
    assert {i["code"]: i["score"] for i in printed["indicators"]}["A101"] == "1.50"
