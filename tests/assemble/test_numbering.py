"""Heading numbers by level, no gaps for missing parts, texts' headings below their place,
tables and figures numbered per chapter."""

import pytest

from jixiao.assemble.numbering import Block, chinese, number
from jixiao.errors import RunFailure
from jixiao.markup import define, refer


def headings(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("#")]


def test_levels_are_numbered_in_the_chinese_style():
    out = number([Block("markdown", "# 甲\n\n## 乙\n\n### 丙\n\n#### 丁\n\n##### 戊\n\n正文")])
    assert headings(out) == ["# 一、甲", "## （一）乙", "### 1. 丙", "#### （1）丁", "##### 1）戊"]


def test_a_heading_with_nothing_under_it_leaves_no_gap():
    blocks = [Block("markdown", "# 概况\n\n## 背景"), Block("text", "正文"), Block("markdown", "## 组织"),
              Block("markdown", "## 利益相关方"), Block("text", "各方"), Block("markdown", "# 其他"),
              Block("markdown", "# 结论"), Block("prose", "好")]
    assert headings(number(blocks)) == ["# 一、概况", "## （一）背景", "## （二）利益相关方", "# 二、结论"]


def test_texts_headings_go_below_their_place_and_typed_numbers_are_replaced():
    blocks = [Block("markdown", "# 工作\n\n### 方案"), Block("text", "# （1）初稿\n\n甲\n\n## 细节\n\n乙\n\n# 2. 修改\n\n丙")]
    assert headings(number(blocks)) == ["# 一、工作", "### 1. 方案", "#### （1）初稿", "##### 1）细节", "#### （2）修改"]


def test_coded_and_marked_headings_keep_their_text():
    blocks = [Block("markdown", "# 分析"), Block("heading", "### A 项目决策"), Block("prose", "甲"),
              Block("markdown", "# 附件 {-}\n\n附"), Block("markdown", "# 附录 {.unnumbered}\n\n录")]
    assert headings(number(blocks)) == ["# 一、分析", "### A 项目决策", "# 附件", "# 附录"]


def test_fenced_code_is_not_a_heading():
    out = number([Block("markdown", "# 甲\n\n```\n# 注释\n```")])
    assert headings(out) == ["# 一、甲", "# 注释"] and "```\n# 注释\n```" in out


def test_tables_and_figures_numbered_per_chapter_and_references_resolved():
    blocks = [Block("markdown", "# 甲"), Block("prose", f"见{refer('b')}。"),
              Block("table", f": {define('tbl', 'a')} 表甲\n\n| x |\n|---|\n| 1 |"),
              Block("figure", f"![{define('fig', 'f')} 图甲](figures/f.png)"),
              Block("markdown", "# 乙"), Block("table", f": {define('tbl', 'b')} 表乙\n\n| y |\n|---|\n| 2 |"),
              Block("markdown", "# 附件 {-}"), Block("table", f": {define('tbl', 'c')} 附\n\n| z |\n|---|\n| 3 |")]
    out = number(blocks)
    assert ": 表 1-1 表甲" in out and "![图 1-1 图甲]" in out and ": 表 2-1 表乙" in out and ": 附表 1 附" in out
    assert "见第二部分表 2-1。" in out  # a later chapter's table: the sentence says where it is


def test_a_reference_says_where_a_later_chapters_table_is_and_only_then():
    """Chapter 一 citing 表 3-1 says 「第三部分表 3-1」 (once, even when the text names the part
    itself); a reference within the chapter, backwards, or from an annex stays the bare number."""
    blocks = [Block("markdown", "# 甲"), Block("text", f"见{refer('c')}，又见第三部分{refer('c')}；本章{refer('a')}。"),
              Block("table", f": {define('tbl', 'a')} 表甲\n\n| x |\n|---|\n| 1 |"),
              Block("markdown", "# 乙"), Block("prose", f"如{refer('a')}。"),
              Block("markdown", "# 丙"), Block("figure", f"![{define('fig', 'c')} 图丙](figures/c.png)"),
              Block("markdown", "# 附件 {-}"), Block("prose", f"见{refer('c')}。")]
    out = number(blocks)
    assert "见第三部分图 3-1，又见第三部分图 3-1；本章表 1-1。" in out
    assert "如表 1-1。" in out and "附件\n\n见图 3-1。" in out


def test_unknown_or_duplicate_labels_fail_with_their_name():
    with pytest.raises(RunFailure) as err:
        number([Block("markdown", "# 一"), Block("prose", f"见{refer('nothing')}")])
    assert "nothing" in err.value.messages[0]
    with pytest.raises(RunFailure) as err:
        number([Block("markdown", "# 一"), Block("table", f": {define('tbl', 'a')} x"), Block("table", f": {define('tbl', 'a')} y")])
    assert "『a』重复" in err.value.messages[0]


def test_chapter_numbers_past_ten():
    assert [chinese(n) for n in (1, 9, 10, 11, 20, 23)] == ["一", "九", "十", "十一", "二十", "二十三"]
