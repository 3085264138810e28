"""A run never loses the previous good report, gives byte-identical output for the same
input, and prints data as text, never as markup."""

import json
import shutil

import nbformat

from conftest import ROOT, copy_example, jixiao


def _run(params, *extra):
    return jixiao("run", params, "--engine", "builtin", "--to", "html", *extra, cwd=params.parent.parent)


def test_reproducible_then_failed_run_keeps_the_good_report(tmp_path):
    params = copy_example(tmp_path)
    output = tmp_path / "output" / "shanghai-credit-2018"
    assert _run(params).returncode == 0
    first = {name: (output / name).read_bytes() for name in ("report.html", "summary.json")}
    again = _run(params, "--force")  # really run again: an unchanged project would be skipped
    assert again.returncode == 0 and "完成" in again.stdout
    assert {name: (output / name).read_bytes() for name in first} == first  # byte-identical

    broken = tmp_path / "notebooks"  # the project's own notebooks take precedence
    shutil.copytree(ROOT / "notebooks", broken)
    book = nbformat.read(broken / "04_analysis.ipynb", as_version=4)
    book.cells.append(nbformat.v4.new_code_cell('raise RuntimeError("模拟的笔记本故障")'))
    nbformat.write(book, broken / "04_analysis.ipynb")
    done = _run(params)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "第 4 章「具体绩效分析」（04_analysis.ipynb）" in done.stderr and "模拟的笔记本故障" in done.stderr
    assert {name: (output / name).read_bytes() for name in first} == first  # untouched
    kept = tmp_path / "output" / "shanghai-credit-2018.failed" / "notebooks" / "04_analysis.ipynb"
    assert kept.is_file() and str(kept) in done.stderr
    assert not (tmp_path / "output" / ".build-shanghai-credit-2018").exists()


def test_data_is_escaped_in_html(tmp_path):
    params = copy_example(tmp_path)
    text = params.read_text(encoding="utf-8")
    params.write_text(text.replace("  name: 2018年上海市公共信用信息服务中心专项",
                                   '  name: "<script>alert(1)</script>专项"'), encoding="utf-8")
    staff = tmp_path / "data" / "shanghai-credit-2018" / "staff.csv"
    staff.write_text(staff.read_text(encoding="utf-8").replace("叶东晖", "<b>叶东晖</b>"), encoding="utf-8")
    done = _run(params)
    assert done.returncode == 0, done.stderr
    html = (tmp_path / "output" / "shanghai-credit-2018" / "report.html").read_text(encoding="utf-8")
    assert "<script" not in html.lower() and "<b>叶东晖" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;专项" in html and "&lt;b&gt;叶东晖&lt;/b&gt;" in html
    summary = json.loads((tmp_path / "output" / "shanghai-credit-2018" / "summary.json").read_text(encoding="utf-8"))
    assert summary["project"] == "<script>alert(1)</script>专项"


def test_check_lists_what_is_still_pending_and_run_refuses_to_publish_it(tmp_path):
    params = copy_example(tmp_path)
    conclusion = tmp_path / "data" / "shanghai-credit-2018" / "texts" / "conclusion.md"
    conclusion.write_text("（待填写：主要结论）\n", encoding="utf-8")
    checked = jixiao("check", params)
    assert checked.returncode == 0 and "仍有待填写的内容：texts.conclusion" in checked.stdout
    done = _run(params)
    assert done.returncode == 1 and "texts.conclusion" in done.stderr and "报告不能发布" in done.stderr
    assert not (tmp_path / "output" / "shanghai-credit-2018").exists()
