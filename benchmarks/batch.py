"""Batch benchmarks, measured side by side in one run (rounds interleaved, best kept):

1. one report (the example) against the floor of ``run_example.py``;
2. 20 synthetic projects at ``--jobs 1`` against ``--jobs 2``;
3. a re-run with nothing changed against a full run of the same 20 projects.

    python benchmarks/batch.py [--projects 20] [--rounds 2] [--to html,pdf,docx]
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_projects import make_projects  # noqa: E402
from run_example import copy_example, floor_run, full_run  # noqa: E402


def batch_run(paths: list[Path], *options: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "jixiao.cli", "run", *map(str, paths), "--engine", "builtin", *options],
                   cwd=paths[0].parent.parent, check=True, capture_output=True)
    return time.perf_counter() - started


def _times(values: list[float]) -> str:
    return ", ".join(f"{t:.2f}" for t in values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--to", default="html,pdf,docx")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        example = copy_example(tmp / "example")
        paths = make_projects(args.projects, tmp / "batch")
        runs, floors, jobs1, jobs2, reruns = [], [], [], [], []
        for n in range(args.rounds):  # interleaved, so every measure sees the same machine load
            runs.append(full_run(example))
            build = tmp / f"floor{n}"
            build.mkdir()
            floors.append(floor_run(example, build))
            order = [(1, jobs1), (2, jobs2)] if n % 2 == 0 else [(2, jobs2), (1, jobs1)]
            for jobs, times in order:
                times.append(batch_run(paths, "--force", "--jobs", str(jobs), "--to", args.to))
            reruns.append(batch_run(paths, "--jobs", "2", "--to", args.to))
    run, floor, one, two, rerun = min(runs), min(floors), min(jobs1), min(jobs2), min(reruns)
    print(f"机器：{os.cpu_count()} 个 CPU，负载 {', '.join(f'{x:.2f}' for x in os.getloadavg())}；"
          f"{args.rounds} 轮交替测量，取最好一轮；格式 {args.to}")
    print(f"1. 一份报告：jixiao run {run:6.2f} 秒 ({_times(runs)})，下限 {floor:6.2f} 秒 ({_times(floors)})，"
          f"比值 {run / floor:.2f}（目标 ≤ 2）")
    print(f"2. {args.projects} 个项目：--jobs 1 {one:6.2f} 秒 ({_times(jobs1)})，--jobs 2 {two:6.2f} 秒 "
          f"({_times(jobs2)})，加速 {one / two:.2f} 倍（目标 ≥ 1.8）")
    print(f"3. 未变化重跑 {args.projects} 个项目：{rerun:6.2f} 秒 ({_times(reruns)})，完整运行（--jobs 1）"
          f"{one:6.2f} 秒（目标 < 1 秒）")


if __name__ == "__main__":
    main()
