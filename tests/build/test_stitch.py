import pytest

from jixiao.errors import RunFailure
from jixiao.build.stitch import number


def test_numbers_restart_per_chapter_and_refs_resolve():
    text = "# 一、甲\n\n见[[ref:b]]。\n\n: [[tbl:a]] 表甲\n\n![[[fig:f]] 图甲](x.png)\n\n# 二、乙\n\n: [[tbl:b]] 表乙"
    out = number(text)
    assert ": 表 1-1 表甲" in out and "![图 1-1 图甲]" in out and ": 表 2-1 表乙" in out
    assert "见表 2-1。" in out


def test_unknown_reference_fails_with_its_name():
    with pytest.raises(RunFailure) as err:
        number("# 一\n\n见[[ref:nothing]]")
    assert "nothing" in err.value.messages[0]
