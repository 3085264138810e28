"""Output folders: a parameter file's name must make a safe folder of its own."""

from pathlib import Path

import pytest

from jixiao.config import output_clashes, output_dir
from jixiao.errors import InputError


@pytest.mark.parametrize("name, words", [
    ("..yaml", "不能以「.」开头"), (".yaml.yaml", "不能以「.」开头"), (".hidden.yaml", "不能以「.」开头"),
    ("a\\b.yaml", "不能含有"), ("a:b.yaml", "不能含有"), ("a*b.yaml", "不能含有"), ("a\tb.yaml", "不能含有"),
    ("CON.yaml", "保留名称"), ("nul.2018.yaml", "保留名称"), ("com1.yaml", "保留名称"), ("portfolio.yaml", "保留名称"),
    ("x.failed.yaml", ".failed"), ("trailing .yaml", "不能以空格"), ("dot..yaml", "不能以空格或「.」结尾"),
    ("a" * 101 + ".yaml", "过长"),
])
def test_names_that_cannot_make_a_safe_output_folder(tmp_path, name, words):
    with pytest.raises(InputError) as err:
        output_dir(tmp_path / "params" / name)
    assert words in err.value.messages[0] and "请给参数文件改名" in err.value.messages[0]


@pytest.mark.parametrize("name", ["shanghai-credit-2018.yaml", "2018年上海市专项.yaml", "p.v2.yaml", "console.yml"])
def test_ordinary_names_are_their_output_folder(tmp_path, name):
    assert output_dir(tmp_path / "params" / name) == tmp_path / "output" / Path(name).stem


def test_two_files_with_one_output_folder_clash(tmp_path):
    paths = [str(tmp_path / "params" / n) for n in ("p.yaml", "p.yml", "P.yaml", "q.yaml")]
    clashes = output_clashes(paths)
    assert set(clashes) == set(paths[:3])
    assert "p.yml、" in clashes[paths[0]] and "会互相覆盖" in clashes[paths[0]]
