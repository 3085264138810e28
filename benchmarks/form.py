"""The self-assessment form at department scale, measured side by side in one run (rounds
interleaved; median and spread of the rounds):

1. the department workbook (``jixiao form … --out``) of N generated projects, and with ``--jobs 2``:
   time, time per form and the command's peak memory, against the same command for N/10 projects
   (how memory grows with the department) and against Python with jixiao imported (the floor);
2. the form-only reading against the old one, on the same M projects: ``jixiao form --out`` as it
   is (each project read as far as its form needs, the goals of all made safe in one pandoc round
   trip) against the same workbook from each project read as a report reads it (``load_project``,
   as ``run --to form`` and ``check`` do): time per form, peak memory, ratio;
3. a project's three form files (自评表.xlsx, .docx, .pdf: ``jixiao form`` without --out) for a
   sample of projects, per form;
4. one report of one of these projects (``jixiao run --to html,pdf,docx``): the work a form saves.

    python benchmarks/form.py [--projects 1000] [--old 100] [--sample 20] [--rounds 3]
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_projects import make_projects  # noqa: E402

# The department workbook with every project read as the report reads it (the path before the
# form-only reading): the same workbook, the same Entry for a project with invalid inputs.
OLD_PATH = """
import sys
from pathlib import Path
from jixiao.errors import JixiaoError
from jixiao.form.model import build_form
from jixiao.form.workbook import Entry, department_workbook, save
from jixiao.project import load_project
entries = []
for path in sys.argv[2:]:
    try:
        entries.append(Entry(path, build_form(load_project(Path(path)))))
    except JixiaoError as exc:
        entries.append(Entry(path, error="\\n".join(exc.messages)))
save(department_workbook(entries)[0], Path(sys.argv[1]))
"""


def measured(args: list[str], cwd: Path) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MB) of one command."""
    started = time.perf_counter()
    child = subprocess.Popen(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"失败：{' '.join(map(str, args[:6]))} …\n{child.stderr.read().decode()}")
    return seconds, usage.ru_maxrss / 1024


def jixiao(*args) -> list[str]:
    return [sys.executable, "-m", "jixiao.cli", *map(str, args)]


def spread(values: list[float], unit: str, digits: int = 2) -> str:
    """Median, then the rounds' range: 12.34 秒（11.90–12.80，3 轮）."""
    return (f"{statistics.median(values):.{digits}f} {unit}（{min(values):.{digits}f}–{max(values):.{digits}f}，"
            f"{len(values)} 轮）")


def median(pairs: list[tuple[float, float]], which: int = 0) -> float:
    return statistics.median(p[which] for p in pairs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=1000)
    parser.add_argument("--old", type=int, default=100, help="项目数：新旧两种读取方式比较用（旧的较慢）")
    parser.add_argument("--sample", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        paths = make_projects(args.projects, tmp / "dept")
        root = paths[0].parent.parent
        tenth = paths[: max(1, args.projects // 10)]
        compared = paths[: args.old]
        sample = paths[: args.sample]
        floor_cmd = [sys.executable, "-c", "import jixiao.cli, jixiao.form.output, jixiao.project"]
        big, two, small, floor, new, old, files, report = ([] for _ in range(8))
        for n in range(args.rounds):
            steps = [
                (big, lambda: measured(jixiao("form", *paths, "--out", tmp / "部门.xlsx"), root)),
                (two, lambda: measured(jixiao("form", *paths, "--out", tmp / "部门2.xlsx", "--jobs", "2"), root)),
                (small, lambda: measured(jixiao("form", *tenth, "--out", tmp / "部门-小.xlsx"), root)),
                (floor, lambda: measured(floor_cmd, root)),
                (new, lambda: measured(jixiao("form", *compared, "--out", tmp / "新.xlsx"), root)),
                (old, lambda: measured([sys.executable, "-c", OLD_PATH, tmp / "旧.xlsx", *compared], root)),
                (files, lambda: measured(jixiao("form", *sample), root)),
                (report, lambda: measured(jixiao("run", paths[0], "--force", "--engine", "builtin"), root)),
            ]
            for times, step in (steps if n % 2 == 0 else steps[::-1]):  # interleaved: the same machine load for all
                times.append(step())
    count, part, pair = len(paths), len(tenth), len(compared)
    print(f"机器：{os.cpu_count()} 个 CPU，负载 {', '.join(f'{x:.2f}' for x in os.getloadavg())}；"
          f"{args.rounds} 轮交替测量，给出中位数和各轮范围")
    per_form = [t / count for t, _ in big]
    print(f"1. 部门工作簿（{count} 个项目，jixiao form --out）：{spread([t for t, _ in big], '秒')}，"
          f"每份 {spread([t * 1000 for t in per_form], '毫秒', 1)}")
    print(f"   --jobs 2：{spread([t for t, _ in two], '秒')}，比值 --jobs 1 ÷ --jobs 2 {median(big) / median(two):.2f}")
    print(f"   峰值内存：{count} 个项目 {spread([m for _, m in big], 'MB', 0)}；{part} 个项目 "
          f"{spread([m for _, m in small], 'MB', 0)}；仅导入 jixiao {spread([m for _, m in floor], 'MB', 0)}；"
          f"--jobs 2 主进程 {spread([m for _, m in two], 'MB', 0)}")
    print(f"   每增加一个项目约 {statistics.median((b - s) / (count - part) for (_, b), (_, s) in zip(big, small)) * 1024:.0f} KB")
    print(f"2. 同样 {pair} 个项目的部门工作簿，两种读取方式并排：")
    print(f"   只读自评表所需（现在）：{spread([t for t, _ in new], '秒')}，每份 "
          f"{spread([t / pair * 1000 for t, _ in new], '毫秒', 1)}，峰值内存 {spread([m for _, m in new], 'MB', 0)}")
    print(f"   按报告完整读取（load_project，之前）：{spread([t for t, _ in old], '秒')}，每份 "
          f"{spread([t / pair * 1000 for t, _ in old], '毫秒', 1)}，峰值内存 {spread([m for _, m in old], 'MB', 0)}")
    print(f"   比值：之前 ÷ 现在 {median(old) / median(new):.1f}")
    per_files = [t / len(sample) for t, _ in files]
    print(f"3. 单个项目的三个文件（自评表.xlsx/.docx/.pdf，{len(sample)} 个项目）：每份 {spread(per_files, '秒', 3)}")
    one = [t for t, _ in report]
    print(f"4. 一份报告（jixiao run，html/pdf/docx）：{spread(one, '秒')}；"
          f"比值：一份报告 ÷ 工作簿中的一份自评表 {statistics.median(one) / statistics.median(per_form):.0f}，"
          f"÷ 三个文件的一份自评表 {statistics.median(one) / statistics.median(per_files):.0f}")
    print(f"   {count} 份：工作簿 {statistics.median(per_form) * count:.0f} 秒，三个文件 "
          f"{statistics.median(per_files) * count / 60:.1f} 分钟，{count} 份报告约 {statistics.median(one) * count / 3600:.1f} 小时")


if __name__ == "__main__":
    main()
