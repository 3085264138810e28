"""The output folder: a kill in the middle of a swap never loses the report; runs of one
project wait for each other."""

import shutil
import subprocess
import sys
import threading
import time

from filelock import FileLock

from conftest import MINIMAL
from jixiao.assemble.output import project_lock, recover, swap_in

KILL_AFTER_FIRST_RENAME = """
import os, sys
from pathlib import Path
from jixiao.assemble import runner
real = Path.rename
def rename(self, target):
    real(self, target)
    os._exit(9)  # killed between the two renames of the swap
Path.rename = rename
runner.swap_in(Path(sys.argv[1]), Path(sys.argv[2]))
"""


def _folder(path, text):
    path.mkdir(parents=True)
    (path / "report.html").write_text(text, encoding="utf-8")


def _killed_swap(tmp_path):
    final, build = tmp_path / "output" / "p", tmp_path / "output" / ".build-p"
    _folder(final, "old")
    _folder(build, "new")
    done = subprocess.run([sys.executable, "-c", KILL_AFTER_FIRST_RENAME, str(build), str(final)])
    assert done.returncode == 9 and not final.exists()  # the state a kill leaves behind
    return final, build


def test_a_kill_between_the_renames_is_undone_by_recover(tmp_path):
    final, _ = _killed_swap(tmp_path)
    recover(final)
    assert (final / "report.html").read_text(encoding="utf-8") == "old"
    assert not (tmp_path / "output" / ".old-p").exists()


def test_the_next_swap_recovers_first_then_replaces(tmp_path):
    final, build = _killed_swap(tmp_path)
    swap_in(build, final)
    assert (final / "report.html").read_text(encoding="utf-8") == "new"
    assert sorted(p.name for p in final.parent.iterdir() if not p.name.startswith(".lock")) == ["p"]


def test_the_next_run_recovers_even_when_its_input_is_wrong(tmp_path):
    final, _ = _killed_swap(tmp_path)
    params = tmp_path / "params" / "p.yaml"
    params.parent.mkdir()
    params.write_text("project: [\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "jixiao.cli", "run", str(params)], capture_output=True, text=True)
    assert done.returncode == 1
    assert (final / "report.html").read_text(encoding="utf-8") == "old"


def test_a_second_run_of_the_project_waits_for_the_first(tmp_path):
    shutil.copytree(MINIMAL, tmp_path, dirs_exist_ok=True)
    output = tmp_path / "output"
    output.mkdir()
    held = FileLock(output / ".lock-minimal")  # what a first jixiao run of the project holds
    held.acquire()
    second = subprocess.Popen([sys.executable, "-m", "jixiao.cli", "run", str(tmp_path / "params" / "minimal.yaml"),
                               "--to", "html", "--engine", "builtin"], stdout=subprocess.PIPE, text=True)
    lines = []
    reader = threading.Thread(target=lambda: lines.extend(second.stdout), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 120
        while not any("另一个 jixiao 正在生成" in line for line in lines) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert any("另一个 jixiao 正在生成" in line for line in lines), lines
        time.sleep(1)
        assert second.poll() is None and not (output / ".build-minimal").exists()  # waiting, not building
    finally:
        held.release()
    assert second.wait(timeout=600) == 0
    reader.join(timeout=10)
    assert (output / "minimal" / "report.html").is_file()


def test_the_lock_is_reentrant_within_a_process(tmp_path):
    final = tmp_path / "output" / "p"
    with project_lock(final), project_lock(final):
        pass
