"""The preview rebuilds after an edit and re-executes only the chapters whose inputs changed."""

import nbformat
import pytest

from conftest import copy_example_with_notebooks
from jixiao.assemble.preview import Preview
from jixiao.errors import InputError


@pytest.fixture
def project(tmp_path):
    """The example with its own copy of the notebooks, as an analyst edits them."""
    return copy_example_with_notebooks(tmp_path)


def _edit_notebook(path, old, new):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        cell.source = cell.source.replace(old, new)
    nbformat.write(nb, path)


def test_only_the_chapters_whose_inputs_changed_run_again(project, tmp_path):
    preview = Preview(project, tmp_path / "preview")
    assert len(preview.build()) == 7
    assert preview.build() == []  # nothing changed

    _edit_notebook(tmp_path / "notebooks" / "01_overview.ipynb", "实施周期为", "合同约定的实施周期为")
    assert preview.build() == ["项目基本情况"]
    assert "合同约定的实施周期为" in (tmp_path / "preview" / "report.html").read_text(encoding="utf-8")

    background = tmp_path / "data" / "shanghai-credit-2018" / "texts" / "background.md"
    background.write_text(background.read_text(encoding="utf-8") + "\n补充一句背景说明。\n", encoding="utf-8")
    assert preview.build() == ["项目基本情况"]

    analysis = tmp_path / "data" / "shanghai-credit-2018" / "analysis.md"
    analysis.write_text(analysis.read_text(encoding="utf-8").replace("立项程序规范。", "立项程序完全规范。"),
                        encoding="utf-8")
    assert preview.build() == ["具体绩效分析"]

    lines = tmp_path / "data" / "shanghai-credit-2018" / "budget_lines.csv"
    lines.write_text(lines.read_text(encoding="utf-8").replace("数据整理", "数据整理与清洗"), encoding="utf-8")
    assert len(preview.build()) == 7  # the data every chapter sees


def test_a_bad_edit_keeps_the_last_good_preview(project, tmp_path):
    preview = Preview(project, tmp_path / "preview")
    preview.build()
    good = (tmp_path / "preview" / "report.html").read_bytes()
    project.write_text(project.read_text(encoding="utf-8").replace("total: 4000000", "total: 4000001"), encoding="utf-8")
    with pytest.raises(InputError):
        preview.build()
    assert (tmp_path / "preview" / "report.html").read_bytes() == good
    assert project in preview.watched() and (tmp_path / "notebooks" / "04_analysis.ipynb").resolve() in [
        p.resolve() for p in preview.watched()]


def test_the_preview_equals_a_full_run_after_edits(project, tmp_path):
    from conftest import jixiao

    preview = Preview(project, tmp_path / "preview")
    preview.build()
    _edit_notebook(tmp_path / "notebooks" / "03_conclusion.ipynb", "对照指标体系逐项评分", "对照指标体系逐项打分")
    preview.build()
    _edit_notebook(tmp_path / "notebooks" / "01_overview.ipynb", "实施周期为", "合同约定的实施周期为")
    preview.build()
    done = jixiao("run", project, "--force", "--to", "html", "--engine", "builtin", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "preview" / "report.html").read_bytes() == \
        (tmp_path / "output" / project.stem / "report.html").read_bytes()
