"""Wall time of `jixiao run` on the example against its floor, and of the two rendering
engines against each other, measured side by side in one run.

The floor is the same package calls in one Python process: each chapter notebook's cells
executed in an IPython shell of that process (no kernels, no papermill; Markdown cells' {eval}
values computed there), the stitched Markdown written, and one render of the same formats with
the built-in engine. The engines render the same stitched
report.md (the three formats in one call, as a run renders them: the built-in engine's at the
same time, Quarto's in one `quarto render`), rounds interleaved; with Quarto on PATH, `jixiao
run` is also timed with `--engine quarto`. Prints the median and the spread (fastest–slowest)
of the rounds, and the ratios of the medians.

    python benchmarks/run_example.py [--rounds N]
"""

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from conftest import copy_example  # noqa: E402

from jixiao.assemble.render import builtin as render_builtin  # noqa: E402
from jixiao.assemble.render import quarto as render_quarto  # noqa: E402
from jixiao.assemble.runner import metadata  # noqa: E402
from jixiao.assemble.stitch import stitch  # noqa: E402
from jixiao.pieces import chapter  # noqa: E402
from jixiao.project import load_project  # noqa: E402


FORMATS = ["html", "pdf", "docx"]


def full_run(params: Path, engine: str = "builtin") -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "jixiao.cli", "run", str(params), "--engine", engine, "--force"],
                   cwd=params.parent.parent, check=True, capture_output=True)
    return time.perf_counter() - started


def render_once(engine: str, build: Path) -> float:
    """The three formats rendered from build/report.md by one engine, into a scratch folder."""
    out = build / f"out-{engine}"
    out.mkdir(exist_ok=True)
    started = time.perf_counter()
    if engine == "builtin":
        render_builtin.render(build / "report.md", out, FORMATS)
    else:
        render_quarto.render(render_quarto.write_project(build, build / "quarto"), out, FORMATS)
    return time.perf_counter() - started


def summary(times: list[float]) -> str:
    """Median and spread of the rounds."""
    return f"中位数 {statistics.median(times):6.2f} 秒（{min(times):.2f}–{max(times):.2f}，{len(times)} 轮）"


def engines(params: Path, rounds: int, quarto: bool) -> None:
    """Both engines on the same stitched document, the three formats, rounds interleaved."""
    build = params.parent.parent / "engines"
    shutil.copytree(params.parent.parent / "output" / params.stem, build)
    names = ["builtin", "quarto"] if quarto else ["builtin"]
    times = {engine: [] for engine in names}
    for _ in range(rounds):
        for engine in names:
            times[engine].append(render_once(engine, build))
    print("渲染同一份 report.md 为 HTML、PDF、Word：")
    print(f"  内置引擎：{summary(times['builtin'])}")
    if quarto:
        ratio = statistics.median(times["quarto"]) / statistics.median(times["builtin"])
        print(f"  Quarto：  {summary(times['quarto'])}，为内置引擎的 {ratio:.2f} 倍")


def floor_run(params: Path, build: Path) -> float:
    """The floor in a fresh Python process, so that it pays its imports once, as a run does."""
    started = time.perf_counter()
    subprocess.run([sys.executable, __file__, "--floor", str(params), str(build)], check=True)
    return time.perf_counter() - started


def floor(params: Path, build: Path) -> None:
    """The chapters' cells in an IPython shell of this process (validated once, as a run does;
    Markdown cells' {eval} values computed as the engine does), stitched, then one render."""
    import os

    from IPython.core.interactiveshell import InteractiveShell

    from jixiao.assemble.engine import expressions

    outputs = []
    shell = InteractiveShell.instance()
    shell.display_pub.publish = lambda data, metadata=None, **_: outputs.append(
        nbformat.v4.new_output("display_data", data=data, metadata=metadata or {}))
    hook = shell.displayhook
    hook.write_output_prompt = hook.finish_displayhook = lambda: None
    hook.write_format_data = lambda data, md=None: outputs.append(
        nbformat.v4.new_output("execute_result", data=data, metadata=md or {}))
    project = load_project(params)
    project.save(build / "project.pickle")
    executed = []
    for part in project.outline.chapters:
        shell.reset(new_session=False)
        os.chdir(params.parent.parent)
        os.environ["JIXIAO_NOTEBOOK"] = str(part.notebook)
        chapter.hand_over(str(build / "project.pickle"), str(part.notebook), part.number)
        shell.user_ns["params_file"] = str(params)
        nb = nbformat.read(part.notebook, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "markdown" and expressions(cell.source):
                cell.metadata["user_expressions"] = [
                    {"expression": e, "result": {"status": "ok", "data": shell.display_formatter.format(shell.ev(e))[0],
                                                 "metadata": {}}} for e in expressions(cell.source)]
            elif cell.cell_type == "code" and "parameters" not in cell.metadata.get("tags", []):
                outputs.clear()
                shell.run_cell(cell.source, store_history=False).raise_error()  # the notebooks' own code
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
    quarto = shutil.which("quarto") is not None and not render_quarto.inspect()["unfit"]
    with tempfile.TemporaryDirectory() as tmp:
        params = copy_example(Path(tmp))
        runs, quarto_runs, floors = [], [], []
        for n in range(rounds):  # interleaved, so all see the same machine load
            runs.append(full_run(params))
            if quarto:
                quarto_runs.append(full_run(params, "quarto"))
            build = Path(tmp) / f"floor{n}"
            build.mkdir()
            floors.append(floor_run(params, build))
            shutil.rmtree(build)
        full_run(params)  # leave the built-in engine's output for the engines' comparison
        run, low = statistics.median(runs), statistics.median(floors)
        print(f"jixiao run（各章各在自己的内核中，两章同时，内置引擎）：{summary(runs)}")
        if quarto:
            print(f"jixiao run --engine quarto：{summary(quarto_runs)}，"
                  f"为内置引擎的 {statistics.median(quarto_runs) / run:.2f} 倍")
        else:
            print("未找到可用的 quarto 命令：只测内置引擎")
        print(f"下限（同一进程内调用相同的包函数 + 一次渲染）：{summary(floors)}")
        print(f"比值 run / floor（中位数）：{run / low:.2f}")
        engines(params, rounds, quarto)


if __name__ == "__main__":
    main()
