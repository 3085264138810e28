"""The output folder of a project: one run at a time, and a swap that a kill never loses.

A finished build replaces ``output/<name>/`` in two renames: the old folder to
``output/.old-<name>/``, the build to ``output/<name>/``. A kill between the two leaves the
old report in ``.old-<name>/``; ``recover`` (run before every swap, by every run of the
project and before a batch looks at the folder) puts it back. Runs of the same project
take ``output/.lock-<name>`` (an OS file lock, released when the process ends however it
ends), so a second run waits for the first instead of deleting its build folder.
"""

import shutil
import threading
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

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
    final.parent.mkdir(parents=True, exist_ok=True)
    lock = _lock(final)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        if waiting:
            waiting()
        lock.acquire()
    try:
        yield
    finally:
        lock.release()


def recover(final: Path) -> None:
    """Undo a swap that a kill interrupted: the old report comes back when the new one never
    arrived; a leftover old copy beside a complete swap is removed. Call under the lock."""
    old = _old(final)
    if not old.exists():
        return
    if final.exists():
        shutil.rmtree(old, ignore_errors=True)
    else:
        old.rename(final)


def settle(final: Path) -> None:
    """``recover`` now if no run of the project holds the lock (that run recovers itself)."""
    if not final.parent.is_dir():
        return
    lock = _lock(final)
    try:
        lock.acquire(timeout=0)
    except Timeout:
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
            final.rename(old)
        build.rename(final)  # a kill before this line: recover() brings the old folder back
        shutil.rmtree(old, ignore_errors=True)
