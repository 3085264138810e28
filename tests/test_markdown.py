import pypandoc

from jixiao.markdown import SPAN, escape, grid_table, pipe_table, shift_headings, width


def test_grid_table_row_spans_survive_pandoc():
    text = grid_table(["一级", "二级", "三级"], [["A 决策", "A1 立项", "A101"], [SPAN, SPAN, "A102"], [SPAN, "A2 目标", "A201"]],
                      "t", "测试表")
    html = pypandoc.convert_text(text, "html", format="markdown")
    assert 'rowspan="3" style="text-align: left;">A 决策</td>' in html
    assert 'rowspan="2" style="text-align: left;">A1 立项</td>' in html
    assert "<caption>[[tbl:t]] 测试表</caption>" in html


def test_escape_keeps_data_literal():
    html = pypandoc.convert_text(pipe_table(["名称"], [["<script>alert(1)</script> *x*"]]), "html",
                                 format="markdown-raw_html")
    assert "&lt;script&gt;" in html and "<em>" not in html
    assert escape("a|b") == r"a\|b"


def test_width_counts_cjk_double():
    assert width("A项目") == 5


def test_shift_headings():
    assert shift_headings("### 一\n\n#### 二", 4) == "#### 一\n\n##### 二"
