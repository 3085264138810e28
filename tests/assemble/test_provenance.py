"""Every figure of the HTML report traced to its source: tooltips, provenance.json, the coverage of
the example's figures, print and the other formats untouched, nothing in the public copy."""

import asyncio
import html
import json
import re
import shutil
import subprocess
import zipfile
from html.parser import HTMLParser

import pytest

from jixiao.assemble.provenance import FIGURE, STYLE, structural, trace
from jixiao.project import load_project
from jixiao.project.sources import SourceIndex

from conftest import copy_example


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    root = tmp_path_factory.mktemp("provenance")
    return SourceIndex(load_project(copy_example(root)), root)


PAGE = """<html><head><title>报告 2018</title></head><body>
<nav id="TOC"><ul><li>1. 评价结果 3</li></ul></nav>
<h1>三、评价结论和绩效分析</h1>
<h3>1. 评价结果</h3>
<p>总得分为 90.71 分，见表 3-1。</p>
<table><caption>表 3-2 项目绩效评分结果表</caption>
<thead><tr><th>一级指标</th><th>二级指标</th><th>三级指标</th><th>满分值</th><th>评分值</th></tr></thead>
<tbody><tr><td rowspan="2">C 项目绩效</td><td rowspan="2">C1 项目产出</td><td>C101 信用数据归集单位数</td><td>5</td><td>4.4</td></tr>
<tr><td>C102 查询服务使用次数</td><td>5</td><td>5</td></tr></tbody></table>
<p>（1）承担市信用平台的建设和日常运维。</p>
<p>2014年4月30日，上海市公共信用信息服务中心（以下简称“市信用中心”）正式挂牌并对外服务。</p>
</body></html>"""


def _spans(page: str) -> list[tuple[str, str]]:
    return [(html.unescape(tip), text) for tip, text in
            re.findall(r'<span class="jx-src" tabindex="0" id="src-\d+" data-src="([^"]*)">([^<]*)</span>', page)]


def test_each_figure_gets_its_source_in_a_tooltip(index):
    page, records = trace(PAGE, index)
    spans = _spans(page)
    shown = [text for _, text in spans]
    assert shown == ["90.71", "5", "4.4", "5", "5", "2014", "4", "30"]
    assert len(records) == len(spans)
    total = records[0]
    assert total["chapter"] == "三、评价结论和绩效分析" and total["section"] == "1. 评价结果"
    assert total["place"] == "第 1 段"
    assert total["sources"][0]["name"] == "total"
    assert "A 9.25 + B 26.98 + C 54.48" in spans[0][0]


def test_a_table_cell_is_traced_through_its_row_and_column(index):
    _, records = trace(PAGE, index)
    full, score = records[1], records[2]
    assert full["place"] == "表 3-2 第 1 行「满分值」列"  # the row spans above do not shift the columns
    assert [s["name"] for s in full["sources"]] == ["indicators.C101.max"]
    assert score["place"] == "表 3-2 第 1 行「评分值」列"
    assert score["sources"][0]["name"] == "indicators.C101.score"
    assert "88 ÷ 100" in score["sources"][0]["working"]
    assert {s["name"] for s in records[4]["sources"]} <= {"indicators.C102.score", "indicators.C102.max"}
    assert records[4]["sources"][0]["name"] == "indicators.C102.score"


def test_a_figure_typed_by_the_analyst_names_the_text_file_and_line(index):
    _, records = trace(PAGE, index)
    assert records[5]["sources"] == [{"kind": "文字", "where": "data/shanghai-credit-2018/texts/background.md 第 3 行"}]


def test_a_year_in_the_project_name_is_the_names_wherever_it_is_printed(index):
    """The cover prints the project's name, which an analyst's text also mentions: its year comes
    from the parameter file's name, not from the text that happens to repeat it."""
    cover = """<html><body><header class="cover"><h1 class="title">2018年上海市公共信用信息服务中心专项</h1>
<table><tr><td>项目名称：</td><td>2018年上海市公共信用信息服务中心专项</td></tr></table></header></body></html>"""
    _, records = trace(cover, index)
    assert [r["text"] for r in records] == ["2018", "2018"]
    assert all(r["sources"] == [{"kind": "参数文件", "where": "params/shanghai-credit-2018.yaml：project.name",
                                 "name": "project.name"}] for r in records), records


def test_the_report_numbering_is_not_a_figure(index):
    page, records = trace(PAGE, index)
    assert "表 3-1" in html.unescape(re.sub(r"<[^>]+>", "", page))
    assert not any(r["text"] in ("3-1", "3", "1") and r["place"].startswith("第 1 段") for r in records[:1])
    assert "（1）承担" in re.sub(r"<[^>]+>", "", page)  # a list item's number stays plain
    assert '<nav id="TOC"><ul><li>1. 评价结果 3</li></ul></nav>' in page  # the contents untouched
    assert "<title>报告 2018</title>" in page


def test_print_hides_the_tooltips_and_the_underline():
    printed = STYLE[STYLE.index("@media print"):]
    assert "content: none; display: none;" in printed and "text-decoration: none" in printed


def test_text_from_the_data_stays_text(index):
    evil = PAGE.replace("正式挂牌", "&lt;script&gt;alert(1)&lt;/script&gt; 正式挂牌")
    page, _ = trace(evil, index)
    assert "<script>" not in page and "&lt;script&gt;" in page


# The example, run once per session with --redact (conftest.rendered)

class _Figures(HTMLParser):
    """The figures of the report's text (not head, style, script or contents), and whether each is
    inside a tooltip span."""

    SKIP = {"head", "style", "script", "nav", "title"}
    BLOCKS = {"p", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "caption", "figcaption", "div"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.skip, self.in_span, self.fresh = 0, 0, False
        self.traced, self.untraced = [], []

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skip += 1
        if tag == "span" and ("class", "jx-src") in attrs:
            self.in_span += 1
        elif tag == "span" and self.in_span:
            self.in_span += 1
        if tag in self.BLOCKS:
            self.fresh = True

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skip -= 1
        if tag == "span" and self.in_span:
            self.in_span -= 1

    def handle_data(self, data):
        if self.skip or not data.strip():
            return
        for match in FIGURE.finditer(data):
            if self.in_span:
                self.traced.append(match.group(0))
            elif not structural(data, match.start(), match.end(), self.fresh):
                self.untraced.append(data[max(0, match.start() - 12):match.end() + 6])
        self.fresh = False


def test_nearly_every_figure_of_the_example_has_a_source(rendered):
    walker = _Figures()
    walker.feed((rendered / "report.html").read_text(encoding="utf-8"))
    total = len(walker.traced) + len(walker.untraced)
    coverage = len(walker.traced) / total
    print(f"{len(walker.traced)} / {total} 个数字有来源（{coverage:.1%}）；没有来源的：{walker.untraced}")
    assert total > 600
    assert coverage >= 0.95, walker.untraced


def test_provenance_json_lists_every_traced_figure_with_its_place(rendered):
    data = json.loads((rendered / "provenance.json").read_text(encoding="utf-8"))
    page = (rendered / "report.html").read_text(encoding="utf-8")
    figures = data["figures"]
    assert data["report"] == "report.html"
    assert len(figures) == page.count('class="jx-src"')
    assert all(f["chapter"] and f["place"] and f["sources"] and all(s["where"] for s in f["sources"]) for f in figures)
    total = [f for f in figures if f["text"] == "90.71" and f["sources"][0].get("name") == "total"]
    assert total and total[0]["chapter"] == "三、评价结论和绩效分析"
    kinds = {s["kind"] for f in figures for s in f["sources"]}
    assert {"参数文件", "数据表", "评分", "文字"} <= kinds
    budget = [f for f in figures if f["text"] == "600,000.00"]
    assert budget[0]["place"] == "表 1-1 第 1 行「预算金额（元）」列"
    assert budget[0]["sources"][0]["where"] == "data/shanghai-credit-2018/budget_lines.csv 第 2 行「预算金额」列"


def test_the_markdown_pdf_and_word_carry_no_provenance(rendered):
    assert "jx-src" not in (rendered / "report.md").read_text(encoding="utf-8")
    with zipfile.ZipFile(rendered / "report.docx") as docx:
        body = docx.read("word/document.xml").decode("utf-8")
    assert "来源：" not in body and "jx-src" not in body and "data-src" not in body
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(rendered / "report.pdf"), "-"], capture_output=True, text=True).stdout
        assert "来源：" not in text


def test_the_public_copy_carries_no_provenance(rendered):
    public = rendered / "public"
    assert not (public / "provenance.json").exists()
    page = (public / "report.html").read_text(encoding="utf-8")
    assert "jx-src" not in page and "data-src" not in page
    assert ".csv" not in page and "params/" not in page


def test_the_tooltip_shows_in_chromium_on_focus(rendered, tmp_path):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if chromium is None:
        pytest.skip("未安装 Chromium，跳过浏览器中的悬停提示测试")
    page = (rendered / "report.html").read_text(encoding="utf-8")
    probe = ("<script>window.addEventListener('load', () => { const e = document.getElementById('src-1');"
             " const before = getComputedStyle(e, '::after').content; e.focus();"
             " document.title = 'PROBE|' + before + '|' + getComputedStyle(e, '::after').content; });</script></body>")
    (tmp_path / "probe.html").write_text(page.replace("</body>", probe), encoding="utf-8")
    done = subprocess.run([chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=3000",
                           "--dump-dom", (tmp_path / "probe.html").as_uri()], capture_output=True, text=True, timeout=120)
    title = html.unescape(re.search(r"<title>PROBE\|(.*?)</title>", done.stdout, re.S).group(1))
    before, after = title.split("|", 1)
    assert before == "none"  # nothing shown until hovered or tapped
    assert after.startswith('"来源：')  # a tap focuses the figure


def test_the_tooltip_shows_in_chromium_on_hover(rendered, tmp_path):
    """The mouse moved onto a figure through the DevTools protocol (benchmarks/provenance_screenshot.py)."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if chromium is None:
        pytest.skip("未安装 Chromium，跳过浏览器中的悬停提示测试")
    from provenance_screenshot import _hover, section

    page = (rendered / "report.html").read_text(encoding="utf-8")
    figure = re.search(r'id="(src-\d+)"[^>]*>90.71</span>', page).group(1)
    (tmp_path / "figure.html").write_text(section(page, figure), encoding="utf-8")
    seen, png = asyncio.run(_hover(chromium, tmp_path, (tmp_path / "figure.html").as_uri(), figure))
    assert seen["hovered"]
    assert seen["tip"].startswith('"来源：') and "A 9.25 + B 26.98 + C 54.48" in seen["tip"]
    assert png.startswith(b"\x89PNG") and len(png) > 10000


def test_a_report_full_of_figures_is_traced_up_to_the_limit(index, monkeypatch):
    from jixiao import limits

    monkeypatch.setattr(limits, "TRACED_FIGURES", 50)
    page, records = trace("<html><head></head><body><p>" + "、".join(["90.71"] * 300) + "</p></body></html>", index)
    assert len(records) == 50 and page.count('class="jx-src"') == 50
    assert page.count("90.71") == 300  # the rest printed as they were


def test_searching_texts_stops_at_its_budget(tmp_path):
    from jixiao.project.sources import Budget

    index = SourceIndex(load_project(copy_example(tmp_path)), tmp_path)
    assert index.typed("2014年4月30日", "30") is not None
    index.budget = Budget(10)
    assert index.typed("2014年4月30日", "30") is None  # past the budget: found by value only, never slowly
