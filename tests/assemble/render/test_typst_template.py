"""The PDF look shared by both engines (typst-template.typ with report.lua), on small
documents rendered by the built-in engine: tables continued over a page, charts that do
not fit in the rest of a page, the cover and the document date."""

import re
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from jixiao.assemble.render import builtin
from jixiao.pieces.markdown import SPAN, grid_table

FRONT = """---
title: 测试报告
cover-title: [测试项目, 项目支出绩效评价报告]
project: 测试项目
cover:
- {label: 项目名称, value: 测试项目}
date: 2019年7月1日
serif-fonts: [Noto Serif CJK SC]
sans-fonts: [Noto Sans CJK SC]
---

"""


def render(tmp_path: Path, body: str) -> list[str]:
    source = tmp_path / "report.md"
    source.write_text(FRONT + body, encoding="utf-8")
    builtin.pdf(source, tmp_path / "report.pdf")
    return [re.sub(r"\s+", "", page.extract_text()) for page in PdfReader(str(tmp_path / "report.pdf")).pages]


def page_of(pages: list[str], text: str) -> int:
    return next(n for n, page in enumerate(pages) if text in page)


def heights(pdf: Path, number: int) -> dict[str, float]:
    """The height on the page (from the bottom) of each piece of text on page ``number``."""
    found = {}

    def visit(text, cm, tm, *_):
        if text.strip():
            found.setdefault(re.sub(r"\s+", "", text), cm[5] + tm[5] * cm[3])

    PdfReader(str(pdf)).pages[number].extract_text(visitor_text=visit)
    return found


def height_of(found: dict[str, float], needle: str) -> float:
    return next(y for text, y in found.items() if needle in text)


def grouped_table() -> str:
    rows = []
    for group in "ABC":
        for n in range(1, 19):
            rows.append([f"{group} 第{group}组" if n == 1 else SPAN, f"{group}{n:02d} 指标名称{n}", "5", "4"])
    rows.append(["合计", "", "270", "216"])
    return ": 表 9-1 分组评分表\n\n" + grid_table(["一级指标", "三级指标", "满分值", "评分值"], rows)


def test_a_continued_table_repeats_caption_header_and_group_labels(tmp_path):
    pages = render(tmp_path, "# 一、表格\n\n" + "正文段落。" * 200 + "\n\n" + grouped_table())
    first = page_of(pages, "A01指标名称1")
    assert "表9-1分组评分表" in pages[first] and "续表" not in pages[first]
    continued = [n for n, page in enumerate(pages) if "续表9-1" in page]
    assert continued and continued[0] == first + 1, pages[first + 1][:80]
    for n in [first, *continued]:
        page, found = pages[n], heights(tmp_path / "report.pdf", n)
        assert height_of(found, "表9-1") > height_of(found, "一级指标") > height_of(found, "指标名称")
        first_code = re.search(r"([ABC])\d\d指标名称", page).group(1)
        assert f"{first_code}第{first_code}组" in page, page[:120]  # the group label again
    assert "合计270216" in pages[-1]


def test_the_total_row_never_stands_alone_on_a_continuation_page(tmp_path):
    # 225 filler phrases end the page exactly after C18, which left 合计 alone on the next page
    pages = render(tmp_path, "# 一、表格\n\n" + "正文段落。" * 225 + "\n\n" + grouped_table())
    assert "C17指标名称1754" in pages[-2] and "C18" not in pages[-2], pages[-2][-40:]
    assert "续表9-1" in pages[-1] and "C第C组C18指标名称1854合计270216" in pages[-1], pages[-1][:120]


def test_total_row_spans_the_label_columns(tmp_path):
    typ = tmp_path / "report.typ"
    render(tmp_path, grouped_table())
    assert "(x: 0, y: 54, rowspan: 1, colspan: 2, align: center, body: [合计])" in typ.read_text(encoding="utf-8")


def _chart(path: Path, height: int) -> None:
    path.parent.mkdir(exist_ok=True)
    Image.new("RGB", (1600, height), (60, 90, 140)).save(path)


def test_a_chart_that_does_not_fit_leaves_no_half_empty_page(tmp_path):
    _chart(tmp_path / "figures" / "tall.png", 1500)
    before = "\n\n".join(f"前文第{n}段。" + "这是用于填满页面的正文。" * 6 for n in range(1, 12))
    after = "\n\n".join(f"后文第{n}段。" + "这是图后面的正文。" * 6 for n in range(1, 12))
    pages = render(tmp_path, f"# 一、图\n\n{before}\n\n![图 9-1 很高的图](figures/tall.png){{width=100%}}\n\n{after}\n")
    chart = page_of(pages, "图9-1很高的图")
    assert page_of(pages, "前文第11段") == chart - 1
    assert page_of(pages, "后文第1段") == chart - 1  # the text after the chart fills the page


def test_a_chart_that_fits_stays_where_it_is(tmp_path):
    _chart(tmp_path / "figures" / "small.png", 500)
    pages = render(tmp_path, "# 一、图\n\n图前的段落。\n\n![图 9-2 小图](figures/small.png){width=100%}\n\n图后的段落。\n")
    page = pages[page_of(pages, "图9-2小图")]
    assert page.index("图前的段落") < page.index("图9-2小图") < page.index("图后的段落")


def test_cover_title_is_black_and_the_pdf_is_dated_by_the_report(tmp_path):
    render(tmp_path, "# 一、正文\n\n文字。\n")
    assert 'fill: accent' not in (tmp_path / "report.typ").read_text(encoding="utf-8")
    info = PdfReader(str(tmp_path / "report.pdf")).metadata
    assert info["/CreationDate"].startswith("D:20190701")


@pytest.fixture(autouse=True)
def _fonts():
    from jixiao import fonts

    if not (fonts.serif() and fonts.sans()):
        pytest.skip("没有中文字体，无法排版 PDF")


def test_tables_without_header_row_or_caption_render(tmp_path):
    """An analyst's simple table has no header row (a metadata block in a text becomes one)."""
    body = "# 一、甲\n\n  -------- --------\n  键       值\n  title:   伪造\n  -------- --------\n\n正文\n"
    pages = render(tmp_path, body)
    assert "title:伪造" in "".join(pages)
