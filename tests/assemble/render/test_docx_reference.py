"""The Word reference document: East Asian fonts, font table, page setup, table rules."""

import zipfile

import docx
import docx.shared
from docx.oxml.ns import qn

from jixiao.assemble.render.docx_reference import BODY_FONT, HEADING_FONT, write_reference_docx


def test_styles_name_east_asian_fonts_without_theme_overrides(tmp_path):
    target = tmp_path / "reference.docx"
    write_reference_docx(target, "某项目")
    document = docx.Document(str(target))
    for name, font in [("Normal", BODY_FONT), ("Body Text", BODY_FONT), ("Heading 1", HEADING_FONT),
                       ("Heading 3", HEADING_FONT), ("Title", HEADING_FONT), ("Table Caption", HEADING_FONT)]:
        fonts = document.styles[name].element.rPr.rFonts
        assert fonts.get(qn("w:eastAsia")) == font, name
        assert fonts.get(qn("w:eastAsiaTheme")) is None, name


def test_font_table_gives_alternate_names(tmp_path):
    target = tmp_path / "reference.docx"
    write_reference_docx(target)
    table = zipfile.ZipFile(target).read("word/fontTable.xml").decode("utf-8")
    assert '<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/><w:charset w:val="86"/>' in table
    assert '<w:font w:name="黑体"><w:altName w:val="SimHei"/>' in table


def test_page_header_footer_and_fields(tmp_path):
    target = tmp_path / "reference.docx"
    write_reference_docx(target, "某项目")
    document = docx.Document(str(target))
    section = document.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7
    assert section.different_first_page_header_footer
    assert section.header.paragraphs[0].text == "某项目"
    assert "<w:instrText" in section.footer._element.xml and " PAGE " in section.footer._element.xml
    assert document.settings.element.find(qn("w:updateFields")) is None  # Word asks nothing on opening


def test_table_style_has_all_rules(tmp_path):
    target = tmp_path / "reference.docx"
    write_reference_docx(target)
    borders = docx.Document(str(target)).styles["Table"].element.find(qn("w:tblPr")).find(qn("w:tblBorders"))
    assert [b.tag.split("}")[1] for b in borders] == ["top", "left", "bottom", "right", "insideH", "insideV"]


def test_word_takes_the_one_typography(tmp_path):
    """仿宋_GB2312 小四 body lines exactly 22 pt apart, 黑体 三号 and 楷体 四号 headings, 五号 tables,
    a footer style, 「— 1 —」 page numbers."""
    from docx.enum.text import WD_LINE_SPACING

    target = tmp_path / "reference.docx"
    write_reference_docx(target, "某项目")
    document = docx.Document(str(target))
    body = document.styles["Body Text"]
    assert body.font.size.pt == 12 and body.paragraph_format.line_spacing.pt == 22
    assert body.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    east = lambda name: document.styles[name].element.rPr.rFonts.get(qn("w:eastAsia"))  # noqa: E731
    assert east("Body Text") == "仿宋_GB2312" and east("Heading 1") == "黑体" and east("Heading 2") == "楷体_GB2312"
    assert document.styles["Heading 1"].font.size.pt == 16 and document.styles["Heading 2"].font.size.pt == 14
    assert document.styles["Compact"].font.size.pt == 10.5
    footer = document.sections[0].footer.paragraphs[0]
    assert footer.style.style_id == "Footer" and footer.text.replace(" ", "") == "——"
    table = zipfile.ZipFile(target).read("word/fontTable.xml").decode("utf-8")
    assert '<w:font w:name="楷体_GB2312"><w:altName w:val="楷体"/>' in table


def test_a_chart_keeps_room_from_the_table_above_and_stays_with_its_caption(tmp_path):
    """A figure paragraph (pandoc's "Captioned Figure", "Figure") has 12 pt above it, so a chart
    right under a table never touches it, and keeps with its caption; "Keep With Next" is a body
    paragraph that stays on the page of the next one (report.lua's lone lines)."""
    target = tmp_path / "reference.docx"
    write_reference_docx(target, "某项目")
    styles = docx.Document(str(target)).styles
    for name in ("Captioned Figure", "Figure"):
        assert styles[name].paragraph_format.space_before == docx.shared.Pt(12)
        assert styles[name].paragraph_format.keep_with_next
    keep = styles["Keep With Next"]
    assert keep.base_style.name == "Body Text" and keep.paragraph_format.keep_with_next


def test_character_styles_set_a_cells_characters_apart_or_closer(tmp_path):
    """The styles report.lua puts on a table cell whose last line would hold one character alone
    in Word: its characters a quarter or half a point (5 or 10 twentieths) wider or closer; the
    filter's names are the ones the reference document defines."""
    from jixiao.assemble.render.builtin import FILTER, TEMPLATES

    target = tmp_path / "reference.docx"
    write_reference_docx(target)
    document = docx.Document(str(target))
    spacing = {name: int(document.styles[name].element.rPr.find(qn("w:spacing")).get(qn("w:val")))
               for name in ("Table Text Loose", "Table Text Tight", "Table Text Looser", "Table Text Tighter")}
    assert spacing == {"Table Text Loose": 5, "Table Text Tight": -5, "Table Text Looser": 10, "Table Text Tighter": -10}
    lua = (TEMPLATES / FILTER).read_text(encoding="utf-8")
    assert all(f'"{name}"' in lua for name in spacing)
