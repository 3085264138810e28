"""The Word reference document whose styles and page setup pandoc copies into report.docx.

The typography is the one of every format (jixiao.fonts): East Asian fonts are set per style
(``w:eastAsia``: 仿宋_GB2312 body and tables, 黑体 headings and captions, 楷体_GB2312 level-2
headings), sizes in 号, body lines exactly 22 pt apart, and Latin text in Times New Roman,
with the theme attributes removed, because a theme font (Aptos) would override them. Word has no font
fallback list; the font table gives each font its Windows alternate name (``w:altName``:
仿宋, SimHei) and the GB2312 character set, which Word and LibreOffice use to substitute a
Chinese font where the named one is missing. The page is A4 with the project name in the
header and the page number in the footer, both left off the cover page.
"""

import subprocess
from pathlib import Path

import pypandoc
from lxml import etree
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from ... import fonts
from .watermark import add_to_headers

BODY_FONT = fonts.WORD_NAMES["仿宋"][0]
HEADING_FONT = fonts.WORD_NAMES["黑体"][0]
KAI_FONT = fonts.WORD_NAMES["楷体"][0]
LATIN_FONT = fonts.WORD_NAMES["latin"][0]
ALT_NAMES = {fonts.WORD_NAMES[role][0]: fonts.WORD_NAMES[role][1] for role in ("仿宋", "黑体", "楷体")}
HEADINGS = ("Title", "Subtitle", "Heading", "TOC Heading", "Table Caption", "Image Caption", "Caption")
FAMILY_FONT = {"仿宋": BODY_FONT, "黑体": HEADING_FONT, "楷体": KAI_FONT}


def _role(role: str) -> tuple[float, bool]:
    _, size, bold = fonts.ROLES[role]
    return fonts.HAO[size], bold


# style name → (size in pt, bold, alignment), from the typography's roles
SIZES = {
    "Title": (*_role("title"), WD_ALIGN_PARAGRAPH.CENTER),
    "Subtitle": (*_role("title"), WD_ALIGN_PARAGRAPH.CENTER),
    "Heading 1": (*_role("heading1"), None),
    "Heading 2": (*_role("heading2"), None),
    "Heading 3": (*_role("heading3"), None),
    "Heading 4": (*_role("heading3"), None),
    "Heading 5": (*_role("heading3"), None),
    "Author": (fonts.HAO["四号"], False, WD_ALIGN_PARAGRAPH.CENTER),
    "Date": (fonts.HAO["四号"], False, WD_ALIGN_PARAGRAPH.CENTER),
    "TOC Heading": (*_role("heading1"), WD_ALIGN_PARAGRAPH.CENTER),
    "Table Caption": (*_role("caption"), WD_ALIGN_PARAGRAPH.CENTER),
    "Image Caption": (*_role("caption"), WD_ALIGN_PARAGRAPH.CENTER),
    "Compact": (*_role("table"), None),
}
# contents entries: style id → (name, indent in characters)
TOC_STYLES = {"TOC1": ("toc 1", 0), "TOC2": ("toc 2", 1), "TOC3": ("toc 3", 2)}


def write_reference_docx(target: Path, header: str = "", watermark: str = "") -> None:
    """Write the reference document; ``header`` is the running header (the project name),
    ``watermark`` the review stage printed diagonally on every page (none for the final report)."""
    target.write_bytes(_default_reference())
    doc = Document(str(target))
    _default_fonts(doc)
    _toc_styles(doc)
    for style in doc.styles:
        if getattr(style, "font", None) is not None:
            _east_asian_font(style, HEADING_FONT if style.name.startswith(HEADINGS) else BODY_FONT)
    _east_asian_font(doc.styles["Heading 2"], FAMILY_FONT[fonts.ROLES["heading2"][0]])
    _paragraph_styles(doc)
    _closing_styles(doc)
    _keep_style(doc)
    _spacing_styles(doc)
    _table_rules(doc)
    _font_table(doc)
    _page(doc, header)
    if watermark:
        add_to_headers(doc.sections[0], watermark)
    doc.save(str(target))


def _default_reference() -> bytes:
    done = subprocess.run([pypandoc.get_pandoc_path(), "--print-default-data-file", "reference.docx"],
                          capture_output=True, check=True)
    return done.stdout


def _set_fonts(fonts, east_asian: str) -> None:
    for attr in ("w:eastAsiaTheme", "w:asciiTheme", "w:hAnsiTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), east_asian)


def _east_asian_font(style, name: str) -> None:
    _set_fonts(style.element.get_or_add_rPr().get_or_add_rFonts(), name)


def _default_fonts(doc) -> None:
    """The document defaults: no theme fonts, Times New Roman and the body font."""
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = defaults.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        defaults.insert(0, fonts)
    _set_fonts(fonts, BODY_FONT)
    lang = defaults.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        defaults.append(lang)
    for attr in ("w:val", "w:eastAsia"):  # the report's language, for spelling and line breaking
        lang.set(qn(attr), "zh-CN")


def _toc_styles(doc) -> None:
    """Styles of the contents entries (Word's built-in "toc 1" … "toc 3")."""
    for style_id, (name, indent) in TOC_STYLES.items():
        style = OxmlElement("w:style")
        style.set(qn("w:type"), "paragraph")
        style.set(qn("w:styleId"), style_id)
        for tag, value in (("name", name), ("basedOn", "Normal"), ("next", "Normal"), ("uiPriority", "39")):
            child = OxmlElement(f"w:{tag}")
            child.set(qn("w:val"), value)
            style.append(child)
        style.append(OxmlElement("w:unhideWhenUsed"))
        ppr = OxmlElement("w:pPr")
        spacing = OxmlElement("w:spacing")
        for key, value in (("before", "0"), ("after", "40"), ("line", "288"), ("lineRule", "auto")):
            spacing.set(qn(f"w:{key}"), value)
        ind = OxmlElement("w:ind")
        ind.set(qn("w:leftChars"), str(indent * 100))
        ind.set(qn("w:left"), str(indent * 240))
        ppr.extend([spacing, ind])
        rpr = OxmlElement("w:rPr")
        for tag in ("w:sz", "w:szCs"):
            size = OxmlElement(tag)
            size.set(qn("w:val"), "21")  # 10.5 pt: the contents fit on one page
            rpr.append(size)
        style.extend([ppr, rpr])
        doc.styles.element.append(style)


def _paragraph_styles(doc) -> None:
    for name, (size, bold, align) in SIZES.items():
        style = doc.styles[name]
        style.font.size = Pt(size)
        style.font.bold = bold
        style.font.italic = False
        style.font.color.rgb = RGBColor(0, 0, 0)
        if align is not None:
            style.paragraph_format.alignment = align
    body_size, _ = _role("body")
    for name in ("Normal", "Body Text", "First Paragraph"):
        doc.styles[name].font.size = Pt(body_size)
    for name in ("Body Text", "First Paragraph"):  # lines exactly as far apart as in the PDF
        layout = doc.styles[name].paragraph_format
        layout.line_spacing, layout.line_spacing_rule = Pt(fonts.LINE_PITCH), WD_LINE_SPACING.EXACTLY
        layout.space_before = layout.space_after = Pt(0)
    for name in ("Body Text", "First Paragraph"):
        doc.styles[name].paragraph_format.first_line_indent = Pt(24)  # two characters
    doc.styles["Compact"].paragraph_format.line_spacing = 1.0
    doc.styles["Compact"].paragraph_format.first_line_indent = Pt(0)
    doc.styles["Title"].paragraph_format.space_before = Cm(4)
    doc.styles["Title"].paragraph_format.space_after = Pt(6)
    doc.styles["Subtitle"].paragraph_format.space_before = Pt(0)
    doc.styles["Subtitle"].paragraph_format.space_after = Cm(3)
    doc.styles["Date"].paragraph_format.space_before = Cm(3)
    for name in ("Captioned Figure", "Figure"):  # a chart never touches the table above it
        doc.styles[name].paragraph_format.space_before = Pt(12)
        doc.styles[name].paragraph_format.keep_with_next = True  # and stays with its caption


def _closing_styles(doc) -> None:
    """The styles report.lua gives the end of the body and the 附件 (GB/T 9704): "Annex Note"
    (附件说明, a line below the text), "Signature" (落款, right-aligned two characters from
    the edge, room for the seal above), "Annex Label" (「附件」 on a new page, top-left, 黑体)."""
    note = doc.styles.add_style("Annex Note", WD_STYLE_TYPE.PARAGRAPH)
    note.base_style = doc.styles["Body Text"]
    note.paragraph_format.space_before = Pt(18)
    note.paragraph_format.keep_with_next = True
    signature = doc.styles.add_style("Signature", WD_STYLE_TYPE.PARAGRAPH)
    signature.base_style = doc.styles["Body Text"]
    signature.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    signature.paragraph_format.first_line_indent = Pt(0)
    signature.paragraph_format.right_indent = Pt(24)
    signature.paragraph_format.space_before = Pt(0)
    signature.paragraph_format.keep_with_next = True
    label = doc.styles.add_style("Annex Label", WD_STYLE_TYPE.PARAGRAPH)
    label.base_style = doc.styles["Normal"]
    label.paragraph_format.page_break_before = True
    label.paragraph_format.keep_with_next = True
    label.paragraph_format.first_line_indent = Pt(0)
    label.paragraph_format.space_after = Pt(12)
    label.font.size = Pt(16)
    _east_asian_font(label, HEADING_FONT)


def _keep_style(doc) -> None:
    """"Keep With Next" (report.lua): a body paragraph kept on the page of the next one, so a
    list's last item or a section's closing line never stands alone at a page's head."""
    keep = doc.styles.add_style("Keep With Next", WD_STYLE_TYPE.PARAGRAPH)
    keep.base_style = doc.styles["Body Text"]
    keep.paragraph_format.keep_with_next = True


# report.lua's character styles for a table cell whose last line would hold one character
# alone: its characters set wider or closer, in twentieths of a point (10.5 pt text: 0.025 em
# is 0.26 pt).
SPACING_STYLES = {"Table Text Loose": 5, "Table Text Tight": -5, "Table Text Looser": 10, "Table Text Tighter": -10}


def _spacing_styles(doc) -> None:
    for name, twentieths in SPACING_STYLES.items():
        style = doc.styles.add_style(name, WD_STYLE_TYPE.CHARACTER)
        spacing = OxmlElement("w:spacing")
        spacing.set(qn("w:val"), str(twentieths))
        style.element.get_or_add_rPr().append(spacing)


def _table_rules(doc) -> None:
    """pandoc's "Table" style: single rules on every edge and between all cells, a shaded
    header row, cells centred vertically."""
    style = doc.styles["Table"].element
    tbl_pr = style.find(qn("w:tblPr"))
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        rule = OxmlElement(f"w:{edge}")
        for key, value in (("val", "single"), ("sz", "4"), ("space", "0"), ("color", "000000")):
            rule.set(qn(f"w:{key}"), value)
        borders.append(rule)
    tbl_pr.find(qn("w:tblCellMar")).addprevious(borders)  # schema order: tblInd, tblBorders, tblCellMar
    first_row = style.find(qn("w:tblStylePr")).find(qn("w:tcPr"))
    shade = OxmlElement("w:shd")
    for key, value in (("val", "clear"), ("color", "auto"), ("fill", "E8EEF5")):
        shade.set(qn(f"w:{key}"), value)
    first_row.find(qn("w:tcBorders")).addnext(shade)
    first_row.find(qn("w:vAlign")).set(qn("w:val"), "center")


def _font_table(doc) -> None:
    """Declare the Chinese fonts with alternate names and the GB2312 character set."""
    part = next(p for p in doc.part.package.iter_parts() if p.partname == "/word/fontTable.xml")
    root = etree.fromstring(part.blob)
    for name, alt in ALT_NAMES.items():
        font = etree.SubElement(root, qn("w:font"), {qn("w:name"): name})
        for tag, value in (("altName", alt), ("charset", "86"), ("family", "modern"), ("pitch", "fixed")):
            etree.SubElement(font, qn(f"w:{tag}"), {qn("w:val"): value})
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _page(doc, header: str) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.6)
    section.top_margin, section.bottom_margin = Cm(2.8), Cm(2.6)
    section.header_distance = section.footer_distance = Cm(1.5)
    section.gutter = Cm(0)
    section.different_first_page_header_footer = True
    top = section.header.paragraphs[0]
    top.alignment = WD_ALIGN_PARAGRAPH.CENTER
    top.add_run(header).font.size = Pt(_role("header")[0])
    top.style = _page_edge_style(doc, "header")
    foot = section.footer.paragraphs[0]
    foot.style = _page_edge_style(doc, "footer")
    foot.alignment = WD_ALIGN_PARAGRAPH.CENTER
    foot.paragraph_format.space_before = Pt(6)  # the number never touches a table at the page foot
    size = Pt(_role("page-number")[0])
    foot.add_run("— ").font.size = size
    run = foot.add_run()
    run.font.size = size
    _page_field(run)
    foot.add_run(" —").font.size = size


def _page_edge_style(doc, name: str):
    """Word's built-in "header" or "footer" paragraph style (ids Header, Footer): single-spaced,
    without the body's indent."""
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.element.set(qn("w:styleId"), name.capitalize())
    style.base_style = doc.styles["Normal"]
    style.paragraph_format.first_line_indent = Pt(0)
    style.paragraph_format.line_spacing = 1.0
    style.paragraph_format.space_after = Pt(0)
    return style


def _page_field(run) -> None:
    """A PAGE field: Word and LibreOffice show the current page number."""
    begin, instr, end = OxmlElement("w:fldChar"), OxmlElement("w:instrText"), OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    end.set(qn("w:fldCharType"), "end")
    run._r.extend([begin, instr, end])
