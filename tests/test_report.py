"""One full `jixiao run` of the example (built-in engine): the published figures in every output."""

import json
import re

import docx
import pytest
import yaml
from pypdf import PdfReader

from conftest import golden
from report_checks import check_report, read_report

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
        "04_analysis.ipynb", "05_findings.ipynb", "06_closing.ipynb"]
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


def test_docx_opens_and_holds_the_score_tables(rendered):
    document = docx.Document(str(rendered / "report.docx"))
    tables = {t.rows[0].cells[0].text: t for t in document.tables}
    detail = next(t for t in document.tables if t.rows[0].cells[2].text == "三级指标")
    cells = [c.text for row in detail.rows for c in row.cells]
    for name in _names():
        assert any(name in c for c in cells), name
    assert "90.71" in cells and "vMerge" in detail._tbl.xml
    summary = next(t for t in document.tables if "A.项目决策" in [c.text for c in t.rows[0].cells])
    assert [c.text for c in summary.rows[2].cells] == ["得分", "9.25", "26.98", "54.48", "90.71"]
    assert tables  # every table has a header row


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
    assert body[0].endswith("1") and body[1].endswith("2")


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
    detail = next(t for t in document.tables if t.rows[0].cells[2].text == "三级指标")
    codes = [g["code"] for g in golden()]
    level1 = _vmerge_column(detail, 0)
    level2 = _vmerge_column(detail, 1)
    assert level1.count("restart") == len({c[0] for c in codes})
    assert level2.count("restart") == len({c[:2] for c in codes})
    assert level1.count("continue") == len(codes) - len({c[0] for c in codes})


def test_docx_cover_header_footer_and_fonts(rendered):
    from docx.oxml.ns import qn

    document = docx.Document(str(rendered / "report.docx"))
    texts = [p.text for p in document.paragraphs[:10]]
    for field in ["项目名称：2018年上海市公共信用信息服务中心专项", "评价机构：上海大华工程造价咨询有限公司", "2019年7月1日"]:
        assert field in texts, field
    section = document.sections[-1]
    assert section.different_first_page_header_footer
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
