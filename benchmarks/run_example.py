"""Wall time of `jixiao run` on the example against its floor, measured side by side.

The floor is the same package calls in one Python process: each chapter notebook's code
cells executed in-process (no kernels, no papermill), the stitched Markdown written, and one
render of the same formats with the built-in engine. Prints both times and their ratio.

    python benchmarks/run_example.py [--rounds N]
"""

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from conftest import copy_example  # noqa: E402

from jixiao.build.render import builtin as render_builtin  # noqa: E402
from jixiao.build.runner import metadata  # noqa: E402
from jixiao.build.stitch import stitch  # noqa: E402
from jixiao.pieces import chapter  # noqa: E402
from jixiao.project import load_project  # noqa: E402


def full_run(params: Path) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "jixiao.cli", "run", str(params), "--engine", "builtin", "--force"],
                   cwd=params.parent.parent, check=True, capture_output=True)
    return time.perf_counter() - started


def floor_run(params: Path, build: Path) -> float:
    """The floor in a fresh Python process, so that it pays its imports once, as a run does."""
    started = time.perf_counter()
    subprocess.run([sys.executable, __file__, "--floor", str(params), str(build)], check=True)
    return time.perf_counter() - started


def floor(params: Path, build: Path) -> None:
    """The chapters' code in this process (validated once, as a run does), stitched, then one render."""
    outputs = []
    chapter.display = lambda data, raw=False, metadata=None: outputs.append(
        nbformat.v4.new_output("display_data", data=data, metadata=metadata or {}))
    project = load_project(params)
    project.save(build / "project.pickle")
    executed = []
    for part in project.outline.chapters:
        nb = nbformat.read(part.notebook, as_version=4)
        namespace = {"params_file": str(params), "project_file": str(build / "project.pickle")}
        for cell in nb.cells:
            if cell.cell_type == "code" and "parameters" not in cell.metadata.get("tags", []):
                outputs.clear()
                exec(cell.source, namespace)  # noqa: S102 - the notebooks' own code
                cell.outputs = list(outputs)
        executed.append(build / part.notebook.name)
        nbformat.write(nb, executed[-1])
    source = stitch(executed, build, metadata(project))
    render_builtin.render(source, build, ["html", "pdf", "docx"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--floor", nargs=2, metavar=("PARAMS", "BUILD"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.floor:
        floor(Path(args.floor[0]), Path(args.floor[1]))
        return
    rounds = args.rounds
    with tempfile.TemporaryDirectory() as tmp:
        params = copy_example(Path(tmp))
        runs, floors = [], []
        for n in range(rounds):  # interleaved, so both see the same machine load
            runs.append(full_run(params))
            build = Path(tmp) / f"floor{n}"
            build.mkdir()
            floors.append(floor_run(params, build))
            shutil.rmtree(build)
    best_run, best_floor = min(runs), min(floors)
    print(f"jixiao run（各章笔记本，同一内核）：{best_run:6.2f} 秒  (各轮 {', '.join(f'{t:.2f}' for t in runs)})")
    print(f"下限（同一进程内调用相同的包函数 + 一次渲染）：{best_floor:6.2f} 秒  (各轮 {', '.join(f'{t:.2f}' for t in floors)})")
    print(f"比值 run / floor：{best_run / best_floor:.2f}")


if __name__ == "__main__":
    main()
