"""The form in Word and PDF, laid out as the national form."""

import io
from dataclasses import replace

import pytest
from docx import Document
from pypdf import PdfReader

from form_projects import write_form_project
from jixiao.form.document import docx_bytes, grid, pdf_bytes
from jixiao.form.model import build_form
from jixiao.numeric import fixed2
from jixiao.project import load_project


@pytest.fixture(scope="module")
def form(tmp_path_factory):
    return build_form(load_project(write_form_project(tmp_path_factory.mktemp("form"))))


def test_the_grid_merges_levels_and_ends_with_the_total(form):
    cells, rows = grid(form)
    level1 = [c for c in cells if c.col == 1 and c.text in {r.level1 for r in form.rows}]
    assert sum(c.rowspan for c in level1) == len(form.rows)
    assert any(c.rowspan > 1 for c in level1)
    last = [c for c in cells if c.row == rows - 1]
    assert [c.text for c in last] == ["总分", "100", fixed2(form.total), f"评级：{form.grade}"]
    occupied = set()
    for c in cells:  # no two cells overlap
        spot = {(c.row + i, c.col + j) for i in range(c.rowspan) for j in range(c.colspan)}
        assert not spot & occupied
        occupied |= spot
    assert len(occupied) == rows * 9


def test_word_is_a4_landscape_with_merged_cells_and_the_same_figures(form):
    document = Document(io.BytesIO(docx_bytes(form)))
    section = document.sections[0]
    assert section.page_width > section.page_height
    table = document.tables[0]
    text = [c.text for c in table._cells]
    assert "偏差原因分析及改进措施" in text and fixed2(form.total) in text and "项目资金（万元）" in text
    merged = [tc for tc in table._tbl.iter() if tc.tag.endswith("}vMerge")]
    assert merged  # 一级、二级指标 span rows
    assert document.core_properties.author == form.unit
    assert docx_bytes(form) == docx_bytes(form)  # same inputs, same bytes


def test_pdf_is_landscape_and_prints_inputs_as_text(form):
    evil = replace(form, name='#set page(fill: red) "]) \\ 〔2020〕', goal="$x$ *粗* #import \"/etc/passwd\"")
    reader = PdfReader(io.BytesIO(pdf_bytes(evil)))
    page = reader.pages[0]
    assert page.mediabox.width > page.mediabox.height
    text = "".join(p.extract_text() for p in reader.pages).replace("\n", "")
    assert "项目支出绩效自评表" in text and fixed2(form.total) in text
    assert "#set page(fill: red)" in text and "#import" in text
