"""Fresh kernels: forked from the zygote on Linux (imports done once, state never shared), launched
as Jupyter does when the zygote cannot serve, stopped without a trace."""

import os
import time

import pytest

from jixiao.assemble import kernels

pytestmark = pytest.mark.skipif(not kernels.FORKING, reason="只在 Linux 上由 zygote 派生内核")


def _run(km, code: str) -> str:
    """What ``code`` prints in the kernel."""
    client = km.blocking_client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        printed = []
        client.execute_interactive(code, timeout=60, output_hook=lambda m: printed.append(m["content"].get("text", ""))
                                   if m["msg_type"] == "stream" else None)
        return "".join(printed).strip()
    finally:
        client.stop_channels()


@pytest.fixture
def clean():
    yield
    kernels.shutdown()


def test_a_kernel_is_forked_by_the_zygote_with_the_imports_done(clean):
    km = kernels.take("python3")
    [zygote] = kernels._zygotes.values()
    printed = _run(km, "import os, sys\nprint(os.getppid(), 'pandas' in sys.modules, 'jixiao.pieces.chapter' in sys.modules)")
    assert printed.split() == [str(zygote.process.pid), "True", "True"]


def test_kernels_in_turn_share_no_state(clean):
    first = kernels.take("python3", spares=1)
    assert _run(first, "import statistics, numpy\nstatistics.mean = lambda *a: 'patched'\nx = 1\n"
                       "print(numpy.random.randint(10**9))").isdigit()
    second = kernels.take("python3")
    printed = _run(second, "import statistics, numpy\nprint(statistics.mean([2]), 'x' in globals(), numpy.random.randint(10**9))")
    mean, leaked, _ = printed.split()
    assert (mean, leaked) == ("2", "False")
    assert _run(first, "print(numpy.random.randint(10**9))") != printed.split()[2]  # each kernel its own seed


def test_a_discarded_kernel_is_gone(clean):
    km = kernels.take("python3")
    pid = int(_run(km, "import os; print(os.getpid())"))
    kernels.discard(km)
    with pytest.raises(ProcessLookupError):
        for _ in range(200):  # the zygote reaps it at once
            os.kill(pid, 0)
            time.sleep(0.01)


def test_without_a_zygote_kernels_start_as_jupyter_starts_them(clean, monkeypatch):
    km = kernels.take("python3")
    for zygote in kernels._zygotes.values():
        zygote.process.kill()  # the zygote died (out of memory, killed by hand)
        zygote.process.wait()
    kernels.discard(km)
    km = kernels.take("python3")
    assert _run(km, "import os; print(os.getppid())") == str(os.getpid())  # launched by this process
    assert not isinstance(km.provisioner.process, kernels._Forked)


@pytest.mark.parametrize("cmd, args", [
    (["/py", "-m", "ipykernel_launcher", "-f", "c.json"], ["-f", "c.json"]),
    (["/py", "-Xfrozen_modules=off", "-m", "ipykernel_launcher", "-f", "c.json"], ["-f", "c.json"]),
    (["/py", "-m", "ipykernel", "-f", "c.json"], ["-f", "c.json"]),
    (["/py", "-m", "other_kernel", "-f", "c.json"], None),
    (["/py", "-c", "import x", "-f", "c.json"], None),
    (["/usr/bin/R", "--slave", "-f", "c.json"], None),
])
def test_only_ipython_kernels_are_forked(cmd, args):
    assert kernels._ipykernel_args(cmd) == args


def test_a_killed_run_leaves_no_kernel_behind(tmp_path):
    import subprocess
    import sys

    script = ("import time\nfrom jixiao.assemble import kernels\nkm = kernels.take('python3', 1)\n"
              "[zygote] = kernels._zygotes.values()\n"
              "print(km.provisioner.process.pid, kernels._spares['python3'][0][0].provisioner.process.pid,"
              " zygote.process.pid, flush=True)\ntime.sleep(120)\n")
    run = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    pids = [int(p) for p in run.stdout.readline().split()]
    run.kill()  # as the out-of-memory killer or `kill -9` would: no atexit
    run.wait()
    alive = pids
    for _ in range(100):
        alive = [p for p in pids if _exists(p)]
        if not alive:
            break
        time.sleep(0.2)
    assert alive == []


def _exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
