"""What the chapter notebooks print, read from their code: which chapter prints which text and
table, the tables they name, the references they make."""

import nbformat

from jixiao.inputs.chapters import chapter_numbers, named_tables, read_asks


def _notebook(path, *cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(c[3:]) if c.startswith("md:") else nbformat.v4.new_code_cell(c)
                for c in cells]
    nbformat.write(nb, path)
    return path


def test_chapters_are_counted_by_their_numbered_level_one_headings(tmp_path):
    """A notebook without a level-1 heading continues the chapter before it; an annex ({-}) is
    unnumbered and its tables are nobody's chapter."""
    one = _notebook(tmp_path / "a.ipynb", "md:# 概况", 'C.text("goals")', "#| label: tbl-budget\nx")
    two = _notebook(tmp_path / "b.ipynb", "md:# 结论", 'C.figure(f, "rates", "得分率")')
    more = _notebook(tmp_path / "c.ipynb", "C.analysis(code)\nC.exhibits(code, CAPTIONS)")
    annex = _notebook(tmp_path / "d.ipynb", "md:# 其他", 'C.text("other")', "md:# 附件 {-}", "#| label: tbl-standards\nx")
    assert chapter_numbers([one, two, more, annex]) == {
        ("text", "goals"): 1, ("label", "budget"): 1, ("label", "rates"): 2, ("analysis", ""): 2,
        ("exhibits", ""): 2, ("text", "other"): 3}


def test_tables_named_in_calls_and_references_in_sentences(tmp_path):
    path = _notebook(tmp_path / "a.ipynb", "md:# 概况\n\n明细见@tbl-budget。",
                     'tables.data_table(P, "budget_lines", totals=("amount",))\nC.data(name="own")',
                     'C.say("见@fig-rates。")\nCAPTIONS = {"targets": "绩效目标表"}')
    assert {"budget_lines", "own"} <= named_tables([path]) and "targets" not in named_tables([path])
    assert read_asks([path]).refs == [("budget", "a.ipynb 的第 1 个 Markdown 单元"), ("rates", "a.ipynb 的第 2 个代码单元")]
