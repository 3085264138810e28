"""Executing the chapter notebooks of a project's outline with papermill, each in a fresh warm
kernel (the ``jixiao`` papermill engine), as many at once as there are cores (two at most),
with progress."""

import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from ..errors import RunFailure
from . import kernels
from .engine import NAME as ENGINE

KERNEL = "python3"  # the chapters' kernel (the notebooks' kernelspec)
# Chapters run at once: one per core, two at most (a chapter is short; more kernels than that only
# wait for each other). A batch's worker processes run one at a time (``many.batch``).
AT_ONCE = min(2, os.cpu_count() or 1)


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


def code_cell_number(notebook: Path, cell_index: int) -> tuple[str, int]:
    """Where cell ``cell_index`` of an executed notebook stands in the notebook as its author sees
    it: ("代码单元", n) for the nth code cell, ("Markdown 单元", n) for the nth Markdown cell
    (papermill's injected cell and the error banners it adds not counted)."""
    import nbformat

    try:
        cells = [c for c in nbformat.read(notebook, as_version=4).cells
                 if "papermill-error-cell-tag" not in c.metadata.get("tags", [])]
    except (OSError, ValueError):
        return "单元", cell_index + 1
    if not 0 <= cell_index < len(cells):
        return "单元", cell_index + 1
    target = cells[cell_index]
    same = [c for c in cells if c.cell_type == target.cell_type
            and "injected-parameters" not in c.metadata.get("tags", [])]
    number = next((n for n, c in enumerate(same, start=1) if c is target), cell_index + 1)
    return ("代码单元" if target.cell_type == "code" else "Markdown 单元"), number


def execute_chapters(chapters, parameters: dict, cwd: Path, target: Path, log, project_file: Path | None = None,
                     spare_last: bool = False) -> list[Path]:
    """Run every chapter notebook into ``target`` with ``parameters``, each in a fresh kernel,
    ``AT_ONCE`` at a time (chapters cannot see each other, so their order does not matter);
    return the executed paths in the outline's order. ``project_file``: the validated project this
    run wrote, handed to each kernel by the engine. Kernels start ahead for the chapters to come;
    ``spare_last``: a warm kernel started after the last chapter too (the preview waits for the
    next edit, and the spare's start does not slow the chapter it follows)."""
    target.mkdir(parents=True, exist_ok=True)
    at_once = max(1, min(AT_ONCE, len(chapters)))
    done: dict[int, tuple[Path, float]] = {}
    logged = 0

    def finished(n: int, result: tuple[Path, float]) -> None:  # progress in the outline's order
        nonlocal logged
        done[n] = result
        while logged + 1 in done:
            logged += 1
            log(f"  [{logged}/{len(chapters)}] {chapters[logged - 1].title}  {done[logged][1]:.1f} 秒")

    with stderr_to(target / "kernel.log"):
        if at_once == 1:
            for n, chapter in enumerate(chapters, start=1):
                finished(n, _execute(n, chapter, chapters, parameters, cwd, target, project_file, spare_last, 1))
        else:
            _concurrently(at_once, chapters, parameters, cwd, target, project_file, spare_last, finished)
    return [done[n][0] for n in sorted(done)]


def _concurrently(at_once, chapters, parameters, cwd, target, project_file, spare_last, finished) -> None:
    """The chapters in ``at_once`` threads; the first failure in the outline's order is raised once
    the chapters already running end, and no further chapter starts."""
    from concurrent.futures import ThreadPoolExecutor, as_completed

    pool = ThreadPoolExecutor(at_once, thread_name_prefix="jixiao-chapter")
    futures = {pool.submit(_execute, n, chapter, chapters, parameters, cwd, target, project_file, spare_last,
                           at_once): n for n, chapter in enumerate(chapters, start=1)}
    failures = []
    try:
        for future in as_completed(futures):
            if future.cancelled():
                continue
            if future.exception() is not None:
                failures.append((futures[future], future.exception()))
                for waiting in futures:
                    waiting.cancel()
            elif not failures:
                finished(futures[future], future.result())
    except BaseException:  # Ctrl-C: the running chapters' kernels are stopped, so their threads end
        for future in futures:
            future.cancel()
        kernels.shutdown()
        raise
    finally:
        pool.shutdown(wait=True)
    if failures:
        raise min(failures, key=lambda failure: failure[0])[1]


def _execute(n, chapter, chapters, parameters, cwd, target, project_file, spare_last, at_once) -> tuple[Path, float]:
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    executed = target / executed_name(n, chapter.notebook)
    handover = None
    if project_file is not None:
        handover = {"project": str(project_file), "notebook": str(chapter.notebook), "chapter": chapter.number}
    started = time.perf_counter()
    try:
        pm.execute_notebook(str(chapter.notebook), str(executed), parameters=parameters,
                            kernel_name=KERNEL, language="python", engine_name=ENGINE, progress_bar=False,
                            request_save_on_cell_execute=False, cwd=str(cwd), handover=handover,
                            spares=1 if spare_last else min(at_once, len(chapters) - n), spare_after=spare_last)
    except PapermillExecutionError as exc:
        kind, number = code_cell_number(executed, exc.cell_index)
        raise RunFailure(
            f"第 {n} 章「{chapter.title}」（{chapter.notebook.name}）的第 {number} 个{kind}出错："
            f"{exc.ename}: {exc.evalue}\n已执行的笔记本保存在 {executed}，可在 Jupyter 中打开查看"
        ) from None
    return executed, time.perf_counter() - started
