"""Tracked changes in the Word XML: runs keep their formatting, inserted and deleted paragraphs
and table rows are marked, a table of the same shape is compared cell by cell, and accepting
every change gives the new document's text."""

import zipfile

from docx import Document
from lxml import etree

from jixiao.assemble.compare.tracked import DOCUMENT, accepted_text, paragraph_text, q, track


def _docx(path, paragraphs, table=None, bold=None):
    doc = Document()
    for text in paragraphs:
        p = doc.add_paragraph()
        if bold and bold in text:
            before, after = text.split(bold, 1)
            p.add_run(before)
            p.add_run(bold).bold = True
            p.add_run(after)
        else:
            p.add_run(text)
    if table:
        grid = doc.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    doc.save(path)
    return path


def _marks(path):
    root = etree.fromstring(zipfile.ZipFile(path).read(DOCUMENT))
    return root, [(etree.QName(el).localname, "".join(t.text or "" for t in el.iter(q("t"), q("delText"))))
                  for el in root.iter(q("ins"), q("del")) if etree.QName(el.getparent()).localname not in ("rPr", "trPr")]


def _plain(path):
    root = etree.fromstring(zipfile.ZipFile(path).read(DOCUMENT))
    return [paragraph_text(p) for p in root.iter(q("p"))]


def test_a_changed_word_inside_a_formatted_paragraph(tmp_path):
    old = _docx(tmp_path / "old.docx", ["总得分为 90.71 分，评价等级为优秀。", "其余不变。"], bold="优秀")
    new = _docx(tmp_path / "new.docx", ["总得分为 90.21 分，评价等级为优秀。", "其余不变。"], bold="优秀")
    track(old, new, tmp_path / "t.docx", "某评价机构", "2019-07-01T00:00:00Z")
    root, marks = _marks(tmp_path / "t.docx")
    assert marks == [("del", "90.71"), ("ins", "90.21")]
    assert {el.get(q("author")) for el in root.iter(q("ins"), q("del"))} == {"某评价机构"}
    assert {el.get(q("date")) for el in root.iter(q("ins"), q("del"))} == {"2019-07-01T00:00:00Z"}
    bold = [r for r in root.iter(q("r")) if r.find(f"{q('rPr')}/{q('b')}") is not None]
    assert ["".join(t.text for t in r.iter(q("t"))) for r in bold] == ["优秀"]  # formatting kept
    assert accepted_text(tmp_path / "t.docx") == _plain(new)


def test_paragraphs_added_and_removed(tmp_path):
    old = _docx(tmp_path / "old.docx", ["第一段。", "删去的一段。", "第三段。"])
    new = _docx(tmp_path / "new.docx", ["第一段。", "第三段。", "新增的一段。"])
    track(old, new, tmp_path / "t.docx", "甲", "2019-07-01T00:00:00Z")
    root, marks = _marks(tmp_path / "t.docx")
    assert marks == [("del", "删去的一段。"), ("ins", "新增的一段。")]
    deleted_mark = [p for p in root.iter(q("p")) if p.find(f"{q('pPr')}/{q('rPr')}/{q('del')}") is not None]
    assert len(deleted_mark) == 1
    assert accepted_text(tmp_path / "t.docx") == _plain(new)


def test_tables_are_compared_cell_by_cell(tmp_path):
    rows = [["指标", "得分"], ["C101", "4.40"], ["C102", "5.00"]]
    old = _docx(tmp_path / "old.docx", ["表前。"], rows)
    new = _docx(tmp_path / "new.docx", ["表前。"], [rows[0], ["C101", "4.00"], rows[2]])
    track(old, new, tmp_path / "t.docx", "甲", "2019-07-01T00:00:00Z")
    root, marks = _marks(tmp_path / "t.docx")
    assert marks == [("del", "4.40"), ("ins", "4.00")]
    assert not list(root.iter(q("trPr")))  # no row replaced whole
    assert accepted_text(tmp_path / "t.docx") == _plain(new)


def test_a_table_of_another_shape_is_deleted_and_inserted_by_rows(tmp_path):
    old = _docx(tmp_path / "old.docx", ["表前。"], [["甲", "乙"], ["1", "2"]])
    new = _docx(tmp_path / "new.docx", ["表前。"], [["甲", "乙", "丙"], ["1", "2", "3"]])
    track(old, new, tmp_path / "t.docx", "甲", "2019-07-01T00:00:00Z")
    root, _ = _marks(tmp_path / "t.docx")
    kinds = [etree.QName(m).localname for tr in root.iter(q("tr")) for m in tr.find(q("trPr"))]
    assert kinds == ["del", "del", "ins", "ins"]
    assert accepted_text(tmp_path / "t.docx") == _plain(new)
