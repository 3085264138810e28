"""report.lua, the typesetting rules both engines apply: Chinese list numbering, total rows,
column widths from content, Typst tables, East Asian line breaks."""

import json
import re
import subprocess
import zipfile

import pypandoc

from jixiao.assemble.render.builtin import FILTER, READER, TEMPLATES


def convert(markdown: str, to: str) -> str:
    return pypandoc.convert_text(markdown, to, format=READER, extra_args=[f"--lua-filter={TEMPLATES / FILTER}"])


def test_bullets_become_chinese_numbered_paragraphs_in_every_format():
    text = "### 5. 利益相关方\n\n- 主管部门\n- 项目单位\n"
    for to in ("html5", "docx", "typst", "plain"):
        out = convert(text, "plain" if to == "docx" else to)
        if to == "typst":  # the opening bracket in a box of one em (no squeezed indent)
            out = out.replace("#box(width: 1em, align(right, [（]))", "（")
        assert "（1）主管部门" in out and "（2）项目单位" in out, (to, out)
        assert "<li>" not in out and "- " not in out
    html = convert(text, "html5")
    assert "<p>（1）主管部门</p>" in html


def test_numbering_goes_one_level_below_the_heading_and_deeper_when_nested():
    text = ("#### （2）项目管理制度\n\n1. 《规范》\n2. 《指南》\n\n"
            "### 3. 过程\n\n1. 策划\n    - 甲\n    - 乙\n2. 收集\n")
    out = convert(text, "plain")
    assert "1）《规范》" in out and "2）《指南》" in out
    assert "（1）策划" in out and "1）甲" in out and "2）乙" in out and "（2）收集" in out


def test_ordered_list_keeps_its_start_number():
    assert "（3）丙" in convert("3. 丙\n4. 丁\n", "plain")


TOTAL = """: 表 1-1 预算

| 序号 | 子项目名称 | 金额 |
|:--:|:--|--:|
| 1 | 数据归集 | 100 |
|  | 合计 | 100 |
"""


def test_total_row_spans_the_label_columns_in_bold():
    html = " ".join(convert(TOTAL, "html5").split())
    assert '<td colspan="2" class="total" style="text-align: center;"><strong>合计</strong></td>' in html
    assert '<td class="total" style="text-align: right;"><strong>100</strong></td>' in html
    typ = convert(TOTAL, "typst")
    assert 'colspan: 2, align: center, body: text(weight: "bold", [合计])' in typ
    assert 'body: text(weight: "bold", [100])' in typ
    assert 'body: text(weight: "bold", [数据归集])' not in typ


def test_every_total_row_is_bold_and_only_the_last_spans():
    """表 3-2 with 不适用 indicators: the 合计 row and the 折算总分 row after it are both bold;
    折算总分 keeps its own column (its working stands beside it)."""
    table = TOTAL.replace("|  | 合计 | 100 |", "|  | 合计 | 100 |\n| 折算总分 |  | 90 |")
    html = convert(table, "html5")
    assert "<strong>合计</strong>" in html and "<strong>折算总分</strong>" in html and "colspan" not in html


def test_a_row_that_is_not_a_total_is_left_alone():
    html = convert(TOTAL.replace("合计", "其他"), "html5")
    assert "colspan" not in html


WIDE = """: 表 3-2 结果

| 一级指标 | 三级指标 | 目标值 | 评分值 |
|:--|:--|:--|--:|
| A 项目决策 | 平台支撑政府和市场重点应用专题研究报告，这一列的文字很长很长很长很长很长很长很长很长很长 | ≥200万人次 | 100.00% |
"""


def _widths(markdown: str) -> list[float]:
    table = next(b for b in json.loads(pypandoc.convert_text(
        markdown, "json", format=READER, extra_args=[f"--lua-filter={TEMPLATES / FILTER}"]))["blocks"]
        if b["t"] == "Table")
    return [spec[1]["c"] if isinstance(spec[1], dict) else 0 for spec in table["c"][2]]


def test_short_cells_get_the_width_they_need_and_long_text_the_rest():
    widths = _widths(WIDE)
    assert abs(sum(widths) - 1) < 1e-6
    ems = [w * 42.65 for w in widths]  # the text width (15.8 cm) in ems of table text
    # a CJK character is 1 em, a digit half, a capital 0.7, a space and a point a quarter, % 0.83,
    # CJK next to Latin 0.2 apart; a cell has 1.03 em of padding (Word's 0.19 cm a side)
    assert ems[0] >= 5.98 and ems[2] >= 6.73 and ems[3] >= 4.61, ems
    assert widths[1] == max(widths)


def test_typst_tables_call_the_template_with_a_continued_caption():
    typ = convert(WIDE, "typst")
    assert typ.lstrip().startswith("#jixiao-table(")
    assert "caption: [表 3-2 结果]" in typ and "continued: [续表 3-2]" in typ
    assert "#figure(" not in typ and "kind: table" not in typ


GRID = """+------+---------------------------+
| 项目 | 说明                      |
+======+===========================+
| 甲   | **粗体** 与 #号、<标签>   |
+------+---------------------------+
| 乙   | ```                       |
|      | // jixiao-piece-break     |
|      | ```                       |
+------+---------------------------+
|      |                           |
+------+---------------------------+

: 表 2-1 说明
"""


def test_typst_cells_written_together_read_as_each_written_alone():
    """Cells are written in one batch; a cell whose own code holds the batch's separator line
    makes the batch fall back to one write per cell, with the same result."""
    typ = convert(GRID, "typst")
    for body in ("[项目]", "[说明]", "[甲]", r"[#strong[粗体] 与 \#号、\<标签\>]", "[乙]",
                 "[```\n// jixiao-piece-break\n```]"):
        assert f"body: {body})" in typ, body
    assert typ.count("body: [])") == 2
    assert "caption: [表 2-1 说明]" in typ and "continued: [续表 2-1]" in typ
    batched = convert(GRID.replace("// jixiao-piece-break", "// jixiao-piece-other"), "typst")
    assert batched.replace("// jixiao-piece-other", "// jixiao-piece-break") == typ


def test_line_breaks_between_chinese_characters_are_dropped():
    out = convert("平台支撑政府\n和市场 end\nof line\n", "html5")
    assert "平台支撑政府和市场" in out and "end of line" in out


CLOSING = """# 五、其他需说明事项

最后一段。

评价机构（盖章）：某某咨询有限公司

报告日期：2019年7月1日

# 附件：绩效指标评分标准

标准。

# 附：评分复核说明

复核。
"""


def test_signature_and_annex_notes_in_html():
    html = convert(CLOSING, "html5")
    assert ('<div class="annex-notes">\n<p>附件：1. 绩效指标评分标准</p>\n<p>\u3000\u3000\u30002. 评分复核说明</p>\n</div>\n'
            '<div class="signature">\n<p>评价机构（盖章）：某某咨询有限公司</p>\n<p>报告日期：2019年7月1日</p>\n</div>') in html
    assert html.index("最后一段") < html.index("annex-notes")
    assert '<div class="annex-label">\n<p>附件1</p>\n</div>' in html and '<p>附件2</p>' in html
    assert re.search(r'<h1 class="annex unnumbered"\s+id="[^"]+">绩效指标评分标准</h1>', html)


def test_signature_and_annexes_in_typst():
    typ = convert(CLOSING, "typst")
    assert "#jixiao-closing(before: ([最后一段。],), notes: ([附件：1. 绩效指标评分标准], [\u3000\u3000\u30002. 评分复核说明],)," in typ
    assert "lines: ([评价机构（盖章）：某某咨询有限公司], [报告日期：2019年7月1日],))" in typ
    assert "#jixiao-annex(label: [附件1], title: [绩效指标评分标准])" in typ
    assert "#jixiao-annex(label: [附件2], title: [评分复核说明])" in typ


def test_one_annex_without_signature_gets_its_note_before_the_annex():
    typ = convert("# 五、其他\n\n正文。\n\n# 附件：标准\n\n评价机构（盖章）：不是落款\n", "typst")
    assert "#jixiao-closing(before: ([正文。],), notes: ([附件：标准],), lines: ())" in typ
    assert "#jixiao-annex(label: [附件], title: [标准])" in typ
    assert "评价机构（盖章）：不是落款" in typ.split("#jixiao-annex")[1]  # a 盖章 line inside an annex is its text


def test_a_paragraph_mentioning_a_seal_later_in_the_line_is_no_signature():
    html = convert("正文说明须加盖公章（盖章）：见后。\n", "html5")
    assert "signature" not in html


def test_document_numbers_take_the_official_brackets():
    out = convert(r"依据《办法》（沪财绩\[2014\]22号）、沪发改稽察［2015］15号和财预(2020)10号；"
                  r"数组\[2014\]不是文号，（2019）年也不是。", "plain")
    assert "沪财绩〔2014〕22号" in out and "沪发改稽察〔2015〕15号" in out and "财预〔2020〕10号" in out
    assert "数组[2014]不是文号" in out and "（2019）年" in out


def test_an_annex_table_continues_as_xu_fubiao():
    typ = convert(TOTAL.replace(": 表 1-1 预算", ": 附表 1 预算"), "typst")
    assert "continued: [续附表 1]," in typ
    assert "continued: [续表 1-1]," in convert(TOTAL, "typst")


LONE = ("### 1. 情况\n\n主要包括：\n\n- 甲\n- 乙\n- 丙\n- 丁\n\n" + "很长的一段分析文字。" * 8
        + "\n\n根据评价标准该指标评分为 2 分（满分 2 分）。\n\n### 2. 下一节\n\n" + "另一段很长的文字。" * 10
        + "\n\n" + "第二段很长的文字，不是一行能写完的。" * 4 + "\n\n### 3. 再下一节\n\n正文。\n")


def test_no_lone_line_at_a_page_foot_or_head(tmp_path):
    """Typst: the list's introduction and first two items, its last two items, and the one-line
    score line with the paragraph before it each become one paragraph (the second part on a new
    indented line), so the widow and orphan rules keep two lines on either side of a break; a
    long last paragraph of a section stays on its own. Word: the first of each pair takes the
    style "Keep With Next"; HTML: div.keep-with-next."""
    typ = convert(LONE, "typst").replace("#box(width: 1em, align(right, [（]))", "（")
    joint = "#linebreak()#h(2em)"
    text = "\n".join(line for line in typ.splitlines() if not line.startswith(("=", "<")))
    paragraphs = [p.replace("\n", " ") for p in text.split("\n\n") if p.strip()]
    assert paragraphs[0].count(joint) == 2 and "主要包括：" in paragraphs[0] and "（2）" in paragraphs[0]
    assert joint in paragraphs[1] and "（3）" in paragraphs[1] and "（4）" in paragraphs[1]
    assert paragraphs[2].endswith("根据评价标准该指标评分为 2 分（满分 2 分）。") and joint in paragraphs[2]
    assert not any(joint in p for p in paragraphs[3:])
    target = tmp_path / "lone.docx"
    pypandoc.convert_text(LONE, "docx", format=READER, outputfile=str(target),
                          extra_args=[f"--lua-filter={TEMPLATES / FILTER}"])
    with zipfile.ZipFile(target) as docx:
        xml = docx.read("word/document.xml").decode("utf-8")
    assert len(re.findall(r"<w:pStyle w:val=\"KeepWithNext\" ?/>", xml)) == 4
    html = convert(LONE, "html5")
    assert html.count('<div class="keep-with-next">') == 4 and "jixiao-list" not in html


LINE_MODEL = """
local filters = dofile(arg[1])
local function upvalue(fn, name)
  for i = 1, 200 do
    local n, v = debug.getupvalue(fn, i)
    if n == nil then return nil end
    if n == name then return v end
  end
end
local Table
for _, f in ipairs(filters) do Table = Table or f.Table end
local spaced = upvalue(Table, "spaced_cells")
local break_point, broken_at, units, runt = upvalue(spaced, "break_point"), upvalue(spaced, "broken_at"),
  upvalue(spaced, "units"), upvalue(spaced, "runt")
local name = "C108 2018年度平台运行报告编辑数量（产出数量）"
local at = break_point(units(name), 7.47)
print(at, runt(units(name), 7.47), runt(units(name), 7.47, -0.05))
local cell = { pandoc.Str("C108"), pandoc.Space(), pandoc.Str("2018年度平台运行报告编辑数量（产出数量）") }
print(pandoc.utils.stringify(pandoc.Pandoc({ pandoc.Plain(broken_at(cell, at)) }):walk({ LineBreak = function() return pandoc.Str("|") end })))
print(break_point(units("平台运行报告编辑数量产出数量说明"), 7.47), runt(units("资金使用情况"), 5), runt(units("资金使用情况"), 6))
"""


def test_a_word_cell_that_would_end_on_one_character_starts_a_line_earlier(tmp_path):
    """The line model Word cells are checked with (report.lua's units, runt, break_point,
    broken_at, read through pandoc lua): 附表 1's C108 name in a 7.47-em cell would end on
    「量）」 at any spacing; it breaks before its bracket, where the line count stays the same.
    A text without a bracket or punctuation has no such place; a text that fits on one line
    is no runt."""
    script = tmp_path / "model.lua"
    script.write_text(LINE_MODEL, encoding="utf-8")
    done = subprocess.run([pypandoc.get_pandoc_path(), "lua", str(script), str(TEMPLATES / FILTER)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "22\ttrue\ttrue"  # 「（」 is the 22nd character
    assert lines[1] == "C108 2018年度平台运行报告编辑数量|（产出数量）"
    assert lines[2] == "nil\ttrue\tfalse"
