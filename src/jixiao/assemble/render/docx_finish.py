"""The last step of every Word file, whichever engine wrote it (pandoc or Quarto).

What came before the first heading (pandoc's or Quarto's title block and empty contents
field) is replaced by the report's own front: the cover (title lines, the cover fields as
an aligned two-column block with rules, the date) in a section without page number, then
the contents: a real ``TOC \\o "1-3" \\h`` field whose stored result holds one entry per
heading with a link and a PAGEREF field holding the page the PDF shows for it, so Word, WPS
and LibreOffice show the page numbers without updating and 「更新目录」 recomputes them; the
contents are in a section numbered in roman numerals, the body in a third numbered from 1.
The 落款 (style "Signature") gets room for the seal and stays on the page of the paragraph
before it; a 附件's title after its 「附件」 label is centred. Table cells are centred
vertically. The document properties hold the report title, the evaluator, the language and
the generator, nothing else from the metadata, and the file is written with fixed dates (the
report date), so a re-run gives the same bytes.
"""

import copy
import io
import zipfile
from datetime import date, datetime, timezone
from pathlib import Path

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from ...markup import unescape
from . import frontmatter
from .pdf_pages import squeeze

TOC_DEPTH = 3
ANNEX_LABEL, SIGNATURE, ANNEX_NOTE = "AnnexLabel", "Signature", "AnnexNote"
SEAL_ROOM = 720  # twips above the 落款: three lines for the seal
HEADING_STYLES = {f"Heading{n}": n for n in range(1, 10)}


def finish(target: Path, meta: dict, pages: list[tuple[str, str]] = ()) -> None:
    """Rewrite the Word file ``target`` in place (see the module docstring); ``pages`` are
    (heading text without spaces, page) of the PDF (pdf_pages.heading_pages), in order."""
    doc = Document(str(target))
    body = doc.element.body
    final = body.find(qn("w:sectPr"))
    _drop_front(body)
    _closing(body)
    headings = _bookmark_headings(body)
    first = body[0]
    shown = _page_numbers_of(headings, pages)
    for element in [*_cover(meta), _section_break(final, "cover"),
                    *_contents(meta, headings, shown, _text_width(final)), _section_break(final, "contents")]:
        first.addprevious(element)
    _number_from_one(final)
    _centre_cells(body)
    _full_width(body, _text_width(final))
    _rows_whole(body)
    _alt_texts(body)
    _properties(doc, meta)
    buffer = io.BytesIO()
    doc.save(buffer)
    target.write_bytes(_fixed_zip(buffer.getvalue(), frontmatter.report_date(meta)))


def _el(tag: str, children=(), **attrs):
    element = OxmlElement(tag)
    for key, value in attrs.items():
        element.set(qn(f"w:{key}"), str(value))
    element.extend(children)
    return element


def _style_of(paragraph) -> str:
    style = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    return style.get(qn("w:val")) if style is not None else ""


def _drop_front(body) -> None:
    """Remove everything before the first heading (and its bookmarks)."""
    children = list(body)
    start = next((n for n, el in enumerate(children)
                  if el.tag == qn("w:p") and _style_of(el) in HEADING_STYLES), len(children) - 1)
    while start > 0 and children[start - 1].tag == qn("w:bookmarkStart"):
        start -= 1
    for element in children[:start]:
        body.remove(element)


def _bookmark_headings(body) -> list[tuple[int, str, str]]:
    """(level, text, bookmark) of each heading down to TOC_DEPTH, bookmarked as _Toc<n>."""
    found = []
    for paragraph in body.iter(qn("w:p")):
        level = HEADING_STYLES.get(_style_of(paragraph))
        if level is None or level > TOC_DEPTH:
            continue
        text = "".join(t.text or "" for t in paragraph.iter(qn("w:t")))
        before = _paragraph_before(paragraph)
        if before is not None and _style_of(before) == ANNEX_LABEL:
            text = "".join(t.text or "" for t in before.iter(qn("w:t"))) + "\u3000" + text
        name = f"_Toc{len(found) + 1:05d}"
        mark = 900000 + len(found)
        ppr = paragraph.find(qn("w:pPr"))
        start, end = _el("w:bookmarkStart", id=mark, name=name), _el("w:bookmarkEnd", id=mark)
        if ppr is not None:
            ppr.addnext(start)
        else:
            paragraph.insert(0, start)
        paragraph.append(end)
        found.append((level, text, name))
    return found


def _run(text: str, **props):
    rpr = []
    if props.get("bold"):
        rpr.append(_el("w:b"))
    if props.get("size"):
        rpr.append(_el("w:sz", val=int(props["size"] * 2)))
    t = _el("w:t")
    t.text = text
    t.set(qn("xml:space"), "preserve")
    return _el("w:r", [_el("w:rPr", rpr), t] if rpr else [t])


def _paragraph(style: str, runs=(), **ppr_children):
    ppr = _el("w:pPr", [_el("w:pStyle", val=style), *ppr_children.get("extra", [])])
    return _el("w:p", [ppr, *runs])


def _cover(meta: dict) -> list:
    lines = [unescape(line) for line in meta.get("cover-title") or [meta.get("title", "")]]
    out = [_paragraph("Title" if n == 0 else "Subtitle", [_run(line)]) for n, line in enumerate(lines)]
    fields = [(unescape(f.get("label", "")), unescape(f.get("value", ""))) for f in meta.get("cover", [])]
    if fields:
        out.append(_cover_fields(fields))
    out.append(_paragraph("Date", [_run(frontmatter.plain_keys(meta)["date-text"])]))
    return out


def _cover_fields(fields: list[tuple[str, str]]):
    """A borderless two-column table: labels spread to one width, values over a rule."""
    none = [_el(f"w:{edge}", val="nil") for edge in ("top", "left", "bottom", "right", "insideH", "insideV")]
    widths = (2000, 5600)
    tbl_pr = _el("w:tblPr", [_el("w:tblW", w=sum(widths), type="dxa"), _el("w:jc", val="center"),
                             _el("w:tblBorders", none), _el("w:tblLayout", type="fixed")])
    rows = []
    for label, value in fields:
        cells = []
        for width, text, jc, rule in ((widths[0], label + "：", "distribute", False),
                                      (widths[1], value, "left", True)):
            tc_pr = [_el("w:tcW", w=width, type="dxa")]
            if rule:
                tc_pr.append(_el("w:tcBorders", [_el("w:bottom", val="single", sz=6, space=0, color="000000")]))
            tc_pr.append(_el("w:vAlign", val="bottom"))
            spacing = _el("w:spacing", before=200, after=40, line=240, lineRule="auto")
            paragraph = _paragraph("Author", [_run(text)], extra=[spacing, _el("w:ind", firstLine=0),
                                                                    _el("w:jc", val=jc)])
            cells.append(_el("w:tc", [_el("w:tcPr", tc_pr), paragraph]))
        rows.append(_el("w:tr", [_el("w:trPr", [_el("w:cantSplit")]), *cells]))
    grid = _el("w:tblGrid", [_el("w:gridCol", w=w) for w in widths])
    return _el("w:tbl", [tbl_pr, grid, *rows])


def _field(instruction: str, shown: str) -> list:
    instr = _el("w:instrText")
    instr.text = f" {instruction} "
    instr.set(qn("xml:space"), "preserve")
    return [_el("w:r", [_el("w:fldChar", fldCharType="begin")]), _el("w:r", [instr]),
            _el("w:r", [_el("w:fldChar", fldCharType="separate")]), _run(shown),
            _el("w:r", [_el("w:fldChar", fldCharType="end")])]


def _page_numbers_of(headings: list[tuple[int, str, str]], pages) -> list[str]:
    """The PDF's page of each heading, matched by text in document order ("" when not found)."""
    shown, at = [], 0
    for _, text, _ in headings:
        key = squeeze(text)
        found = next((n for n in range(at, len(pages)) if pages[n][0] == key), None)
        if found is None:
            shown.append("")
        else:
            shown.append(pages[found][1])
            at = found + 1
    return shown


def _contents(meta: dict, headings: list[tuple[int, str, str]], shown: list[str], width: int) -> list:
    """The contents heading and a TOC field whose stored result is one entry per heading, in
    Word's contents content control."""
    title = _paragraph("TOCHeading", [_run(frontmatter.toc_title(meta))])
    entries = []
    for (level, text, bookmark), page in zip(headings, shown):
        tabs = _el("w:tabs", [_el("w:tab", val="right", leader="dot", pos=width)])
        link = _el("w:hyperlink", [_run(text), _el("w:r", [_el("w:tab")]), *_field(f"PAGEREF {bookmark} \\h", page)])
        link.set(qn("w:anchor"), bookmark)
        link.set(qn("w:history"), "1")
        entries.append(_paragraph(f"TOC{level}", [link], extra=[tabs]))
    if not entries:
        entries.append(_paragraph("TOC1"))
    begin, instruction, separate, _, end = _field(f'TOC \\o "1-{TOC_DEPTH}" \\h \\z \\u', "")
    first = entries[0]
    first_run = next((n for n, child in enumerate(first) if child.tag != qn("w:pPr")), len(first))
    for offset, run in enumerate((begin, instruction, separate)):
        first.insert(first_run + offset, run)
    entries[-1].append(end)
    content = _el("w:sdtContent", [title, *entries])
    gallery = _el("w:docPartObj", [_el("w:docPartGallery", val="Table of Contents"), _el("w:docPartUnique")])
    return [_el("w:sdt", [_el("w:sdtPr", [gallery]), content])]


def _paragraph_before(paragraph):
    """The paragraph just before ``paragraph`` (bookmarks between them skipped), or None."""
    before = paragraph.getprevious()
    while before is not None and before.tag in (qn("w:bookmarkStart"), qn("w:bookmarkEnd")):
        before = before.getprevious()
    return before if before is not None and before.tag == qn("w:p") else None


def _closing(body) -> None:
    """The 落款 with room for the seal, kept with the paragraph before it; a 附件 title centred."""
    for paragraph in body.iter(qn("w:p")):
        style = _style_of(paragraph)
        before = _paragraph_before(paragraph)
        before_style = _style_of(before) if before is not None else None
        if style == SIGNATURE and before_style != SIGNATURE:
            ppr = _properties_of(paragraph, "w:pPr")
            later = next((c for c in ppr if c.tag in {qn("w:ind"), qn("w:jc"), qn("w:rPr")}), None)
            spacing = _el("w:spacing", before=SEAL_ROOM)  # schema order: spacing before ind, jc, rPr
            later.addprevious(spacing) if later is not None else ppr.append(spacing)
        if style in (SIGNATURE, ANNEX_NOTE) and before_style not in (None, SIGNATURE, ANNEX_NOTE):
            _keep_with_next_paragraph(before)
        if style in HEADING_STYLES and before_style == ANNEX_LABEL:
            _set_jc(_properties_of(paragraph, "w:pPr"), "center")


def _section_break(final, kind: str):
    """A paragraph ending the cover (no number) or contents (roman numerals) section."""
    sect = copy.deepcopy(final)
    for child in sect.findall(qn("w:pgNumType")) + sect.findall(qn("w:titlePg")):
        sect.remove(child)
    if kind == "cover":
        sect.append(_el("w:titlePg"))  # the first-page header and footer are empty
    else:
        _page_numbers(sect, "upperRoman")
    return _el("w:p", [_el("w:pPr", [sect])])


def _page_numbers(sect, fmt: str) -> None:
    numbers = _el("w:pgNumType", fmt=fmt, start=1)
    # schema order: … pgMar, paperSrc, pgBorders, lnNumType, pgNumType, cols, …, titlePg
    after = next((c for c in sect if c.tag in {qn("w:cols"), qn("w:formProt"), qn("w:vAlign"), qn("w:noEndnote"),
                                                qn("w:titlePg"), qn("w:textDirection"), qn("w:bidi"),
                                                qn("w:rtlGutter"), qn("w:docGrid")}), None)
    if after is not None:
        after.addprevious(numbers)
    else:
        sect.append(numbers)


def _number_from_one(final) -> None:
    for child in final.findall(qn("w:pgNumType")) + final.findall(qn("w:titlePg")):
        final.remove(child)
    _page_numbers(final, "decimal")


def _centre_cells(body) -> None:
    """Every table cell centred vertically (merged group labels sit in the middle), header
    cells also horizontally, as in the PDF."""
    for row in body.iter(qn("w:tr")):
        if row.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is None:
            continue
        for ppr in row.iter(qn("w:pPr")):
            _set_jc(ppr, "center")
    for cell in body.iter(qn("w:tc")):
        tc_pr = _properties_of(cell, "w:tcPr")
        if tc_pr.find(qn("w:vAlign")) is None:
            tc_pr.append(_el("w:vAlign", val="center"))


def _set_jc(ppr, value: str) -> None:
    """The paragraph's alignment (w:jc, placed before w:rPr as the schema orders it)."""
    jc = ppr.find(qn("w:jc"))
    if jc is None:
        jc = _el("w:jc")
        run_props = ppr.find(qn("w:rPr"))
        run_props.addprevious(jc) if run_props is not None else ppr.append(jc)
    jc.set(qn("w:val"), value)


def _properties_of(element, tag: str):
    """The properties child ``tag`` (w:tcPr, w:pPr) of ``element``, made as its first child if missing."""
    found = element.find(qn(tag))
    if found is None:
        found = _el(tag)
        element.insert(0, found)
    return found


def _text_width(sect) -> int:
    """The width between the margins, in twips."""
    size, margins = sect.find(qn("w:pgSz")), sect.find(qn("w:pgMar"))
    side = sum(int(margins.get(qn(f"w:{k}"), 0)) for k in ("left", "right", "gutter"))
    return int(size.get(qn("w:w"))) - side


def _full_width(body, width: int) -> None:
    """Tables pandoc sized as 100 % of a nominal 5.5-inch text get their columns in twips of
    the real text width, so Word, LibreOffice and WPS lay them out alike."""
    for table in body.iter(qn("w:tbl")):
        tbl_w = table.find(f"{qn('w:tblPr')}/{qn('w:tblW')}")
        columns = table.findall(f"{qn('w:tblGrid')}/{qn('w:gridCol')}")
        if tbl_w is None or tbl_w.get(qn("w:type")) != "pct" or not columns:
            continue
        given = [int(c.get(qn("w:w"))) for c in columns]
        scaled = [round(w * width / sum(given)) for w in given]
        scaled[-1] += width - sum(scaled)
        for column, w in zip(columns, scaled):
            column.set(qn("w:w"), str(w))
        tbl_w.set(qn("w:type"), "dxa")
        tbl_w.set(qn("w:w"), str(width))


def _rows_whole(body) -> None:
    """No table row is split across two pages, and a break leaves at least three rows on
    either side (the rows before them keep with the next). Repeated header rows are left splittable:
    LibreOffice drops the rows of a table whose unsplittable header starts at the
    foot of a page; the header is one line, so nothing changes in Word."""
    for row in body.iter(qn("w:tr")):
        if row.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None:
            continue
        tr_pr = row.find(qn("w:trPr"))
        if tr_pr is None:
            tr_pr = _el("w:trPr")
            ahead = row.find(qn("w:tblPrEx"))
            (ahead.addnext if ahead is not None else lambda el: row.insert(0, el))(tr_pr)
        if tr_pr.find(qn("w:cantSplit")) is None:
            tr_pr.insert(0, _el("w:cantSplit"))
    for table in body.iter(qn("w:tbl")):
        rows = [row for row in table.findall(qn("w:tr")) if row.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is None]
        edge = len(rows) if len(rows) < 6 else 3  # a page break leaves at least three rows on either side
        for row in rows[:edge - 1] + rows[-edge:-1]:
            _keep_with_next(row)


def _keep_with_next(row) -> None:
    """The row stays on the page of the row after it."""
    for paragraph in row.iter(qn("w:p")):
        _keep_with_next_paragraph(paragraph)


def _keep_with_next_paragraph(paragraph) -> None:
    ppr = _properties_of(paragraph, "w:pPr")
    if ppr.find(qn("w:keepNext")) is None:
        style = ppr.find(qn("w:pStyle"))  # schema order: pStyle, then keepNext
        style.addnext(_el("w:keepNext")) if style is not None else ppr.insert(0, _el("w:keepNext"))


def _alt_texts(body) -> None:
    """A picture's description is its figure caption (pandoc puts the file path there)."""
    for drawing in body.iter(qn("wp:inline")):
        shown = drawing.find(qn("wp:docPr"))
        for inner in drawing.iter(qn("pic:cNvPr")):
            inner.set("descr", shown.get("descr", "") if shown is not None else "")


def _properties(doc, meta: dict) -> None:
    """Title and author only; no custom properties carrying the metadata's keys."""
    props = doc.core_properties
    props.title = unescape(meta.get("title") or "")
    props.author = frontmatter.evaluator(meta)
    props.subject = props.keywords = props.comments = props.category = ""
    props.last_modified_by = ""
    day = frontmatter.report_date(meta)
    if day is not None:
        moment = datetime(day.year, day.month, day.day, tzinfo=timezone.utc)
        props.created = props.modified = moment
    package = doc.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype == RT.CUSTOM_PROPERTIES:
            package.rels.pop(rel_id)


APP_XML = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
           'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
           '<Application>jixiao</Application><DocSecurity>0</DocSecurity></Properties>')


def _fixed_zip(data: bytes, day: date | None) -> bytes:
    """The same archive with every entry dated ``day`` (or 1980-01-01), and an app.xml that
    names jixiao and keeps no page, word or line counts of the reference document."""
    stamp = (day.year, day.month, day.day, 0, 0, 0) if day else (1980, 1, 1, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            content = APP_XML.encode("utf-8") if item.filename == "docProps/app.xml" else source.read(item.filename)
            target.writestr(info, content)
    return out.getvalue()
