"""--redact: the public copy hides personal data in every format; the internal report keeps it."""

import csv
import re

import docx
from pypdf import PdfReader

from conftest import ROOT, EXAMPLE
from jixiao.build.redact import mask_name, redact


def _staff():
    with open(ROOT / "data" / EXAMPLE / "staff.csv", encoding="utf-8") as f:
        return [row["姓名"] for row in csv.DictReader(f)]


def _squeeze(text):
    return re.sub(r"\s+", "", text)


def test_masks_names_phones_and_ids():
    text = "负责人叶东晖，手机13812345678，电话021-64381234，身份证310105198001011234。"
    assert redact(text, ["叶东晖"]) == "负责人叶**，手机138****5678，电话021-****1234，身份证310***********1234。"
    assert mask_name("马臻") == "马*"


def test_public_copy_has_no_staff_name_in_any_format(rendered):
    public = rendered / "public"
    html = (public / "report.html").read_text(encoding="utf-8")
    pdf = _squeeze("".join(p.extract_text() for p in PdfReader(str(public / "report.pdf")).pages))
    document = docx.Document(str(public / "report.docx"))
    word = "".join(p.text for p in document.paragraphs) + "".join(
        c.text for t in document.tables for row in t.rows for c in row.cells)
    for name in _staff():
        assert name not in html and name not in pdf and name not in word, name
    assert "叶**" in html and "叶**" in pdf and "叶**" in word


def test_internal_report_keeps_the_names(rendered):
    html = (rendered / "report.html").read_text(encoding="utf-8")
    assert all(name in html for name in _staff())


def test_declared_personal_names_are_masked_too():
    from jixiao.project import load_project
    from jixiao.build.redact import personal_names

    project = load_project(ROOT / "params" / f"{EXAMPLE}.yaml")
    project.params.personal_names = ["张三丰"]
    names = personal_names(project)
    assert "张三丰" in names and "叶东晖" in names
    assert redact("张三丰与叶东晖", names) == "张**与叶**"
