"""The jixiao papermill engine: one kept kernel, reset between notebooks."""

import nbformat
import papermill as pm
from papermill.engines import papermill_engines

from jixiao.assemble import engine


def _notebook(path, *sources):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


def _text(path) -> list[str]:
    nb = nbformat.read(path, as_version=4)
    return ["".join(o.get("text", "")) for c in nb.cells for o in c.outputs if o.output_type == "stream"]


def test_registered_through_the_entry_point():
    assert papermill_engines.get_engine(engine.NAME) is engine.SharedKernelEngine


def test_one_kernel_and_a_fresh_namespace_per_notebook(tmp_path):
    first = _notebook(tmp_path / "first.ipynb", "import os\nleak = 1\nprint(os.getpid())")
    second = _notebook(tmp_path / "second.ipynb", "import os\nprint(os.getpid())\nprint('leak' in globals())\nprint(os.getcwd())")
    (tmp_path / "elsewhere").mkdir()
    try:
        pm.execute_notebook(str(first), str(tmp_path / "out1.ipynb"), engine_name=engine.NAME,
                            progress_bar=False, cwd=str(tmp_path))
        pm.execute_notebook(str(second), str(tmp_path / "out2.ipynb"), engine_name=engine.NAME,
                            progress_bar=False, cwd=str(tmp_path / "elsewhere"))
    finally:
        engine.shutdown()
    pid1 = _text(tmp_path / "out1.ipynb")[0].strip()
    pid2, leaked, cwd = "".join(_text(tmp_path / "out2.ipynb")).split()
    assert pid1 == pid2
    assert leaked == "False"
    assert cwd == str(tmp_path / "elsewhere")


def test_a_failing_notebook_does_not_spoil_the_next(tmp_path):
    bad = _notebook(tmp_path / "bad.ipynb", "x = 1\nraise ValueError('坏')")
    good = _notebook(tmp_path / "good.ipynb", "print('x' in globals())")
    try:
        try:
            pm.execute_notebook(str(bad), str(tmp_path / "o1.ipynb"), engine_name=engine.NAME, progress_bar=False)
        except pm.PapermillExecutionError as exc:
            assert exc.ename == "ValueError"
        else:
            raise AssertionError("the error was not raised")
        pm.execute_notebook(str(good), str(tmp_path / "o2.ipynb"), engine_name=engine.NAME, progress_bar=False)
    finally:
        engine.shutdown()
    assert _text(tmp_path / "o2.ipynb") == ["False\n"]
