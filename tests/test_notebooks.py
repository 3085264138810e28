"""The chapter notebooks: committed clean, each runs as it is (Run All as in JupyterLab with
jupyterlab-myst, no parameters) and alone with plain papermill -f, and each shows its chapter's pieces."""

import json
import subprocess
import sys

import nbformat
import pytest

from conftest import ROOT, outputs_text, run_all_like_jupyterlab, run_chapter
from framework_projects import OWN, write_project, write_published_ifi
from jixiao.inputs.outline import read_outline

TEMPLATES = ROOT / "notebooks"
NOTEBOOKS = sorted(TEMPLATES.glob("*.ipynb"))
# What each chapter must show when run on the example (a table row, a sentence, a heading).
SHOWS = {
    "01_overview": ["| 1 | 数据归集 | 600,000.00 | 15.00% |", "预算执行率按“实际支出 ÷ 项目预算”计算，为 100.00%"],
    "02_evaluation": ["（1）**复核分析法：**", "## 绩效评价原则、方法和过程", "### 绩效评价原则", "### 绩效评价方法"],
    "02_self_assessment": ["（1）**复核分析法：**"],
    "03_conclusion": ["| A 项目决策   | A1 项目立项          | A101 项目目标的适应性", "总得分为 90.71 分", "得分率 90.71%",
                      "**主要结论：**2018"],
    "04_analysis": ["### A 项目决策", "根据评价标准该指标评分为 0.75 分（满分 1.5 分）", "| 政府部门 | 10,093,122 |"],
    "05_findings": ["**市信用平台的数据交互、应用和落地尚不能充分满足各子平台的实际需要。**"],
    "06_closing": ["评价机构（盖章）：上海大华工程造价咨询有限公司", "报告日期：2019年7月1日"],
    "07_form": ["⟦tbl:self_assessment_indicators⟧ 项目支出绩效自评表：绩效指标", "（2018年度）"],
    "08_comments": [],  # the example has no comments table: the chapter prints nothing (tests/test_review_rounds.py)
}


def test_every_shipped_outline_names_existing_notebooks():
    for path in (TEMPLATES / "outlines").glob("*.yml"):
        outline = read_outline(path, TEMPLATES)
        assert outline.chapters and all(c.notebook.is_file() for c in outline.chapters)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_without_outputs_and_with_tags(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert all(not c.get("outputs") and not c.get("execution_count") for c in nb["cells"])
    tags = [c["metadata"].get("tags", []) for c in nb["cells"]]
    assert tags[0] == ["notebook-only"] and nb["cells"][0]["cell_type"] == "markdown"
    assert ["parameters"] in tags
    code = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    assert "A101" not in code and "C102" not in code  # no example in the template


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_runs_as_it_is_with_no_parameters(path):
    """Run All in JupyterLab: the parameters cell's default is the example project."""
    nb = run_all_like_jupyterlab(path, TEMPLATES)
    assert all(e["result"]["status"] == "ok" for c in nb.cells for e in c.metadata.get("user_expressions", []))
    shown = outputs_text(nb)
    for piece in SHOWS[path.stem]:
        assert piece in shown, piece


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_runs_alone_with_plain_papermill(path, example, tmp_path):
    out = tmp_path / "out.ipynb"
    done = subprocess.run([sys.executable, "-m", "papermill", str(path), str(out), "-f", str(example),
                           "--no-progress-bar"], cwd=example.parent.parent, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Passed unknown parameter" not in done.stderr
    nb = nbformat.read(out, as_version=4)
    assert not [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    for piece in SHOWS[path.stem]:
        assert piece in outputs_text(nb), piece


def test_weighted_criteria_are_analysed_by_their_criterion_scores(tmp_path):
    """ifi-loan-2019 as published: each dimension and group states its 百分制得分 and its weighted score."""
    params = write_published_ifi(tmp_path / "ifi")
    text = run_chapter("04_analysis", params, tmp_path)
    assert "效率部分满分 50 分，百分制得分 77.39 分，加权得分 38.70 分。" in text
    assert "本项满分 50 分，百分制得分 77.39 分，加权得分 38.70 分。" in text
    assert "根据评价标准该指标百分制得分为 77.39 分，按权重 50% 折合 38.70 分。" in text
    assert "得分率" not in text  # 77.40% beside 77.39 would read as a contradiction


def test_the_grade_bands_sentence_covers_a_total_below_the_lowest_band(tmp_path):
    """Grades without a band from 0: a total below the lowest band still gets that band's label
    (scoring/tree.grade_for), and the sentence says so instead of a range the total is outside."""
    params = write_project(tmp_path / "own", OWN)
    text = params.read_text(encoding="utf-8")
    params.write_text(text.replace("- min: 60\n    label: 一般\n  - min: 0\n    label: 较差\n", "- min: 65\n    label: 一般\n"),
                      encoding="utf-8")
    shown = run_chapter("03_conclusion", params, tmp_path)
    assert "总得分为 60.34 分" in shown and "等级为“一般”" in shown
    assert "85 分及以上为“优秀”，70 分及以上、85 分以下为“良好”，70 分以下为“一般”。" in shown


def test_a_budget_rate_over_nothing_says_it_cannot_be_computed(tmp_path):
    """national-2020 divides spending by the funds received: with no receipts recorded the
    overview says why there is no rate instead of printing 「为 —」."""
    params = write_project(tmp_path / "national", "national-2020")
    text = params.read_text(encoding="utf-8")
    params.write_text(text.replace("  receipts:\n  - date: 2020-03\n    amount: 1000000\n", "  receipts: []\n"),
                      encoding="utf-8")
    shown = run_chapter("01_overview", params, tmp_path)
    assert "预算执行率按“实际支出 ÷ 实际到位资金”计算，因实际到位资金为 0，无法计算。" in shown and "—" not in shown
