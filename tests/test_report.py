"""One full `jixiao run` of the example (built-in engine): the published figures in every output."""

import json
import re
import shutil
import subprocess
from decimal import Decimal

import docx
import nbformat
from docx.enum.text import WD_ALIGN_PARAGRAPH
import pytest
import yaml
from pypdf import PdfReader

from conftest import golden, jixiao
from report_checks import check_report, columns, detail, detail_table, lone_characters, read_report, table_pieces

FIGURES = ["90.71", "优秀", "9.25", "92.50%", "26.98", "89.93%", "54.48", "90.80%"]


def _names():
    return [g["name"].replace(" ", "").replace("(", "（").replace(")", "）") for g in golden()]


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_output_folder_holds_the_contract(rendered):
    for name in ("report.html", "report.pdf", "report.docx", "summary.json"):
        assert (rendered / name).stat().st_size > 0, name
    assert sorted(p.name for p in (rendered / "notebooks").glob("*.ipynb")) == [
        "01_overview.ipynb", "02_evaluation.ipynb", "03_conclusion.ipynb",
        "04_analysis.ipynb", "05_findings.ipynb", "06_closing.ipynb", "08_comments.ipynb"]
    assert not list(rendered.parent.glob(".build-*"))


def test_summary_json(rendered):
    data = json.loads((rendered / "summary.json").read_text(encoding="utf-8"))
    assert (data["total"], data["grade"]) == ("90.71", "优秀")
    dims = {d["code"]: (d["name"], d["weight"], d["score"], d["rate"]) for d in data["dimensions"]}
    assert dims == {"A": ("项目决策", "10", "9.25", "92.50%"), "B": ("项目管理", "30", "26.98", "89.93%"),
                    "C": ("项目绩效", "60", "54.48", "90.80%")}
    expected = {g["code"]: (g["max"], g["score"]) for g in golden()}
    assert {i["code"]: (i["max"], i["score"]) for i in data["indicators"]} == expected
    assert data["indicators"][0]["level2"] == {"code": "A1", "name": "项目立项"}


def test_html_is_self_contained_and_complete(rendered):
    html = (rendered / "report.html").read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html, re.I)
    assert "<script" not in html.lower()
    text = _squeeze(re.sub(r"<[^>]+>", "", html))
    for figure in FIGURES + _names():
        assert figure in text, figure
    assert "表3-1项目评分汇总表" in text and "表3-2项目绩效评分结果表" in text
    assert "根据评价标准该指标评分为4.4分（满分5分）" in text
    assert "params_file" not in html and "open_project" not in html
    assert html.count("data:image/png;base64") >= 4


def test_pdf_text_is_chinese_and_complete(rendered):
    reader = PdfReader(str(rendered / "report.pdf"))
    text = _squeeze("".join(page.extract_text() for page in reader.pages))
    assert "\ufffd" not in text
    for figure in FIGURES + _names():
        assert figure in text, figure
    assert "2018年上海市公共信用信息服务中心专项" in _squeeze(reader.pages[0].extract_text())


@pytest.mark.parametrize("copy", ["report.pdf", "public/report.pdf"])
def test_pdf_reads_true(rendered, copy):
    """Totals, rates, tables 3-1 and 3-2, the analysis, headings, grade and budget rates agree."""
    assert check_report(read_report(rendered / copy)) == []


def test_pdf_score_detail_reads_as_the_reference(rendered):
    """The checker reads the PDF's 表 3-2 as the reference prints it: the 38 indicators over two
    pages, and the 合计 row whose label is centred across the three label columns."""
    report = read_report(rendered / "report.pdf")
    table = detail(report)
    assert [(r.code, Decimal(r.max), Decimal(r.score)) for r in table.rows] == [
        (g["code"], Decimal(g["max"]), Decimal(g["score"])) for g in golden()]
    # one number of decimals per column (the reference's trimmed 1.5 · 2 · 0.75 aligned as 1.5 · 2.0 and 0.75 · 2.00)
    assert {len(r.max.partition(".")[2]) for r in table.rows} == {1}
    assert {len(r.score.partition(".")[2]) for r in table.rows} == {2}
    assert (table.total.code, table.total.max, table.total.score) == ("合计", "100.0", "90.71")
    changed = report.replace("90.71", "90.72", nth=2, cells=True)  # 表 3-1's 得分 and 得分率, then this 合计
    assert detail_table(changed) == ["『项目绩效评分结果表』: scores add up to 90.71, 合计 says 90.72"]


def test_docx_opens_and_holds_the_score_tables(rendered):
    document = docx.Document(str(rendered / "report.docx"))
    tables = {t.rows[0].cells[0].text: t for t in document.tables}
    detail = next(t for t in document.tables if len(t.columns) > 2 and t.rows[0].cells[2].text == "三级指标")
    cells = [c.text for row in detail.rows for c in row.cells]
    for name in _names():
        assert any(name in c for c in cells), name
    assert "90.71" in cells and "vMerge" in detail._tbl.xml
    summary = next(t for t in document.tables if "A.项目决策" in [c.text for c in t.rows[0].cells])
    assert [c.text for c in summary.rows[2].cells] == ["得分", "9.25", "26.98", "54.48", "90.71"]
    assert tables  # every table has a header row


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(SOFFICE is None, reason="未安装 LibreOffice，无法检查 Word 文件在 LibreOffice/WPS 中的样子")
def test_docx_as_libreoffice_lays_it_out_shows_every_score(rendered, tmp_path):
    """LibreOffice used to drop the body rows of 表 3-1, which starts at the foot of a page."""
    subprocess.run([SOFFICE, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(rendered / "report.docx")],
                   capture_output=True, timeout=300, check=True)
    text = _squeeze("".join(page.extract_text() for page in PdfReader(str(tmp_path / "report.pdf")).pages))
    assert "权重103060100得分9.2526.9854.4890.71得分率92.50%89.93%90.80%90.71%" in text
    for name in _names():
        assert name in text, name


def test_quarto_project_shape(rendered):
    project = rendered / "quarto"
    config = yaml.safe_load((project / "_quarto.yml").read_text(encoding="utf-8"))
    assert set(config["format"]) == {"html", "docx", "typst"}
    assert config["format"]["html"]["embed-resources"] is True
    assert config["format"]["docx"]["reference-doc"] == "reference.docx"
    assert config["format"]["typst"]["papersize"] == "a4"
    assert config["execute"]["enabled"] is False
    qmd = (project / "report.qmd").read_text(encoding="utf-8")
    for image in re.findall(r"\]\((figures/[^)]+)\)", qmd):
        assert (project / image).is_file()
    assert (project / "reference.docx").is_file() and (project / "report.css").is_file()
    assert "[[" not in qmd and "```" not in qmd


ANNEX_STANDARDS = [  # the example's 评分标准 column: a rule's formula (B101) and a half-and-half standard (C204)
    "预算执行率 = 实际执行金额 ÷ 预算金额 × 100%，得分 = 预算执行率 × 满分；执行率达到或超过100%的，按满分计。",
    "应用清单单位、数据清单单位两类对象各占满分的一半：某类对象满意度达到90%及以上的，得该部分全部分值；"
    "低于90%的，该部分得分 = 满意度 × 该部分分值。",
]


def test_pdf_ends_with_the_scoring_standards_annex(rendered):
    """The 附件说明 before the 落款; the annex on a page of its own: 「附件」 above its centred
    title, under it the caption 附表 1, then its table (the header row, drawn before the
    caption in the PDF, below it on the page) to the report's end."""
    text = _squeeze("".join(page.extract_text() for page in PdfReader(str(rendered / "report.pdf")).pages))
    assert "附件：绩效指标评分标准评价机构（盖章）：" in text, "the 附件说明 before the 落款"
    heading = "绩效指标评分标准"
    annex = text[text.rindex("附件" + heading):]  # the label and title, not the contents or the 附件说明
    report = read_report(rendered / "report.pdf")
    title = next(p for p in reversed(report.body) if p.text.strip() == heading)
    label = next(p for p in reversed(report.body) if p.text.strip() == "附件")
    assert label.page == title.page and label.y > title.y and label.x < title.x
    assert not any(p.page == label.page and p.y > label.y for p in report.body)  # first on its page
    caption = next(p for p in report.body if p.text.strip() == "附表 1 绩效指标及评分标准")
    cells = table_pieces(report, "绩效指标及评分标准")
    assert title.page == caption.page == cells[0].page and title.y > caption.y > cells[0].y
    assert [c.name for c in columns(cells)] == ["三级指标", "满分值", "评分方法", "评分标准"]
    assert cells[-1] is report.body[-1]
    for standard in ANNEX_STANDARDS:
        assert _squeeze(standard) in annex, standard


# --- publication quality (issue 4) ---------------------------------------------------

COVER = ["项目名称", "项目单位", "主管部门", "委托单位", "评价机构", "2018年上海市公共信用信息服务中心专项",
         "项目支出绩效评价报告", "上海信策管理咨询有限公司", "上海市发展和改革委员会", "上海大华工程造价咨询有限公司",
         "2019年7月1日"]
CAPTIONS = ["表3-1项目评分汇总表", "表3-2项目绩效评分结果表"]


def test_pdf_cover_page_holds_the_cover_fields(rendered):
    reader = PdfReader(str(rendered / "report.pdf"))
    cover = _squeeze(reader.pages[0].extract_text())
    for field in COVER:
        assert field in cover, field
    assert "一、项目基本情况" not in cover  # the cover stands alone
    contents = _squeeze(reader.pages[1].extract_text())
    assert contents.startswith(("目录", "2018年")) and "一、项目基本情况" in contents


def test_pdf_embeds_the_cjk_fonts(rendered):
    """The PDF's font dictionaries name the chosen CJK serif and sans fonts, with font files."""
    from jixiao import fonts

    embedded = set()
    for page in PdfReader(str(rendered / "report.pdf")).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for part in font.get("/DescendantFonts", [font]):
                descriptor = part.get_object().get("/FontDescriptor")
                if descriptor and any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    embedded.add(str(font["/BaseFont"]).split("+")[-1].lower())
    for family, _ in (fonts.serif(), fonts.sans()):
        assert any(family.replace(" ", "").lower() in name for name in embedded), (family, embedded)


def test_pdf_has_page_numbers_and_running_header(rendered):
    reader = PdfReader(str(rendered / "report.pdf"))
    body = [_squeeze(p.extract_text()) for p in reader.pages[2:]]
    assert all(text.startswith("2018年上海市公共信用信息服务中心专项") for text in body)
    assert body[0].endswith("—1—") and body[1].endswith("—2—")  # 「— 1 —」 (GB/T 9704)
    assert reader.pages[1].extract_text().strip().endswith("— I —")  # the contents


def test_captions_in_all_three_formats(rendered):
    pdf = _squeeze("".join(p.extract_text() for p in PdfReader(str(rendered / "report.pdf")).pages))
    html = _squeeze(re.sub(r"<[^>]+>", "", (rendered / "report.html").read_text(encoding="utf-8")))
    word = [_squeeze(p.text) for p in docx.Document(str(rendered / "report.docx")).paragraphs
            if p.style.name == "Table Caption"]
    for caption in CAPTIONS:
        assert caption in pdf and caption in html and caption in word, caption


def _vmerge_column(table, column: int) -> list[str]:
    """Each body row's w:vMerge value in ``column``: 'restart', 'continue' or ''."""
    from docx.oxml.ns import qn

    values = []
    for tr in table._tbl.tr_lst[1:]:
        tc = tr.tc_lst[column] if column < len(tr.tc_lst) else None
        merge = tc.tcPr.find(qn("w:vMerge")) if tc is not None and tc.tcPr is not None else None
        values.append("" if merge is None else merge.get(qn("w:val"), "continue"))
    return values


def test_docx_score_table_merges_level_1_and_level_2_cells(rendered):
    document = docx.Document(str(rendered / "report.docx"))
    detail = next(t for t in document.tables if len(t.columns) > 2 and t.rows[0].cells[2].text == "三级指标")
    codes = [g["code"] for g in golden()]
    level1 = _vmerge_column(detail, 0)
    level2 = _vmerge_column(detail, 1)
    assert level1.count("restart") == len({c[0] for c in codes})
    assert level2.count("restart") == len({c[:2] for c in codes})
    assert level1.count("continue") == len(codes) - len({c[0] for c in codes})


def test_docx_cover_header_footer_and_fonts(rendered):
    from docx.oxml.ns import qn

    document = docx.Document(str(rendered / "report.docx"))
    cover = [[c.text for c in row.cells] for row in document.tables[0].rows]
    for field in [["项目名称：", "2018年上海市公共信用信息服务中心专项"], ["评价机构：", "上海大华工程造价咨询有限公司"]]:
        assert field in cover, field
    assert "2019年7月1日" in [p.text for p in document.paragraphs[:10]]
    assert document.sections[0].different_first_page_header_footer  # the cover shows no header
    section = document.sections[-1]
    assert section.header.paragraphs[0].text == "2018年上海市公共信用信息服务中心专项"
    assert "PAGE" in section.footer._element.xml
    heading = document.styles["Heading 1"].element.rPr.rFonts
    assert heading.get(qn("w:eastAsia")) == "黑体" and heading.get(qn("w:eastAsiaTheme")) is None
    assert document.styles["Normal"].element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"


def test_html_charts_have_alt_text_and_tables_scroll(rendered):
    html = (rendered / "report.html").read_text(encoding="utf-8")
    alts = re.findall(r'<img [^>]*alt="([^"]*)"', html)
    assert len(alts) >= 4 and all(re.match(r"图 \d+-\d+ \S", a) for a in alts), alts
    assert "图 3-4 各调查对象满意度" in alts
    assert html.count('class="table-wrap"') == html.count("<table") - 1  # all but the cover's
    assert 'id="TOC"' in html and "@media print" in html
    assert not re.search(r"""url\(\s*["']?(https?:)?//|@import""", html, re.I)


# --- publication, second pass (issue 12) ------------------------------------------------

def _pdf_pages(path) -> list[str]:
    return [_squeeze(page.extract_text()) for page in PdfReader(str(path)).pages]


def test_pdf_score_table_continues_with_caption_group_labels_and_total(rendered):
    pages = _pdf_pages(rendered / "report.pdf")
    start = next(n for n, p in enumerate(pages) if "表3-2项目绩效评分结果表" in p and "A101" in p)
    following = pages[start + 1]
    assert "续表3-2" in following and "一级指标二级指标三级指标满分值评分值" in following
    first_code = re.search(r"([ABC])(\d)\d\d", following.split("评分值", 1)[1])
    dimension, group = first_code.group(1), first_code.group(1) + first_code.group(2)
    names = {"A": "A项目决策", "B": "B项目管理", "C": "C项目绩效"}
    assert names[dimension] in following and group in following.replace(first_code.group(0), "", 1)
    typ = (rendered / "report.typ").read_text(encoding="utf-8")
    assert "colspan: 3, align: center, body: text(weight: \"bold\", [合计])" in typ


def test_pdf_every_continued_table_is_captioned_as_such(rendered):
    pages = _pdf_pages(rendered / "report.pdf")
    for n, page in enumerate(pages[3:], start=3):
        body = page.removeprefix("2018年上海市公共信用信息服务中心专项")
        # a page that opens inside a table carries the 续表 caption (drawn above the repeated header);
        # a table that starts at the top of a page (moved whole) carries its own caption
        if re.match(r"(序号|一级指标|绩效目标|分解目标|姓名|查询主体|调查对象)", body) and "续表" not in body[:80]:
            own = re.search(r"表(\d+-\d+)", body[:80])
            if not own or f"续表{own.group(1)}" in "".join(pages[:n]):  # no caption, or a continuation without 续
                pytest.fail(f"第 {n + 1} 页以表头开始却没有「续表」：{body[:40]}")


def _docx_paragraphs(document):
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    return [Paragraph(p, document._body) for p in document.element.body.iter(qn("w:p"))]


def test_docx_contents_filled_in_then_sections(rendered):
    from docx.oxml.ns import qn

    document = docx.Document(str(rendered / "report.docx"))
    entries = [p.text.split("\t")[0].strip() for p in _docx_paragraphs(document)
               if p.style.style_id in ("TOC1", "TOC2", "TOC3")]
    assert entries[:3] == ["一、项目基本情况", "（一）概况", "1. 立项背景及目的"] and "五、其他需说明事项" in entries
    sections = document.sections
    assert len(sections) == 3
    formats = [s._sectPr.find(qn("w:pgNumType")) for s in sections]
    assert formats[0] is None and formats[1].get(qn("w:fmt")) == "upperRoman"
    assert (formats[2].get(qn("w:fmt")), formats[2].get(qn("w:start"))) == ("decimal", "1")


def test_docx_lists_at_body_size(rendered):
    document = docx.Document(str(rendered / "report.docx"))
    items = [p for p in document.paragraphs if re.match(r"（\d+）|\d+）", p.text) and "Heading" not in p.style.name]
    assert len(items) > 20
    assert {p.style.name for p in items} <= {"Body Text", "First Paragraph", "Keep With Next"}  # (a list's edges keep together)
    assert not [p for p in document.paragraphs if p.style.name == "Compact"]


def test_docx_score_table_cells_centred_and_columns_wide_enough(rendered):
    from docx.oxml.ns import qn

    document = docx.Document(str(rendered / "report.docx"))
    detail = next(t for t in document.tables if len(t.columns) > 2 and t.rows[0].cells[2].text == "三级指标")
    assert {tc.tcPr.find(qn("w:vAlign")).get(qn("w:val")) for tc in detail._tbl.iter(qn("w:tc"))} == {"center"}

    def needed(text):  # twips at 10.5 pt: 210 an em (CJK 1 em, other about 0.55) and 216 of margins
        return sum(210 if ord(ch) > 0x2E80 or ch == "≥" else 116 for ch in text) + 216

    for table in document.tables[1:]:
        grid = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        for row in table.rows:
            for n, cell in enumerate(row._tr.tc_lst):
                text = "".join(t.text or "" for t in cell.iter(qn("w:t")))
                span = cell.tcPr.find(qn("w:gridSpan")) if cell.tcPr is not None else None
                if span is None and text in ("A 项目决策", "100.00%", "≥200万人次"):
                    column = sum(int(c.tcPr.find(qn("w:gridSpan")).get(qn("w:val")))
                                 if c.tcPr is not None and c.tcPr.find(qn("w:gridSpan")) is not None else 1
                                 for c in row._tr.tc_lst[:n])
                    assert grid[column] >= needed(text), (text, grid[column], needed(text))


def test_docx_properties(rendered):
    import zipfile

    props = docx.Document(str(rendered / "report.docx")).core_properties
    assert props.title == "2018年上海市公共信用信息服务中心专项项目支出绩效评价报告"
    assert props.author == "上海大华工程造价咨询有限公司"
    assert "docProps/custom.xml" not in zipfile.ZipFile(rendered / "report.docx").namelist()


def test_forced_rerun_is_byte_identical(rendered):
    """All three formats: dates come from the parameter file, never from the clock."""
    before = {name: (rendered / name).read_bytes() for name in ("report.html", "report.pdf", "report.docx")}
    params = rendered.parent.parent / "params" / f"{rendered.name}.yaml"
    done = jixiao("run", params, "--engine", "builtin", "--redact", "--force", cwd=params.parent.parent)
    assert done.returncode == 0, done.stderr
    assert {name: (rendered / name).read_bytes() for name in before} == before


# --- the Quarto engine (issue 11): the same report -----------------------------------------

def test_quarto_run_carries_the_published_figures(rendered_quarto):
    data = json.loads((rendered_quarto / "summary.json").read_text(encoding="utf-8"))
    assert (data["total"], data["grade"]) == ("90.71", "优秀")
    assert [d["score"] for d in data["dimensions"]] == ["9.25", "26.98", "54.48"]
    html = _squeeze(re.sub(r"<[^>]+>", "", (rendered_quarto / "report.html").read_text(encoding="utf-8")))
    pdf = _pdf_pages(rendered_quarto / "report.pdf")
    for figure in FIGURES + _names():
        assert figure in html and figure in "".join(pdf), figure
    assert "2019年7月1日" in pdf[0] and "InvalidDate" not in "".join(pdf) + html


def test_quarto_pdf_text_is_the_builtin_pdf_text(rendered, rendered_quarto):
    """Cover, contents, headings, captions, cross-references, header and page numbers:
    the extracted texts differ at most in line breaks."""
    builtin = _pdf_pages(rendered / "report.pdf")
    quarto = _pdf_pages(rendered_quarto / "report.pdf")
    assert quarto == builtin
    assert all(p.startswith("2018年上海市公共信用信息服务中心专项") for p in quarto[2:])
    assert quarto[2].endswith("—1—") and quarto[3].endswith("—2—")  # 「— 1 —」, body from page 1


def test_quarto_word_file_is_the_builtin_word_file(rendered, rendered_quarto):
    assert (rendered_quarto / "report.docx").read_bytes() == (rendered / "report.docx").read_bytes()


def test_quarto_html_has_the_builtin_text(rendered, rendered_quarto):
    def text(path):
        html = path.read_text(encoding="utf-8")
        assert "<script" not in html.lower() and not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
        html = re.sub(r'(?s)<header id="title-block-header".*?</header>', "", html)
        return _squeeze(re.sub(r"<[^>]+>", "", re.sub(r"(?s)<(style|script)\b.*?</\1>", "", html)))

    assert text(rendered_quarto / "report.html") == text(rendered / "report.html")


def test_quarto_forced_rerun_is_byte_identical(rendered_quarto):
    before = {name: (rendered_quarto / name).read_bytes() for name in ("report.html", "report.pdf", "report.docx")}
    params = rendered_quarto.parent.parent / "params" / f"{rendered_quarto.name}.yaml"
    done = jixiao("run", params, "--engine", "quarto", "--force", cwd=params.parent.parent)
    assert done.returncode == 0, done.stderr
    assert {name: (rendered_quarto / name).read_bytes() for name in before} == before


def test_pdf_has_no_forward_reference_to_a_later_chapters_table(rendered):
    from report_checks import forward_references

    assert forward_references(read_report(rendered / "report.pdf")) == []


# --- publication, third pass (issue 19, items 8) ----------------------------------------

SCORE_LINE = "根据评价标准该指标评分为"


def _last_text_line(lines: list[str]) -> str:
    """A page's last line above its page number (「— 7 —」)."""
    body = [line for line in lines if not re.fullmatch(r"[—-]\s*\d+\s*[—-]", line)]
    return body[-1] if body else ""


def _body_lines(path) -> list[list[str]]:
    """Each page's text lines after the cover and contents, the running header left out."""
    pages = []
    for page in PdfReader(str(path)).pages[2:]:
        lines = [_squeeze(line) for line in page.extract_text().splitlines() if line.strip()]
        pages.append([line for line in lines if line != "2018年上海市公共信用信息服务中心专项"])
    return pages


def _libreoffice_pdf(rendered, tmp_path):
    subprocess.run([SOFFICE, "--headless", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(rendered / "report.docx")],
                   capture_output=True, timeout=300, check=True)
    return tmp_path / "report.pdf"


def test_no_score_line_alone_at_a_page_head_in_the_pdf_word_and_libreoffice(rendered, tmp_path):
    """A section's closing score line 「根据评价标准该指标评分为 …」 never opens a page alone: in the
    PDF and in the Word file as LibreOffice lays it out, a page that opens with it opens with the
    line before it too; in the PDF a score line right after a table stays with the table's last
    rows (表 3-4 used to end on p.18 and its score line open p.19); in the Word XML the paragraph
    before each score line keeps with it. (In Word a score line right after a table may still
    open a page.)"""
    pages = _body_lines(rendered / "report.pdf")
    assert [n for n, lines in enumerate(pages, 1) if lines and lines[0].startswith(SCORE_LINE)] == []
    if SOFFICE:
        pages = _body_lines(_libreoffice_pdf(rendered, tmp_path))
        lone = [n for n, lines in enumerate(pages, 1) if lines and lines[0].startswith(SCORE_LINE)
                and _last_text_line(pages[n - 2]).endswith(("。", "；", "：", "）"))]  # not after a table's row
        assert lone == [], lone
    paragraphs = docx.Document(str(rendered / "report.docx")).paragraphs
    scored = [n for n, p in enumerate(paragraphs) if p.text.startswith(SCORE_LINE)]
    assert len(scored) == 38
    # (a score line right after a heading, a table or a chart follows no paragraph of its own)
    before = {paragraphs[n - 1].style.name for n in scored
              if not paragraphs[n - 1].style.name.startswith(("Heading", "Table Caption", "Image Caption"))}
    assert before == {"Keep With Next"}


def test_total_rows_bold_and_number_columns_right_aligned_in_pdf_and_word(rendered):
    """合计 rows are bold in every table (the PDF's bold faces, Word's w:b), their label spanning
    the label columns; numbers sit right-aligned in their cells."""
    bold, regular = set(), set()
    for page in PdfReader(str(rendered / "report.pdf")).pages:
        def visit(text, cm, tm, font, size):
            if text.strip() in ("合计", "4,000,000.00", "100.0") and font:
                (bold if "Bold" in str(font.get("/BaseFont")) else regular).add(text.strip())
        page.extract_text(visitor_text=visit)
    assert bold == {"合计", "4,000,000.00", "100.0"}
    document = docx.Document(str(rendered / "report.docx"))
    totals = [row for table in document.tables for row in table.rows if row.cells[0].text.strip() == "合计"]
    assert len(totals) >= 3
    for row in totals:
        runs = [r for cell in row.cells for p in cell.paragraphs for r in p.runs if r.text.strip()]
        assert runs and all(r.bold for r in runs), [r.text for r in runs]
    detail = next(t for t in document.tables if t.rows[0].cells[-1].text == "评分值")
    assert {c.paragraphs[0].alignment for row in detail.rows[1:] for c in row.cells[-2:]} == {WD_ALIGN_PARAGRAPH.RIGHT}


def test_no_cell_ends_with_a_lone_character_in_the_pdf_or_word(rendered, tmp_path):
    """表 1-2, 表 3-2 and 附表 1 used to leave one character alone on a cell's last line
    (「社会意／义」, 「资金使用情／况」): the PDF breaks lines so that none does, and the Word file, as
    LibreOffice lays it out, has column widths and (where widths cannot help) a cell's
    characters set a quarter or half a point apart so that none does either."""
    assert lone_characters(rendered / "report.pdf") == []
    if SOFFICE:
        assert lone_characters(_libreoffice_pdf(rendered, tmp_path)) == []


def test_word_cells_that_would_end_on_one_character_are_set_apart_or_closer(rendered):
    """How the Word file avoids them where column widths cannot: some cells' characters are set
    a quarter point apart or closer (a character style of the reference document)."""
    import zipfile

    xml = zipfile.ZipFile(rendered / "report.docx").read("word/document.xml").decode("utf-8")
    assert re.search(r'w:rStyle w:val="TableText(Loose|Tight)', xml)


def test_the_executed_chapters_print_nothing_but_their_outputs(rendered):
    """No chapter writes to stdout or stderr: a formatter that failed inside the kernel (a caption's
    {eval} formatted as a table again, recursing) shows its traceback in the notebook an analyst
    opens, even when the report itself comes out right."""
    printed = []
    for path in sorted((rendered / "notebooks").glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            printed += [f"{path.name}: {o.get('name')}: {o.get('text', '')[:80]}" for o in cell.get("outputs", [])
                        if o.output_type in ("stream", "error")]
    assert printed == []
