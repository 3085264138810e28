"""The analyst's texts reach the report only as text: no file, no address, no script, no metadata."""

import re

import io

import pypandoc
import pytest
from PIL import Image, PngImagePlugin

from jixiao.errors import InputError
from jixiao.inputs.sanitize import REPORT_FORMAT, published_image, sanitize, sanitize_many


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
    Image.new("RGB", (8, 4), "red").save(tmp_path / "photos" / "site.png")
    result = clean("现场照片：\n\n![现场](photos/site.png)", tmp_path)
    (name, path), = result.images.items()
    assert path == tmp_path / "photos" / "site.png" and f"figures/{name}" in result.text


def test_an_image_is_a_numbered_figure_with_its_caption(tmp_path):
    """Every image in a text is a figure of its own, its alternative text the caption, labelled by
    its file name (cited as @fig-site): pulled out of a sentence, the same file twice labelled apart."""
    (tmp_path / "photos").mkdir()
    Image.new("RGB", (8, 4), "red").save(tmp_path / "photos" / "site.png")
    Image.new("RGB", (8, 4), "blue").save(tmp_path / "photos" / "现场.png")
    result = clean("现场如下 ![服务大厅](photos/site.png) 所示。\n\n![同一张](photos/site.png)\n\n![其他](photos/现场.png)",
                   tmp_path)
    (name, _), (other, _) = result.images.items()
    assert result.labels == ["site", "site-2", "image"]
    assert result.text == (f"现场如下所示。\n\n![⟦fig:site⟧ 服务大厅](figures/{name})\n\n"
                           f"![⟦fig:site-2⟧ 同一张](figures/{name})\n\n![⟦fig:image⟧ 其他](figures/{other})\n")
    assert '<figcaption aria-hidden="true">⟦fig:site⟧ 服务大厅</figcaption>' in html(result.text)  # the report reads it as a figure


@pytest.mark.parametrize("text, words", [("![](photos/site.png)", "没有图题"), ("![ ](photos/site.png)", "没有图题"),
                                         ("**加粗 ![图](photos/site.png)**", "应单独成段"),
                                         ("[链接 ![图](photos/site.png)](http://a.b/)", "应单独成段"),
                                         ("| a |\n|---|\n| ![图](photos/site.png) |", "应单独成段")])
def test_an_image_without_a_caption_or_inside_other_markup_is_refused(text, words, tmp_path):
    (tmp_path / "photos").mkdir()
    Image.new("RGB", (8, 4), "red").save(tmp_path / "photos" / "site.png")
    with pytest.raises(InputError) as err:
        clean(text, tmp_path)
    assert err.value.messages[0].startswith("texts/k.md：图片『photos/site.png』") and words in err.value.messages[0]


@pytest.mark.parametrize("content", [b"\x89PNG\r\n\x1a\n" + b"SECRET" * 10, b"root:x:0:0:root:/root:/bin/bash\n", b""])
def test_a_file_that_is_not_an_image_is_refused_whatever_its_name(content, tmp_path):
    """A text file renamed .png in the data folder was embedded byte for byte in the HTML and Word."""
    (tmp_path / "secret.png").write_bytes(content)
    with pytest.raises(InputError) as err:
        clean("![x](secret.png)", tmp_path)
    assert "texts/k.md" in err.value.messages[0] and "secret.png" in err.value.messages[0]


def test_an_image_with_a_huge_canvas_is_refused(tmp_path):
    Image.new("1", (20000, 20000)).save(tmp_path / "huge.png")  # a few KB, 400 million pixels
    with pytest.raises(InputError, match="百万像素"):
        clean("![x](huge.png)", tmp_path)


@pytest.mark.parametrize("suffix", [".png", ".jpg"])
def test_a_data_folder_image_is_published_without_its_metadata(suffix, tmp_path):
    """Cameras and editors write the owner's name, comments and the GPS position beside the pixels;
    none of it reaches the report. A photo stays upright as its EXIF orientation says."""
    image = Image.new("RGB", (6, 3), "blue")
    exif = Image.Exif()
    exif[0x013B] = "YE DONGHUI"  # Artist
    exif[0x0112] = 6  # Orientation: turn 90° clockwise to show
    path = tmp_path / f"photo{suffix}"
    if suffix == ".png":
        info = PngImagePlugin.PngInfo()
        info.add_text("Author", "叶东晖")
        info.add_text("Comment", "SECRET-META")
        image.save(path, pnginfo=info, exif=exif)
    else:
        image.save(path, exif=exif, comment=b"SECRET-META")
    assert b"YE DONGHUI" in path.read_bytes() and b"SECRET-META" in path.read_bytes()
    published = published_image(path)
    assert b"YE DONGHUI" not in published and b"SECRET-META" not in published and "叶东晖".encode() not in published
    assert b"Exif" not in published
    shown = Image.open(io.BytesIO(published))
    assert shown.size == (3, 6) and shown.format == ("PNG" if suffix == ".png" else "JPEG") and not shown.getexif()


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


@pytest.mark.parametrize("text, kept", [
    ("详见 `附件一` 所列。", "详见 `附件一` 所列。"), ("`代码` 之后", "`代码` 之后"), ("注释 [^1] 之后\n\n[^1]: 说明", "注释 [^1] 之后"),
])
def test_a_space_beside_code_or_a_note_is_kept_not_a_crash(text, kept, tmp_path):
    """A space after inline code, an image or a footnote mark failed check with a TypeError (exit 2)."""
    assert clean(text, tmp_path).text.startswith(kept)


def test_a_link_keeps_its_address_and_text_but_no_title_attribute(tmp_path):
    """A title is an attribute from the text (and one with quotes broke the link into raw text)."""
    text = clean('见[网站](http://a.b/x "说明\\"]#read(\\"/etc/passwd\\")")。', tmp_path).text
    assert text == "见[网站](http://a.b/x)。\n"
    assert "title=" not in html(text)


# ---------------------------------------------------------------- what renders in bounded time

@pytest.mark.parametrize("text, words", [
    ("财政资金" * 600, "第 1 段"),  # one long line (the reviewed 1.2 MB case, smaller)
    ("短段。\n\n- " + "项" * 2100, "第 2 段"),  # a list item
    ("# " + "标" * 2100, "第 1 段"),  # a heading
    ("> " + "引" * 2100, "第 1 段"),  # a quote
    ("".join(f"文[^{i}]" for i in range(201)) + "\n\n" + "\n\n".join(f"[^{i}]: 注。" for i in range(201)), "201 个脚注"),
    ("正文[^a]。\n\n[^a]: " + "注" * 2100, "第 2 段"),  # a long footnote is a paragraph of its own
])
def test_texts_that_would_render_slowly_are_input_errors(text, words):
    """pandoc's Typst writer slows with the square of a paragraph's length: a paragraph, a heading,
    an item or a footnote past the limit, or too many footnotes, is an input error naming the text."""
    with pytest.raises(InputError) as err:
        sanitize({"k": (text, "texts.other_matters")}, ".")
    assert err.value.messages[0].startswith("texts.other_matters：") and words in err.value.messages[0]
    assert "输入限制" in err.value.messages[0]


def test_all_texts_together_are_bounded(monkeypatch):
    from jixiao import limits

    monkeypatch.setattr(limits, "TEXTS_CHARS", 1000)
    texts = {f"k{n}": ("正文。" * 100, f"texts.t{n}") for n in range(5)}
    with pytest.raises(InputError) as err:
        sanitize(texts, ".")
    assert "合计 1,500 个字符" in err.value.messages[0]


@pytest.mark.parametrize("text", [
    "- " * 300 + "x",  # a list nested 300 deep on one line
    ">" * 3000 + " x",  # a quote nested 3000 deep
    "".join("  " * i + "- x\n" for i in range(300)),  # a list nested by indentation
    "1) " * 40 + "x",  # ordered lists
    "> - " * 20 + "x",  # quotes and lists mixed
    "[" * 3000 + "x" + "]" * 3000,  # brackets: pandoc slows with their square
    "![" * 1500,  # images left open
    "文[^" * 1500,  # footnote references left open
])
def test_nesting_too_deep_is_an_input_error_naming_the_text(text):
    """Not a RecursionError (exit 2) and not minutes in pandoc: refused before pandoc reads it."""
    import time

    started = time.perf_counter()
    with pytest.raises(InputError) as err:
        sanitize({"k": (text, "texts.other_matters")}, ".")
    assert time.perf_counter() - started < 2
    assert err.value.messages[0].startswith("texts.other_matters：第 ") and "30 层" in err.value.messages[0]


@pytest.mark.parametrize("text", ["> 引文\n> > 再引\n\n- 一\n  - 二\n    - 三", "[链接](https://a.cn) 与 [b] 和 \\[" * 20])
def test_ordinary_nesting_and_brackets_pass(text):
    sanitize({"k": (text, "texts.other_matters")}, ".")


def test_pandoc_reading_the_texts_runs_under_a_watchdog(monkeypatch):
    from jixiao import limits

    monkeypatch.setattr(limits, "SANITIZE_SECONDS", 0.001)
    with pytest.raises(InputError) as err:
        sanitize({"k": ("正文。" * 200, "texts.background")}, ".")
    assert err.value.messages[0].startswith("texts.background：") and "0.001 秒" in err.value.messages[0]


# ---------------------------------------------------------------- many projects at once

def _outcome(result):
    """A project's texts as sanitize gives them, or its messages."""
    if isinstance(result, InputError):
        return ("错误", result.messages)
    return {key: (clean.text, clean.images) for key, clean in result.items()}


def _alone(texts, data_dir):
    try:
        return _outcome(sanitize(texts, data_dir))
    except InputError as exc:
        return ("错误", exc.messages)


def _alone_result(texts, data_dir):
    try:
        return sanitize(texts, data_dir)
    except InputError as exc:
        return exc


def _projects(root):
    """Projects of one department, each with its data folder: ordinary texts and every kind of trouble."""
    texts = [
        {"goal": ("完成 **全部** 产出，\n服务对象满意度达到 90% 以上。", "a.yaml texts.annual_goal"),
         "result": ("1. 完成\n2. 未完成\n\n见[网站](https://a.cn)。", "a.yaml texts.annual_result")},
        {"goal": ("[甲]: https://b.cn\n\n定义了引用链接。", "b.yaml texts.annual_goal")},
        {"goal": ("用到 [甲] 的链接，与 {{< x >}} 短代码 和 $x$、<b>标签</b>。", "c.yaml texts.annual_goal")},
        {"goal": ("![照片](photo.png) 现场", "d.yaml texts.annual_goal")},
        {"goal": ("![照片](/etc/passwd)", "e.yaml texts.annual_goal"), "result": ("[x](file:///etc)", "e.yaml t")},
        {"goal": ("段落\n\n```\n未闭合的代码", "f.yaml texts.annual_goal"), "result": ("其后的文字", "f.yaml t")},
        {"goal": ("- " * 300 + "x", "g.yaml texts.annual_goal")},
        {},
        {"goal": ("`{{< include /etc/passwd >}}`", "i.yaml texts.annual_goal")},
        {"goal": ("注释[^1]之后\n\n[^1]: 说明", "j.yaml texts.annual_goal"), "result": ("# 标题\n\n正文", "j.yaml t")},
        {"goal": ("# 标题\n\n完成 **全部** 产出，\n服务对象满意。 另起", "k.yaml texts.annual_goal"),
         "result": ("<https://a.cn> 与 <b>粗</b>、$x$、{{< x >}}、`{{< include /etc/passwd >}}`", "k.yaml t")},
        {"goal": ("# 标题\n\n1. 一\n2. 二\n\n    缩进的代码\n\n> 引文\n\n| 甲 | 乙 |\n|---|---|\n| 1 | 2 |", "l.yaml t")},
        {"goal": ("<file:///etc/passwd> 与 <mailto:a@b.cn>", "m.yaml texts.annual_goal")},
        {"goal": (":   定义开头", "n.yaml texts.annual_goal")},
        {"goal": ("   \n\n", "o.yaml texts.annual_goal"), "result": ("(1) 甲\n(2) 乙\n\n***\n\n甲 &amp; 乙 &#x26;", "o.yaml t")},
    ]
    groups = []
    for n, group in enumerate(texts):
        data = root / f"data{n}"
        data.mkdir()
        Image.new("RGB", (4, 4)).save(data / "photo.png")
        groups.append((group, data))
    return groups


def test_many_projects_at_once_give_what_each_gives_alone(tmp_path, monkeypatch):
    """Each project is read as a document of its own: a reference link defined in one project does
    not make a link in another, and every project gets exactly its own result or messages."""
    from jixiao.inputs import sanitize as module

    groups = _projects(tmp_path)
    expected = [_alone(*group) for group in groups]
    alone = []
    monkeypatch.setattr(module, "_alone", lambda texts, data_dir: alone.append(texts) or _alone_result(texts, data_dir))
    many = [_outcome(r) for r in sanitize_many(groups)]
    assert many == expected
    assert "\\[甲\\]" in many[2]["goal"][0]  # not a link to b's address
    assert [isinstance(m, tuple) for m in many] == [False, False, False, False, True, False, True, False, True, False,
                                                    True, False, True, False, False]
    assert len(alone) == 10  # with brackets, a fence, nested too deep, no text, a definition: alone; 5 shared


def test_many_projects_take_one_pandoc_round_trip(tmp_path, monkeypatch):
    import subprocess

    groups = [({"goal": (f"第 {n} 个项目的**目标**。", f"p{n}.yaml texts.annual_goal"),
                "result": (f"完成\n情况 {n}。", f"p{n}.yaml texts.annual_result")}, tmp_path) for n in range(50)]
    calls = []
    real = subprocess.run
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: calls.append(a) or real(*a, **k))
    result = sanitize_many(groups)
    assert len(calls) == 2
    assert [(r["goal"].text, r["result"].text) for r in result] == \
        [(f"第 {n} 个项目的**目标**。\n", f"完成情况 {n}。\n") for n in range(50)]


def test_a_document_that_cannot_be_split_back_is_sanitized_project_by_project(tmp_path):
    """A multiline table opened in one project and closed in the next swallows the markers between:
    every project is then sanitized alone, with the same results."""
    groups = [({"goal": ("----------\n甲   乙\n", "a.yaml texts.annual_goal")}, tmp_path),
              ({"goal": ("x\n\n----------", "b.yaml texts.annual_goal")}, tmp_path),
              ({"goal": ("其他项目", "c.yaml texts.annual_goal")}, tmp_path)]
    assert [_outcome(r) for r in sanitize_many(groups)] == [_alone(*group) for group in groups]


def test_a_blank_first_text_stays_blank_and_the_next_keeps_its_own(tmp_path):
    """A blank text opened the written document with a marker and took the next text's words."""
    result = sanitize({"goal": ("   \n\n", "texts.annual_goal"), "result": ("完成情况。", "texts.annual_result")}, tmp_path)
    assert (result["goal"].text, result["result"].text) == ("\n", "完成情况。\n")
