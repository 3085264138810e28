"""What reaches the published files from the analyst's inputs: only text. A planted local file is
never embedded, no script or handler reaches the HTML, texts cannot change the report's frame."""

import re
import zipfile

import pytest
from pypdf import PdfReader

from conftest import EXAMPLE, jixiao

SECRET = "JIXIAO-PLANTED-SECRET-7f3a"


def _plant(tmp_path):
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"\x89PNG\r\n\x1a\n" + SECRET.encode() * 10)
    return secret


def test_local_files_in_texts_are_input_errors(example, tmp_path):
    secret = _plant(tmp_path)
    data = example.parent.parent / "data" / EXAMPLE
    background = data / "texts" / "background.md"
    background.write_text(background.read_text(encoding="utf-8") + f"\n\n![图]({secret})\n", encoding="utf-8")
    analysis = data / "analysis.md"
    analysis.write_text(analysis.read_text(encoding="utf-8").replace(
        "立项程序规范。", f"立项程序规范，见[附件](file://{secret})与![x](../../secret.png)。"), encoding="utf-8")
    done = jixiao("check", example)
    assert done.returncode == 1
    assert "texts.background" in done.stderr and str(secret) in done.stderr
    assert "A103" in done.stderr and "file://" in done.stderr and "../../secret.png" in done.stderr


def _plant_payloads(example, tmp_path):
    """Every input a payload can hide in: a value with an image of a local file and a script, a
    text with a metadata block, raw HTML, attributes and spans; a phone and a listed name too."""
    secret = _plant(tmp_path)
    root = example.parent.parent
    data = root / "data" / EXAMPLE
    text = example.read_text(encoding="utf-8")
    text = text.replace("  name: 2018年上海市公共信用信息服务中心专项", f'  name: "专项![x]({secret})"')
    text = text.replace('  survey_days: "12"', f'  survey_days: "12![y](file://{secret})<img src=x onerror=alert(1)>"')
    example.write_text(text, encoding="utf-8")
    content = data / "texts" / "content.md"
    content.write_text("# 伪造的一章\n\n---\ntitle: 伪造标题\ndate: 1999年1月1日\n---\n\n<div onclick=alert(1)>点</div> "
                       "[y](http://example.com){onmouseover=alert(1)} [z]{onclick=alert(1)} <script>alert(2)</script>\n\n"
                       "联系人叶东\u2066晖，电话 138—0013—8000。\n\n" + content.read_text(encoding="utf-8"), encoding="utf-8")
    return root


def _assert_only_text(output):
    """No planted file's bytes anywhere, no handler, no injected script, no local or javascript URL."""
    for path in output.rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path
    html = (output / "report.html").read_text(encoding="utf-8")
    tags = re.findall(r"<[^>]+>", html)
    assert not [t for t in tags if re.search(r"\son(click|error|mouseover|load)\s*=", t)], "event handler in the HTML"
    assert not re.search(r"<[^>]*alert\(", html), "a script in a tag"
    assert not re.search(r"<script[^>]*>\s*alert", html) and not re.search(r"<(iframe|object|embed)\b", html, re.I)
    assert not [t for t in tags if re.search(r"(src|href)\s*=\s*[\"']?(javascript:|file:|/etc)", t, re.I)]
    return html


def test_values_and_texts_reach_the_outputs_only_as_text(example, tmp_path):
    root = _plant_payloads(example, tmp_path)
    done = jixiao("run", example, "--engine", "builtin", cwd=root)
    assert done.returncode == 0, done.stderr
    output = root / "output" / EXAMPLE
    html = _assert_only_text(output)
    assert not re.search(r"<(script)\b", html, re.I)
    images = re.findall(r'<img [^>]*src="([^"]{0,40})', html)
    assert all(src.startswith("data:image/png;base64") for src in images), images
    word = zipfile.ZipFile(output / "report.docx")
    assert all(SECRET.encode() not in word.read(name) for name in word.namelist())
    pages = [page.extract_text() for page in PdfReader(str(output / "report.pdf")).pages]
    assert "伪造标题" not in pages[0] and "2019年7月1日" in pages[0].replace(" ", "")
    body = "".join(pages)
    assert "一、伪造的一章" not in body.replace(" ", "") and "四、主要经验" in body.replace(" ", "")


# ---------------------------------------------------------------- no file outside the project

def _secret_file(tmp_path):
    secret = tmp_path / "elsewhere" / "x.md"
    secret.parent.mkdir()
    secret.write_text(f"root:x:0:0:{SECRET}\n", encoding="utf-8")
    return secret


def _link_text(data, secret):
    (data / "texts" / "background.md").unlink()
    (data / "texts" / "background.md").symlink_to(secret)


def _relative_text(data, secret):
    return ("texts/background.md", "../../../" + "../" * 6 + str(secret).lstrip("/"))


def _link_analysis(data, secret):
    (data / "analysis.md").unlink()
    (data / "analysis.md").symlink_to(secret)


def _link_table(data, secret):
    (data / "staff.csv").unlink()
    (data / "staff.csv").symlink_to(secret)


def _link_data_folder(data, secret):
    (data / "texts").rename(data / "texts-old")
    (data / "texts").symlink_to(secret.parent, target_is_directory=True)
    (secret.parent / "background.md").symlink_to(secret)


def _link_chart_style(data, secret):
    (data / "charts.mplstyle").symlink_to(secret)


def _fifo_table(data, secret):
    import os

    (data / "queries.csv").unlink()
    os.mkfifo(data / "queries.csv")


def _data_dir_outside(data, secret):
    return ("data_dir: ../data/shanghai-credit-2018", "data_dir: ../../../../../../../../etc")


@pytest.mark.parametrize("plant, words", [
    (_link_text, "符号链接"), (_relative_text, "之外"), (_link_analysis, "符号链接"), (_link_table, "符号链接"),
    (_link_data_folder, "符号链接"), (_fifo_table, "命名管道"), (_data_dir_outside, "项目文件夹"),
    (_link_chart_style, "符号链接"),
])
def test_inputs_resolve_inside_the_project(example, tmp_path, plant, words):
    """Texts, analysis.md, tables and the data folder itself: a symlink or a path out of the project
    is an input error naming the key, never content in the report; a FIFO has its own message."""
    from jixiao.errors import InputError
    from jixiao.project import load_project

    secret = _secret_file(tmp_path)
    data = example.parent.parent / "data" / EXAMPLE
    change = plant(data, secret)
    if change:
        example.write_text(example.read_text(encoding="utf-8").replace(*change), encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_project(example)
    text = "\n".join(err.value.messages)
    assert words in text and SECRET not in text and "文件不存在" not in text


# ---------------------------------------------------------------- bidi controls

@pytest.mark.parametrize("control", ["\u202e", "\u2066", "\u202b", "\u200f"])
def test_bidi_controls_in_the_parameter_file_are_named_by_check_and_never_published(example, control):
    """``rlo\u202egpj.exe`` shows as 「rloexe.jpg」: check names the file name and the lines, and no
    value keeps the control."""
    from jixiao.project import load_project

    text = example.read_text(encoding="utf-8").replace("  name: 2018年", f"  name: 2018{control}年", 1)
    renamed = example.with_name(f"rlo{control}gpj.exe.yaml")
    renamed.write_text(text, encoding="utf-8")
    example.unlink()
    project = load_project(renamed)
    assert "2018年" in project.info.name and control not in project.info.name
    warnings = [w for w in project.warnings if "双向控制字符" in w]
    assert len(warnings) == 2 and "参数文件名" in warnings[0] and "第 " in warnings[1]
    assert all(control not in w for w in warnings)


def test_the_quarto_engine_publishes_only_text_and_the_redacted_copy_masks(example, tmp_path):
    """The same probes with --engine quarto (local files, scripts, metadata) and --redact: the
    public copy shows no listed name or phone, in HTML, PDF and Word."""
    import shutil

    from pypdf import PdfReader

    if shutil.which("quarto") is None:
        pytest.skip("未安装 Quarto（PATH 中没有 quarto），跳过 Quarto 引擎的发布探测")
    root = _plant_payloads(example, tmp_path)
    done = jixiao("run", example, "--engine", "quarto", "--redact", cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    output = root / "output" / EXAMPLE
    html = _assert_only_text(output)
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    metas = re.findall(r"<meta [^>]*>", html)
    assert "伪造标题" not in title and not [m for m in metas if "伪造标题" in m or "1999" in m]  # a metadata block stays text
    assert not re.search(r'<script[^>]+src="https?://', html), "a script fetched from the network"
    public = output / "public"
    _assert_only_text(public)
    texts = [(public / "report.html").read_text(encoding="utf-8")]
    texts += [page.extract_text() for page in PdfReader(str(public / "report.pdf")).pages]
    word = zipfile.ZipFile(public / "report.docx")
    texts += [word.read(name).decode("utf-8", "replace") for name in word.namelist() if name.endswith(".xml")]
    flat = re.sub(r"\s|<[^>]+>", "", "".join(texts))
    assert "叶东晖" not in flat and "0013—8000" not in flat and "××××—8000" in flat
