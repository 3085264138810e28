"""Issue 21's acceptance on a copy of the example: keep the 征求意见稿, change one cell of the
scoring table, one sentence of a notebook and one text file, run again, compare. The tracked
changes are exactly those edits (and the figures that follow from the changed score); accepting
them all gives the new report's text (in Python and in LibreOffice); 变动情况 names the changed
score's source row; kept versions survive ``run --force``; the draft is marked and the 终稿 is not."""

import csv
import shutil
import subprocess
import zipfile
from pathlib import Path

import nbformat
from lxml import etree
from pypdf import PdfReader

from conftest import copy_example, copy_example_with_notebooks, jixiao, run_chapter
from jixiao.assemble.compare.tracked import DOCUMENT, accepted_text, paragraph_text, q

SENTENCE = ("对照指标体系逐项评分", "对照指标体系逐项核实评分")
TEXT = ("按计划推进", "按年度计划稳步推进")


def _edit(root, params):
    data = root / "data" / params.stem
    table = data / "indicators.csv"
    lines = table.read_text(encoding="utf-8").splitlines()
    row = next(n for n, line in enumerate(lines) if line.startswith("C,C1,C103,"))
    cells = lines[row].split(",")
    assert cells[5] == "4"
    cells[5] = "3.5"
    lines[row] = ",".join(cells)
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path = root / "notebooks" / "03_conclusion.ipynb"
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if SENTENCE[0] in c.source)
    cell.source = cell.source.replace(*SENTENCE, 1)
    nbformat.write(nb, path)
    text = data / "texts" / "conclusion.md"
    assert TEXT[0] in text.read_text(encoding="utf-8")
    text.write_text(text.read_text(encoding="utf-8").replace(*TEXT, 1), encoding="utf-8")
    return row + 1  # the file's line number


def _changes(docx):
    root = etree.fromstring(zipfile.ZipFile(docx).read(DOCUMENT))
    found = []
    for el in root.iter(q("ins"), q("del")):
        if etree.QName(el.getparent()).localname in ("rPr", "trPr"):
            continue
        found.append((etree.QName(el).localname, "".join(t.text or "" for t in el.iter(q("t"), q("delText")))))
        assert el.get(q("author")) == "上海大华工程造价咨询有限公司" and el.get(q("date")) == "2019-07-01T00:00:00Z"
    return found


def _plain(docx):
    root = etree.fromstring(zipfile.ZipFile(docx).read(DOCUMENT))
    return [paragraph_text(p) for p in root.iter(q("p"))]


def _libreoffice_text(docx, tmp_path, accept=True):
    """LibreOffice's text of ``docx`` (after Accept All Changes), or None where LibreOffice's
    Python bridge is not installed."""
    python = shutil.which("python3", path="/usr/bin")
    if not (shutil.which("soffice") and python) or subprocess.run([python, "-c", "import uno"]).returncode:
        return None
    out = tmp_path / f"{docx.stem}-{accept}.txt"
    subprocess.run([python, str(Path(__file__).parent / "lo_accept_all.py"), str(docx), str(out),
                    *([] if accept else ["--as-is"])], check=True, timeout=600)
    return out.read_text(encoding="utf-8-sig")


def _lines(text):
    return [line for line in (text or "").replace("\r", "").split("\n") if line.strip()]


def test_keep_edit_run_compare(tmp_path):
    params = copy_example_with_notebooks(tmp_path)
    params.write_text("stage: 征求意见稿\n" + params.read_text(encoding="utf-8"), encoding="utf-8")
    done = jixiao("run", params, "--engine", "builtin", "--keep", "征求意见稿", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    output = tmp_path / "output" / params.stem
    kept = output / "版本" / "征求意见稿"
    assert (kept / "report.docx").is_file() and (kept / "输入" / "数据" / "indicators.csv").is_file()
    first = PdfReader(str(kept / "report.pdf")).pages[0].extract_text()
    assert "征求意见稿" in first.replace(" ", "")
    assert "意见采纳情况表" not in (output / "report.md").read_text(encoding="utf-8")  # no comments, no annex

    again = jixiao("run", params, "--engine", "builtin", "--keep", "征求意见稿", cwd=tmp_path)
    assert again.returncode == 1 and "--replace" in again.stderr  # a kept name is never overwritten silently

    line = _edit(tmp_path, params)
    done = jixiao("run", params, "--engine", "builtin", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (kept / "report.docx").is_file()

    done = jixiao("compare", params, "征求意见稿", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    folder = output / "修订对照" / "征求意见稿→当前"
    docx = folder / "修订对照.docx"
    found = _changes(docx)
    inserted = {text for kind, text in found if kind == "ins"}
    deleted = {text for kind, text in found if kind == "del"}
    # the three edits, and the figures the changed score moves (C103 in its sentence and in 表 3-2, C1, C, total, rates)
    assert inserted == {"核实", "年度", "稳步", "3.5", "3.50", "36.9", "53.98", "90.21", "90.21%", "89.97%"}
    assert deleted == {"4", "4.00", "37.4", "54.48", "90.71", "90.71%", "90.80%"}
    assert accepted_text(docx) == _plain(output / "report.docx")

    rows = list(csv.reader((folder / "变动情况.csv").read_text(encoding="utf-8-sig").splitlines()))
    c103 = next(r for r in rows if r[0].startswith("C103"))
    assert c103[1:3] == ["4", "3.5"]
    assert f"indicators.csv 第 {line} 行「评分值」列：4 → 3.5" in c103[3]
    assert any(r[0] == "总分" and r[1:3] == ["90.71", "90.21"] for r in rows)
    html = (folder / "修订对照.html").read_text(encoding="utf-8")
    assert "<ins>核实</ins>" in html and "<script" not in html
    accepted = _libreoffice_text(docx, tmp_path)
    if accepted is not None:  # LibreOffice's Accept All gives the new report's text
        assert _lines(accepted) == _lines(_libreoffice_text(output / "report.docx", tmp_path, accept=False))

    params.write_text(params.read_text(encoding="utf-8").replace("stage: 征求意见稿", "stage: 终稿"), encoding="utf-8")
    done = jixiao("run", params, "--engine", "builtin", "--to", "pdf", "--force", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (kept / "report.docx").is_file() and docx.is_file()
    assert "征求意见稿" not in PdfReader(str(output / "report.pdf")).pages[0].extract_text().replace(" ", "")
    listed = jixiao("versions", params, cwd=tmp_path)
    assert "征求意见稿" in listed.stdout and "90.71" in listed.stdout


def test_the_comments_annex_lists_every_comment_with_its_answer(tmp_path):
    params = copy_example(tmp_path)
    (tmp_path / "data" / params.stem / "comments.csv").write_text(
        "序号,提出单位,意见,采纳情况,说明\n1,上海市财政局,请补充专题报告清单。,采纳,已在 C103 的分析中补充。\n"
        "2,上海市公共信用信息服务中心,请写明满意度调查样本量。,部分采纳,样本量已写入。\n"
        "3,上海市发展和改革委员会,请删去第五章。,未采纳,第五章为评价规范要求的内容。\n", encoding="utf-8")
    text = params.read_text(encoding="utf-8").replace("data:\n", "data:\n  comments: comments.csv\n", 1)
    params.write_text(text, encoding="utf-8")
    shown = run_chapter("08_comments", params, tmp_path)
    assert "共收到意见 3 条，其中采纳 1 条、部分采纳 1 条、未采纳 1 条，逐条情况见下表。" in shown
    assert "| 3 | 上海市发展和改革委员会 | 请删去第五章。 | 未采纳 | 第五章为评价规范要求的内容。 |" in shown
    assert "⟦tbl:comments⟧ 意见采纳情况表" in shown
