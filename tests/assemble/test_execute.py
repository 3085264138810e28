"""Executing a project's chapters: each in a fresh kernel, so nothing one chapter changes reaches
another; an error names the notebook and its own cell number."""

import matplotlib.image
import nbformat

from conftest import EXAMPLE, copy_example_with_notebooks, jixiao


def _insert_after(path, anchor, source):
    nb = nbformat.read(path, as_version=4)
    at = next(n for n, cell in enumerate(nb.cells) if anchor in cell.source)
    nb.cells.insert(at + 1, nbformat.v4.new_code_cell(source))
    nbformat.write(nb, path)


def test_a_module_patched_in_chapter_one_does_not_reach_chapter_three(tmp_path):
    params = copy_example_with_notebooks(tmp_path)
    _insert_after(tmp_path / "notebooks" / "01_overview.ipynb", "C = open_chapter",
                  "charts.palette = lambda: ['#ff0000'] * 3\nimport matplotlib.pyplot as plt\n"
                  "plt.rcParams['axes.prop_cycle'] = plt.cycler(color=['#ff0000'])")
    done = jixiao("run", params, "--to", "html", "--engine", "builtin", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    figure = matplotlib.image.imread(tmp_path / "output" / EXAMPLE / "figures" / "dimension_rates.png")
    red = (figure[..., 0] > 0.9) & (figure[..., 1] < 0.1) & (figure[..., 2] < 0.1)
    assert red.sum() == 0


def test_an_error_names_the_notebook_and_its_own_code_cell(tmp_path):
    params = copy_example_with_notebooks(tmp_path)
    _insert_after(tmp_path / "notebooks" / "03_conclusion.ipynb", "C = open_chapter", "1 / 0")
    done = jixiao("run", params, "--to", "html", "--engine", "builtin", cwd=tmp_path)
    assert done.returncode == 2
    assert "第 3 章「评价结论」（03_conclusion.ipynb）的第 3 个代码单元出错：ZeroDivisionError" in done.stdout + done.stderr


def test_chapters_run_side_by_side_report_in_order_and_the_first_failure_in_the_outline_wins(tmp_path):
    params = copy_example_with_notebooks(tmp_path)
    # chapter 2 fails late, chapter 5 at once: chapter 5 may fail first, chapter 2 is still the one named
    _insert_after(tmp_path / "notebooks" / "02_evaluation.ipynb", "C = open_chapter", "import time; time.sleep(3); 1 / 0")
    _insert_after(tmp_path / "notebooks" / "05_findings.ipynb", "C = open_chapter", "raise KeyError('五')")
    done = jixiao("run", params, "--to", "html", "--engine", "builtin", cwd=tmp_path)
    assert done.returncode == 2
    assert "第 2 章「绩效评价工作情况」（02_evaluation.ipynb）" in done.stdout + done.stderr
    assert "第 5 章" not in done.stdout + done.stderr


def test_progress_is_printed_in_the_outline_order(tmp_path):
    params = copy_example_with_notebooks(tmp_path)
    _insert_after(tmp_path / "notebooks" / "01_overview.ipynb", "C = open_chapter", "import time; time.sleep(2)")
    done = jixiao("run", params, "--to", "html", "--engine", "builtin", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    progress = [line.split("]")[0].strip() for line in done.stdout.splitlines() if line.startswith("  [")]
    assert len(progress) >= 6
    assert progress == [f"[{n}/{len(progress)}" for n in range(1, len(progress) + 1)]
