"""Executing the section notebooks with papermill, one after another, with progress, all in
the process's one kept kernel (the ``jixiao`` papermill engine)."""

import json
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from ..config import SECTIONS
from .engine import NAME as ENGINE
from ..errors import RunFailure


def notebook_parameters(raw: dict, params_path: Path) -> dict:
    """What ``papermill -f`` would inject (JSON-safe), plus the parameter file's path."""
    safe = json.loads(json.dumps(raw, default=str, ensure_ascii=False))
    return safe | {"params_file": str(params_path.resolve())}


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


def execute_sections(params_path: Path, raw: dict, notebooks: Path, target: Path, log) -> list[Path]:
    """Run every section notebook into ``target``; return the executed paths in order."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    target.mkdir(parents=True, exist_ok=True)
    parameters = notebook_parameters(raw, params_path)
    done = []
    for n, (stem, title) in enumerate(SECTIONS, start=1):
        source = notebooks / f"{stem}.ipynb"
        executed = target / f"{stem}.ipynb"
        started = time.perf_counter()
        try:
            with stderr_to(target / "kernel.log"):
                pm.execute_notebook(str(source), str(executed), parameters=parameters, kernel_name="python3",
                                    engine_name=ENGINE, progress_bar=False, request_save_on_cell_execute=False, cwd=str(notebooks.parent))
        except PapermillExecutionError as exc:
            raise RunFailure(
                f"第 {n} 节「{title}」（{source.name}）的第 {exc.exec_count} 个代码单元出错："
                f"{exc.ename}: {exc.evalue}\n已执行的笔记本保存在 {executed}，可在 Jupyter 中打开查看"
            ) from None
        log(f"  [{n}/{len(SECTIONS)}] {title}  {time.perf_counter() - started:.1f} 秒")
        done.append(executed)
    return done
