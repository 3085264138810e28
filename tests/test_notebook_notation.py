"""The notation notebook users know (issue 17), as stories on copies of the example, each asserted in
the rendered PDF text: numbers in Markdown cells ({eval}), every indicator's score sentence, a section
removed and one added with two numbers, a DataFrame table from a new CSV with an @tbl- reference, a
chapter added, the chart palette changed for all reports by the style sheet, one project with its own
chapter wording while another keeps the template's; and what `check` finds first (a duplicate facts
key, a misspelt {eval} name, a misspelt template name)."""

import re
import shutil

import matplotlib.image
import nbformat
import yaml
from pypdf import PdfReader

from conftest import EXAMPLE, ROOT, copy_example, copy_example_with_notebooks, jixiao


def _edit(path, old, new):
    nb = nbformat.read(path, as_version=4)
    found = [cell for cell in nb.cells if old in cell.source]
    assert found, old
    for cell in found:
        cell.source = cell.source.replace(old, new)
    nbformat.write(nb, path)


def _insert_after(path, anchor: str, *cells):
    nb = nbformat.read(path, as_version=4)
    at = next(n for n, cell in enumerate(nb.cells) if anchor in cell.source)
    nb.cells[at + 1:at + 1] = list(cells)
    nbformat.write(nb, path)


def _pdf_text(params) -> str:
    done = jixiao("run", params, "--to", "pdf", "--engine", "builtin", cwd=params.parent.parent)
    assert done.returncode == 0, done.stdout + done.stderr
    reader = PdfReader(str(params.parent.parent / "output" / params.stem / "report.pdf"))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def test_stories_of_one_project_in_the_pdf(tmp_path):
    params = copy_example_with_notebooks(tmp_path)
    notebooks = tmp_path / "notebooks"
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell

    # 1. a sentence with numbers in a Markdown cell
    _edit(notebooks / "03_conclusion.ipynb", "对照指标体系逐项评分，总得分为 {eval}`total` 分",
          "对照指标体系逐项打分，总得分为 {eval}`total` 分（比满分少 {eval}`weight - total` 分）")
    # 2. every indicator's closing score sentence
    _edit(notebooks / "04_analysis.ipynb", "根据评价标准该指标评分为", "依据评分标准，本指标得")
    # 3. 与上年比较 removed, 风险提示 added with two numbers
    nb = nbformat.read(notebooks / "03_conclusion.ipynb", as_version=4)
    at = next(n for n, cell in enumerate(nb.cells) if "### 与上年比较" in cell.source)
    nb.cells[at:] = [md("### 风险提示\n\n失分最多的一级指标得分率为 {eval}`min(d.rate for d in dimensions)`，"
                        "其余 {eval}`len(indicators) - 1` 项三级指标另见附件。")]
    nbformat.write(nb, notebooks / "03_conclusion.ipynb")
    # 4. a table of the project's own: a new CSV, a DataFrame with caption, totals and an @tbl- reference
    (tmp_path / "data" / EXAMPLE / "monthly_spending.csv").write_text(
        "月份,支出金额,笔数\n1月,1234567.5,12\n2月,2765432.5,1300\n", encoding="utf-8")
    raw = yaml.safe_load(params.read_text(encoding="utf-8"))
    raw["data"]["monthly_spending"] = "monthly_spending.csv"
    params.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    _insert_after(notebooks / "01_overview.ipynb", "execution_result =",
                  md("各月支出见@tbl-monthly_spending，共 {eval}`len(C.data('monthly_spending'))` 个月。"),
                  code("#| label: tbl-monthly_spending\n#| tbl-cap: 各月支出情况\n#| totals: 支出金额, 笔数\n"
                       "C.data('monthly_spending')"))
    # 5. a chapter added through the project's own outline (beside its parameter file)
    outline = yaml.safe_load((notebooks / "outlines" / "third-party.yml").read_text(encoding="utf-8"))
    outline["chapters"].insert(5, {"notebook": "07_outlook.ipynb", "title": "展望"})
    (tmp_path / "params" / "outline.yml").write_text(yaml.safe_dump(outline, allow_unicode=True), encoding="utf-8")
    chapter = nbformat.read(notebooks / "05_findings.ipynb", as_version=4)
    chapter.cells = chapter.cells[:3] + [md("# 展望\n\n下一年度预算为本年的 {eval}`rates.execution.value`。")]
    nbformat.write(chapter, tmp_path / "params" / "07_outlook.ipynb")
    raw["outline"] = "outline.yml"
    params.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    # 6. the chart palette for every report, in the template's style sheet
    style = notebooks / "charts.mplstyle"
    style.write_text(style.read_text(encoding="utf-8").replace("'2e75b6'", "'ff0000'"), encoding="utf-8")

    text = _pdf_text(params)
    assert "对照指标体系逐项打分，总得分为90.71分（比满分少9.29分）" in text
    assert text.count("依据评分标准，本指标得") == 38 and "根据评价标准该指标评分为" not in text
    assert "3.风险提示失分最多" in text  # where 与上年比较 stood (empty for a project without last year)
    assert "失分最多的一级指标得分率为89.93%，其余37项三级指标另见附件" in text
    assert "各月支出见表1-2，共2个月" in text and "表1-2各月支出情况" in text
    assert "1,234,567.50" in text and "合计4,000,000.00" in text.replace("合计4,000,000.001,312", "合计4,000,000.00")
    assert "五、展望" in text and "六、其他需说明事项" in text
    assert "下一年度预算为本年的100.00%" in text
    figure = matplotlib.image.imread(tmp_path / "output" / EXAMPLE / "figures" / "dimension_rates.png")
    red = (figure[..., 0] > 0.9) & (figure[..., 1] < 0.1) & (figure[..., 2] < 0.1)
    assert red.sum() > 1000  # the bars in the new colour


def test_one_project_has_its_own_chapter_wording_while_another_keeps_the_template(tmp_path):
    own, plain = tmp_path / "own", tmp_path / "plain"
    own_params, plain_params = copy_example(own), copy_example(plain)
    outline = yaml.safe_load((ROOT / "notebooks" / "outlines" / "third-party.yml").read_text(encoding="utf-8"))
    outline["chapters"][4]["notebook"] = "05_findings.ipynb"
    (own / "params" / "outline.yml").write_text(yaml.safe_dump(outline, allow_unicode=True), encoding="utf-8")
    shutil.copy(ROOT / "notebooks" / "05_findings.ipynb", own / "params")
    _edit(own / "params" / "05_findings.ipynb", "## 存在的问题", "## 本项目存在的主要问题")
    raw = yaml.safe_load(own_params.read_text(encoding="utf-8"))
    raw["outline"] = "outline.yml"
    own_params.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert "（二）本项目存在的主要问题" in _pdf_text(own_params)
    text = _pdf_text(plain_params)
    assert "（二）存在的问题" in text and "本项目存在的主要问题" not in text


def test_check_finds_a_duplicate_fact_and_misspelt_names_with_file_and_cell(tmp_path):
    params = copy_example_with_notebooks(tmp_path)
    text = params.read_text(encoding="utf-8")
    params.write_text(text.replace("facts:\n", "facts:\n  records_2018: 1\n", 1), encoding="utf-8")
    done = jixiao("check", params, cwd=tmp_path)
    assert done.returncode == 1
    assert "records_2018" in done.stdout + done.stderr and "重复" in done.stdout + done.stderr
    params.write_text(text, encoding="utf-8")

    _edit(tmp_path / "notebooks" / "03_conclusion.ipynb", "总得分为 {eval}`total` 分", "总得分为 {eval}`totl` 分")
    _edit(tmp_path / "notebooks" / "06_closing.ipynb", "本次{{ report.kind }}无其他", "本次{{ reprot.kind }}无其他")
    done = jixiao("check", params, cwd=tmp_path)
    out = done.stdout + done.stderr
    assert done.returncode == 1
    assert "03_conclusion.ipynb 的第 3 个 Markdown 单元：{eval}`totl` 中的名称『totl』不存在，是否想写『total』？" in out
    assert "06_closing.ipynb 的第 3 个代码单元：C.text 的 otherwise 的文字模板中的名称『reprot』不存在，是否想写『report』？" in out


def test_a_chapter_written_in_the_earlier_notation_keeps_working(tmp_path):
    """A project's own chapter from before {eval} and cell options (C.say with {{ ref(…) }},
    C.table(markdown, label, caption), a project_file parameter) prints as it did."""
    params = copy_example(tmp_path)
    outline = yaml.safe_load((ROOT / "notebooks" / "outlines" / "third-party.yml").read_text(encoding="utf-8"))
    outline["chapters"][2]["notebook"] = "old_style_conclusion.ipynb"
    (tmp_path / "params" / "outline.yml").write_text(yaml.safe_dump(outline, allow_unicode=True), encoding="utf-8")
    shutil.copy(ROOT / "tests" / "fixtures" / "chapters" / "old_style_conclusion.ipynb", tmp_path / "params")
    raw = yaml.safe_load(params.read_text(encoding="utf-8"))
    raw["outline"] = "outline.yml"
    params.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    done = jixiao("run", params, "--to", "html", "--engine", "builtin", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    report = (tmp_path / "output" / EXAMPLE / "report.md").read_text(encoding="utf-8")
    assert "总得分为 90.71 分（满分 100 分）" in report and "各一级指标的权重与得分见表 3-1" in report
    assert ": 表 3-1 项目评分汇总表" in report and "⟦" not in report
