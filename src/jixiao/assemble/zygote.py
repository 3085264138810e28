"""The kernel zygote: one process imports what the chapters use, then forks a fresh Jupyter
kernel for every chapter (Linux).

Run as ``python -m jixiao.assemble.zygote`` by ``kernels``. Each line on stdin asks for a kernel,
``{"args": [...], "env": {...}, "cwd": "..."}`` (``args``: the kernelspec's arguments after
``-m ipykernel_launcher``); each is answered on stdout by one line, ``{"pid": n}`` or
``{"error": "..."}``. The zygote itself never runs a notebook's code, so every kernel starts as
a copy of the same process, right after its imports: no chapter sees another's state, and no
chapter pays the imports. It exits when stdin closes.
"""

import gc
import json
import os
import signal
import sys
import threading

# What every chapter imports (``kernels`` sends the same to a kernel it launches itself).
CHAPTER_IMPORTS = ("jixiao.pieces.chapter", "jixiao.pieces.charts", "jixiao.pieces.tables", "matplotlib.pyplot",
                   "pandas")
# What a kernel imports while it starts (ipykernel, its debugger and IPython's history), then those.
PRELOAD = ("ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell", "ipykernel.debugger",
           "IPython.core.history", *CHAPTER_IMPORTS)


def preload() -> None:
    """Import as a starting kernel would (its matplotlib backend set first), and draw a chart."""
    import importlib

    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # debugpy's warning about frozen modules
    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except ImportError:  # a kernel imports it itself (ipykernel's internals move between versions)
            pass
    if "jixiao.pieces.charts" in sys.modules:
        sys.modules["jixiao.pieces.charts"].warm_up()  # the CJK font read, the PNG writer loaded


def kernel(request: dict) -> None:
    """In the forked child: become a kernel with the request's environment; never returns."""
    try:
        gc.enable()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the kernel waits for its own subprocesses
        quiet = os.open(os.devnull, os.O_RDWR)
        os.dup2(quiet, 0)
        os.dup2(quiet, 1)  # not the zygote's answer pipe
        os.environ.clear()
        os.environ.update(request["env"])
        os.environ["JPY_PARENT_PID"] = str(os.getppid())
        os.chdir(request["cwd"])
        if "numpy" in sys.modules:  # a fresh kernel's random numbers, not the zygote's
            sys.modules["numpy"].random.seed()
        sys.argv = [sys.executable, "-m", "ipykernel_launcher", *request["args"]]
        from ipykernel.kernelapp import IPKernelApp

        # The kernel stops when the zygote does (its default was read from JPY_PARENT_PID at import).
        IPKernelApp.launch_instance(argv=[*request["args"], f"--IPKernelApp.parent_handle={os.getppid()}"])
    finally:
        os._exit(0)


def answer(message: dict) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def main() -> None:
    gc.disable()  # no collection leaves holes in the pages the kernels share (enabled in each kernel)
    if sys.path and (sys.path[0] == "" or os.path.abspath(sys.path[0]) == os.getcwd()):
        del sys.path[0]  # as ipykernel_launcher: nothing imported from the working folder; the kernel adds ''
    preload()
    if threading.active_count() != 1:  # forking a process with threads is not safe
        answer({"error": f"导入后有 {threading.active_count()} 个线程"})
        return
    # What the imports made lives as long as every kernel: out of the collector's sight, so no kernel
    # spends a tenth of a second on its first full collection (and copies the pages it touches).
    gc.freeze()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # kernels that stop are reaped at once
    for line in sys.stdin:
        request = json.loads(line)
        try:
            pid = os.fork()
        except OSError as exc:
            answer({"error": str(exc)})
            continue
        if pid == 0:
            kernel(request)
        answer({"pid": pid})


if __name__ == "__main__":
    main()
