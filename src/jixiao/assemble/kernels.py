"""Fresh kernels without the wait: spare kernels, started ahead and warmed up.

A chapter runs in a kernel of its own, so nothing it does reaches the next chapter. Starting a
kernel and importing pandas, matplotlib and jixiao takes about two seconds; ``take`` hands out
a spare (started while the previous notebooks ran, its imports done or under way in its own
process) and keeps as many spares starting as the caller expects notebooks (two at most: two cores). Kernels talk over IPC sockets on POSIX,
so parallel processes never race for TCP ports.
"""

import atexit
import os
import shutil
import tempfile

from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync

# What every chapter imports: sent to a spare as soon as it starts, so it is done in the spare's
# own process while the current chapter runs.
WARM_UP = """\
import jixiao.pieces.chapter, jixiao.pieces.charts, jixiao.pieces.tables
import matplotlib.pyplot, pandas
"""

_spares: dict[str, list] = {}  # kernel name → [(manager, the client that sent the warm-up)], oldest first
_folders: dict[int, str] = {}  # id(manager) → its socket folder, for every kernel not yet stopped
_running: dict[int, AsyncKernelManager] = {}


def _start(kernel_name: str) -> tuple:
    transport, folder = {}, None
    if os.name == "posix":
        folder = tempfile.mkdtemp(prefix="jixiao-kernel-")
        transport = {"transport": "ipc", "ip": os.path.join(folder, "k")}
    km = AsyncKernelManager(kernel_name=kernel_name, **transport)
    _folders[id(km)] = folder
    with open(os.devnull, "wb") as quiet:  # a starting kernel's stderr is ipykernel chatter
        run_sync(km.start_kernel)(stderr=quiet)
    client = km.blocking_client()
    client.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=False)
    client.execute(WARM_UP, silent=True, store_history=False)  # queued until the kernel is up
    return km, client


def take(kernel_name: str, spares: int = 0) -> AsyncKernelManager:
    """A started kernel of its own for one notebook (the oldest spare, else a new one); then
    ``spares`` kernels are kept starting for the notebooks to come."""
    km = None
    waiting = _spares.setdefault(kernel_name, [])
    while waiting and km is None:
        candidate, client = waiting.pop(0)
        client.stop_channels()
        if run_sync(candidate.is_alive)():
            km = candidate
        else:
            discard(candidate)
    if km is None:
        km, client = _start(kernel_name)
        client.stop_channels()
    _running[id(km)] = km
    prepare(kernel_name, spares)
    return km


def prepare(kernel_name: str, spares: int) -> None:
    """Keep ``spares`` kernels starting (and warming up) for the notebooks to come."""
    waiting = _spares.setdefault(kernel_name, [])
    while len(waiting) < spares:
        waiting.append(_start(kernel_name))


def discard(km: AsyncKernelManager) -> None:
    """Stop a kernel that has run its notebook, and remove its sockets."""
    _running.pop(id(km), None)
    try:
        if km.has_kernel:
            run_sync(km.shutdown_kernel)(now=True)
        run_sync(km.cleanup_resources)()
    finally:
        folder = _folders.pop(id(km), None)
        if folder:
            shutil.rmtree(folder, ignore_errors=True)


def shutdown() -> None:
    """Stop every kernel of this process, the spares included."""
    for waiting in _spares.values():
        for km, client in waiting:
            client.stop_channels()
            _running[id(km)] = km
    _spares.clear()
    for km in list(_running.values()):
        try:
            discard(km)
        except Exception:  # a kernel already gone at exit
            pass


atexit.register(shutdown)
