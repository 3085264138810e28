"""修订对照.docx: the new Word report with its differences from the old one written as Word's
tracked changes (``w:ins``/``w:del`` around runs, ``w:delText``, deleted or inserted
paragraph marks and table rows), so the unit accepts or rejects them in Word or WPS.

Body blocks (paragraphs and tables) are aligned by their text; a changed paragraph is compared
by words and characters (words.py) keeping each run's formatting; tables of the same shape are
compared cell by cell. The table of contents (a content control) is the new one as it is.
The same alignment (``Block`` pairs) gives the HTML view."""

import copy
import io
import zipfile
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

from lxml import etree

from .words import diff

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DOCUMENT = "word/document.xml"
TEXT_CHILDREN = {"rPr", "t", "tab", "br", "lastRenderedPageBreak"}
PARAGRAPH_CHILDREN = {"pPr", "r", "bookmarkStart", "bookmarkEnd", "proofErr"}


def q(tag: str) -> str:
    return f"{{{W}}}{tag}"


def local(el) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def paragraph_text(p) -> str:
    out = []
    for el in p.iter(q("t"), q("tab"), q("br")):
        out.append(el.text or "" if el.tag == q("t") else ("\t" if el.tag == q("tab") else "\n"))
    return "".join(out)


def _cells(tbl) -> list[list[list]]:
    return [[tc.findall(q("p")) for tc in tr.findall(q("tc"))] for tr in tbl.findall(q("tr"))]


@dataclass
class Block:
    """A body paragraph or table, with the key the alignment compares."""

    el: object
    kind: str  # p | tbl

    @property
    def key(self):
        if self.kind == "p":
            return ("p", paragraph_text(self.el))
        return ("tbl", tuple(tuple("\n".join(paragraph_text(p) for p in cell) for cell in row)
                             for row in _cells(self.el)))

    @property
    def style(self) -> str:
        style = self.el.find(f"{q('pPr')}/{q('pStyle')}") if self.kind == "p" else None
        return style.get(q("val")) if style is not None else ""


def blocks(body) -> list[Block]:
    return [Block(el, local(el)) for el in body if local(el) in ("p", "tbl")]


@dataclass
class Step:
    """One step of the alignment: ``same``, ``ins`` (new only), ``del`` (old only) or ``edit``."""

    kind: str
    old: Block | None
    new: Block | None
    anchor: object = None  # for ``del``: the new block the deleted copy goes before


def align(old: list[Block], new: list[Block]) -> list[Step]:
    steps = []
    matcher = SequenceMatcher(None, [b.key for b in old], [b.key for b in new], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            steps += [Step("same", old[i], new[j]) for i, j in zip(range(i1, i2), range(j1, j2))]
            continue
        olds, news = old[i1:i2], new[j1:j2]
        while olds or news:
            if olds and news and olds[0].kind == news[0].kind and _pairable(olds[0], news[0]):
                steps.append(Step("edit", olds.pop(0), news.pop(0)))
            elif olds and (not news or len(olds) >= len(news)):
                steps.append(Step("del", olds.pop(0), None))
            else:
                steps.append(Step("ins", None, news.pop(0)))
    return steps


def _pairable(a: Block, b: Block) -> bool:
    if a.kind == "tbl":
        return [len(r) for r in _cells(a.el)] == [len(r) for r in _cells(b.el)]
    return True


# --- writing the changes -------------------------------------------------------------------

class Marks:
    """Author, date and running ids of the revision marks."""

    def __init__(self, author: str, date: str):
        self.author, self.date, self.next = author, date, 9000

    def make(self, tag: str, children=()):
        el = etree.Element(q(tag))
        el.set(q("id"), str(self.next))
        self.next += 1
        el.set(q("author"), self.author)
        el.set(q("date"), self.date)
        el.extend(children)
        return el


def _mark_paragraph(p, tag: str, marks: Marks) -> None:
    """The paragraph mark itself inserted or deleted (pPr/rPr/w:ins|w:del)."""
    ppr = p.find(q("pPr"))
    if ppr is None:
        ppr = etree.Element(q("pPr"))
        p.insert(0, ppr)
    rpr = ppr.find(q("rPr"))
    if rpr is None:
        rpr = etree.Element(q("rPr"))
        anchor = next((c for c in ppr if local(c) in ("sectPr", "pPrChange")), None)
        anchor.addprevious(rpr) if anchor is not None else ppr.append(rpr)
    rpr.insert(0, marks.make(tag))


def _wrap_runs(p, tag: str, marks: Marks) -> None:
    for run in list(p.iter(q("r"))):
        if local(run.getparent()) in ("ins", "del"):
            continue
        if tag == "del":
            for t in run.iter(q("t")):
                t.tag = q("delText")
            for t in run.iter(q("instrText")):
                t.tag = q("delInstrText")
        wrapper = marks.make(tag)
        run.addprevious(wrapper)
        wrapper.append(run)


def inserted_paragraph(p, marks: Marks) -> None:
    _wrap_runs(p, "ins", marks)
    _mark_paragraph(p, "ins", marks)


def deleted_copy(el, marks: Marks):
    """A copy of an old paragraph or table, every run and mark deleted; pictures, bookmarks and
    section breaks (which point into the old package or repeat the new one's) left out."""
    el = copy.deepcopy(el)
    for gone in [*el.iter(q("drawing"), q("pict"), q("bookmarkStart"), q("bookmarkEnd"), q("sectPr"))]:
        gone.getparent().remove(gone)
    paragraphs = [el] if local(el) == "p" else list(el.iter(q("p")))
    for p in paragraphs:
        _wrap_runs(p, "del", marks)
        _mark_paragraph(p, "del", marks)
    for tr in el.iter(q("tr")):
        _row_mark(tr, "del", marks)
    return el


def _row_mark(tr, tag: str, marks: Marks) -> None:
    trpr = tr.find(q("trPr"))
    if trpr is None:
        trpr = etree.Element(q("trPr"))
        anchor = tr.find(q("tblPrEx"))
        (anchor.addnext(trpr) if anchor is not None else tr.insert(0, trpr))
    trpr.append(marks.make(tag))


def _simple(p) -> bool:
    return all(local(c) in PARAGRAPH_CHILDREN for c in p) and all(
        local(c) in TEXT_CHILDREN for r in p.findall(q("r")) for c in r)


def _chars(p) -> list[tuple[str, object]]:
    """(character, the run's rPr) for each character of a simple paragraph; tab and break as \\t, \\n."""
    out = []
    for run in p.findall(q("r")):
        rpr = run.find(q("rPr"))
        for c in run:
            if local(c) == "t":
                out += [(ch, rpr) for ch in (c.text or "")]
            elif local(c) in ("tab", "br"):
                out.append(("\t" if local(c) == "tab" else "\n", rpr))
    return out


def _run(text: str, rpr, deleted: bool):
    run = etree.Element(q("r"))
    if rpr is not None:
        run.append(copy.deepcopy(rpr))
    for part in _pieces(text):
        if part in ("\t", "\n"):
            run.append(etree.Element(q("tab" if part == "\t" else "br")))
        else:
            t = etree.SubElement(run, q("delText" if deleted else "t"))
            t.text = part
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return run


def _pieces(text: str) -> list[str]:
    out, current = [], ""
    for ch in text:
        if ch in "\t\n":
            out += [current, ch] if current else [ch]
            current = ""
        else:
            current += ch
    return out + ([current] if current else [])


def _runs(chars: list[tuple[str, object]]) -> list[tuple[str, object]]:
    """Consecutive characters of one run's formatting joined."""
    out = []
    for ch, rpr in chars:
        if out and out[-1][1] is rpr:
            out[-1] = (out[-1][0] + ch, rpr)
        else:
            out.append((ch, rpr))
    return out


def edited_paragraph(old_p, new_p, marks: Marks) -> bool:
    """Rewrite ``new_p`` in place with the word differences from ``old_p`` as tracked changes;
    False when either paragraph holds more than text runs (the caller replaces it whole)."""
    if not (_simple(old_p) and _simple(new_p)):
        return False
    old_chars, new_chars = _chars(old_p), _chars(new_p)
    pieces = diff("".join(c for c, _ in old_chars), "".join(c for c, _ in new_chars))
    out, i, j = [], 0, 0
    for kind, text in pieces:
        if kind == "-":
            for chunk, rpr in _runs(old_chars[i:i + len(text)]):
                out.append(marks.make("del", [_run(chunk, rpr, True)]))
            i += len(text)
            continue
        runs = [_run(chunk, rpr, False) for chunk, rpr in _runs(new_chars[j:j + len(text)])]
        out += [marks.make("ins", runs)] if kind == "+" else runs
        j += len(text)
        if kind == "=":
            i += len(text)
    starts = [c for c in new_p if local(c) == "bookmarkStart"]
    ends = [c for c in new_p if local(c) == "bookmarkEnd"]
    for c in list(new_p):
        if local(c) != "pPr":
            new_p.remove(c)
    new_p.extend([*starts, *out, *ends])
    return True


def _edit(step: Step, marks: Marks) -> None:
    if step.kind == "ins":
        if step.new.kind == "p":
            inserted_paragraph(step.new.el, marks)
        else:
            for p in step.new.el.iter(q("p")):
                _wrap_runs(p, "ins", marks)
            for tr in step.new.el.iter(q("tr")):
                _row_mark(tr, "ins", marks)
    elif step.kind == "del":
        step.anchor.addprevious(deleted_copy(step.old.el, marks))
    elif step.kind == "edit" and step.new.kind == "p":
        if not edited_paragraph(step.old.el, step.new.el, marks):
            step.new.el.addprevious(deleted_copy(step.old.el, marks))
            inserted_paragraph(step.new.el, marks)
    elif step.kind == "edit":
        for old_row, new_row in zip(_cells(step.old.el), _cells(step.new.el)):
            for old_cell, new_cell in zip(old_row, new_row):
                _cell(old_cell, new_cell, marks)


def _cell(old_ps: list, new_ps: list, marks: Marks) -> None:
    """One table cell's paragraphs, compared like body paragraphs."""
    for step in align([Block(p, "p") for p in old_ps], [Block(p, "p") for p in new_ps]):
        if step.kind == "del":
            target = new_ps[-1] if new_ps else None
            if target is not None:
                target.addnext(deleted_copy(step.old.el, marks))
        else:
            _edit(step, marks)


def track(old_docx: Path, new_docx: Path, target: Path, author: str, date: str) -> list[Step]:
    """Write ``target``: ``new_docx`` with the differences from ``old_docx`` tracked; return the
    alignment (for the HTML view and the count of changes)."""
    with zipfile.ZipFile(old_docx) as z:
        old_body = etree.fromstring(z.read(DOCUMENT)).find(q("body"))
    with zipfile.ZipFile(new_docx) as z:
        new_root = etree.fromstring(z.read(DOCUMENT))
        entries = [(info, z.read(info.filename)) for info in z.infolist()]
    body = new_root.find(q("body"))
    steps = align(blocks(old_body), blocks(body))
    html_view = [Step(s.kind, s.old and Block(copy.deepcopy(s.old.el), s.old.kind),
                      s.new and Block(copy.deepcopy(s.new.el), s.new.kind)) for s in steps]
    marks = Marks(author, date)
    following = body.find(q("sectPr"))
    for step in reversed(steps):  # a deleted block goes before the next block of the new report
        if step.new is not None:
            following = step.new.el
        else:
            step.anchor = following if following is not None else body[-1]
    for step in steps:
        if step.kind != "same":
            _edit(step, marks)
    data = etree.tostring(new_root, xml_declaration=True, encoding="UTF-8", standalone=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for info, content in entries:
            out.writestr(info, data if info.filename == DOCUMENT else content)
    target.write_bytes(buffer.getvalue())
    return html_view


def accepted_text(docx: Path) -> list[str]:
    """The paragraphs' text after accepting every change: deletions dropped, insertions kept;
    a paragraph whose mark and text were all deleted disappears (for tests and checks)."""
    with zipfile.ZipFile(docx) as z:
        root = etree.fromstring(z.read(DOCUMENT))
    for el in list(root.iter(q("del"))):
        if local(el.getparent()) != "rPr" and local(el.getparent()) != "trPr":
            el.getparent().remove(el)
    lines = []
    for p in root.iter(q("p")):
        gone = p.find(f"{q('pPr')}/{q('rPr')}/{q('del')}") is not None
        row = next((a for a in p.iterancestors(q("tr"))), None)
        if row is not None and row.find(f"{q('trPr')}/{q('del')}") is not None:
            continue
        text = paragraph_text(p)
        if not (gone and not text):
            lines.append(text)
    return lines
