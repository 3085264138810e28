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

from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync

NAME = "jixiao"

# Run silently in the kept kernel before each notebook: what a fresh kernel would not have.
RESET = """\
get_ipython().run_line_magic("reset", "-f")
import os as _os, sys as _sys
_os.chdir({cwd!r})
if "matplotlib.pyplot" in _sys.modules:
    _sys.modules["matplotlib.pyplot"].close("all")
del _os, _sys
"""

_kernels: dict[str, AsyncKernelManager] = {}
_sockets: list[str] = []


def _manager(kernel_name: str) -> AsyncKernelManager:
    """This process's kernel manager for ``kernel_name``; a dead kernel is replaced."""
    km = _kernels.get(kernel_name)
    if km is not None and km.has_kernel and not run_sync(km.is_alive)():
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
            reply = self.wait_for_reply(self.kc.execute(RESET.format(cwd=os.getcwd()), silent=True,
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
            client = Client(nb_man, km=_manager(kernel_name), **final)
            try:
                # Only the first notebook starts the kernel; its stderr is ipykernel chatter.
                return client.execute(stderr=subprocess.DEVNULL)
            finally:
                if client.kc is not None:
                    client.kc.stop_channels()

    return Engine
