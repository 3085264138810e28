"""Kept versions: safe names, never overwritten without --replace, the round's outputs and a copy
of its inputs (no link out of the data folder), listed oldest first; a missing name is an input
error naming the kept ones."""

import json
import os
import shutil

import pytest

from conftest import MINIMAL
from jixiao.assemble import versions
from jixiao.errors import InputError


def _project(tmp_path):
    shutil.copytree(MINIMAL, tmp_path, dirs_exist_ok=True)
    params = tmp_path / "params" / "minimal.yaml"
    final = tmp_path / "output" / "minimal"
    (final / "notebooks").mkdir(parents=True)
    for name in ("report.html", "report.pdf", "report.docx", "inputs.json"):
        (final / name).write_text(name, encoding="utf-8")
    (final / "summary.json").write_text(json.dumps({"project": "某项目", "total": "88.50", "grade": "良",
                                                    "stage": "征求意见稿", "report_date": "2019-07-01"}),
                                        encoding="utf-8")
    return params, final


@pytest.mark.parametrize("name", ["../x", "a/b", ".hidden", "CON", "当前", "x" * 200, ""])
def test_unsafe_names_are_refused(tmp_path, name):
    params, final = _project(tmp_path)
    with pytest.raises(InputError, match="版本名称"):
        versions.check_keep(params, final, name, replace=False)


def test_keep_copies_outputs_and_inputs_and_is_listed(tmp_path):
    params, final = _project(tmp_path)
    data = tmp_path / "data" / "minimal"
    (tmp_path / "secret.txt").write_text("outside", encoding="utf-8")
    os.symlink(tmp_path / "secret.txt", data / "link.txt")
    target = versions.keep(params, final, "征求意见稿", log=lambda line: None)
    assert sorted(p.name for p in target.iterdir()) == sorted(
        ["report.html", "report.pdf", "report.docx", "inputs.json", "summary.json", "版本.json", "输入"])
    assert (target / "输入" / "参数文件.yaml").read_bytes() == params.read_bytes()
    assert (target / "输入" / "数据" / "indicators.csv").is_file()
    assert not (target / "输入" / "数据" / "link.txt").exists()  # a link out of the data folder is left behind
    [kept] = versions.listed(final)
    assert (kept.name, kept.stage, kept.total, kept.grade, kept.report_date) == ("征求意见稿", "征求意见稿", "88.50", "良",
                                                                               "2019-07-01")
    with pytest.raises(InputError, match="--replace"):
        versions.check_keep(params, final, "征求意见稿", replace=False)
    versions.check_keep(params, final, "征求意见稿", replace=True)


def test_inputs_over_the_cap_keep_only_the_fingerprint(tmp_path, monkeypatch):
    params, final = _project(tmp_path)
    monkeypatch.setattr(versions, "INPUT_BYTES", 10)
    said = []
    target = versions.keep(params, final, "送审稿", log=said.append)
    assert not (target / "输入").exists() and (target / "inputs.json").is_file()
    assert "只保存输入的指纹" in said[0]
    assert json.loads((target / "版本.json").read_text(encoding="utf-8"))["inputs_kept"] is False


def test_an_unknown_version_names_the_kept_ones(tmp_path):
    params, final = _project(tmp_path)
    versions.keep(params, final, "征求意见稿", log=lambda line: None)
    with pytest.raises(InputError, match="征求意见稿"):
        versions.folder_of(final, "终稿")
    assert versions.folder_of(final, "当前") == final
