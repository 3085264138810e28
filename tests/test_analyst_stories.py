"""The analyst's stories of issue 9, each on a copy of the example by editing only notebooks, the
outline or the project's files, each asserted in the rendered PDF text; a report without its
optional texts numbers its headings without gaps; a national-2020 project shows its survey
table and chart after the indicator it is attached to."""

import re
import shutil
import sys

import nbformat
import yaml
from pypdf import PdfReader

from conftest import EXAMPLE, ROOT, copy_example, copy_example_with_notebooks, jixiao, run_chapter

sys.path.insert(0, str(ROOT / "tests" / "scoring"))

from framework_projects import write_project  # noqa: E402

CHINESE = "一二三四五六七八九十"


def _pdf_text(params) -> str:
    done = jixiao("run", params, "--to", "pdf", "--engine", "builtin", cwd=params.parent.parent)
    assert done.returncode == 0, done.stderr
    reader = PdfReader(str(params.parent.parent / "output" / params.stem / "report.pdf"))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def _cell_after(path, anchor: str, source: str) -> None:
    """Insert a code cell after the first cell containing ``anchor``."""
    nb = nbformat.read(path, as_version=4)
    at = next(n for n, cell in enumerate(nb.cells) if anchor in cell.source)
    nb.cells.insert(at + 1, nbformat.v4.new_code_cell(source))
    nbformat.write(nb, path)


def test_change_one_sentence_of_the_conclusion(tmp_path):
    params = copy_example_with_notebooks(tmp_path)
    path = tmp_path / "notebooks" / "03_conclusion.ipynb"
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        cell.source = cell.source.replace("对照指标体系逐项评分，", "对照指标体系逐项打分并经专家复核，")
    nbformat.write(nb, path)
    text = _pdf_text(params)
    assert "对照指标体系逐项打分并经专家复核，总得分为90.71分" in text


def test_add_a_paragraph_with_a_figure_from_facts(tmp_path):
    params = copy_example_with_notebooks(tmp_path)
    _cell_after(tmp_path / "notebooks" / "05_findings.ipynb", 'C.text("experience")',
                'C.say("全年归集数据 {{ num(facts.records_2018) }} 条，较上年增长 {{ growth(facts.records_2018, '
                'facts.records_2017) }}。")')
    text = _pdf_text(params)
    assert "全年归集数据16,995,805条，较上年增长14.48%。" in text


def test_add_a_chart_from_a_data_table(tmp_path):
    params = copy_example_with_notebooks(tmp_path)
    _cell_after(tmp_path / "notebooks" / "01_overview.ipynb", "#| tbl-cap: 项目预算明细表",
                'rows = P.table("budget_lines")\n'
                'amounts = [r.amount / 10000 for r in rows]\n'
                'C.figure(charts.bars([r.name for r in rows], amounts, [f"{a:.2f}" for a in amounts], "预算金额（万元）"),\n'
                '         "budget_chart", "各子项目预算金额")')
    text = _pdf_text(params)
    assert "图1-1各子项目预算金额" in text


def test_add_a_chapter_between_two_chapters(tmp_path):
    params = copy_example_with_notebooks(tmp_path)
    special = nbformat.v4.new_notebook()
    special.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    special.cells = [
        nbformat.v4.new_code_cell('params_file = "../params/shanghai-credit-2018.yaml"\nproject_file = None',
                                  metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("from jixiao.pieces.chapter import open_chapter\n\nC = open_chapter(globals())"),
        nbformat.v4.new_markdown_cell("# 专题调查"),
        nbformat.v4.new_code_cell('C.say("本章专门分析{{ project.name }}的社会公众使用情况。")'),
    ]
    (params.parent / "notebooks").mkdir()
    nbformat.write(special, params.parent / "notebooks" / "special.ipynb")
    outline = yaml.safe_load((ROOT / "notebooks" / "outlines" / "third-party.yml").read_text(encoding="utf-8"))
    outline["chapters"].insert(2, {"notebook": "notebooks/special.ipynb", "title": "专题调查"})
    (params.parent / "my-outline.yml").write_text(yaml.safe_dump(outline, allow_unicode=True), encoding="utf-8")
    params.write_text(params.read_text(encoding="utf-8") + "\noutline: my-outline.yml\n", encoding="utf-8")
    shutil.rmtree(tmp_path / "notebooks")  # the template's notebooks, as installed
    text = _pdf_text(params)
    assert "三、专题调查本章专门分析2018年上海市公共信用信息服务中心专项的社会公众使用情况。" in text
    assert "四、评价结论和绩效分析" in text and "表4-1项目评分汇总表" in text and "五、主要经验及做法" in text


def _headings(markdown: str) -> list[tuple[int, str]]:
    return [(len(m.group(1)), m.group(2)) for m in re.finditer(r"^(#+) (.*)$", markdown, re.M)]


def test_without_optional_texts_no_heading_number_is_skipped(tmp_path):
    params = copy_example(tmp_path)
    raw = yaml.safe_load(params.read_text(encoding="utf-8"))
    required = {"background", "content", "goals", "conclusion", "achievements", "problems", "suggestions"}
    raw["texts"] = {k: v for k, v in raw["texts"].items() if k in required}
    params.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    text = _pdf_text(params)
    markdown = (tmp_path / "output" / EXAMPLE / "report.md").read_text(encoding="utf-8")
    counters = {}
    for level, title in _headings(markdown):
        for deeper in [k for k in counters if k > level]:
            del counters[deeper]
        number = re.match(r"^(?:([一二三四五六七八九十]+)、|（([一二三四五六七八九十]+)）|(\d+)\. |（(\d+)）)", title)
        if not number:
            continue
        value = next(g for g in number.groups() if g)
        n = CHINESE.index(value) + 1 if value in CHINESE else int(value)
        assert n == counters.get(level, 0) + 1, (level, title)
        counters[level] = n
        assert title.replace(" ", "") in text, title  # the same heading in the PDF
    assert "项目的组织及管理" not in markdown and "五、其他需说明事项" in text.replace(" ", "")
    assert "本次评价无其他需说明的事项。" in text
    assert "四、存在的问题和建议" in text  # no 主要经验及做法 text: the chapter's title does not name it


def test_national_project_shows_its_survey_table_and_chart_at_the_satisfaction_indicator(tmp_path):
    params = write_project(tmp_path, "national-2020")
    data = tmp_path / "data" / "national-2020"
    (data / "surveys.csv").write_text("调查对象,满意度\n服务对象,86.5\n受益群众,91.2\n", encoding="utf-8")
    raw = yaml.safe_load(params.read_text(encoding="utf-8"))
    rows = (data / "indicators.csv").read_text(encoding="utf-8").splitlines()
    code = next(line.split(",")[2] for line in rows if "满意度" in line.split(",")[3])
    raw["data"]["surveys"] = "surveys.csv"
    raw["exhibits"] = [{"after": code, "table": "surveys"}, {"after": code, "chart": "surveys"}]
    params.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert jixiao("check", params).returncode == 0
    text = run_chapter("04_analysis", params, tmp_path)
    section = text.split(f"##### {code} ", 1)[1].split("##### ", 1)[0]
    assert "满意度调查结果" in section and "| 服务对象 | 86.50% |" in section
    nb = nbformat.read(tmp_path / "04_analysis.ipynb", as_version=4)
    figures = [o["metadata"]["jixiao"]["label"] for c in nb.cells if c.cell_type == "code" for o in c.outputs
               if "image/png" in o.get("data", {})]
    assert "surveys-chart" in figures
