"""`jixiao check` on the example and on broken copies of it: exit codes and Chinese messages."""

import os
import re

import pytest

from conftest import jixiao


def _replace(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _assert_clean_failure(done, *needles):
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    for needle in needles:
        assert needle in done.stderr, done.stderr


def test_check_passes_on_the_example(example):
    done = jixiao("check", example)
    assert done.returncode == 0, done.stderr
    assert "38 个三级指标，总分 90.71，评级 优秀" in done.stdout


def test_score_above_max(example):
    table = example.parent.parent / "data" / "shanghai-credit-2018" / "indicators.csv"
    _replace(table, "B203,财务监控有效性,1,0.5", "B203,财务监控有效性,1,1.5")
    done = jixiao("check", example)
    _assert_clean_failure(done, "indicators.csv", "指标 B203", "评分值 1.5 超出范围", "满分值 1")
    assert re.search(r"第 \d+ 行", done.stderr)


def test_level1_weights_not_summing_to_100(example):
    _replace(example, "      weight: 60\n", "      weight: 50\n")
    done = jixiao("check", example)
    _assert_clean_failure(done, str(example), "一级指标权重合计为 90，应为 100", "一级指标『C 项目绩效』权重为 50")


def test_missing_data_file(example):
    (example.parent.parent / "data" / "shanghai-credit-2018" / "staff.csv").unlink()
    done = jixiao("check", example)
    _assert_clean_failure(done, "staff.csv", "人员表文件不存在", "data.staff")


def test_missing_parameter_file(tmp_path):
    done = jixiao("check", tmp_path / "params" / "none.yaml")
    _assert_clean_failure(done, "none.yaml", "参数文件不存在")


def test_run_on_invalid_input_exits_1_and_writes_nothing(example):
    _replace(example, "      weight: 60\n", "      weight: 50\n")
    done = jixiao("run", example, "--engine", "builtin", cwd=example.parent.parent)
    _assert_clean_failure(done, "输入有误", "一级指标权重合计为 90")
    assert not (example.parent.parent / "output").exists()


def test_indicator_sheet_may_be_excel(example):
    import csv

    from openpyxl import Workbook

    data = example.parent.parent / "data" / "shanghai-credit-2018"
    book = Workbook()
    sheet = book.active
    sheet.title = "评分表"
    with open(data / "indicators.csv", encoding="utf-8") as f:
        for n, row in enumerate(csv.reader(f)):
            sheet.append(row if n == 0 else row[:4] + [float(row[4]), float(row[5])] + row[6:])
    book.save(data / "indicators.xlsx")
    (data / "indicators.csv").unlink()
    _replace(example, "  indicators: indicators.csv\n", "  indicators: {file: indicators.xlsx, sheet: 评分表}\n")
    done = jixiao("check", example)
    assert done.returncode == 0, done.stderr
    assert "总分 90.71，评级 优秀" in done.stdout


def _no_cjk_fonts(monkeypatch, tmp_path):
    from jixiao import fonts

    monkeypatch.setattr(fonts, "FONT_DIRS", [str(tmp_path / "no-fonts")])
    fonts._index.cache_clear()


def test_missing_cjk_fonts_stop_every_format_before_running(example, monkeypatch, tmp_path, capsys):
    from jixiao import cli, fonts

    _no_cjk_fonts(monkeypatch, tmp_path)
    try:
        for formats in ("html,docx", "html", "docx", "pdf"):
            assert cli.main(["run", str(example), "--to", formats, "--engine", "builtin"]) == 2
            assert "未找到中文字体" in capsys.readouterr().err
        assert not (example.parent.parent / "output").exists()  # nothing ran
        assert cli.main(["check", str(example)]) == 2
        assert "本机无法生成报告：未找到中文字体" in capsys.readouterr().err
    finally:
        monkeypatch.undo()
        fonts._index.cache_clear()


def test_duplicate_budget_lines_are_an_input_error_for_run_too(example):
    lines = example.parent.parent / "data" / "shanghai-credit-2018" / "budget_lines.csv"
    _replace(lines, "2,数据整理", "2,数据归集")
    done = jixiao("run", example, "--to", "html", cwd=example.parent.parent)
    _assert_clean_failure(done, "『子项目名称』『数据归集』与第 2 行重复")
    assert not (example.parent.parent / "output" / "shanghai-credit-2018").exists()


def test_an_exhibit_that_a_chapter_already_shows_is_an_input_error(example):
    """exhibits: [{table: budget_lines}] passed check, and run then stopped with exit 2 at numbering."""
    _replace(example, "  - {after: A202, table: targets}", "  - {after: A202, table: targets}\n  - {after: A201, table: budget_lines}")
    done = jixiao("check", example)
    assert done.returncode == 1 and "exhibits 第 2 项：『budget_lines』已是报告某一章中的表或图" in done.stdout + done.stderr


def _descendants(pid):
    import subprocess

    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [int(p) for p in found] + [d for p in found for d in _descendants(int(p))]


def _alive(pid):
    from pathlib import Path

    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().split()[2] != "Z"


def test_ctrl_c_prints_one_line_keeps_the_report_and_leaves_no_kernel(tmp_path):
    import shutil
    import signal
    import subprocess
    import sys
    import threading
    import time

    from conftest import MINIMAL

    shutil.copytree(MINIMAL, tmp_path, dirs_exist_ok=True)
    previous = tmp_path / "output" / "minimal"
    previous.mkdir(parents=True)
    (previous / "report.html").write_text("上一次的报告", encoding="utf-8")
    run = subprocess.Popen([sys.executable, "-m", "jixiao.cli", "run", str(tmp_path / "params" / "minimal.yaml"),
                            "--to", "html", "--engine", "builtin"], cwd=tmp_path, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, start_new_session=True)
    lines = []
    threading.Thread(target=lambda: lines.extend(run.stdout), daemon=True).start()
    deadline = time.monotonic() + 300
    while not any("[1/7]" in line for line in lines) and time.monotonic() < deadline:
        time.sleep(0.1)
    kernels = _descendants(run.pid)
    assert kernels, "the kept kernel should be running by now"
    os.killpg(run.pid, signal.SIGINT)  # what a terminal's Ctrl-C does: the whole process group
    assert run.wait(timeout=120) == 130
    assert run.stderr.read().strip() == "已中断：output/ 中原有的报告未被改动"
    assert (previous / "report.html").read_text(encoding="utf-8") == "上一次的报告"
    time.sleep(2)
    assert not [pid for pid in kernels if _alive(pid)]


@pytest.mark.parametrize("payload, words", [
    ("- " * 300 + "x", "嵌套超过 30 层"), (">" * 3000 + " x", "嵌套超过 30 层"),
    ("{{ " + "(" * 3000 + "1" + ")" * 3000 + " }}", "嵌套过深"),
    ("{{ project.name | list | join(project.name | list | join(project.name | list | join(project.name))) }}", "过大"),
    ("{{ budget.total.as_tuple }}", "不允许"), ("{{ project }}", "一组数据"),
])
def test_check_says_which_text_is_too_deep_or_too_large(example, payload, words):
    """Exit 1 with the text named, never exit 2 with RecursionError or MemoryError."""
    background = example.parent.parent / "data" / "shanghai-credit-2018" / "texts" / "background.md"
    background.write_text(payload + "\n", encoding="utf-8")
    done = jixiao("check", example)
    _assert_clean_failure(done, "texts.background", words)


def test_explain_prints_an_indicator_score_rule_inputs_and_working(example):
    done = jixiao("explain", example, "C102", cwd=example.parent.parent)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "指标 C102 查询服务使用次数（产出数量）（C 项目绩效 / C1 项目产出）"
    assert "评分方法：完成率（比率法）" in lines
    assert any(line.startswith("  queries.year_total = 15,676,396（来源：data/shanghai-credit-2018/queries.csv")
               for line in lines)
    assert any("15,676,396 ÷ 2,000,000 = 783.82%" in line for line in lines)


def test_explain_an_unknown_code_suggests_the_close_ones(example):
    done = jixiao("explain", example, "C1020", cwd=example.parent.parent)
    _assert_clean_failure(done, "没有编码为『C1020』的三级指标", "是否想写 C102")
    assert done.stdout == ""


def test_explain_a_broken_project_says_what_to_fix(example):
    _replace(example.parent.parent / "data" / "shanghai-credit-2018" / "indicators.csv", "A,A1,A101,项目目标的适应性,1.5,1.5",
             "A,A1,A101,项目目标的适应性,1.5,9")
    _assert_clean_failure(jixiao("explain", example, "A101", cwd=example.parent.parent), "A101")
