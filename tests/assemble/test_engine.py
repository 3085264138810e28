"""The jixiao papermill engine: a fresh warm kernel per notebook, {eval} in Markdown cells filled
at execution, papermill's default engine, -f without noise."""

import logging

import nbformat
import papermill as pm
from papermill.engines import papermill_engines

from jixiao.assemble import engine


def _notebook(path, *cells):
    """Cells: a string is a code cell, ("md", text) a Markdown cell."""
    made = [nbformat.v4.new_markdown_cell(c[1]) if isinstance(c, tuple) else nbformat.v4.new_code_cell(c)
            for c in cells]
    nb = nbformat.v4.new_notebook(cells=made)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


def _text(path) -> list[str]:
    nb = nbformat.read(path, as_version=4)
    return ["".join(o.get("text", "")) for c in nb.cells for o in c.get("outputs", []) if o.output_type == "stream"]


def test_registered_through_the_entry_point_and_as_the_default():
    assert papermill_engines.get_engine(engine.NAME) is engine.FreshKernelEngine
    assert papermill_engines.get_engine(None) is engine.FreshKernelEngine


def test_each_notebook_has_a_fresh_kernel_and_a_patched_module_does_not_leak(tmp_path):
    first = _notebook(tmp_path / "first.ipynb", "import os, statistics\nstatistics.mean = lambda *a: 'patched'\nprint(os.getpid())")
    second = _notebook(tmp_path / "second.ipynb",
                       "import os, statistics\nprint(os.getpid())\nprint(statistics.mean([1]))\nprint(os.getcwd())")
    (tmp_path / "elsewhere").mkdir()
    try:
        pm.execute_notebook(str(first), str(tmp_path / "out1.ipynb"), engine_name=engine.NAME,
                            progress_bar=False, cwd=str(tmp_path), spares=1)
        pm.execute_notebook(str(second), str(tmp_path / "out2.ipynb"), engine_name=engine.NAME,
                            progress_bar=False, cwd=str(tmp_path / "elsewhere"))
    finally:
        engine.shutdown()
    pid1 = _text(tmp_path / "out1.ipynb")[0].strip()
    pid2, dumped, cwd = "".join(_text(tmp_path / "out2.ipynb")).split()
    assert pid1 != pid2
    assert dumped == "1"
    assert cwd == str(tmp_path / "elsewhere")


def test_eval_in_markdown_cells_is_filled_after_the_cells_above(tmp_path):
    source = _notebook(tmp_path / "nb.ipynb", "total = 90.71\nname = '优秀'", ("md", "总分 {eval}`total` 分，{eval}`name`。"),
                       "total = 1")
    try:
        pm.execute_notebook(str(source), str(tmp_path / "out.ipynb"), progress_bar=False)  # papermill's default
    finally:
        engine.shutdown()
    cell = nbformat.read(tmp_path / "out.ipynb", as_version=4).cells[1]
    results = {e["expression"]: e["result"] for e in cell.metadata["user_expressions"]}
    assert results["total"]["data"]["text/plain"] == "90.71"
    assert results["name"]["status"] == "ok"


def test_a_failing_eval_stops_the_notebook_naming_the_expression(tmp_path):
    source = _notebook(tmp_path / "nb.ipynb", "x = 1", ("md", "值 {eval}`totl`。"))
    try:
        pm.execute_notebook(str(source), str(tmp_path / "out.ipynb"), engine_name=engine.NAME, progress_bar=False)
    except pm.PapermillExecutionError as exc:
        assert exc.ename == "NameError" and "totl" in exc.evalue and exc.cell_index == 1
    else:
        raise AssertionError("the error was not raised")
    finally:
        engine.shutdown()


def test_a_failing_notebook_does_not_spoil_the_next(tmp_path):
    bad = _notebook(tmp_path / "bad.ipynb", "x = 1\nraise ValueError('坏')")
    good = _notebook(tmp_path / "good.ipynb", "print('x' in globals())")
    try:
        try:
            pm.execute_notebook(str(bad), str(tmp_path / "o1.ipynb"), engine_name=engine.NAME, progress_bar=False,
                                spares=1)
        except pm.PapermillExecutionError as exc:
            assert exc.ename == "ValueError"
        else:
            raise AssertionError("the error was not raised")
        pm.execute_notebook(str(good), str(tmp_path / "o2.ipynb"), engine_name=engine.NAME, progress_bar=False)
    finally:
        engine.shutdown()
    assert _text(tmp_path / "o2.ipynb") == ["False\n"]


def test_parameter_file_keys_pass_without_warnings_and_read_as_written(tmp_path, caplog):
    source = _notebook(tmp_path / "nb.ipynb", "params_file = 'x'")
    nb = nbformat.read(source, as_version=4)
    nb.cells[0].metadata["tags"] = ["parameters"]
    nbformat.write(nb, source)
    with caplog.at_level(logging.WARNING, logger="papermill"):
        try:
            pm.execute_notebook(str(source), str(tmp_path / "out.ipynb"), progress_bar=False,
                                parameters={"project": {"name": "信用专项"}, "surprise": 1})
        finally:
            engine.shutdown()
    warned = [r.getMessage() for r in caplog.records if "unknown parameter" in r.getMessage()]
    assert warned == ["Passed unknown parameter: surprise"]  # only what is not a parameter-file key
    injected = nbformat.read(tmp_path / "out.ipynb", as_version=4).cells[1].source
    assert "信用专项" in injected and "\\u" not in injected
