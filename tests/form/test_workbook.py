"""The form in Excel: numbers with formats, formulas that LibreOffice computes to jixiao's values,
texts that stay texts, A4 landscape printing, valid unique sheet names."""

from dataclasses import replace
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from form_projects import formula_cells, recalculated, write_form_project
from jixiao.form.model import build_form
from jixiao.form.workbook import SUMMARY, Entry, department_workbook, form_workbook, save, sheet_name, write_sheet
from jixiao.project import load_project


@pytest.fixture(scope="module")
def form(tmp_path_factory):
    return build_form(load_project(write_form_project(tmp_path_factory.mktemp("form"))))


def _same(computed, expected) -> bool:
    if isinstance(expected, Decimal):
        return isinstance(computed, (int, float)) and abs(Decimal(str(computed)) - expected) < Decimal("1e-9")
    return computed == expected


def test_libreoffice_recalculates_every_formula_to_jixiaos_value(form, tmp_path):
    workbook, expected = department_workbook([Entry("a.yaml", form), Entry("b.yaml", error="坏了"),
                                              Entry("c.yaml", replace(form, name="另一个项目"))])
    save(workbook, tmp_path / "dept.xlsx")
    single = Workbook()
    expected["自评表"] = write_sheet(single.active, form).values
    single.active.title = "自评表"
    save(single, tmp_path / "one.xlsx")
    for path in (tmp_path / "dept.xlsx", tmp_path / "one.xlsx"):
        formulas = formula_cells(path)
        computed = recalculated(path, tmp_path / path.stem)
        for sheet, refs in formulas.items():
            assert set(refs) == set(expected[sheet]), sheet  # every formula cell has jixiao's value
            for ref in refs:
                assert _same(computed[sheet][ref].value, expected[sheet][ref]), (sheet, ref, computed[sheet][ref].value,
                                                                               expected[sheet][ref])


def test_figures_are_numbers_with_formats_and_totals_are_formulas(form, tmp_path):
    save(form_workbook(form), tmp_path / "f.xlsx")
    ws = load_workbook(tmp_path / "f.xlsx")["自评表"]
    labels = {c.value: c for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    whole = ws.cell(labels["年度资金总额"].row, 5)
    assert whole.value == 100 and whole.number_format == "#,##0.00"
    rate = ws.cell(whole.row, 8)
    assert rate.value.startswith("=") and rate.number_format == "0.00%"
    total = ws.cell(labels["总分"].row, 8)
    assert total.value.startswith("=ROUND(") and total.number_format == "0.00"
    score = ws.cell(labels["总分"].row - 1, 8)
    assert isinstance(score.value, (int, float)) or score.value == "不适用"


def test_a_text_that_looks_like_a_formula_stays_text(form, tmp_path):
    evil = replace(form, name='=HYPERLINK("http://example.com","点我")', goal="=1+1", unit="@SUM(A1)")
    save(form_workbook(evil), tmp_path / "evil.xlsx")
    ws = load_workbook(tmp_path / "evil.xlsx")["自评表"]
    texts = [c for row in ws.iter_rows() for c in row if c.value in (evil.name, "=1+1", "@SUM(A1)")]
    assert len(texts) == 3 and all(c.data_type == "s" for c in texts)


def test_the_sheet_prints_on_a4_landscape_one_page_wide_with_frozen_title_rows(form, tmp_path):
    save(form_workbook(form), tmp_path / "f.xlsx")
    ws = load_workbook(tmp_path / "f.xlsx")["自评表"]
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert str(ws.print_area).endswith(f"$A$1:$I${ws.max_row}")
    assert ws.freeze_panes == "A5" and ws.print_title_rows == "$1:$2"
    assert all(ws.column_dimensions[c].width >= 8 for c in "ABCDEFGHI")


def test_sheet_names_are_valid_and_unique():
    taken = set()
    names = [sheet_name(n, taken) for n in ["项目[甲]:一/二*三?四\\五", "汇总", "x" * 40, "x" * 40, "'引号'", "", "History",
                                             "𠀀" * 20, "Abc", "abc"]]
    assert len({n.casefold() for n in names}) == len(names)
    for name in names:
        assert name and len(name.encode("utf-16-le")) // 2 <= 31 and not set(name) & set("[]:*?/\\")
        assert not name.startswith("'") and not name.endswith("'") and name.casefold() not in (SUMMARY, "history")
    assert names[3].endswith("（2）") and names[9] == "abc（2）"
