"""A papermill engine that runs every notebook of a process in one kernel.

Registered as ``jixiao`` through the ``papermill.engine`` entry point. The kernel is
started once per process (over IPC sockets on POSIX, so parallel processes never race
for TCP ports) and kept; before each notebook its namespace is reset, figures are closed
and the working directory is set, so sections stay as independent as in fresh kernels
while imports are paid once. ``papermill nb.ipynb out.ipynb --engine jixiao`` works too.
"""

import atexit
import functools
import os
import shutil
import subprocess
import tempfile
import threading

from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync

NAME = "jixiao"

# Run silently in the kept kernel before each notebook: the names a fresh kernel starts
# with are kept (recorded the first time), every other name is dropped. Cheaper than
# %reset, which collects garbage each time.
RESET = """\
_ns = get_ipython().user_ns
_keep = _ns.setdefault("_jixiao_fresh", set(_ns) | {"_jixiao_fresh", "_ns", "_keep"})
for _name in [k for k in _ns if k not in _keep]:
    del _ns[_name]
_ns["Out"].clear()
_ns["_"] = _ns["__"] = _ns["___"] = ""
import os as _os, sys as _sys
_os.chdir(__CWD__)
if "matplotlib.pyplot" in _sys.modules:
    _sys.modules["matplotlib.pyplot"].close("all")
del _os, _sys, _ns, _keep
"""

_kernels: dict[str, AsyncKernelManager] = {}
_clients: dict[tuple[str, int], object] = {}  # (kernel name, thread): a connected client
_sockets: list[str] = []


def _drop_clients(kernel_name: str | None = None) -> None:
    for key in [k for k in _clients if kernel_name in (None, k[0])]:
        _clients.pop(key).stop_channels()


def _manager(kernel_name: str) -> AsyncKernelManager:
    """This process's kernel manager for ``kernel_name``; a dead kernel is replaced."""
    km = _kernels.get(kernel_name)
    if km is not None and km.has_kernel and not run_sync(km.is_alive)():
        _drop_clients(kernel_name)
        run_sync(km.cleanup_resources)()
        km = None
    if km is None:
        transport = {}
        if os.name == "posix":
            folder = tempfile.mkdtemp(prefix="jixiao-kernel-")
            _sockets.append(folder)
            transport = {"transport": "ipc", "ip": os.path.join(folder, "k")}
        km = AsyncKernelManager(kernel_name=kernel_name, **transport)
        _kernels[kernel_name] = km
    return km


def shutdown() -> None:
    """Stop this process's kernels and remove their socket folders."""
    _drop_clients()
    for km in list(_kernels.values()):
        if km.has_kernel:
            run_sync(km.shutdown_kernel)(now=True)
    _kernels.clear()
    for folder in _sockets:
        shutil.rmtree(folder, ignore_errors=True)
    _sockets.clear()


atexit.register(shutdown)


class SharedKernelEngine:
    """The engine papermill looks up; it delegates to papermill's NBClientEngine with one
    kept kernel per process instead of one per notebook. papermill is imported lazily: it
    loads this module through its entry point while importing itself."""

    @classmethod
    def execute_notebook(cls, nb, kernel_name, **kwargs):
        return _engine().execute_notebook(nb, kernel_name, **kwargs)

    @classmethod
    def nb_kernel_name(cls, nb, name=None):
        return _engine().nb_kernel_name(nb, name)

    @classmethod
    def nb_language(cls, nb, language=None):
        return _engine().nb_language(nb, language)


@functools.cache
def _engine():
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine
    from papermill.utils import merge_kwargs, remove_args

    class Client(PapermillNotebookClient):
        """papermill's client, resetting the kept kernel before the notebook's cells."""

        def papermill_execute_cells(self):
            reply = self.wait_for_reply(self.kc.execute(RESET.replace("__CWD__", repr(os.getcwd())), silent=True,
                                                        store_history=False))
            if reply is None or reply["content"]["status"] != "ok":
                raise RuntimeError("无法重置内核的命名空间")
            super().papermill_execute_cells()

    class Engine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                     stderr_file=None, start_timeout=60, execution_timeout=None, **kwargs):
            kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
            final = merge_kwargs(kwargs, timeout=execution_timeout, startup_timeout=start_timeout,
                                 kernel_name=kernel_name, log_output=log_output, stdout_file=stdout_file,
                                 stderr_file=stderr_file)
            km = _manager(kernel_name)
            key = (kernel_name, threading.get_ident())  # a client lives on its thread's event loop
            client = Client(nb_man, km=km, **final)
            client.kc = _clients.pop(key, None) if km.has_kernel else None
            try:
                # Only the first notebook starts the kernel; its stderr is ipykernel chatter.
                nb = client.execute(stderr=subprocess.DEVNULL)
            except BaseException:
                if client.kc is not None:
                    client.kc.stop_channels()
                raise
            _clients[key] = client.kc
            return nb

    return Engine
