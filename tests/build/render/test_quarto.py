"""The Quarto engine: the project it writes and the command it runs (with a stand-in quarto)."""

import os
import stat

import pytest
import yaml

from jixiao.build.render import quarto as render_quarto
from jixiao.errors import RunFailure

FAKE = """#!/bin/sh
echo "$@" >> "$QUARTO_LOG"
to="$4"; ext="$to"; [ "$to" = typst ] && ext=pdf
mkdir -p _output && echo "$to" > "_output/report.$ext"
"""


@pytest.fixture
def build(tmp_path):
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "a.png").write_bytes(b"png")
    (tmp_path / "report.md").write_text("---\ntitle: 测试\n---\n\n# 一、甲\n\n![图 1-1 甲](figures/a.png)\n",
                                        encoding="utf-8")
    return tmp_path


def test_project_has_documented_options_only(build):
    project = render_quarto.write_project(build, build / "quarto")
    config = yaml.safe_load((project / "_quarto.yml").read_text(encoding="utf-8"))
    assert config["project"]["output-dir"] == "_output"
    # each key below is listed in Quarto's format reference (html, typst) or its Typst partials guide
    assert set(config["format"]["html"]) <= {"embed-resources", "toc", "toc-depth", "css", "anchor-sections",
                                             "smooth-scroll", "include-before-body", "title-block-style"}
    assert set(config["format"]["typst"]) <= {"toc", "toc-depth", "papersize", "fontsize", "mainfont", "margin",
                                              "template-partials"}
    for name in [config["format"]["html"]["include-before-body"], *config["format"]["typst"]["template-partials"]]:
        assert (project / name).is_file(), name
    assert (project / "report.qmd").read_text(encoding="utf-8").startswith("---\ntitle: 测试")
    assert (project / "figures" / "a.png").is_file()


def test_render_calls_quarto_per_format(build, tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "quarto"
    fake.write_text(FAKE)
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    log = tmp_path / "calls.log"
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("QUARTO_LOG", str(log))
    project = render_quarto.write_project(build, build / "quarto")
    made = render_quarto.render(project, build, ["html", "pdf", "docx"])
    assert log.read_text().splitlines() == ["render report.qmd --to html", "render report.qmd --to typst",
                                            "render report.qmd --to docx"]
    assert made["pdf"].read_text().strip() == "typst"


def test_missing_quarto_is_explained(build, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(RunFailure) as err:
        render_quarto.render(build, build, ["html"])
    assert "未找到 quarto 命令" in err.value.messages[0]


def test_typst_partials_are_the_builtin_look(build):
    """Quarto's Typst PDF uses the very partials the built-in template includes."""
    project = render_quarto.write_project(build, build / "quarto")
    builtin = (render_quarto.TEMPLATES / "report.typ").read_text(encoding="utf-8")
    for name in render_quarto.PARTIALS:
        assert f"${name}()$" in builtin
        assert (project / name).read_text(encoding="utf-8") == (render_quarto.TEMPLATES / name).read_text(encoding="utf-8")
    assert "#show: doc => jixiao-report(" in (project / "typst-show.typ").read_text(encoding="utf-8")
