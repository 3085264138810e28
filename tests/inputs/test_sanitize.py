"""The analyst's texts reach the report only as text: no file, no address, no script, no metadata."""

import re

import pypandoc
import pytest

from jixiao.errors import InputError
from jixiao.inputs.sanitize import REPORT_FORMAT, sanitize


def clean(text, data_dir):
    return sanitize({"k": (text, "texts/k.md")}, data_dir)["k"]


def html(markdown, reader=REPORT_FORMAT):
    return pypandoc.convert_text(markdown, "html", format=reader)


@pytest.mark.parametrize("text", [
    "![x](/etc/passwd)", "![x](file:///etc/passwd)", "![x](../../etc/passwd)", "![x](http://example.com/a.png)",
    "![x](missing.png)", "![x](notes.txt)",
])
def test_images_outside_the_data_folder_are_refused(text, tmp_path):
    (tmp_path / "notes.txt").write_text("secret")
    with pytest.raises(InputError) as err:
        clean(text, tmp_path)
    assert "texts/k.md" in err.value.messages[0] and "图片" in err.value.messages[0]


def test_an_image_in_the_data_folder_is_kept(tmp_path):
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "site.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 20)
    result = clean("现场照片：\n\n![现场](photos/site.png)", tmp_path)
    (name, path), = result.images.items()
    assert path == tmp_path / "photos" / "site.png" and f"figures/{name}" in result.text


@pytest.mark.parametrize("text", ["[a](javascript:alert(1))", "[a](file:///etc/passwd)", "[a](#top)",
                                  "[a](data:text/html,x)", "<mailto:x@y.z>"])
def test_links_other_than_web_addresses_are_refused(text, tmp_path):
    with pytest.raises(InputError) as err:
        clean(text, tmp_path)
    assert "链接" in err.value.messages[0]


@pytest.mark.parametrize("text", [
    "<div onclick=alert(1)>x</div>", "[x]{onclick=alert(1)}", "[y](http://a){onmouseover=alert(1)}",
    "[y](http://a)\\{onmouseover=alert(1)\\}", "::: {onclick=x}\nfenced\n:::", "# 标题 {#id onclick=x}",
    "<script>alert(1)</script>", "`x`{onclick=1}",
])
def test_no_attribute_or_script_survives_any_reader(text, tmp_path):
    out = clean(text, tmp_path).text
    for reader in (REPORT_FORMAT, "markdown"):  # ours, and a reader with every extension on (as Quarto's)
        page = html(out, reader)
        tags = re.findall(r"<[^>]*>", page)
        assert not [t for t in tags if re.search(r"\son\w+\s*=|<script|<div", t)], (reader, page)


def test_metadata_blocks_and_headings_are_only_text(tmp_path):
    out = clean("前文\n\n---\ntitle: 伪造\n---\n\n% 标题块\n\n二级\n====\n", tmp_path).text
    doc = pypandoc.convert_text("---\ntitle: 真\n---\n\n" + out, "json", format=REPORT_FORMAT)
    assert "伪造" not in doc.split('"blocks"')[0]
    assert "# 二级" in out  # a setext heading becomes an ordinary heading, numbered by the stitcher


def test_quarto_shortcodes_and_citations_stay_text(tmp_path):
    out = clean("{{< include /etc/passwd >}} 和 @ref 与 $x$", tmp_path).text
    assert "{{<" not in out and "\\@ref" in out and "\\$x\\$" in out
    with pytest.raises(InputError):
        clean("`{{< include /etc/passwd >}}`", tmp_path)


def test_space_after_chinese_punctuation_in_lead_ins_is_dropped(tmp_path):
    assert clean("**科学规范。** 评价着眼于经济性", tmp_path).text.strip() == "**科学规范。**评价着眼于经济性"
    assert clean("Word 文档 and more", tmp_path).text.strip() == "Word 文档 and more"


def test_many_texts_in_one_pass_keep_their_order(tmp_path):
    texts = {str(n): (f"第 {n} 段\n\n```\n未闭合" if n == 3 else f"第 {n} 段", f"t{n}") for n in range(6)}
    result = sanitize(texts, tmp_path)
    assert [result[str(n)].text.splitlines()[0] for n in range(6)] == [f"第 {n} 段" for n in range(6)]
