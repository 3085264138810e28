"""Many projects in one command: unchanged ones skipped, the rest run one after another,
in worker processes (``--jobs N``) or on a Dask cluster; overall progress, one status
line per project, a closing table. One project's failure never stops the others."""

import logging
import multiprocessing
import signal
import sys
import time
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

from ..assemble import cache
from ..assemble.output import settle, storage_problem
from ..config import output_clashes, output_dir
from ..errors import InputError, JixiaoError
from ..pieces.markdown import width

DONE, SKIPPED, INVALID, FAILED = "完成", "未变化，跳过", "输入有误", "运行失败"


@dataclass
class Outcome:
    """What happened to one project."""

    path: str
    status: str
    code: int = 0
    total: str = ""
    grade: str = ""
    seconds: float = 0.0
    message: str = ""

    @property
    def name(self) -> str:
        return Path(self.path).stem


def _quiet(*_args, **_kwargs) -> None:
    pass


def _say(line: str) -> None:
    print(line, flush=True)


def run_one(path: str, formats: list[str], engine: str, verbose: bool, log=_quiet, redacted: bool = False) -> Outcome:
    """Run one project; every failure becomes an Outcome with a Chinese message."""
    from ..assemble.runner import run_project

    started = time.perf_counter()
    try:
        summary = run_project(Path(path), formats, engine, log=log, redacted=redacted)
        return Outcome(path, DONE, 0, summary["total"], summary["grade"], time.perf_counter() - started)
    except JixiaoError as exc:
        status = INVALID if exc.exit_code == 1 else FAILED
        return Outcome(path, status, exc.exit_code, seconds=time.perf_counter() - started,
                       message="\n".join(exc.messages))
    except Exception as exc:  # an unexpected failure still gets a readable line
        problem = storage_problem(exc, output_dir(Path(path)).parent)
        if problem and not verbose:
            return Outcome(path, FAILED, 2, seconds=time.perf_counter() - started, message=problem)
        detail = traceback.format_exc() if verbose else f"{type(exc).__name__}: {exc}（加 --verbose 查看详情）"
        return Outcome(path, FAILED, 2, seconds=time.perf_counter() - started,
                       message=f"运行时发生意外错误：{detail}")


def _stop_on_sigterm(*_args) -> None:
    raise KeyboardInterrupt


def _worker_signals() -> None:
    """In a worker: Ctrl-C is the parent's to handle; the parent's SIGTERM unwinds the worker
    like a Ctrl-C, so its build folder is moved aside and its kernel stopped. Projects already
    run side by side, so a worker runs its chapters one at a time."""
    from ..assemble import execute

    execute.AT_ONCE = 1
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    logging.getLogger("asyncio").disabled = True  # cancelled cell tasks would print tracebacks


def _in_processes(paths, formats, engine, verbose, jobs, redacted):
    """Worker processes, each keeping its own kernel; outcomes as they finish."""
    pool = ProcessPoolExecutor(jobs, mp_context=get_context("spawn"), initializer=_worker_signals)
    try:
        futures = {pool.submit(run_one, p, formats, engine, verbose, _quiet, redacted): p for p in paths}
        for future in as_completed(futures):
            try:
                yield future.result()
            except Exception as exc:  # a worker process that died takes no other project with it
                yield Outcome(futures[future], FAILED, 2, message=f"工作进程意外退出：{type(exc).__name__}: {exc}")
    except KeyboardInterrupt:
        workers = multiprocessing.active_children()  # the pool's workers: this process starts no others
        pool.shutdown(wait=False, cancel_futures=True)
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.join(timeout=30)
        raise
    pool.shutdown()


def run_batch(paths: list[str], formats: list[str], engine: str, jobs: int = 1, force: bool = False,
              verbose: bool = False, cluster: str | None = None, log=_say, redacted: bool = False) -> list[Outcome]:
    """Run every project not already up to date; return outcomes in the given order."""
    outcomes: dict[str, Outcome] = {}
    count = len(paths)

    def progress(outcome: Outcome) -> None:
        outcomes[outcome.path] = outcome
        mark = "✗" if outcome.code else "✓"
        score = f"  {outcome.total} {outcome.grade}" if outcome.total else ""
        log(f"[{len(outcomes)}/{count}] {mark} {outcome.path}：{outcome.status}{score}  {outcome.seconds:.1f} 秒")

    todo = []
    clashes = output_clashes(paths)
    for path in paths:
        started = time.perf_counter()
        try:
            final = output_dir(Path(path))
        except InputError as exc:
            progress(Outcome(path, INVALID, 1, message="\n".join(exc.messages)))
            continue
        if path in clashes:
            progress(Outcome(path, INVALID, 1, message=clashes[path]))
            continue
        settle(final)  # a swap a kill interrupted is undone before the folder is looked at
        summary = None if force else cache.up_to_date(Path(path), engine, formats, redacted)
        if summary:
            progress(Outcome(path, SKIPPED, 0, summary["total"], summary["grade"], time.perf_counter() - started))
        else:
            todo.append(path)
    if cluster:
        from .cluster import run_on_cluster

        results = run_on_cluster(cluster, todo, formats, engine, verbose, redacted)
    elif jobs > 1 and len(todo) > 1:
        results = _in_processes(todo, formats, engine, verbose, min(jobs, len(todo)), redacted)
    else:
        detail = log if count == 1 else _quiet  # one project: the section-by-section lines
        results = (run_one(p, formats, engine, verbose, detail, redacted) for p in todo)
    for outcome in results:
        progress(outcome)
    return [outcomes[p] for p in paths]


def _row(cells, sizes) -> str:
    return "  ".join(c + " " * (n - width(c)) for c, n in zip(cells, sizes)).rstrip()


def table(outcomes: list[Outcome]) -> str:
    """The closing table: project, total, grade, time, status."""
    head = ["项目", "总分", "评级", "用时（秒）", "状态"]
    rows = [[o.name, o.total or "—", o.grade or "—", f"{o.seconds:.1f}", o.status] for o in outcomes]
    sizes = [max(width(r[i]) for r in [head, *rows]) for i in range(len(head))]
    failed = sum(1 for o in outcomes if o.code)
    skipped = sum(1 for o in outcomes if o.status == SKIPPED)
    lines = [_row(head, sizes), _row(["-" * n for n in sizes], sizes), *(_row(r, sizes) for r in rows)]
    lines.append(f"共 {len(outcomes)} 个项目：完成 {len(outcomes) - failed - skipped}，"
                 f"未变化跳过 {skipped}，失败 {failed}")
    return "\n".join(lines)


def skip_hint(outcomes: list[Outcome]) -> str:
    """A reminder of --force when something was skipped."""
    if any(o.status == SKIPPED for o in outcomes):
        return "输入未变化的项目没有重新生成；如需重新生成，请加 --force"
    return ""


def report_failures(outcomes: list[Outcome]) -> None:
    """Each failed project's messages, on stderr."""
    for o in outcomes:
        if o.code:
            print(f"✗ {o.path}：{o.status}", file=sys.stderr)
            for line in o.message.splitlines():
                print(f"  {line}", file=sys.stderr)
