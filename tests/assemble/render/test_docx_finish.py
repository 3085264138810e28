"""The Word finishing step both engines use, on a small document written by pandoc: cover
block, filled-in contents, three sections, lists and tables, document properties, fixed
dates."""

import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from jixiao.assemble.render import builtin

DOCUMENT = """---
title: 测试项目项目支出绩效评价报告
cover-title: [测试项目, 项目支出绩效评价报告]
project: 测试项目
cover:
- {label: 项目名称, value: 测试项目}
- {label: 评价机构, value: 某某咨询有限公司}
date: 2019年7月1日
serif-fonts: [Noto Serif CJK SC]
sans-fonts: [Noto Sans CJK SC]
---

# 一、项目基本情况

## （一）概况

### 5. 利益相关方

- 主管部门
- 项目单位

: 表 3-2 评分结果

+------------+--------+--------+
| 一级指标   | 三级指 | 评分值 |
|            | 标     |        |
+:===========+:=======+=======:+
| A 项目决策 | A101   | 100.00%|
|            +--------+--------+
|            | A102   | 1.5    |
+------------+--------+--------+
| 合计       |        | 90.71  |
+------------+--------+--------+

# 二、评价工作

正文。
"""


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("docx")
    (folder / "report.md").write_text(DOCUMENT, encoding="utf-8")
    builtin.docx(folder / "report.md", folder / "report.docx")
    return folder / "report.docx"


def test_cover_fields_are_an_aligned_block_with_rules(made):
    document = docx.Document(str(made))
    cover = document.tables[0]
    assert [[c.text for c in row.cells] for row in cover.rows] == [["项目名称：", "测试项目"],
                                                                  ["评价机构：", "某某咨询有限公司"]]
    value = cover.rows[0].cells[1]._tc
    assert value.tcPr.find(qn("w:tcBorders")).find(qn("w:bottom")).get(qn("w:val")) == "single"
    texts = [p.text for p in document.paragraphs]
    assert texts[:2] == ["测试项目", "项目支出绩效评价报告"] and "2019年7月1日" in texts


def test_contents_are_filled_in_with_page_references(made):
    from docx.text.paragraph import Paragraph

    document = docx.Document(str(made))
    every = [Paragraph(p, document._body) for p in document.element.body.iter(qn("w:p"))]  # also in the contents control
    entries = [p for p in every if p.style.style_id in ("TOC1", "TOC2", "TOC3")]
    assert [p.text.strip() for p in entries] == ["一、项目基本情况", "（一）概况", "5. 利益相关方", "二、评价工作"]
    xml = entries[0]._p.xml
    assert "PAGEREF _Toc00001" in xml and 'w:anchor="_Toc00001"' in xml
    assert '<w:bookmarkStart w:id="900000" w:name="_Toc00001"/>' in document.element.body.xml
    assert " TOC " not in document.element.body.xml  # no empty field waiting for Word


def test_three_sections_cover_contents_in_roman_body_from_one(made):
    sections = docx.Document(str(made)).sections
    assert len(sections) == 3
    numbers = [s._sectPr.find(qn("w:pgNumType")) for s in sections]
    assert numbers[0] is None and sections[0].different_first_page_header_footer
    assert (numbers[1].get(qn("w:fmt")), numbers[1].get(qn("w:start"))) == ("upperRoman", "1")
    assert (numbers[2].get(qn("w:fmt")), numbers[2].get(qn("w:start"))) == ("decimal", "1")
    assert not sections[1].different_first_page_header_footer and not sections[2].different_first_page_header_footer


def test_lists_are_body_paragraphs(made):
    document = docx.Document(str(made))
    items = [p for p in document.paragraphs if p.text.startswith("（")]
    assert [p.text for p in items[-2:]] == ["（1）主管部门", "（2）项目单位"]
    assert all(p.style.name in ("Body Text", "First Paragraph") for p in items[-2:])
    assert not [p for p in document.paragraphs if p.style.name == "Compact"]  # only inside tables


def test_table_cells_centred_rows_whole_and_short_cells_wide_enough(made):
    document = docx.Document(str(made))
    table = document.tables[1]
    for tc in table._tbl.iter(qn("w:tc")):
        assert tc.tcPr.find(qn("w:vAlign")).get(qn("w:val")) == "center"
    for tr in table._tbl.tr_lst:
        header = tr.trPr.find(qn("w:tblHeader")) is not None
        assert (tr.trPr.find(qn("w:cantSplit")) is None) == header
    grid = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
    # 10.5 pt table text is 210 twips an em; a cell has 108 twips of margin each side
    assert grid[0] >= 5.1 * 210 + 216 and grid[2] >= 3.9 * 210 + 216, grid
    total = table.rows[-1].cells
    assert total[0].text == "合计" and total[0]._tc.tcPr.find(qn("w:gridSpan")).get(qn("w:val")) == "2"
    # the row before 合计 keeps with it, so 合计 never starts a page alone
    kept = [tr for tr in table._tbl.tr_lst if all(p.find(f"{qn('w:pPr')}/{qn('w:keepNext')}") is not None
                                                  for p in tr.iter(qn("w:p")))]
    assert kept == [table._tbl.tr_lst[-2]]


def test_document_properties_and_fonts(made):
    document = docx.Document(str(made))
    props = document.core_properties
    assert props.title == "测试项目项目支出绩效评价报告" and props.author == "某某咨询有限公司"
    assert props.created.year == 2019 and props.modified.isoformat().startswith("2019-07-01")
    names = zipfile.ZipFile(made).namelist()
    assert "docProps/custom.xml" not in names
    assert b"custom-properties" not in zipfile.ZipFile(made).read("[Content_Types].xml")
    fonts = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:rFonts"))
    assert fonts.get(qn("w:ascii")) == "Times New Roman" and fonts.get(qn("w:asciiTheme")) is None


def test_the_file_is_the_same_bytes_every_time(made, tmp_path):
    again = tmp_path / "report.md"
    again.write_text(DOCUMENT, encoding="utf-8")
    builtin.docx(again, tmp_path / "report.docx")
    assert (tmp_path / "report.docx").read_bytes() == made.read_bytes()
    assert {i.date_time for i in zipfile.ZipFile(made).infolist()} == {(2019, 7, 1, 0, 0, 0)}
