"""The analyst's loop: how long a one-sentence edit takes to show in `jixiao preview`, against a
full `jixiao run --to html`, measured side by side in one run.

Each round edits one sentence of a notebook (01_overview) and one sentence of a text file
(texts/background.md) of a copy of the example, rebuilding the preview after each, and runs
`jixiao run --to html --force` once. Prints the median and spread of each and the ratios of the medians.

    python benchmarks/preview.py [--rounds N]
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

from jixiao.assemble.preview import Preview  # noqa: E402


def _timed(action) -> tuple[float, object]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def _edit_notebook(path: Path, n: int) -> None:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if "实施周期为" in cell.source:
            cell.source = cell.source.replace("实施周期为", f"（第 {n} 次修改）实施周期为", 1)
    nbformat.write(nb, path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        params = copy_example(root)
        shutil.copytree(ROOT / "notebooks", root / "notebooks")
        preview = Preview(params, root / "preview", log=lambda *_: None)
        first, _ = _timed(preview.build)
        notebook_edits, text_edits, runs = [], [], []
        background = root / "data" / params.stem / "texts" / "background.md"
        for n in range(args.rounds):
            _edit_notebook(root / "notebooks" / "01_overview.ipynb", n)
            seconds, again = _timed(preview.build)
            assert again == ["项目基本情况"], again
            notebook_edits.append(seconds)
            background.write_text(background.read_text(encoding="utf-8") + f"\n第 {n} 次补充的一句话。\n", encoding="utf-8")
            seconds, again = _timed(preview.build)
            text_edits.append(seconds)
            seconds, _ = _timed(lambda: subprocess.run(
                [sys.executable, "-m", "jixiao.cli", "run", str(params), "--to", "html", "--engine", "builtin", "--force"],
                cwd=root, check=True, capture_output=True))
            runs.append(seconds)
    median = {name: statistics.median(times) for name, times in
              (("notebook", notebook_edits), ("text", text_edits), ("run", runs))}
    spread = lambda times: f"{min(times):.2f}–{max(times):.2f}"  # noqa: E731
    print(f"预览首次生成：{first:6.2f} 秒")
    print(f"改笔记本中的一句话后预览更新：中位数 {median['notebook']:6.2f} 秒（{spread(notebook_edits)}）")
    print(f"改文字文件中的一句话后预览更新：中位数 {median['text']:6.2f} 秒（{spread(text_edits)}）")
    print(f"jixiao run --to html --force：中位数 {median['run']:6.2f} 秒（{spread(runs)}）")
    print(f"中位数之比 预览（笔记本）/ run：{median['notebook'] / median['run']:.2f}；"
          f"预览（文字）/ run：{median['text'] / median['run']:.2f}")


if __name__ == "__main__":
    main()
