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


# ---------------------------------------------------------------- an output folder that cannot be written

import errno  # noqa: E402

import pytest  # noqa: E402
import shutil  # noqa: E402

from jixiao.assemble import output as output_module  # noqa: E402
from jixiao.errors import RunFailure  # noqa: E402


class _ReadOnlyLock:
    def acquire(self, timeout=None):
        raise PermissionError(errno.EACCES, "Permission denied", "output/.lock-x")

    def release(self):
        pass


def test_a_read_only_output_folder_is_a_clear_run_failure(tmp_path, monkeypatch):
    monkeypatch.setattr(output_module, "_lock", lambda final: _ReadOnlyLock())
    final = tmp_path / "output" / "x"
    final.parent.mkdir()
    output_module.settle(final)  # a read-only folder: nothing a run could have left to recover, no error
    with pytest.raises(RunFailure) as err:
        with output_module.project_lock(final):
            pass
    assert f"无法写入输出目录 {final.parent}" in err.value.messages[0] and "Errno" not in err.value.messages[0]


def test_an_unchanged_run_in_a_read_only_output_folder_is_still_skipped(tmp_path, monkeypatch):
    from jixiao.assemble import cache
    from jixiao.many import batch

    monkeypatch.setattr(output_module, "_lock", lambda final: _ReadOnlyLock())
    monkeypatch.setattr(batch, "settle", output_module.settle)
    monkeypatch.setattr(cache, "up_to_date", lambda *args: {"total": "90.71", "grade": "优秀"})
    (tmp_path / "params").mkdir()
    params = tmp_path / "params" / "x.yaml"
    params.write_text("{}", encoding="utf-8")
    [outcome] = batch.run_batch([str(params)], ["html"], "builtin", log=lambda line: None)
    assert outcome.status == "未变化，跳过" and outcome.code == 0


@pytest.mark.parametrize("exc, words", [
    (OSError(errno.ENOSPC, "No space left on device"), "磁盘已满"),
    (shutil.Error([("a.png", "b.png", "[Errno 28] No space left on device")] * 40), "磁盘已满"),
    (OSError(errno.EDQUOT, "Disk quota exceeded"), "超出磁盘配额"),
    (OSError(errno.EROFS, "Read-only file system"), "文件系统只读"),
])
def test_a_full_disk_is_one_chinese_line_naming_the_folder(tmp_path, exc, words):
    message = output_module.storage_problem(exc, tmp_path / "output")
    assert message.startswith(f"无法写入 {tmp_path / 'output'}（{words}）") and "[" not in message


def test_a_full_disk_during_a_run_is_one_line_and_the_old_report_stays(tmp_path, monkeypatch):
    from jixiao.assemble import runner
    from jixiao.many import batch

    from conftest import copy_example

    params = copy_example(tmp_path)
    final = tmp_path / "output" / params.stem
    final.mkdir(parents=True)
    (final / "report.html").write_text("上次的报告", encoding="utf-8")

    def full(*args, **kwargs):
        raise shutil.Error([(f"figures/{n}.png", "quarto/figures", "[Errno 28] No space left on device") for n in range(9)])

    monkeypatch.setattr(runner, "_build", full)
    outcome = batch.run_one(str(params), ["html"], "builtin", verbose=False)
    assert outcome.code == 2 and outcome.message.count("\n") == 0 and "磁盘已满" in outcome.message
    assert (final / "report.html").read_text(encoding="utf-8") == "上次的报告"


KILL_AFTER_CARRY = KILL_AFTER_FIRST_RENAME  # the first rename of a swap with kept versions moves 版本/


def test_a_swap_carries_the_kept_versions_into_the_new_folder(tmp_path):
    final, build = tmp_path / "output" / "p", tmp_path / "output" / ".build-p"
    _folder(final, "old")
    _folder(final / "版本" / "征求意见稿", "draft")
    _folder(build, "new")
    swap_in(build, final)
    assert (final / "report.html").read_text(encoding="utf-8") == "new"
    assert (final / "版本" / "征求意见稿" / "report.html").read_text(encoding="utf-8") == "draft"


def test_a_kill_after_moving_the_kept_versions_is_undone_by_recover(tmp_path):
    final, build = tmp_path / "output" / "p", tmp_path / "output" / ".build-p"
    _folder(final, "old")
    _folder(final / "版本" / "征求意见稿", "draft")
    _folder(build, "new")
    done = subprocess.run([sys.executable, "-c", KILL_AFTER_CARRY, str(build), str(final)])
    assert done.returncode == 9 and (build / "版本").is_dir() and not (final / "版本").exists()
    recover(final)
    assert (final / "版本" / "征求意见稿" / "report.html").read_text(encoding="utf-8") == "draft"
    assert (final / "report.html").read_text(encoding="utf-8") == "old"
