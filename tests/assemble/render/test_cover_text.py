"""Cover fields and the running header are text wherever they are printed: the stitched metadata
holds them Markdown-escaped (pandoc reads it as Markdown), and what does not read Markdown — Word's
cover, header and properties, the PDF's and the printed HTML's running header — shows the value as
the analyst typed it, never its escapes."""

import re
import subprocess
import zipfile

import pytest
import yaml

from jixiao.assemble.render import builtin, html_print
from jixiao.markup import escape

NAME = "[2018]专项#1*粗*_u_<b>$x$@y"
EVALUATOR = "大华]#image(\"/etc/passwd\")["


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cover")
    meta = {"title": f"{escape(NAME)}项目支出绩效评价报告", "cover-title": [escape(NAME), "项目支出绩效评价报告"],
            "project": escape(NAME), "cover": [{"label": "项目名称", "value": escape(NAME)},
                                               {"label": "评价机构", "value": escape(EVALUATOR)}],
            "date": "2019年7月1日", "serif-fonts": ["Noto Serif CJK SC"], "sans-fonts": ["Noto Sans CJK SC"]}
    path = folder / "report.md"
    path.write_text(f"---\n{yaml.safe_dump(meta, allow_unicode=True)}---\n\n# 一、项目基本情况\n\n正文。\n",
                    encoding="utf-8")
    return path


def test_word_cover_header_and_properties_show_the_value_not_its_escapes(source):
    target = source.parent / "report.docx"
    builtin.docx(source, target)
    parts = zipfile.ZipFile(target)
    texts = {name: parts.read(name).decode("utf-8") for name in parts.namelist() if name.endswith(".xml")}
    document, core = texts["word/document.xml"], texts["docProps/core.xml"]
    headers = "".join(v for k, v in texts.items() if k.startswith("word/header"))
    for shown in (document, headers, core):
        assert "\\" not in re.sub(r"<w:instrText[^>]*>[^<]*</w:instrText>", "", shown)  # field codes: PAGEREF … \h
    assert "[2018]专项#1*粗*_u_&lt;b&gt;$x$@y" in document and "[2018]专项#1*粗*_u_&lt;b&gt;$x$@y" in headers
    assert "大华]#image(\"/etc/passwd\")[" in core.replace("&quot;", "\"")


def test_pdf_and_printed_html_running_header_show_the_value(source):
    target = source.parent / "report.pdf"
    builtin.pdf(source, target)
    text = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, text=True).stdout
    assert "\\" not in text and "[2018]专项#1*粗*_u_<b>$x$@y" in text.replace(" ", "")
    style = html_print.print_style(yaml.safe_load(source.read_text(encoding="utf-8").split("---\n")[1]))
    assert style.count("\\00005c") == 0  # no escaped backslash in the CSS string
