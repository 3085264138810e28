"""Executing the chapter notebooks of a project's outline with papermill, one after another,
with progress, each in a fresh warm kernel (the ``jixiao`` papermill engine)."""

import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from ..errors import RunFailure
from .engine import NAME as ENGINE

KERNEL = "python3"  # the chapters' kernel (the notebooks' kernelspec)


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
    """Run every chapter notebook into ``target`` with ``parameters``, each in a fresh kernel;
    return the executed paths. ``project_file``: the validated project this run wrote, handed
    to each kernel by the engine. Up to two kernels start ahead for the chapters to come;
    ``spare_last``: a warm kernel started after the last chapter too (the preview waits for the next
    edit, and the spare's start does not slow the chapter it follows)."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    target.mkdir(parents=True, exist_ok=True)
    done = []
    for n, chapter in enumerate(chapters, start=1):
        executed = target / executed_name(n, chapter.notebook)
        handover = None
        if project_file is not None:
            handover = {"project": str(project_file), "notebook": str(chapter.notebook), "chapter": chapter.number}
        started = time.perf_counter()
        try:
            with stderr_to(target / "kernel.log"):
                pm.execute_notebook(str(chapter.notebook), str(executed), parameters=parameters,
                                    kernel_name=KERNEL, language="python", engine_name=ENGINE, progress_bar=False,
                                    request_save_on_cell_execute=False, cwd=str(cwd), handover=handover,
                                    spares=1 if spare_last else min(2, len(chapters) - n), spare_after=spare_last)
        except PapermillExecutionError as exc:
            kind, number = code_cell_number(executed, exc.cell_index)
            raise RunFailure(
                f"第 {n} 章「{chapter.title}」（{chapter.notebook.name}）的第 {number} 个{kind}出错："
                f"{exc.ename}: {exc.evalue}\n已执行的笔记本保存在 {executed}，可在 Jupyter 中打开查看"
            ) from None
        log(f"  [{n}/{len(chapters)}] {chapter.title}  {time.perf_counter() - started:.1f} 秒")
        done.append(executed)
    return done
