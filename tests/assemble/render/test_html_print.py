"""The HTML report printed from a browser: running header and page numbers, and captions
kept with their tables (checked in headless Chromium when it is installed)."""

import re
import shutil
import subprocess
import unicodedata

import pytest

from jixiao.assemble.render import builtin
from jixiao.assemble.render.html_print import css_string, print_style
from jixiao.pieces.markdown import SPAN, grid_table


def test_header_text_cannot_escape_the_css_string():
    quoted = css_string('甲"; } body { display:none } </style><script>')
    assert re.fullmatch(r'"(\\[0-9a-f]{6})+"', quoted)
    style = print_style({"project": "某项目"})
    assert "@top-center" in style and "counter(page)" in style and "@page :first" in style
    assert css_string("某项目") in style


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def _printed(tmp_path, chapters: list[str]) -> list[str]:
    """The chapters as the built-in HTML, each starting a page, printed by headless Chromium (A4):
    each printed page's text."""
    from pypdf import PdfReader

    source = tmp_path / "report.md"
    source.write_text("---\ntitle: 测试\nproject: 测试项目\n---\n\n" + "\n\n".join(chapters) + "\n", encoding="utf-8")
    builtin.html(source, tmp_path / "report.html")
    page = tmp_path / "report.html"
    page.write_text(page.read_text(encoding="utf-8").replace("<h1 ", '<h1 style="break-before: page" '),
                    encoding="utf-8")
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--disable-background-networking", "--no-pdf-header-footer",
                    f"--print-to-pdf={tmp_path / 'printed.pdf'}", str(page)],
                   capture_output=True, timeout=300, check=True)
    # NFKC: the extracted text spells some characters as Kangxi radicals (⽬ for 目)
    return [unicodedata.normalize("NFKC", p.extract_text()) for p in PdfReader(str(tmp_path / "printed.pdf")).pages]


@pytest.mark.skipif(CHROMIUM is None, reason="未安装 Chromium，无法检查浏览器打印的分页")
def test_printed_captions_stay_with_their_tables(tmp_path):
    """One chapter a page, each with a grouped table further down than the one before: at
    some of these offsets a caption and header used to be left at the foot of a page. The
    first chapter's table is one row longer than a page holds: its last row used to stand
    alone on the next page."""
    offsets = range(30, 46)
    tail = [[f"第{n // 6}组" if n % 6 == 0 or n >= 24 else SPAN, f"T0R{n:02d}", "内容"] for n in range(28)]
    chapters = ["# 第0章\n\n: 表 9-0 长表\n\n" + grid_table(["组", "编码", "内容"], tail)]
    for k in offsets:
        text = "\n\n".join(f"第{n}段。" + "用于把表格推到页面底部的正文。" * 3 for n in range(k))
        rows = [[f"第{n // 6}组" if n % 6 == 0 else SPAN, f"T{k}R{n:02d}", "内容"] for n in range(30)]
        chapters.append(f"# 第{k}章\n\n{text}\n\n: 表 9-{k} 分组表\n\n" + grid_table(["组", "编码", "内容"], rows))
    pages = _printed(tmp_path, chapters)
    # the cover and the contents carry no number and do not count: the body starts at — 1 —
    body = next(n for n, p in enumerate(pages) if "表 9-0 " in p)
    assert body >= 2 and not any("—" in p for p in pages[:body])
    assert re.search(r"^— ?1 ?—$", pages[body], re.M)
    for k in offsets:
        caption = next(n for n, p in enumerate(pages) if f"表 9-{k} " in p)
        assert f"T{k}R00" in pages[caption], f"表 9-{k} 的表题和表头留在页底"
        assert "测试项目" in pages[caption] and re.search(rf"^— ?{caption + 1 - body} ?—$", pages[caption], re.M)
    last = next(n for n, p in enumerate(pages) if "T0R27" in p)
    assert "T0R00" not in pages[last] and "T0R26" in pages[last], "表 9-0 的最后一行单独留在续页"


@pytest.mark.skipif(CHROMIUM is None, reason="未安装 Chromium，无法检查浏览器打印的分页")
def test_a_printed_score_line_right_after_a_table_stays_with_its_last_row(tmp_path):
    """A chapter a page, each with a table further down than the one before and the section's
    score line right after it: at some offsets the table ended at a page's foot and the score
    line opened the next page alone."""
    offsets = range(22, 40)
    chapters = []
    for k in offsets:
        text = "\n\n".join(f"第{n}段。" + "用于把表格推到页面底部的正文。" * 3 for n in range(k))
        rows = [[f"T{k}R{n:02d}", "内容"] for n in range(12)]
        chapters.append(f"# 第{k}章\n\n{text}\n\n: 表 9-{k} 明细表\n\n" + grid_table(["编码", "内容"], rows)
                        + f"\n\n根据评价标准该指标评分为{k}分（满分40分）。\n\n### 下一节\n\n下一节的正文。")
    pages = [re.sub(r"\s+", "", page) for page in _printed(tmp_path, chapters)]
    for k in offsets:
        score = next(n for n, p in enumerate(pages) if f"评分为{k}分" in p)
        assert f"T{k}R11" in pages[score], f"第{k}章的评分句单独留在表格后的一页"


def test_html_takes_the_one_typography(tmp_path):
    """The same fonts and sizes as PDF and Word: 仿宋 body (Latin in a Times face, never the
    quotes shared with Chinese), 黑体 and 楷体 headings, sizes as ems of the 小四 body, and the
    page numbers 「— 1 —」 when printed."""
    from jixiao.assemble.render.html_print import typography_style

    style = typography_style()
    assert 'local("Times New Roman")' in style and "unicode-range: U+0020-007E, U+00A0-00FF;" in style
    assert '--serif: "jixiao-latin", "仿宋_GB2312"' in style and '--kai: "KaiTi_GB2312"' in style
    assert "h1 { font-size: 1.333em; }" in style and "table { font-size: 0.875em; }" in style
    assert "line-height: 1.833" in style
    assert 'content: "— " counter(page) " —"' in print_style({"project": "某项目"})
    (tmp_path / "report.md").write_text("---\ntitle: 甲\nproject: 甲\n---\n\n# 一、正文\n\n文字。\n", encoding="utf-8")
    builtin.html(tmp_path / "report.md", tmp_path / "report.html")
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "jixiao-latin" in html and "http" not in style


MEASURE = """<script>
addEventListener("load", () => {
  const wrap = document.querySelector("main .table-wrap, body > .table-wrap"), img = document.querySelector("figure img");
  const cover = document.querySelector(".cover .table-wrap");
  const refs = [...document.querySelectorAll("span.ref")].map(s => s.getClientRects().length);
  parent.postMessage(JSON.stringify({
    page: document.documentElement.scrollWidth, view: document.documentElement.clientWidth,
    wrap: [wrap.scrollWidth, wrap.clientWidth], img: img.getBoundingClientRect().width, refs: refs,
    cover: cover ? [cover.scrollWidth, cover.clientWidth] : null}), "*");
});
</script>"""
# Headless Chromium's window is at least 500 px wide: the report is measured in a 390 px frame.
PHONE = """<!DOCTYPE html><html><body style="margin:0">
<iframe src="report.html" width="390" height="2000" style="border:0"></iframe>
<script>addEventListener("message", e => document.body.setAttribute("data-measured", e.data));</script>
</body></html>"""


@pytest.mark.skipif(CHROMIUM is None, reason="未安装 Chromium，无法检查窄屏上的版面")
def test_a_phone_scrolls_tables_and_charts_inside_and_keeps_references_whole(tmp_path):
    """At 390 px: the page itself never scrolls sideways; the cover's long names wrap (they were
    cut at the screen's edge); a wide score table scrolls inside its wrapper, a chart is shown at
    a readable width (scrolling inside its figure), and every 「表 3-1」 reference stays on one
    line wherever the text wraps."""
    import json

    from PIL import Image

    (tmp_path / "figures").mkdir()
    Image.new("RGB", (1600, 600), (60, 90, 140)).save(tmp_path / "figures" / "chart.png")
    rows = [[f"第{n // 4}组" if n % 4 == 0 else SPAN, f"C{n:03d} 指标名称比较长的一个三级指标", "5.0", "4.40"]
            for n in range(12)]
    words = "".join(f"第{n}句话引用表 3-{n}，" + "正文" * (n % 5) for n in range(1, 40))
    source = tmp_path / "report.md"
    cover = "cover:\n- {label: 项目名称, value: 2018年上海市公共信用信息服务中心专项}\n- {label: 评价机构, value: 上海大华工程造价咨询有限公司}\n"
    source.write_text("---\ntitle: 测试\nproject: 测试项目\n" + cover + "---\n\n# 一、正文\n\n" + words + "\n\n: 表 3-2 评分表\n\n"
                      + grid_table(["一级指标", "三级指标", "满分值", "评分值"], rows)
                      + "\n\n![图 3-1 得分率](figures/chart.png){width=100%}\n", encoding="utf-8")
    builtin.html(source, tmp_path / "report.html")
    page = tmp_path / "report.html"
    text = page.read_text(encoding="utf-8").replace("</body>", MEASURE + "</body>")
    cover = re.search(r'<header class="cover">.*?</header>', text, re.S).group(0)  # wrapped as Quarto's HTML wraps it
    text = text.replace(cover, cover.replace("<table>", '<div class="table-wrap"><table>').replace("</table>", "</table></div>"))
    page.write_text(text, encoding="utf-8")
    (tmp_path / "phone.html").write_text(PHONE, encoding="utf-8")
    done = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                           "--disable-background-networking", "--window-size=800,2100", "--virtual-time-budget=5000",
                           "--dump-dom", (tmp_path / "phone.html").as_uri()],
                          capture_output=True, text=True, timeout=300, check=True)
    found = re.search(r'data-measured="([^"]+)"', done.stdout)
    measured = json.loads(found.group(1).replace("&quot;", '"'))
    assert measured["page"] <= measured["view"] <= 390, measured
    assert measured["cover"] and measured["cover"][0] <= measured["cover"][1], "封面的项目名称被截断"
    assert measured["wrap"][0] > measured["wrap"][1], "评分表应在表格内横向滚动"
    assert measured["img"] >= 500, "图应按可读的宽度显示（在图内横向滚动）"
    assert len(measured["refs"]) == 39 and set(measured["refs"]) == {1}, "「表 3-n」被拆在两行"
