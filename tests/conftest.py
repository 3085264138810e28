"""Shared fixtures: copies of the example project, synthetic projects, and rendered reports
(the example's once per session; each framework's synthetic project once per session, on first use)."""

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = "shanghai-credit-2018"
GOLDEN = ROOT / "tests" / "golden" / "reference_table_3_2.tsv"
MINIMAL = ROOT / "tests" / "fixtures" / "minimal"  # the smallest valid project
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests" / "scoring"))

from framework_projects import write_project  # noqa: E402
from make_projects import make_projects  # noqa: E402


def copy_example(target: Path) -> Path:
    """Copy params/ and data/ of the example into ``target``; return the params path."""
    (target / "params").mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "params" / f"{EXAMPLE}.yaml", target / "params")
    shutil.copytree(ROOT / "data" / EXAMPLE, target / "data" / EXAMPLE)
    return target / "params" / f"{EXAMPLE}.yaml"


def copy_example_with_notebooks(target: Path) -> Path:
    """The example copied into ``target`` with its own copy of the template's notebooks (which take
    precedence there), as an analyst edits them; return the params path."""
    params = copy_example(target)
    shutil.copytree(ROOT / "notebooks", target / "notebooks")
    return params


def jixiao(*args, cwd=None, timeout=900):
    """Run the jixiao command as an analyst would."""
    return subprocess.run([sys.executable, "-m", "jixiao.cli", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def example(tmp_path) -> Path:
    return copy_example(tmp_path)


@pytest.fixture
def synthetic(tmp_path):
    """Write N synthetic projects under tmp_path; return their parameter files."""
    return lambda count: make_projects(count, tmp_path)


@pytest.fixture(scope="session")
def rendered(tmp_path_factory) -> Path:
    """output/<name>/ of one full `jixiao run --redact` of the example with the built-in engine."""
    root = tmp_path_factory.mktemp("run")
    params = copy_example(root)
    done = jixiao("run", params, "--engine", "builtin", "--redact", cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    return root / "output" / EXAMPLE


@pytest.fixture(scope="session")
def rendered_quarto(tmp_path_factory) -> Path:
    """output/<name>/ of one full `jixiao run` of the example with the real Quarto."""
    if shutil.which("quarto") is None:
        pytest.skip("未安装 Quarto（PATH 中没有 quarto），跳过 Quarto 引擎的端到端测试")
    root = tmp_path_factory.mktemp("run-quarto")
    params = copy_example(root)
    done = jixiao("run", params, "--engine", "quarto", cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    return root / "output" / EXAMPLE


@pytest.fixture(scope="session")
def framework_report(tmp_path_factory):
    """``framework_report(name)``: output/<name>/ of `jixiao run --to pdf` (built-in engine) of the
    synthetic project of framework ``name`` (tests/scoring/framework_projects.py), rendered once
    per session, when a test first asks for it."""
    root = tmp_path_factory.mktemp("frameworks")
    done = {}

    def render(name: str) -> Path:
        if name not in done:
            params = write_project(root, name)
            run = jixiao("run", params, "--engine", "builtin", "--to", "pdf", cwd=root)
            assert run.returncode == 0, run.stdout + run.stderr
            done[name] = root / "output" / name
        return done[name]

    return render


def golden():
    with open(GOLDEN, encoding="utf-8") as f:
        return list(csv.DictReader((line for line in f if not line.startswith("#")), delimiter="\t"))


FRAMEWORK_WEIGHTS = {
    "shanghai-abc": {"A": 10, "B": 30, "C": 60},
    "national-2020": {"A": 20, "B": 20, "C": 30, "D": 30},
    "self-assessment-2020": {"A": 10, "B": 50, "C": 30, "D": 10},
    "ifi-loan-2019": {"A": 20, "B": 50, "C": 20, "D": 10},
}


def outputs_text(nb) -> str:
    """A chapter as the report reads it: Markdown cells (their {eval} values filled when the notebook
    was executed with them) and the Markdown its code cells printed for the report, in order."""
    from jixiao.assemble.stitch import filled

    pieces = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            pieces.append(filled(cell, "test") if cell.metadata.get("user_expressions") else cell.source)
        elif cell.cell_type == "code":
            pieces += [o.get("metadata", {}).get("jixiao", {}).get("markdown") or o.get("data", {}).get("text/markdown", "")
                       for o in cell.get("outputs", [])]
    return "\n".join(pieces)


def run_all_like_jupyterlab(path: Path, cwd: Path):
    """Run All in JupyterLab with jupyterlab-myst: every code cell in order in a plain kernel
    (nbclient), and each Markdown cell's {eval} expressions sent with user_expressions after the
    cells above it, the results kept in the cell's metadata as jupyterlab-myst keeps them."""
    import nbformat
    from nbclient import NotebookClient

    from jixiao.assemble.engine import expressions

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(cwd)}})
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            if cell.cell_type == "code":
                client.execute_cell(cell, index)
            elif expressions(cell.source):
                wanted = expressions(cell.source)
                request = client.kc.execute("", silent=True, store_history=False,
                                            user_expressions={str(n): e for n, e in enumerate(wanted)})
                reply = client.wait_for_reply(request)
                results = reply["content"]["user_expressions"]
                cell.metadata["user_expressions"] = [{"expression": e, "result": results[str(n)]}
                                                     for n, e in enumerate(wanted)]
    return nb


def run_chapter(stem: str, params: Path, tmp_path: Path) -> str:
    """Execute one template chapter on a project (papermill -p params_file); its printed Markdown."""
    import nbformat
    import papermill as pm

    out = tmp_path / f"{stem}.ipynb"
    pm.execute_notebook(str(ROOT / "notebooks" / f"{stem}.ipynb"), str(out), parameters={"params_file": str(params)},
                        engine_name="jixiao", progress_bar=False, cwd=str(params.parent.parent))
    return outputs_text(nbformat.read(out, as_version=4))
