"""The Word finishing step both engines use, on a small document written by pandoc: cover
block, the contents as a TOC field with the PDF's page numbers, 落款 and 附件, three sections, lists and tables, document properties, fixed
dates."""

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from pypdf import PdfReader

from jixiao.assemble.render import builtin
from jixiao.assemble.render.pdf_pages import heading_pages

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


def test_contents_are_one_toc_field_holding_the_entries(made):
    """A real TOC field (「更新目录」 works) whose stored result is the entries, and no
    request to update fields on opening."""
    document = docx.Document(str(made))
    control = document.element.body.find(qn("w:sdt"))
    kinds = [c.get(qn("w:fldCharType")) for c in control.iter(qn("w:fldChar"))]
    instructions = [t.text.strip() for t in control.iter(qn("w:instrText"))]
    assert instructions[0] == 'TOC \\o "1-3" \\h \\z \\u'
    assert kinds[:2] == ["begin", "separate"] and kinds[-1] == "end" and kinds.count("begin") == kinds.count("end")
    assert len([i for i in instructions if i.startswith("PAGEREF")]) == 4
    assert document.settings.element.find(qn("w:updateFields")) is None


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
    # the first item keeps with the last (report.lua: no lone list item at a page foot or head)
    assert [p.style.name for p in items[-2:]] == ["Keep With Next", "Body Text"]
    assert document.styles["Keep With Next"].base_style.name == "Body Text"
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
    # a table of fewer than six rows keeps whole: every body row but the last keeps with the next
    kept = [tr for tr in table._tbl.tr_lst if all(p.find(f"{qn('w:pPr')}/{qn('w:keepNext')}") is not None
                                                  for p in tr.iter(qn("w:p")))]
    assert kept == table._tbl.tr_lst[1:-1]


def test_a_break_in_a_long_table_leaves_three_rows_on_either_side(tmp_path):
    rows = "\n".join(f"| D{n:02d} | 5 |" for n in range(1, 11))
    (tmp_path / "report.md").write_text(DOCUMENT.split("# 一、")[0] + "# 一、表\n\n| 指标 | 分值 |\n|--|--|\n" + rows + "\n",
                                        encoding="utf-8")
    builtin.docx(tmp_path / "report.md", tmp_path / "report.docx")
    table = docx.Document(str(tmp_path / "report.docx")).tables[-1]._tbl
    body = table.tr_lst[1:]
    kept = [n for n, tr in enumerate(body) if all(p.find(f"{qn('w:pPr')}/{qn('w:keepNext')}") is not None
                                                  for p in tr.iter(qn("w:p")))]
    assert kept == [0, 1, 7, 8]  # rows 1–3 and 8–10 each stay on one page


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


CLOSING = DOCUMENT.replace("# 二、评价工作\n\n正文。\n", """# 二、评价工作

正文的最后一段。

评价机构（盖章）：某某咨询有限公司

报告日期：2019年7月1日

# 附件：绩效指标评分标准

附件的正文。
""")


@pytest.fixture(scope="module")
def closing(tmp_path_factory) -> Path:
    """The report with a 落款 and a 附件, in Word and PDF (the Word contents take the PDF's pages)."""
    folder = tmp_path_factory.mktemp("closing")
    (folder / "report.md").write_text(CLOSING, encoding="utf-8")
    builtin.render(folder / "report.md", folder, ["pdf", "docx"])
    return folder


def _paragraph(document, text: str):
    return next(p for p in document.paragraphs if p.text == text)


def test_signature_is_right_aligned_with_room_for_the_seal_and_kept_with_the_text(closing):
    document = docx.Document(str(closing / "report.docx"))
    sealed, dated = _paragraph(document, "评价机构（盖章）：某某咨询有限公司"), _paragraph(document, "报告日期：2019年7月1日")
    assert sealed.style.name == dated.style.name == "Signature"
    style = document.styles["Signature"].paragraph_format
    assert style.alignment == WD_ALIGN_PARAGRAPH.RIGHT and style.first_line_indent == 0 and style.keep_with_next
    assert sealed.paragraph_format.space_before.twips == 720
    assert _paragraph(document, "正文的最后一段。").paragraph_format.keep_with_next
    note = _paragraph(document, "附件：绩效指标评分标准")
    assert note.style.name == "Annex Note"
    order = [p.text for p in document.paragraphs]
    assert order.index("正文的最后一段。") < order.index(note.text) < order.index(sealed.text) < order.index(dated.text)


def test_annex_starts_a_page_with_its_label_and_a_centred_title(closing):
    document = docx.Document(str(closing / "report.docx"))
    label = _paragraph(document, "附件")
    assert label.style.name == "Annex Label" and document.styles["Annex Label"].paragraph_format.page_break_before
    title = _paragraph(document, "绩效指标评分标准")
    assert title.style.name == "Heading 1" and title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    entries = [t.text for t in document.element.body.find(qn("w:sdt")).iter(qn("w:t"))]
    assert "附件\u3000绩效指标评分标准" in entries


def test_contents_store_the_page_numbers_the_pdf_shows(closing):
    document = docx.Document(str(closing / "report.docx"))
    control = document.element.body.find(qn("w:sdt"))
    stored = []
    for paragraph in control.iter(qn("w:p")):
        runs = list(paragraph.iter(qn("w:r")))
        texts = [t.text for r in runs for t in r.iter(qn("w:t"))]
        if any(i.text.strip().startswith("PAGEREF") for i in paragraph.iter(qn("w:instrText"))):
            stored.append((texts[0], texts[-1]))
    pages = dict(heading_pages(closing / "report.pdf"))
    assert stored == [(text, pages[re.sub(r"\s", "", text)]) for text, _ in stored]
    assert [page for _, page in stored] == ["1", "1", "1", "1", "2"]  # the 附件 on a page of its own
    assert not (closing / builtin.PAGES_PDF).exists()


def test_word_alone_still_gets_page_numbers(tmp_path):
    (tmp_path / "report.md").write_text(CLOSING, encoding="utf-8")
    builtin.render(tmp_path / "report.md", tmp_path, ["docx"])
    control = docx.Document(str(tmp_path / "report.docx")).element.body.find(qn("w:sdt"))
    assert [t.text for t in control.iter(qn("w:t"))][-1] == "2" and not (tmp_path / "report.pdf").exists()
    assert not (tmp_path / builtin.PAGES_PDF).exists()


def test_word_as_libreoffice_lays_it_out(closing, tmp_path):
    """LibreOffice shows the stored contents with page numbers, the 落款 right of centre and the
    附件 at the top of a new page."""
    if shutil.which("soffice") is None:
        pytest.skip("未安装 LibreOffice（soffice），跳过版面转换检查")
    done = subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                           str(closing / "report.docx")], capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr
    pages = PdfReader(str(tmp_path / "report.pdf")).pages
    contents = re.sub(r"\s", "", pages[1].extract_text())
    assert re.search(r"一、项目基本情况\.+1", contents) and re.search(r"附件绩效指标评分标准\.+2", contents)
    found = {}

    def visit(text, cm, tm, *_):
        if text.strip():
            found.setdefault(re.sub(r"\s", "", text), cm[4] + tm[4] * cm[0])

    signature_page = next(p for p in pages if "盖章" in p.extract_text())
    signature_page.extract_text(visitor_text=visit)
    width = float(signature_page.mediabox.width)
    assert next(x for t, x in found.items() if t.startswith("报告日期")) > width / 2
    lines = [line.strip() for line in pages[-1].extract_text().splitlines() if line.strip()]
    assert lines[lines.index("附件") + 1] == "绩效指标评分标准"


def test_app_properties_name_jixiao_and_the_language_is_chinese(made):
    app = zipfile.ZipFile(made).read("docProps/app.xml").decode("utf-8")
    assert "<Application>jixiao</Application>" in app and "<Pages>" not in app and "<Words>" not in app
    lang = docx.Document(str(made)).styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(
        qn("w:rPr")).find(qn("w:lang"))
    assert lang.get(qn("w:val")) == "zh-CN" and lang.get(qn("w:eastAsia")) == "zh-CN"
