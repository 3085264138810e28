"""Batches: one failure does not stop the rest; unchanged projects are not run again."""

import json

import nbformat

from conftest import jixiao


def _break_at_run_time(params):
    """A chapter notebook of the project's own outline that fails: check passes, the run fails."""
    book = nbformat.v4.new_notebook()
    book.cells = [nbformat.v4.new_code_cell('raise RuntimeError("no-such-table")')]
    nbformat.write(book, params.parent / "broken.ipynb")
    (params.parent / "broken.yml").write_text(
        "title: 项目支出绩效评价报告\nkind: 评价\ncover: [{label: 项目名称, value: project.name}]\n"
        "chapters:\n  - {notebook: 01_overview.ipynb, title: 概况}\n  - {notebook: broken.ipynb, title: 故障}\n"
        + "".join(f"  - {{notebook: {name}, title: 章}}\n" for name in (
            "02_evaluation.ipynb", "03_conclusion.ipynb", "04_analysis.ipynb", "05_findings.ipynb", "06_closing.ipynb")),
        encoding="utf-8")
    params.write_text(params.read_text(encoding="utf-8") + "\noutline: broken.yml\n", encoding="utf-8")


def test_one_broken_project_does_not_stop_the_other_three(synthetic):
    paths = synthetic(4)
    _break_at_run_time(paths[1])
    root = paths[0].parent.parent
    assert jixiao("check", paths[1]).returncode == 0
    done = jixiao("run", *paths, "--jobs", "2", "--to", "html", "--engine", "builtin", cwd=root)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert "synthetic-002.yaml：运行失败" in done.stderr and "no-such-table" in done.stderr
    for path in paths[0], paths[2], paths[3]:
        summary = json.loads((root / "output" / path.stem / "summary.json").read_text(encoding="utf-8"))
        assert f"{path.stem}  {summary['total']}" in done.stdout
    assert not (root / "output" / "synthetic-002").exists()
    assert "项目" in done.stdout and "总分" in done.stdout and "评级" in done.stdout
    assert "共 4 个项目：完成 3，未变化跳过 0，失败 1" in done.stdout
    assert "[4/4]" in done.stdout


def _stamps(folder):
    return {p.relative_to(folder): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


def test_unchanged_rerun_executes_no_notebook_and_a_data_change_reruns_one(synthetic):
    paths = synthetic(2)
    root = paths[0].parent.parent
    args = ["--to", "html", "--engine", "builtin"]
    assert jixiao("run", *paths, *args, cwd=root).returncode == 0
    first, second = (root / "output" / p.stem for p in paths)
    stamps = _stamps(first), _stamps(second)
    assert (first / "inputs.json").is_file()

    again = jixiao("run", *paths, *args, cwd=root)
    assert again.returncode == 0, again.stderr
    assert again.stdout.count("未变化，跳过") == 4  # two progress lines, two table rows
    assert (_stamps(first), _stamps(second)) == stamps  # no notebook executed, nothing rewritten

    table = root / "data" / paths[0].stem / "budget_lines.csv"
    table.write_text(table.read_text(encoding="utf-8").replace("1,", "1,新", 1), encoding="utf-8")
    changed = jixiao("run", *paths, *args, cwd=root)
    assert changed.returncode == 0, changed.stderr
    assert "synthetic-001.yaml：完成" in changed.stdout
    assert "synthetic-002.yaml：未变化，跳过" in changed.stdout
    assert _stamps(second) == stamps[1]

    forced = jixiao("run", paths[1], *args, "--force", cwd=root)
    assert "synthetic-002.yaml：完成" in forced.stdout
    assert _stamps(second) != stamps[1]


def test_two_parameter_files_with_one_output_folder_are_an_input_error(tmp_path):
    import shutil

    from conftest import MINIMAL

    shutil.copytree(MINIMAL, tmp_path, dirs_exist_ok=True)
    first = tmp_path / "params" / "minimal.yaml"
    second = tmp_path / "params" / "minimal.yml"
    shutil.copy(first, second)
    for command in ("check", "run"):
        done = jixiao(command, first, second, cwd=tmp_path)
        assert done.returncode == 1, done.stdout + done.stderr
        assert "输出目录同为 output/minimal/" in done.stderr and "会互相覆盖" in done.stderr
    assert not (tmp_path / "output" / "minimal").exists()


def test_a_parameter_file_named_dot_dot_cannot_replace_the_output_folder(tmp_path):
    import shutil

    from conftest import MINIMAL

    shutil.copytree(MINIMAL, tmp_path, dirs_exist_ok=True)
    (tmp_path / "output" / "other").mkdir(parents=True)
    (tmp_path / "output" / "other" / "report.html").write_text("kept", encoding="utf-8")
    dotdot = tmp_path / "params" / "..yaml"
    shutil.copy(tmp_path / "params" / "minimal.yaml", dotdot)
    for command in ("check", "run"):
        done = jixiao(command, dotdot, cwd=tmp_path)
        assert done.returncode == 1 and "不能以「.」开头" in done.stderr, done.stdout + done.stderr
    assert (tmp_path / "output" / "other" / "report.html").read_text(encoding="utf-8") == "kept"
