"""The Quarto engine: the stitched document as a Quarto project, rendered by ``quarto render``
with documented Quarto options only: html with embed-resources and the cover as
include-before-body, docx with the reference document, typst with the report's own
template-partials (the same cover, contents, header and fonts as the built-in engine)."""

import shutil
import subprocess
from pathlib import Path

import pypandoc
import yaml

from ... import fonts
from .docx_reference import write_reference_docx
from ...errors import RunFailure
from .builtin import READER, TEMPLATES, front_matter

OUTPUT_DIR = "_output"
PARTIALS = ["typst-template.typ", "typst-show.typ"]


def quarto_config() -> dict:
    serif = fonts.serif()
    return {
        "project": {"type": "default", "output-dir": OUTPUT_DIR},
        "execute": {"enabled": False},
        "lang": "zh-CN",
        "format": {
            "html": {"embed-resources": True, "toc": True, "toc-depth": 3, "css": "report.css",
                     "include-before-body": "cover.html", "title-block-style": "none",
                     "anchor-sections": False, "smooth-scroll": False},
            "docx": {"toc": True, "toc-depth": 3, "reference-doc": "reference.docx"},
            "typst": {"template-partials": PARTIALS, "papersize": "a4", "fontsize": "11pt",
                      "mainfont": serif[0] if serif else "Noto Serif CJK SC",
                      "margin": {"x": "2.6cm", "y": "2.7cm"}},
        },
    }


def write_project(build: Path, target: Path) -> Path:
    """Write the Quarto project for build/report.md into ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    source = build / "report.md"
    shutil.copyfile(source, target / "report.qmd")
    if (build / "figures").is_dir():
        shutil.copytree(build / "figures", target / "figures", dirs_exist_ok=True)
    for name in ["report.css", *PARTIALS]:
        shutil.copyfile(TEMPLATES / name, target / name)
    pypandoc.convert_file(str(source), "html5", format=READER, outputfile=str(target / "cover.html"),
                          extra_args=[f"--template={TEMPLATES / 'cover-page.html'}"])
    write_reference_docx(target / "reference.docx", front_matter(source).get("project", ""))
    (target / "_quarto.yml").write_text(
        yaml.safe_dump(quarto_config(), allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target


def render(project: Path, out_dir: Path, formats: list[str]) -> dict[str, Path]:
    """Run ``quarto render`` and copy the requested outputs to out_dir."""
    quarto = shutil.which("quarto")
    if quarto is None:
        raise RunFailure("未找到 quarto 命令。请安装 Quarto，或改用 --engine builtin")
    to = {"html": "html", "docx": "docx", "pdf": "typst"}
    made = {}
    for fmt in formats:
        done = subprocess.run([quarto, "render", "report.qmd", "--to", to[fmt]], cwd=project,
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise RunFailure(f"quarto render（{fmt}）失败：\n{done.stderr[-2000:]}")
        produced = project / OUTPUT_DIR / f"report.{fmt}"
        made[fmt] = out_dir / f"report.{fmt}"
        shutil.copyfile(produced, made[fmt])
    return made
