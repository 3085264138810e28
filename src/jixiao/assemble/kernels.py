"""Fresh kernels without the wait: forked from a zygote, started ahead.

A chapter runs in a kernel of its own, so nothing it does reaches the next chapter. Starting a
kernel and importing pandas, matplotlib and jixiao takes about two seconds of processor time.
On Linux a zygote process (``zygote``) does those imports once per run and forks every kernel
from itself, ready in a fraction of that; elsewhere (or when the zygote cannot start) a kernel
is launched as Jupyter does and sent the imports as soon as it starts. Either way ``take``
hands out a spare started while the previous notebooks ran, and keeps as many spares starting
as the caller expects notebooks. Kernels talk over IPC sockets on POSIX, so parallel processes
never race for TCP ports.
"""

import atexit
import functools
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid

from queue import Empty

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner
from jupyter_core.utils import run_sync

from .zygote import CHAPTER_IMPORTS

# A launched (not forked) spare is sent the chapters' imports as soon as it starts, so they are done
# in its own process while the current chapter runs.
WARM_UP = f"import {', '.join(CHAPTER_IMPORTS)}\n"

_spares: dict[str, list] = {}  # kernel name → [(manager, the client that sent the warm-up)], oldest first
_folders: dict[int, str] = {}  # id(manager) → its socket folder, for every kernel not yet stopped
_running: dict[int, AsyncKernelManager] = {}
_lock = threading.RLock()  # chapters run in threads


FORKING = sys.platform.startswith("linux")  # fork() after imports is safe there; not on macOS or Windows


class _Zygote:
    """The parent's side of a zygote process: asks it for kernels, reads its answers in order."""

    def __init__(self, python: str):
        self.process = subprocess.Popen([python, "-m", "jixiao.assemble.zygote"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=True,
                                        text=True, encoding="utf-8")
        self.broken = False
        self.waiting: list["_Forked"] = []  # asked for, answer not read yet, oldest first
        self.lock = threading.Lock()  # chapters run in threads: one question or answer at a time

    def fork(self, args: list[str], env: dict, cwd: str) -> "_Forked":
        """A kernel process asked for; its pid is read when first needed (the zygote may still be importing)."""
        forked = _Forked(self)
        with self.lock:
            try:
                self.process.stdin.write(json.dumps({"args": args, "env": env, "cwd": cwd}) + "\n")
                self.process.stdin.flush()
            except OSError:
                self.broken = True
                forked.returncode = 1
                return forked
            self.waiting.append(forked)
        return forked

    def answer(self, forked: "_Forked") -> None:
        """Read answers up to ``forked``'s."""
        with self.lock:
            while forked in self.waiting:
                first = self.waiting.pop(0)
                line = "" if self.broken else self.process.stdout.readline()
                try:
                    first.pid = int(json.loads(line)["pid"])
                except (ValueError, KeyError, TypeError):  # the zygote stopped, or could not fork
                    self.broken = True
                    first.returncode = 1

    def stop(self) -> None:
        self.broken = True
        if self.process.poll() is None:
            self.process.stdin.close()
            self.process.kill()
            self.process.wait()


class _Forked:
    """Popen's face for a kernel the zygote forked: not this process's child, so it is polled and
    signalled by pid."""

    stdin = stdout = stderr = None

    def __init__(self, zygote: _Zygote):
        self.zygote, self._pid, self.returncode = zygote, None, None

    @property
    def pid(self) -> int | None:
        if self._pid is None and self.returncode is None:
            self.zygote.answer(self)
        return self._pid

    @pid.setter
    def pid(self, value: int) -> None:
        self._pid = value

    def poll(self) -> int | None:
        if self.returncode is None and self.pid is not None:
            try:
                os.kill(self._pid, 0)
            except ProcessLookupError:  # the zygote reaps its kernels at once
                self.returncode = 0
        return self.returncode

    def wait(self, timeout=None) -> int:
        while self.poll() is None:
            time.sleep(0.005)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            try:
                os.kill(self._pid, signum)
            except ProcessLookupError:
                pass

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class _ForkingProvisioner(LocalProvisioner):
    """Jupyter's local provisioner, but the kernel process is forked by the zygote."""

    async def launch_kernel(self, cmd: list[str], **kwargs):
        args = _ipykernel_args(cmd)
        zygote = _zygote(cmd[0])
        if args is None or zygote is None:
            return await super().launch_kernel(cmd, **kwargs)
        self.process = zygote.fork(args, dict(kwargs.get("env") or os.environ), str(kwargs.get("cwd") or os.getcwd()))
        self.pid, self.pgid = None, None
        return self.connection_info


class QuickClient(AsyncKernelClient):
    """Jupyter's client, ready as soon as the kernel answers on both channels. Jupyter's own
    then waits for 0.2 s of silence on IOPub, for every kernel; what it would drop is a status
    message of the kernel-info request, which nbclient passes over (it reads its own replies)."""

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (timeout if timeout is not None else float("inf"))
        while True:
            self.kernel_info()
            try:
                reply = await self.shell_channel.get_msg(timeout=1)
            except Empty:
                reply = None
            if reply is not None and reply["msg_type"] == "kernel_info_reply":
                try:
                    await self.iopub_channel.get_msg(timeout=0.2)  # IOPub connected too
                except Empty:
                    pass
                else:
                    self._handle_kernel_info_reply(reply)
                    return
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")


_zygotes: dict[str, _Zygote] = {}


def _zygote(python: str) -> _Zygote | None:
    """The running zygote for this kernel's Python, started on first use; None once it failed."""
    zygote = _zygotes.get(python)
    if zygote is None:
        try:
            zygote = _zygotes[python] = _Zygote(python)
        except OSError:  # that Python cannot be started: Jupyter's launch will say why
            return None
    return None if zygote.broken else zygote


def _ipykernel_args(cmd: list[str]) -> list[str] | None:
    """The arguments after ``-m ipykernel_launcher`` when ``cmd`` starts an IPython kernel, else None."""
    for n, part in enumerate(cmd[1:-1], start=1):
        if part == "-m":
            return cmd[n + 2:] if cmd[n + 1] in ("ipykernel_launcher", "ipykernel") else None
        if not part.startswith("-X"):  # interpreter options (-Xfrozen_modules=off) only matter to debuggers
            return None
    return None


def _start(kernel_name: str) -> tuple:
    transport, folder = {}, None
    if os.name == "posix":
        folder = tempfile.mkdtemp(prefix="jixiao-kernel-")
        transport = {"transport": "ipc", "ip": os.path.join(folder, "k")}
    km = AsyncKernelManager(kernel_name=kernel_name, client_factory=QuickClient, **transport)
    _folders[id(km)] = folder
    if FORKING:
        km.kernel_id = str(uuid.uuid4())
        km.provisioner = _ForkingProvisioner(kernel_id=km.kernel_id, kernel_spec=km.kernel_spec, parent=km)
    with open(os.devnull, "wb") as quiet:  # a starting kernel's stderr is ipykernel chatter
        run_sync(km.start_kernel)(stderr=quiet)
    if isinstance(km.provisioner.process, _Forked):
        return km, None  # the zygote did the imports
    client = km.blocking_client()
    client.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=False)
    client.execute(WARM_UP, silent=True, store_history=False)  # queued until the kernel is up
    return km, client


def _locked(function):
    """``function`` with this module's lock held: chapters take and discard kernels from threads."""
    @functools.wraps(function)
    def locked(*args, **kwargs):
        with _lock:
            return function(*args, **kwargs)

    return locked


@_locked
def take(kernel_name: str, spares: int = 0) -> AsyncKernelManager:
    """A started kernel of its own for one notebook (the oldest spare, else a new one); then
    ``spares`` kernels are kept starting for the notebooks to come."""
    km = None
    waiting = _spares.setdefault(kernel_name, [])
    while waiting and km is None:
        candidate, client = waiting.pop(0)
        if client is not None:
            client.stop_channels()
        if run_sync(candidate.is_alive)():
            km = candidate
        else:
            discard(candidate)
    if km is None:
        km, client = _start(kernel_name)
        if client is not None:
            client.stop_channels()
    _running[id(km)] = km
    prepare(kernel_name, spares)
    return km


@_locked
def prepare(kernel_name: str, spares: int) -> None:
    """Keep ``spares`` kernels starting (and warming up) for the notebooks to come."""
    waiting = _spares.setdefault(kernel_name, [])
    while len(waiting) < spares:
        waiting.append(_start(kernel_name))


@_locked
def discard(km: AsyncKernelManager) -> None:
    """Stop a kernel that has run its notebook, and remove its sockets."""
    _running.pop(id(km), None)
    try:
        forked = getattr(km.provisioner, "process", None)
        if isinstance(forked, _Forked):  # the zygote's child: killed, reaped by the zygote
            forked.kill()
            km.provisioner.process = None
        if km.has_kernel:
            run_sync(km.shutdown_kernel)(now=True)
        run_sync(km.cleanup_resources)()
    finally:
        folder = _folders.pop(id(km), None)
        if folder:
            shutil.rmtree(folder, ignore_errors=True)


@_locked
def shutdown() -> None:
    """Stop every kernel of this process, the spares included."""
    for waiting in _spares.values():
        for km, client in waiting:
            if client is not None:
                client.stop_channels()
            _running[id(km)] = km
    _spares.clear()
    for km in list(_running.values()):
        try:
            discard(km)
        except Exception:  # a kernel already gone at exit
            pass
    for zygote in _zygotes.values():
        zygote.stop()
    _zygotes.clear()


atexit.register(shutdown)
