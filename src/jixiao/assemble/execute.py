"""Executing the chapter notebooks of a project's outline with papermill, one after another,
with progress, all in the process's one kept kernel (the ``jixiao`` papermill engine)."""

import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from ..errors import RunFailure
from .engine import NAME as ENGINE


@contextmanager
def stderr_to(path: Path):
    """Send this process's and the kernels' stderr (papermill and ipykernel chatter) to a log."""
    sys.stderr.flush()
    saved = os.dup(2)
    with open(path, "ab") as log:
        os.dup2(log.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)


def executed_name(n: int, notebook: Path) -> str:
    """The executed copy's file name: its place in the outline, then the notebook's name."""
    return f"{n:02d}-{notebook.name}" if not notebook.name[:2].isdigit() else notebook.name


def execute_chapters(chapters, parameters: dict, cwd: Path, target: Path, log) -> list[Path]:
    """Run every chapter notebook into ``target`` with ``parameters``; return the executed paths."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    target.mkdir(parents=True, exist_ok=True)
    done = []
    for n, chapter in enumerate(chapters, start=1):
        executed = target / executed_name(n, chapter.notebook)
        started = time.perf_counter()
        try:
            with stderr_to(target / "kernel.log"):
                pm.execute_notebook(str(chapter.notebook), str(executed), parameters=parameters,
                                    kernel_name="python3", language="python", engine_name=ENGINE, progress_bar=False,
                                    request_save_on_cell_execute=False, cwd=str(cwd))
        except PapermillExecutionError as exc:
            raise RunFailure(
                f"第 {n} 章「{chapter.title}」（{chapter.notebook.name}）的第 {exc.exec_count} 个代码单元出错："
                f"{exc.ename}: {exc.evalue}\n已执行的笔记本保存在 {executed}，可在 Jupyter 中打开查看"
            ) from None
        log(f"  [{n}/{len(chapters)}] {chapter.title}  {time.perf_counter() - started:.1f} 秒")
        done.append(executed)
    return done
