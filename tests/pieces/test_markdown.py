import pypandoc

from jixiao.markup import escape
from jixiao.pieces.markdown import SPAN, grid_table, pipe_table, width, wrap


def test_grid_table_row_spans_survive_pandoc():
    text = grid_table(["一级", "二级", "三级"], [["A 决策", "A1 立项", "A101"], [SPAN, SPAN, "A102"], [SPAN, "A2 目标", "A201"]],
                      "t", "测试表")
    html = pypandoc.convert_text(text, "html", format="markdown")
    assert 'rowspan="3" style="text-align: left;">A 决策</td>' in html
    assert 'rowspan="2" style="text-align: left;">A1 立项</td>' in html
    assert "<caption>⟦tbl:t⟧ 测试表</caption>" in html


def test_escape_keeps_data_literal():
    html = pypandoc.convert_text(pipe_table(["名称"], [["<script>alert(1)</script> *x*"]]), "html",
                                 format="markdown-raw_html")
    assert "&lt;script&gt;" in html and "<em>" not in html
    assert escape("a|b") == r"a\|b"


def test_width_counts_cjk_double():
    assert width("A项目") == 5


def test_short_headers_get_room_and_long_columns_are_held_back():
    text = grid_table(["一级指标", "三级指标", "满分值"], [["A 项目决策", "长" * 60, "1.5"]])
    dashes = [len(seg) for seg in text.splitlines()[0].strip("+").split("+")]
    assert dashes[2] >= width("满分值") + 4 + 2
    assert dashes[1] < width("长" * 60)
    html = pypandoc.convert_text(text, "html", format="markdown+east_asian_line_breaks")
    assert "长" * 60 in html  # wrapped in the grid, joined again by the reader


def test_wrap_breaks_only_where_no_space_appears():
    assert wrap("C103 平台支撑政府和市场", 8) == ["C103 平", "台支撑政", "府和市场"]
    assert wrap("2018年报告", 3) == ["2018年", "报", "告"]  # never inside 2018
    assert wrap(r"\*\*", 1) == [r"\*\*"]


def test_a_text_keeps_its_reference_tokens_whole_and_the_rest_literal():
    """An analyst's goal made plain (the 自评表 annex) may hold a reference: its token reaches the
    stitcher whole (escaping it gave ⟦ref:budget\\_lines⟧, which nothing numbered), every other
    character stays literal, and a table cell takes the text as it is."""
    from jixiao.markup import Markdown, escape, escape_keeping_references

    text = escape_keeping_references("预算见 ⟦ref:budget_lines⟧ 和 *表* a_b [链接](x)")
    assert text == "预算见 ⟦ref:budget_lines⟧ 和 \\*表\\* a\\_b \\[链接\\](x)"
    assert isinstance(text, Markdown) and escape(text) == text
    assert pipe_table(["目标"], [[text]]).splitlines()[2] == f"| {text} |"
