"""One full `jixiao run` of the example (built-in engine): the published figures in every output."""

import json
import re

import docx
import yaml
from pypdf import PdfReader

from test_scoring import _golden

FIGURES = ["90.71", "优秀", "9.25", "92.50%", "26.98", "89.93%", "54.48", "90.80%"]


def _names():
    return [g["name"].replace(" ", "").replace("(", "（").replace(")", "）") for g in _golden()]


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_output_folder_holds_the_contract(rendered):
    for name in ("report.html", "report.pdf", "report.docx", "summary.json"):
        assert (rendered / name).stat().st_size > 0, name
    assert sorted(p.name for p in (rendered / "notebooks").glob("*.ipynb")) == [
        "01_overview.ipynb", "02_conclusion.ipynb", "03_decision.ipynb",
        "04_management.ipynb", "05_performance.ipynb", "06_findings.ipynb"]
    assert not list(rendered.parent.glob(".build-*"))


def test_summary_json(rendered):
    data = json.loads((rendered / "summary.json").read_text(encoding="utf-8"))
    assert (data["total"], data["grade"]) == ("90.71", "优秀")
    dims = {d["code"]: (d["name"], d["weight"], d["score"], d["rate"]) for d in data["dimensions"]}
    assert dims == {"A": ("项目决策", "10", "9.25", "92.50%"), "B": ("项目管理", "30", "26.98", "89.93%"),
                    "C": ("项目绩效", "60", "54.48", "90.80%")}
    golden = {g["code"]: (g["max"], g["score"]) for g in _golden()}
    assert {i["code"]: (i["max"], i["score"]) for i in data["indicators"]} == golden
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
