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


def lefts(pdf: Path, number: int) -> dict[str, tuple[float, float]]:
    """(x, y) where each piece of text on page ``number`` starts, from the page's bottom left."""
    found = {}

    def visit(text, cm, tm, *_):
        if text.strip():
            found.setdefault(re.sub(r"\s+", "", text), (cm[4] + tm[4] * cm[0], cm[5] + tm[5] * cm[3]))

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


def _rows_per_page(pages: list[str]) -> list[int]:
    return [n for n in (len(re.findall(r"[ABC]\d\d指标名称", page)) + ("合计270216" in page) for page in pages) if n]


@pytest.mark.parametrize("filler", [200, 440, 560])  # one, two and one row left over before the rule
def test_a_page_break_leaves_at_least_three_rows_on_either_side(tmp_path, filler):
    """Wherever the table starts, neither its first page nor its last holds one or two rows."""
    rows = _rows_per_page(render(tmp_path, "# 一、表格\n\n" + "正文段落。" * filler + "\n\n" + grouped_table()))
    assert sum(rows) == 55 and min(rows) >= 3, rows


def test_a_short_table_is_never_split(tmp_path):
    table = ": 表 9-2 短表\n\n" + grid_table(["指标", "分值"], [[f"D{n:02d} 指标名称{n}", "5"] for n in range(1, 6)])
    for filler in (906, 1146):  # the table straddled two pages before the rule
        pages = render(tmp_path, "# 一、表格\n\n" + "正文段落。" * filler + "\n\n" + table)
        holding = [n for n, page in enumerate(pages) if re.search(r"D\d\d指标名称", page)]
        assert len(holding) == 1, (filler, holding)


@pytest.mark.parametrize("filler", [548, 552, 556])  # the table ended at a page's foot before the rule
def test_a_score_line_right_after_a_table_stays_with_its_last_rows(tmp_path, filler):
    """A one-line paragraph closing the section right after a table (the score line) is set
    below the table as body text, never alone at the head of the next page."""
    table = ": 表 9-3 明细\n\n" + grid_table(["指标", "分值"], [[f"D{n:02d} 指标名称{n}", "5"] for n in range(1, 21)])
    pages = render(tmp_path, "# 一、表格\n\n" + "正文段落。" * filler + "\n\n" + table
                   + "\n\n根据评价标准该指标评分为2分（满分2分）。\n\n### 下一节\n\n下一节的正文。\n")
    assert page_of(pages, "D20指标名称20") == page_of(pages, "根据评价标准该指标评分为2分")
    assert "after: [根据评价标准该指标评分为2分（满分2分）。]" in (tmp_path / "report.typ").read_text(encoding="utf-8")


def test_total_row_spans_the_label_columns(tmp_path):
    typ = tmp_path / "report.typ"
    render(tmp_path, grouped_table())
    assert "(x: 0, y: 54, rowspan: 1, colspan: 2, align: center, body: text(weight: \"bold\", [合计]))" in typ.read_text(encoding="utf-8")


def _chart(path: Path, height: int) -> None:
    path.parent.mkdir(exist_ok=True)
    Image.new("RGB", (1600, height), (60, 90, 140)).save(path)


def test_a_chart_that_does_not_fit_leaves_no_half_empty_page(tmp_path):
    _chart(tmp_path / "figures" / "tall.png", 1500)
    before = "\n\n".join(f"前文第{n}段。" + "这是用于填满页面的正文。" * 6 for n in range(1, 9))
    after = "\n\n".join(f"后文第{n}段。" + "这是图后面的正文。" * 6 for n in range(1, 12))
    pages = render(tmp_path, f"# 一、图\n\n{before}\n\n![图 9-1 很高的图](figures/tall.png){{width=100%}}\n\n{after}\n")
    chart = page_of(pages, "图9-1很高的图")
    assert page_of(pages, "前文第8段") == chart - 1
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


CLOSING = ("# 五、其他需说明事项\n\n" + "\n\n".join(f"第{n}段。" + "这是用于填满页面的正文。" * 8 for n in range(1, 9))
           + "\n\n最后一段。\n\n评价机构（盖章）：某某咨询有限公司\n\n报告日期：2019年7月1日\n\n"
           "# 附件：绩效指标评分标准\n\n附件的正文。\n")


def test_signature_is_right_aligned_below_the_annex_note_with_room_for_the_seal(tmp_path):
    pages = render(tmp_path, CLOSING)
    number = page_of(pages, "评价机构（盖章）")
    found = lefts(tmp_path / "report.pdf", number)
    width = float(PdfReader(str(tmp_path / "report.pdf")).pages[number].mediabox.width)
    sealed = next(xy for text, xy in found.items() if text.startswith("评价机构"))
    dated = next(xy for text, xy in found.items() if text.startswith("报告日期"))
    note = next(xy for text, xy in found.items() if text.startswith("附件："))
    assert sealed[0] > width / 2 - 60 and dated[0] > sealed[0]  # right-aligned: the shorter line starts further right
    assert note[1] > sealed[1] > dated[1] and note[1] - sealed[1] > 50  # room for the seal
    assert "最后一段" in pages[number]  # kept with the text before it


def test_the_last_lines_move_with_the_signature_to_a_new_page(tmp_path):
    """Whatever the length of the text, the last paragraph, the 附件说明 and the 落款 share a page."""
    tail = CLOSING[CLOSING.index("\n\n最后一段"):]
    for count in range(20, 40, 4):
        text = "# 五、其他\n\n" + "\n\n".join(f"第{n}段。" + "正文。" * 30 for n in range(1, count)) + tail
        pages = render(tmp_path, text)
        number = page_of(pages, "评价机构（盖章）")
        assert "最后一段" in pages[number] and "附件：绩效指标评分标准" in pages[number], count
        assert "附件的正文" not in pages[number]


def test_annex_starts_a_page_with_its_label_top_left_and_the_title_centred(tmp_path):
    pages = render(tmp_path, CLOSING)
    number = page_of(pages, "附件的正文")
    assert "评价机构" not in pages[number]
    found = lefts(tmp_path / "report.pdf", number)
    width = float(PdfReader(str(tmp_path / "report.pdf")).pages[number].mediabox.width)
    label = found["附件"]
    title = next(xy for text, xy in found.items() if text.startswith("绩效指标评分标准"))
    assert abs(label[0] - 2.6 / 2.54 * 72) < 2  # at the left margin
    assert abs((title[0] + 8 * 18 / 2) - width / 2) < 12 and label[1] > title[1]  # centred under it
    contents = pages[1]
    assert "附件绩效指标评分标准" in contents


def test_a_paragraph_opening_with_a_bracket_keeps_the_whole_indent(tmp_path):
    """Justification squeezed the leading half of 「（」, so a long paragraph started left of
    the two-character indent; the bracket now keeps its em: the text after it starts three
    ems in, in a short paragraph and a justified long one alike."""
    long = "运行市信用平台，对外提供公共信用信息查询等服务，使其成为信息共享与使用的有效载体" * 3
    render(tmp_path, f"# 一、正文\n\n（1）承担平台运维。\n\n（2）{long}。\n")
    found = lefts(tmp_path / "report.pdf", 2)
    margin = 2.6 / 2.54 * 72
    for start in ("1）承担", "2）运行"):
        x = next(xy[0] for text, xy in found.items() if text.startswith(start))
        assert abs(x - (margin + 3 * 12)) < 0.6, (start, x - margin)


def test_the_pdf_takes_the_one_typography(tmp_path):
    """小四 body with lines 22 pt apart, 五号 tables, 三号 level-1 headings, 「— 1 —」 page numbers,
    Latin digits in the Times face where one is installed."""
    import yaml

    from jixiao import fonts

    front = FRONT.replace("---\n\n", yaml.safe_dump(fonts.metadata(), allow_unicode=True) + "---\n\n")
    source = tmp_path / "report.md"
    source.write_text(front + "# 一、正文\n\n" + "文字2019。" * 100 + "\n\n| 甲 | 乙 |\n|--|--|\n| 1 | 2 |\n", encoding="utf-8")
    builtin.pdf(source, tmp_path / "report.pdf")
    reader = PdfReader(str(tmp_path / "report.pdf"))
    sizes, prose = {}, set()

    def visit(text, cm, tm, font, size):
        if text.strip():
            sizes.setdefault(re.sub(r"\s+", "", text)[:2], round(size * tm[0], 1))
            if "文字" in text:
                prose.add(round(cm[5] + tm[5] * cm[3], 1))

    reader.pages[2].extract_text(visitor_text=visit)
    assert sizes["一、"] == 16 and sizes["文字"] == 12 and sizes["甲"] == 10.5
    lines = sorted(prose, reverse=True)
    assert len(lines) > 3 and {round(a - b, 1) for a, b in zip(lines, lines[1:])} == {22.0}, lines
    assert "— 1 —" in reader.pages[2].extract_text() and "— I —" in reader.pages[1].extract_text()
    if fonts.latin():
        names = [str(f.get_object()["/BaseFont"]) for f in reader.pages[2]["/Resources"]["/Font"].values()]
        assert any(fonts.latin()[0].replace(" ", "") in name for name in names), names
