"""The Quarto engine: the project it writes, real renders with the installed Quarto (skipped,
with the reason, when there is none), and clear failures when Quarto is unfit."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
import yaml
from pypdf import PdfReader

from jixiao.assemble.render import builtin, quarto as render_quarto
from jixiao.assemble.render.engines import choose, describe
from jixiao.errors import RunFailure

DOCUMENT = """---
title: 测试项目项目支出绩效评价报告
cover-title: [测试项目, 项目支出绩效评价报告]
project: 测试项目
cover:
- {label: 项目名称, value: 测试项目}
- {label: 评价机构, value: 某某咨询有限公司}
date: 2019年7月1日
lang: zh-Hans
toc-title: 目录
serif-fonts: [Noto Serif CJK SC]
sans-fonts: [Noto Sans CJK SC]
---

# 一、项目基本情况

## （一）概况

- 主管部门
- 项目单位

: 表 1-1 预算

| 序号 | 子项目名称 | 金额 |
|:--:|:--|--:|
| 1 | 数据归集 | 100 |
|  | 合计 | 100 |

![图 1-1 预算构成](figures/a.png){width=60%}

# 二、评价工作

正文见表 1-1。
"""

needs_quarto = pytest.mark.skipif(shutil.which("quarto") is None,
                                  reason="未安装 Quarto（PATH 中没有 quarto），跳过真实的 Quarto 渲染")


@pytest.fixture
def build(tmp_path):
    """A stitched document inside a hidden build folder, as `jixiao run` writes it."""
    from PIL import Image

    folder = tmp_path / "output" / ".build-test"
    (folder / "figures").mkdir(parents=True)
    Image.new("RGB", (800, 400), (60, 90, 140)).save(folder / "figures" / "a.png")
    (folder / "report.md").write_text(DOCUMENT, encoding="utf-8")
    return folder


def test_project_has_documented_options_only(build):
    project = render_quarto.write_project(build, build / "quarto")
    config = yaml.safe_load((project / "_quarto.yml").read_text(encoding="utf-8"))
    assert config["project"] == {"type": "default", "output-dir": "_output", "render": ["report.qmd"]}
    assert config["filters"] == ["report.lua"] and (project / "report.lua").is_file()
    # each key below is listed in Quarto's format reference (html, docx, typst) or its Typst partials guide
    assert set(config["format"]["html"]) <= {"from", "minimal", "embed-resources", "toc", "toc-depth", "css",
                                             "anchor-sections", "smooth-scroll", "include-before-body",
                                             "include-in-header", "title-block-style"}
    assert set(config["format"]["docx"]) <= {"from", "highlight-style", "toc", "toc-depth", "reference-doc"}
    assert set(config["format"]["typst"]) <= {"from", "toc", "toc-depth", "papersize", "fontsize", "mainfont",
                                              "margin", "template-partials"}
    for name in [config["format"]["html"]["include-before-body"], config["format"]["html"]["include-in-header"],
                 *config["format"]["typst"]["template-partials"]]:
        assert (project / name).is_file(), name
    assert (project / "figures" / "a.png").is_file()


def test_document_gets_quartos_keys_for_header_and_date(build):
    project = render_quarto.write_project(build, build / "quarto")
    text = (project / "report.qmd").read_text(encoding="utf-8")
    meta = yaml.safe_load(text.split("---\n", 2)[1])
    assert "project" not in meta  # Quarto reserves it for its own configuration
    assert (meta["running-header"], meta["date-text"], meta["date"], meta["date-format"]) == (
        "测试项目", "2019年7月1日", "2019-07-01", "YYYY年M月D日")
    assert meta["toc-title"] == "目\u3000录"  # as the built-in HTML, the PDF and Word set it
    assert text.split("---\n", 2)[2] == DOCUMENT.split("---\n", 2)[2]


def test_typst_partials_are_the_builtin_look(build):
    """Quarto's Typst PDF uses the very partials the built-in template includes."""
    project = render_quarto.write_project(build, build / "quarto")
    template = (render_quarto.TEMPLATES / "report.typ").read_text(encoding="utf-8")
    for name in render_quarto.PARTIALS:
        assert f"${name}()$" in template
        assert (project / name).read_bytes() == (render_quarto.TEMPLATES / name).read_bytes()


# --- a quarto that is missing, too old, or fails ---------------------------------------

FAKE = """#!/bin/sh
case "$1" in
  --version) echo "{version}";;
  typst) echo "typst {typst} (stand-in)";;
  render) echo "ERROR: 模拟的渲染错误" >&2; echo "    at someFunction (quarto.js:1:1)" >&2; exit 1;;
esac
"""


@pytest.fixture
def fake_quarto(tmp_path, monkeypatch):
    def install(version="1.10.18", typst="0.15.1"):
        folder = tmp_path / f"bin-{version}-{typst}"
        folder.mkdir()
        script = folder / "quarto"
        script.write_text(FAKE.format(version=version, typst=typst))
        script.chmod(0o755)
        monkeypatch.setenv("PATH", f"{folder}{os.pathsep}/usr/bin:/bin")
        return script
    return install


def test_missing_quarto_is_explained(build, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(RunFailure) as err:
        render_quarto.render(build, build, ["html"])
    assert "未找到 quarto 命令" in err.value.messages[0]
    assert choose("auto", ["html"]) == ("builtin", "未找到 quarto 命令")


def test_a_failing_render_names_the_format_and_suggests_builtin(build, fake_quarto):
    fake_quarto()
    project = render_quarto.write_project(build, build / "quarto")
    with pytest.raises(RunFailure) as err:
        render_quarto.render(project, build, ["pdf"])
    message = err.value.messages[0]
    assert message.startswith("Quarto 生成 PDF（report.pdf）失败") and "模拟的渲染错误" in message
    assert "--engine builtin" in message and "quarto.js" not in message


RECORDING = """#!/bin/sh
case "$1" in
  --version) echo "1.10.18";;
  typst) echo "typst 0.15.1 (stand-in)";;
  render) echo "start $(basename "$PWD") $*" >> "$CALLS"; sleep 1
          formats=$(grep -oE "^  (html|docx|typst):$" _quarto.yml | tr -d ' :' | tr '\\n' ' ')
          echo "$formats" >> "$CALLS"  # one write: the other render appends to the same file meanwhile
          mkdir -p _output; for ext in html pdf docx; do : > _output/report.$ext; done
          echo "end $(basename "$PWD")" >> "$CALLS";;
esac
"""


def test_the_pdf_and_the_other_formats_are_two_quarto_renders_side_by_side(build, fake_quarto, monkeypatch):
    """The PDF renders in the project, HTML and Word together in a copy whose _quarto.yml lists only
    them, both at the same time (as the built-in engine renders its formats); the copy is removed
    and the project left as written."""
    fake_quarto().write_text(RECORDING)
    calls = build / "calls.txt"
    monkeypatch.setenv("CALLS", str(calls))
    project = render_quarto.write_project(build, build / "quarto")
    written = {p.name: p.read_bytes() for p in project.iterdir() if p.is_file()}
    monkeypatch.setattr(render_quarto, "finish_docx", lambda *args: None)
    out = build / "made"
    out.mkdir()
    assert set(render_quarto.render(project, out, ["html", "pdf", "docx"])) == {"html", "pdf", "docx"}
    lines = [line for line in calls.read_text().splitlines() if line.strip()]
    assert sorted(line for line in lines if line.startswith("start")) == [
        "start quarto render report.qmd --to typst", "start quarto-html-docx render report.qmd --to all"]
    assert [line.split()[0] for line in lines if line.split()[0] in ("start", "end")][:2] == ["start", "start"]
    assert sorted(line.strip() for line in lines if not line.startswith(("start", "end"))) == [
        "html docx", "html docx typst"]
    assert sorted(p.name for p in build.iterdir()) == ["calls.txt", "figures", "made", "quarto", "report.md"]
    assert {p.name: p.read_bytes() for p in project.iterdir() if p.is_file()} == written
    calls.unlink()
    render_quarto.render(project, out, ["html"])
    assert calls.read_text().splitlines()[0] == "start quarto render report.qmd --to html"


V8 = """#!/bin/sh
case "$1" in
  --version) echo "1.10.18";;
  typst) echo "typst 0.15.1 (stand-in)";;
  render) echo "${QUARTO_DENO_V8_OPTIONS-unset}" >> "$CALLS"
          if [ -n "$REFUSE" ] && [ -n "$QUARTO_DENO_V8_OPTIONS" ]; then
            echo "error: V8 did not recognize flag '--no-opt'" >&2; exit 1
          fi
          mkdir -p _output; : > _output/report.html;;
esac
"""


def test_quarto_runs_without_v8s_optimizer_unless_told_otherwise(build, fake_quarto, monkeypatch):
    """Quarto's deno gets LEAN_V8 (no optimizing compiler, no helper threads); a user's own
    QUARTO_DENO_V8_OPTIONS is left as it is; a V8 that does not know the options renders without."""
    fake_quarto().write_text(V8)
    calls = build / "calls.txt"
    monkeypatch.setenv("CALLS", str(calls))
    monkeypatch.delenv("QUARTO_DENO_V8_OPTIONS", raising=False)
    project = render_quarto.write_project(build, build / "quarto")
    out = build / "made"
    out.mkdir()
    render_quarto.render(project, out, ["html"])
    assert calls.read_text().splitlines() == [render_quarto.LEAN_V8]
    monkeypatch.setenv("REFUSE", "1")
    calls.unlink()
    render_quarto.render(project, out, ["html"])
    assert calls.read_text().splitlines() == [render_quarto.LEAN_V8, "unset"]
    monkeypatch.setenv("QUARTO_DENO_V8_OPTIONS", "--max-old-space-size=4096")
    monkeypatch.delenv("REFUSE")
    calls.unlink()
    render_quarto.render(project, out, ["html"])
    assert calls.read_text().splitlines() == ["--max-old-space-size=4096"]


def test_an_old_quarto_is_unfit_and_auto_falls_back(build, fake_quarto):
    fake_quarto(version="1.3.450", typst="0.5.0")
    with pytest.raises(RunFailure) as err:
        render_quarto.render(build, build, ["html"])
    assert "Quarto 版本为 1.3.450，低于所需的 1.4" in err.value.messages[0] and "--engine builtin" in err.value.messages[0]
    engine, why = choose("auto", ["html", "pdf"])
    assert engine == "builtin" and "1.3.450" in why
    assert "将使用 内置引擎" in describe()[0]


def test_a_quarto_with_an_old_typst_renders_all_but_pdf(fake_quarto):
    fake_quarto(version="1.6.40", typst="0.11.0")
    assert choose("auto", ["html", "docx"])[0] == "quarto"
    assert choose("auto", ["html", "pdf"])[0] == "builtin"
    assert any("Quarto 不能生成 PDF：Quarto 自带的 Typst 版本为 0.11.0" in line for line in describe())


def test_check_reports_the_engine_and_versions(fake_quarto):
    script = fake_quarto(version="1.10.18", typst="0.15.1")
    lines = describe()
    assert lines[0] == "渲染引擎：--engine auto 将使用 Quarto（系统装有可用的 Quarto）"
    assert lines[1] == f"Quarto：{script}，版本 1.10.18，自带 Typst 0.15.1"


# --- the real Quarto --------------------------------------------------------------------

@needs_quarto
def test_real_quarto_renders_in_a_hidden_build_folder(build):
    assert ".build-test" in str(build)  # Quarto ignores _quarto.yml there unless the project names its files
    project = render_quarto.write_project(build, build / "quarto")
    made = render_quarto.render(project, build, ["html", "pdf", "docx"])
    html = made["html"].read_text(encoding="utf-8")
    assert "<script" not in html.lower() and "bootstrap" not in html
    assert "2019年7月1日" in html and "Invalid Date" not in html and "（1）主管部门" in html
    assert re.search(r'id="toc-title">目\u3000录<', html), "目录的标题应与其他格式一致（目　录）"
    pages = [re.sub(r"\s+", "", p.extract_text()) for p in PdfReader(str(made["pdf"])).pages]
    assert "2019年7月1日" in pages[0] and "InvalidDate" not in "".join(pages)
    assert pages[2].startswith("测试项目") and pages[2].endswith("—1—")  # running header, 「— 1 —」 from the body
    word = docx.Document(str(made["docx"]))
    assert [[c.text for c in row.cells] for row in word.tables[0].rows][1] == ["评价机构：", "某某咨询有限公司"]
    assert not (project / "_output").exists()  # the project is left clean


@needs_quarto
def test_real_quarto_gives_the_builtin_word_file_and_pdf_text(build, tmp_path):
    project = render_quarto.write_project(build, build / "quarto")
    out = tmp_path / "quarto-out"
    out.mkdir()
    made = render_quarto.render(project, out, ["pdf", "docx"])
    builtin.render(build / "report.md", build, ["pdf", "docx"])
    assert made["docx"].read_bytes() == (build / "report.docx").read_bytes()

    def text(pdf: Path) -> str:
        return re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(str(pdf)).pages))

    assert text(made["pdf"]) == text(build / "report.pdf")


@needs_quarto
def test_the_project_renders_by_hand_with_quarto_render(build):
    project = render_quarto.write_project(build, build / "quarto")
    done = subprocess.run(["quarto", "render"], cwd=project, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    assert {p.name for p in (project / "_output").iterdir()} >= {"report.html", "report.pdf", "report.docx"}
