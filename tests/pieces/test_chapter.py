"""What the notebooks call (pieces/chapter.py): an analyst's text with a bold lead-in."""

import pytest

from jixiao.inputs.sanitize import Clean
from jixiao.pieces import chapter


@pytest.mark.parametrize("text, shown", [
    ("2018 年，项目按计划推进。\n\n第二段。\n", "**主要结论：**2018 年，项目按计划推进。\n\n第二段。\n"),
    ("- 完成数据归集\n- 建成平台\n", "**主要结论：**\n\n- 完成数据归集\n- 建成平台\n"),
    ("### 总体情况\n\n正文。\n", "**主要结论：**\n\n### 总体情况\n\n正文。\n"),
    ("| 甲 | 乙 |\n|---|---|\n| 1 | 2 |\n", "**主要结论：**\n\n| 甲 | 乙 |\n|---|---|\n| 1 | 2 |\n"),
])
def test_a_lead_opens_the_first_paragraph_or_stands_alone(monkeypatch, text, shown):
    printed = []
    monkeypatch.setattr(chapter.Chapter, "show", lambda self, markdown, kind, **meta: printed.append(markdown))
    project = type("P", (), {"texts": {"conclusion": Clean(text)}})()
    chapter.Chapter(project, for_reader=False).text("conclusion", lead="主要结论：")
    assert printed == [shown]
