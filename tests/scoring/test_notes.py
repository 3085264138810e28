"""Warnings: jixiao check prints the place and the advice; the report prints only what its
reader should know."""

import pickle

from framework_projects import write_project
from jixiao.project import load_project
from jixiao.scoring.notes import Note


def test_a_note_reads_in_full_for_the_analyst_and_briefly_for_the_report():
    note = Note("params/p.yaml", "扣除不适用指标后，产出与效益指标权重合计（C、D）折算为 59.78，低于 60",
                advice="请确认评价框架仍然适用")
    assert note == "params/p.yaml：扣除不适用指标后，产出与效益指标权重合计（C、D）折算为 59.78，低于 60；请确认评价框架仍然适用"
    assert note.report == "扣除不适用指标后，产出与效益指标权重合计（C、D）折算为 59.78，低于 60"
    assert Note("p.yaml", "方向", report=False).report is None
    assert Note("x.csv 第 3 行（指标 B101）", "不一致", report="指标 B101 预算执行率：不一致").report.startswith("指标 B101")


def test_a_note_survives_the_handover_to_the_notebooks():
    note = pickle.loads(pickle.dumps(Note("p.yaml", "甲", advice="乙"), protocol=pickle.HIGHEST_PROTOCOL))
    assert note == "p.yaml：甲；乙" and note.report == "甲"


def test_the_reports_review_notes_name_no_file_and_give_no_advice(tmp_path):
    project = load_project(write_project(tmp_path, "national-2020"))
    assert any("params" in w and "请确认" in w for w in project.warnings)
    assert project.review_notes == ["扣除不适用指标后，产出与效益指标权重合计（C、D）折算为 59.78，低于 60"]
    indicators = tmp_path / "data" / "national-2020" / "indicators.csv"
    text = indicators.read_text(encoding="utf-8")
    indicators.write_text(text.replace("A202,绩效指标明确性,3,,", "A202,绩效指标明确性,3,2,"), encoding="utf-8")
    notes = load_project(tmp_path / "params" / "national-2020.yaml").review_notes
    assert "指标 A202 绩效指标明确性：填写的评分值 2.00 与按「完成率」计算的 2.64 不一致，报告采用计算结果" in notes
