"""The form through the commands: `run --to all` (the report with the form annexed, and the form's
files), `run --to form`, `jixiao form` for one project or a department, `check`."""

import json
import re

import pytest
import yaml
from openpyxl import load_workbook

from conftest import copy_example, jixiao
from form_projects import FRAMEWORK, cells, recalculated, write_form_project
from jixiao.errors import InputError
from jixiao.form.model import build_form
from jixiao.form.output import entries
from jixiao.project import load_project


@pytest.fixture(scope="module")
def assessed(tmp_path_factory):
    """(root, params, output folder) after `jixiao run --to all` of the self-assessment project."""
    root = tmp_path_factory.mktemp("assessed")
    params = write_form_project(root)
    done = jixiao("run", params, "--to", "all", "--engine", "builtin", cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    return root, params, root / "output" / FRAMEWORK


def test_the_forms_totals_are_the_reports_to_the_cent(assessed, tmp_path):
    root, _, out = assessed
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert {f.name for f in out.iterdir()} >= {"report.html", "report.pdf", "report.docx", "自评表.xlsx", "自评表.docx",
                                              "自评表.pdf"}
    book = recalculated(out / "自评表.xlsx", tmp_path)
    ws = book["自评表"]
    labels = {c.value: c for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    total = ws.cell(labels["总分"].row, 8).value
    assert f"{total:.2f}" == summary["total"]
    assert ws.cell(labels["评级"].row, 7).value == summary["grade"]
    budget = next(d for d in summary["indicators"] if d["name"] == "预算执行率")
    assert f"{ws.cell(labels['年度资金总额'].row, 9).value:.2f}" == budget["score"]
    # the annex of the report prints the same total and grade
    report = (out / "report.md").read_text(encoding="utf-8")
    annex = report[report.index("附件：项目支出绩效自评表"):]
    assert re.search(rf"总分\s.*\|\s*100\s*\|\s*{re.escape(summary['total'])}\s*\|\s*评级：{summary['grade']}", annex)


def test_jixiao_form_and_run_to_form_give_the_same_cells(assessed, tmp_path):
    root, params, out = assessed
    done = jixiao("form", params, "--out", tmp_path / "部门自评表.xlsx", cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    department = load_workbook(tmp_path / "部门自评表.xlsx")
    single = load_workbook(out / "自评表.xlsx")["自评表"]
    sheet = department[department.sheetnames[1]]
    assert cells(sheet) == cells(single)
    assert sorted(map(str, sheet.merged_cells.ranges)) == sorted(map(str, single.merged_cells.ranges))


def test_run_to_form_writes_the_form_and_keeps_the_report(assessed):
    root, params, out = assessed
    before = {f.name: f.read_bytes() for f in out.iterdir() if f.is_file() and not f.name.startswith("自评表")}
    stamp = (out / "自评表.xlsx").stat().st_mtime_ns
    skipped = jixiao("run", params, "--to", "form", "--engine", "builtin", cwd=root)
    assert skipped.returncode == 0 and "未变化，跳过" in skipped.stdout  # made by --to all from the same inputs
    done = jixiao("run", params, "--to", "form", "--force", "--engine", "builtin", cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (out / "自评表.xlsx").stat().st_mtime_ns != stamp
    after = {f.name: f.read_bytes() for f in out.iterdir() if f.is_file() and not f.name.startswith("自评表")}
    assert after == before
    assert not [f for f in out.iterdir() if f.name.startswith(".~")]


def test_bad_input_is_named_and_the_previous_form_survives(tmp_path):
    params = write_form_project(tmp_path)
    assert jixiao("form", params, cwd=tmp_path).returncode == 0
    written = tmp_path / "output" / FRAMEWORK / "自评表.xlsx"
    kept = written.read_bytes()
    raw = yaml.safe_load(params.read_text(encoding="utf-8"))
    raw["budget"]["funds"]["other"] = {"total": 5}
    params.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    done = jixiao("run", params, "--to", "form", cwd=tmp_path)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "budget.funds 各来源的 total（全年预算数）合计" in done.stderr
    assert written.read_bytes() == kept
    bad_out = jixiao("form", params, "--out", tmp_path / "部门.csv", cwd=tmp_path)
    assert bad_out.returncode == 1 and "应为 .xlsx 文件" in bad_out.stderr


def test_check_lists_the_forms_pending_cells(tmp_path):
    params = copy_example(tmp_path)
    done = jixiao("check", params, cwd=tmp_path)
    assert done.returncode == 0
    assert "自评表（jixiao form，报告不附）尚缺" in done.stdout  # a third-party report: one line; jixiao form lists them
    params = write_form_project(tmp_path / "annexed")  # the self-assessment outline annexes the form
    raw = yaml.safe_load(params.read_text(encoding="utf-8"))
    del raw["budget"]["initial"], raw["budget"]["funds"]["carryover"]["initial"]
    params.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    done = jixiao("check", params, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "自评表仍有 1 处待填写（报告附件中的自评表同样如此）" in done.stdout and "budget 中填写 initial" in done.stdout


def test_a_department_of_200_projects_with_3_invalid(synthetic, tmp_path):
    paths = synthetic(200)
    broken = paths[10], paths[50], paths[150]
    broken[0].write_text("project: [", encoding="utf-8")  # YAML syntax
    raw = yaml.safe_load(broken[1].read_text(encoding="utf-8"))
    raw["budget"]["total"] = raw["budget"]["total"] + 1  # no longer the budget lines' sum
    broken[1].write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    raw = yaml.safe_load(broken[2].read_text(encoding="utf-8"))
    del raw["data_dir"]
    broken[2].write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "部门自评表.xlsx"
    done = jixiao("form", *paths, "--out", out, cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "生成 197 个，输入有误 3 个" in done.stdout
    book = load_workbook(out)
    summary = book["汇总"]
    rows = [r for r in summary.iter_rows(min_row=2, values_only=True) if isinstance(r[0], int)]
    assert len(rows) == 200
    errors = [r for r in rows if str(r[13]).startswith("输入有误")]
    assert sorted(r[3] for r in errors) == sorted(str(p) for p in broken)
    assert "YAML 语法错误" in next(r[13] for r in errors if r[3] == str(broken[0]))
    sheets = book.sheetnames[1:]
    assert len(sheets) == 197 and len({s.casefold() for s in sheets}) == 197
    assert all(len(s) <= 31 and not set(s) & set("[]:*?/\\") for s in sheets)
    totals = [r[9] for r in rows[:197]]
    assert all(isinstance(t, str) and t.startswith("=") for t in totals)  # references into each project's sheet


def _edited(root, edit):
    """The form project under ``root`` with its parameter mapping changed by ``edit``."""
    params = write_form_project(root)
    raw = yaml.safe_load(params.read_text(encoding="utf-8"))
    edit(raw, params)
    if raw:
        params.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return params


def _texts(raw, **texts):
    raw["texts"].update(texts)


def _previous(raw, params):
    (params.parent / "last.yaml").write_text(params.read_text(encoding="utf-8"), encoding="utf-8")
    raw["previous"] = "last.yaml"
    _texts(raw, annual_result="上年总分 {{ previous.total }}，今年 {{ total }}。")


def _goal_file(raw, params):
    (params.parent.parent / "data" / FRAMEWORK / "texts").mkdir(exist_ok=True)
    (params.parent.parent / "data" / FRAMEWORK / "texts" / "goal.md").write_text(
        "# 总体目标\n\n完成**全部**任务，\n覆盖 [全区](https://example.com)。\n\n- 甲\n- 乙\n", encoding="utf-8")
    _texts(raw, annual_goal="texts/goal.md")


def _yaml_error(raw, params):
    params.write_text("project: [", encoding="utf-8")
    raw.clear()


# Each a project whose form the fast path must give exactly as load_project does, or fail alike.
VARIANTS = {
    "as written": lambda raw, params: None,
    "last year's figures": _previous,
    "goal from a file with a heading, a link and a list": _goal_file,
    "a blank goal and a result with a code fence": lambda raw, params: _texts(
        raw, annual_goal="  ", annual_result="完成\n\n```\n未闭合"),
    "brackets and a definition": lambda raw, params: _texts(
        raw, annual_goal="[甲]: https://a.cn\n\n见[甲]与[乙]", annual_result=":   定义开头"),
    "a reference to a table the report lacks": lambda raw, params: _texts(raw, annual_goal="见 @tbl-missing。"),
    "an image from outside the data folder": lambda raw, params: _texts(raw, annual_goal="![图](/etc/passwd)"),
    "a file link and a missing name": lambda raw, params: _texts(
        raw, annual_goal="[x](file:///etc/passwd)", annual_result="{{ budget.nosuch }}"),
    "a goal file outside the project": lambda raw, params: _texts(raw, annual_goal="../../../secret.md"),
    "funds that do not add up": lambda raw, params: raw["budget"]["funds"].update(other={"total": 5}),
    "a YAML error": _yaml_error,
}


def _full(params):
    try:
        return build_form(load_project(params))
    except InputError as exc:
        return "\n".join(exc.messages)


def test_the_department_path_gives_load_projects_form_or_messages(tmp_path):
    """``jixiao form --out`` reads each project only as far as its form needs and sanitizes the
    goals of many projects together: every form, and every message for bad input, is what the
    report's own reading (load_project, as in run --to form and check) gives."""
    paths = [_edited(tmp_path / f"p{n}", edit) for n, edit in enumerate(VARIANTS.values())]
    found = entries(paths)
    for name, path, entry in zip(VARIANTS, paths, found):
        assert (entry.form or entry.error) == _full(path), name
    assert [bool(e.form) for e in found] == [True] * 5 + [False] * 6


def test_a_report_text_the_form_does_not_print_does_not_stop_the_form(tmp_path):
    """check and run stop at a broken report text; the department's form of the project is made."""
    params = write_form_project(tmp_path)
    good = build_form(load_project(params))
    raw = yaml.safe_load(params.read_text(encoding="utf-8"))
    raw["texts"]["background"] = "{{ nosuch }}"
    params.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InputError):
        load_project(params)
    assert entries([params])[0].form == good
