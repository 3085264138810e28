"""The zygote process: answers each request with a pid, stops when its caller goes away."""

import json
import subprocess
import sys

import pytest

from jixiao.assemble import zygote


def test_preloads_what_chapters_import_without_starting_threads():
    done = subprocess.run([sys.executable, "-c", "import sys, threading\nfrom jixiao.assemble import zygote\n"
                           "zygote.preload()\nprint(threading.active_count(), 'pandas' in sys.modules,"
                           " 'matplotlib.backends.backend_agg' in sys.modules)"],
                          capture_output=True, text=True, timeout=120)
    assert done.stdout.split() == ["1", "True", "True"]


def test_stops_when_its_caller_closes_the_pipe(tmp_path):
    process = subprocess.Popen([sys.executable, "-m", "jixiao.assemble.zygote"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=tmp_path)
    process.stdin.close()
    assert process.wait(timeout=120) == 0


def test_nothing_is_imported_from_the_working_folder(tmp_path):
    (tmp_path / "pandas.py").write_text("raise SystemExit('imported from the working folder')\n")
    process = subprocess.Popen([sys.executable, "-m", "jixiao.assemble.zygote"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    process.stdin.write(json.dumps({"args": ["--version"], "env": {"PATH": "/usr/bin"}, "cwd": str(tmp_path)}) + "\n")
    process.stdin.flush()
    answer = json.loads(process.stdout.readline())
    process.stdin.close()
    assert process.wait(timeout=60) == 0
    assert isinstance(answer["pid"], int)


@pytest.mark.parametrize("module", zygote.PRELOAD)
def test_every_preloaded_module_exists(module):
    __import__(module)
