"""`jixiao run` (by default --to html with the built-in engine; --to and --engine choose) and the
preview's edit loop, this checkout against an earlier revision, measured side
by side in one run: rounds alternate between the two, each on a fresh copy of the example with that
revision's notebooks. Prints the median and the spread (lowest–highest) of each, and the ratios of
the medians.

    python benchmarks/before_after.py --baseline-rev <commit> [--rounds 5] [--to html,pdf,docx --engine quarto]
                                      [--no-preview]

The earlier revision is checked out into a temporary git worktree and imported through PYTHONPATH
(its kernels inherit it), so both run with the same installed packages; an engine class of an
earlier name gets the installed entry point's name as an alias in that temporary copy.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = "shanghai-credit-2018"

PREVIEW_LOOP = """
import sys, time, nbformat
from pathlib import Path
from jixiao.assemble.preview import Preview
root = Path(sys.argv[1]); params = root / "params" / "{example}.yaml"
preview = Preview(params, root / "preview", log=lambda *_: None)
preview.build()
times = []
for n in range(int(sys.argv[2])):
    path = root / "notebooks" / "01_overview.ipynb"
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        cell.source = cell.source.replace("实施周期为", f"（第 {{n}} 次）实施周期为", 1)
    nbformat.write(nb, path)
    started = time.perf_counter(); preview.build(); times.append(time.perf_counter() - started)
print(" ".join(f"{{t:.3f}}" for t in times))
""".format(example=EXAMPLE)


def _copy(source_root: Path, target: Path) -> Path:
    (target / "params").mkdir(parents=True)
    shutil.copy(ROOT / "params" / f"{EXAMPLE}.yaml", target / "params")
    shutil.copytree(ROOT / "data" / EXAMPLE, target / "data" / EXAMPLE)
    shutil.copytree(source_root / "notebooks", target / "notebooks")
    return target / "params" / f"{EXAMPLE}.yaml"


def _env(source_root: Path) -> dict:
    return {**os.environ, "PYTHONPATH": str(source_root / "src")}


def run_once(source_root: Path, to: str = "html", engine: str = "builtin") -> float:
    with tempfile.TemporaryDirectory() as tmp:
        params = _copy(source_root, Path(tmp))
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "jixiao.cli", "run", str(params), "--to", to, "--force",
                        "--engine", engine], cwd=tmp, env=_env(source_root), check=True, capture_output=True)
        return time.perf_counter() - started


def preview_edits(source_root: Path, edits: int) -> list[float]:
    with tempfile.TemporaryDirectory() as tmp:
        _copy(source_root, Path(tmp))
        done = subprocess.run([sys.executable, "-c", PREVIEW_LOOP, tmp, str(edits)], cwd=tmp, env=_env(source_root),
                              check=True, capture_output=True, text=True)
        return [float(x) for x in done.stdout.split()]


def _summary(values: list[float]) -> str:
    return f"中位数 {statistics.median(values):6.2f} 秒（{min(values):.2f}–{max(values):.2f}，{len(values)} 轮）"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline-rev", required=True, help="the earlier revision (a commit or branch)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--to", default="html", help="jixiao run 的格式（默认 html）")
    parser.add_argument("--engine", default="builtin", help="jixiao run 的引擎（默认 builtin）")
    parser.add_argument("--no-preview", action="store_true", help="只比较 jixiao run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        baseline = Path(tmp) / "baseline"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(baseline), args.baseline_rev],
                       check=True, capture_output=True)
        engine = baseline / "src" / "jixiao" / "assemble" / "engine.py"
        if "FreshKernelEngine" not in engine.read_text(encoding="utf-8"):  # the installed entry point's name
            with engine.open("a", encoding="utf-8") as module:
                module.write("\nFreshKernelEngine = SharedKernelEngine\n")
        try:
            versions = {"之前": baseline, "现在": ROOT}
            runs = {name: [] for name in versions}
            edits = {name: [] for name in versions}
            for _ in range(args.rounds):
                for name, source in versions.items():
                    runs[name].append(run_once(source, args.to, args.engine))
                    if not args.no_preview:
                        edits[name].extend(preview_edits(source, 1))
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(baseline)], capture_output=True)
    print(f"之前 = {args.baseline_rev}，现在 = 本检出；两者逐轮交替运行")
    tables = [(f"jixiao run --to {args.to} --engine {args.engine} --force", runs)]
    tables += [] if args.no_preview else [("preview：改一句笔记本后的重建", edits)]
    for title, table in tables:
        print(title)
        for name, values in table.items():
            print(f"  {name}  {_summary(values)}")
        print(f"  现在 / 之前（中位数之比）：{statistics.median(table['现在']) / statistics.median(table['之前']):.2f}")


if __name__ == "__main__":
    main()
