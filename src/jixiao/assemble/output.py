"""The output folder of a project: one run at a time, and a swap that a kill never loses.

A finished build replaces ``output/<name>/`` in two renames: the old folder to
``output/.old-<name>/``, the build to ``output/<name>/``. A kill between the two leaves the
old report in ``.old-<name>/``; ``recover`` (run before every swap, by every run of the
project and before a batch looks at the folder) puts it back. Runs of the same project
take ``output/.lock-<name>`` (an OS file lock, released when the process ends however it
ends), so a second run waits for the first instead of deleting its build folder.
The kept versions (``版本/``) and comparisons (``修订对照/``) are no run's output: each swap
moves them from the old folder into the new one first, and ``recover`` moves them back from
a build folder a kill left them in.
"""

import errno
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from ..errors import RunFailure

KEPT = ("版本", "修订对照")  # folders of output/<name>/ that runs carry over, never replace
_locks: dict[str, FileLock] = {}  # one per lock file, so a process may take its own lock again
_guard = threading.Lock()


def _old(final: Path) -> Path:
    return final.parent / f".old-{final.name}"


def _lock(final: Path) -> FileLock:
    path = final.parent / f".lock-{final.name}"
    with _guard:
        return _locks.setdefault(str(path), FileLock(path))


@contextmanager
def project_lock(final: Path, waiting=None):
    """Hold ``output/.lock-<name>`` for the body; ``waiting()`` is called once if another
    process holds it and this one has to wait."""
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        lock = _lock(final)
        try:
            lock.acquire(timeout=0)
        except Timeout:
            if waiting:
                waiting()
            lock.acquire()
    except OSError as exc:
        raise RunFailure(unwritable(final.parent, exc)) from None
    try:
        yield
    finally:
        lock.release()


def unwritable(folder: Path, exc: OSError) -> str:
    """The message for an output folder jixiao cannot write in."""
    reason = exc.strerror or type(exc).__name__
    return (f"无法写入输出目录 {folder}（{reason}）：目录只读、没有写权限或磁盘已满；"
            "请检查该目录的权限和剩余空间后再运行（原有的报告未被改动）")


STORAGE = {errno.ENOSPC: "磁盘已满", errno.EDQUOT: "超出磁盘配额", errno.EROFS: "文件系统只读",
           errno.EACCES: "没有写权限", errno.EPERM: "没有写权限"}


def storage_problem(exc: BaseException, folder: Path) -> str | None:
    """One Chinese line for a write that the disk refused (also each of the errors a folder copy
    gathers in a ``shutil.Error``), naming the folder; None for any other failure."""
    if isinstance(exc, shutil.Error) and exc.args and isinstance(exc.args[0], list):
        reasons = {why for *_, why in exc.args[0]}
        found = [name for code, name in STORAGE.items() if any(f"[Errno {code}]" in str(r) for r in reasons)]
        return f"无法写入 {folder}（{found[0]}）：请腾出空间或检查权限后再运行（原有的报告未被改动）" if found else None
    if isinstance(exc, OSError) and exc.errno in STORAGE:
        return f"无法写入 {folder}（{STORAGE[exc.errno]}）：请腾出空间或检查权限后再运行（原有的报告未被改动）"
    return None


def _carry(source: Path, target: Path) -> None:
    """Move the KEPT folders of ``source`` into ``target`` (renames: never a copy half made)."""
    for name in KEPT:
        if (source / name).is_dir() and not (target / name).exists():
            (source / name).rename(target / name)


def recover(final: Path) -> None:
    """Undo a swap that a kill interrupted: the old report comes back when the new one never
    arrived; a leftover old copy beside a complete swap is removed; kept versions a kill left
    in the build folder go back. Call under the lock."""
    old = _old(final)
    if old.exists():
        if final.exists():
            _carry(old, final)
            shutil.rmtree(old, ignore_errors=True)
        else:
            old.rename(final)
    build = final.parent / f".build-{final.name}"
    if final.exists() and build.is_dir():
        _carry(build, final)


def settle(final: Path) -> None:
    """``recover`` now if no run of the project holds the lock (that run recovers itself)."""
    if not final.parent.is_dir():
        return
    lock = _lock(final)
    try:
        lock.acquire(timeout=0)
    except (Timeout, OSError):  # held by a run, or a read-only output/ that no run could have changed
        return
    try:
        recover(final)
    finally:
        lock.release()


def swap_in(build: Path, final: Path) -> None:
    """Replace ``final`` with the finished ``build`` folder; at every instant either
    ``final`` or ``.old-<name>`` holds a complete report."""
    with project_lock(final):
        recover(final)
        old = _old(final)
        if final.exists():
            _carry(final, build)  # a kill now: recover() moves them back from the build folder
            final.rename(old)
        build.rename(final)  # a kill before this line: recover() brings the old folder back
        shutil.rmtree(old, ignore_errors=True)
