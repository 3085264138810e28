"""The 意见采纳情况表: answers from a fixed list; an unanswered row is an error for the 终稿 and
a reminder before it; a partly taken or refused comment without its reason is a warning."""

import shutil

import pytest

from conftest import MINIMAL, jixiao
from jixiao.inputs.comments import counts, review_comments
from jixiao.inputs.tables import Row


def _rows(*answers):
    return [Row({"no": n, "unit": "某局", "comment": "意见", "answer": a, "note": note}, n + 1, "data/p/comments.csv")
            for n, (a, note) in enumerate(answers, start=1)]


def test_unanswered_is_an_error_for_the_final_report_only():
    rows = _rows(("采纳", ""), ("", ""))
    problems, warnings = review_comments(rows, "终稿")
    assert problems == ["data/p/comments.csv 第 3 行（序号 2）：『采纳情况』为空；终稿中每条意见都须写明 采纳、部分采纳、未采纳 之一"]
    problems, warnings = review_comments(rows, "征求意见稿")
    assert problems == [] and "1 条意见尚未答复" in warnings[0] and "第 3 行" in warnings[0]


def test_an_answer_outside_the_list_is_an_error_at_every_stage():
    problems, _ = review_comments(_rows(("同意", "")), "征求意见稿")
    assert problems == ["data/p/comments.csv 第 2 行（序号 1）：『采纳情况』为「同意」，应为 采纳、部分采纳、未采纳 之一"]


def test_a_refusal_without_reason_is_a_warning_and_counts_add_up():
    rows = _rows(("未采纳", ""), ("部分采纳", "理由"), ("采纳", ""), ("", ""))
    problems, warnings = review_comments(rows, "送审稿")
    assert problems == [] and "意见未采纳，『说明』为空" in warnings[0]
    assert counts(rows) == {"合计": 4, "采纳": 1, "部分采纳": 1, "未采纳": 1, "未答复": 1}


@pytest.mark.parametrize("stage, code", [("征求意见稿", 0), ("终稿", 1), (None, 1)])
def test_check_says_so_for_the_final_report_not_for_the_draft(tmp_path, stage, code):
    """An unanswered comment: check passes a 征求意见稿 with a reminder and refuses the 终稿 (a
    parameter file without stage is the 终稿)."""
    shutil.copytree(MINIMAL, tmp_path, dirs_exist_ok=True)
    params = tmp_path / "params" / "minimal.yaml"
    text = params.read_text(encoding="utf-8").replace("data:\n", "data:\n  comments: comments.csv\n", 1)
    params.write_text((f"stage: {stage}\n" if stage else "") + text, encoding="utf-8")
    (tmp_path / "data" / "minimal" / "comments.csv").write_text(
        "序号,提出单位,意见,采纳情况,说明\n1,某局,请补充依据。,采纳,已补充。\n2,某中心,请核对口径。,,\n", encoding="utf-8")
    done = jixiao("check", params, cwd=tmp_path)
    assert done.returncode == code, done.stderr
    said = done.stdout + done.stderr
    assert "comments.csv 第 3 行（序号 2）" in said
    assert ("终稿中每条意见都须写明" in said) == (code == 1)
