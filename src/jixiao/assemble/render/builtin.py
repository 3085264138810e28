"""The built-in engine: the stitched Markdown to HTML and Word with pandoc, and to PDF
with pandoc's Typst writer and Typst (the engines Quarto itself bundles)."""

import json
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pypandoc

from ... import fonts, limits
from ...errors import RunFailure
from ...inputs.sanitize import REPORT_FORMAT
from . import frontmatter
from .docx_finish import finish as finish_docx
from .docx_reference import write_reference_docx
from .html_print import print_style

READER = REPORT_FORMAT + "+east_asian_line_breaks"  # what the analyst's texts were written for
TEMPLATES = resources.files("jixiao.assemble.render") / "templates"
FILTER = "report.lua"


SHOWN = {"html5": "HTML", "docx": "Word", "typst": "PDF"}  # each format as the messages name it
# Typst in a process of its own, so the watchdog can stop it (the typst module compiles in-process).
TYPST = ("import json, sys, typst\n"
         "a = json.loads(sys.argv[1])\n"
         "try:\n"
         "    typst.compile(a['typ'], output=a['pdf'], font_paths=a['fonts'], root=a['root'], timestamp=a['timestamp'])\n"
         "except Exception as exc:\n"
         "    print(exc, file=sys.stderr)\n"
         "    sys.exit(1)\n")


def _watched(command: list[str], shown: str, cwd: Path) -> subprocess.CompletedProcess:
    """Run one renderer with the watchdog: past RENDER_SECONDS it is stopped and the run fails
    with a message naming the format."""
    try:
        return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=limits.RENDER_SECONDS)
    except subprocess.TimeoutExpired:
        raise RunFailure(f"生成 {shown} 超过 {limits.RENDER_SECONDS} 秒仍未完成，已停止；请检查是否有特别长的文字、"
                         "表格或大量脚注（见 README「输入限制」）") from None


def _pandoc(source: Path, to: str, target: Path, args: list[str]) -> None:
    meta = frontmatter.read(source)
    keys = [arg for key, value in frontmatter.plain_keys(meta).items() for arg in ("-M", f"{key}={value}")]
    command = [pypandoc.get_pandoc_path(), f"--from={READER}", f"--to={to}", str(source), f"--output={target}",
               f"--lua-filter={TEMPLATES / FILTER}", *keys, *args]
    done = _watched(command, SHOWN.get(to, to), source.parent)
    if done.returncode:
        raise RunFailure(f"pandoc 生成 {target.name} 失败：{done.stderr.strip()}")


def html(source: Path, target: Path) -> None:
    _pandoc(source, "html5", target, [
        "--standalone", "--embed-resources", "--toc", "--toc-depth=3",
        f"--template={TEMPLATES / 'report.html'}", f"--css={TEMPLATES / 'report.css'}",
        f"--variable=header-includes:{print_style(frontmatter.read(source))}", f"--resource-path={source.parent}",
    ])


def docx(source: Path, target: Path) -> None:
    """Word through the reference document, then the common finishing step (cover,
    contents, sections, properties)."""
    meta = frontmatter.read(source)
    reference = source.parent / "reference.docx"
    write_reference_docx(reference, frontmatter.plain_keys(meta)["running-header"])
    _pandoc(source, "docx", target, ["--toc", "--toc-depth=3", f"--reference-doc={reference}",
                                      f"--resource-path={source.parent}"])
    finish_docx(target, meta)


def pdf(source: Path, target: Path) -> None:
    typ = source.with_suffix(".typ")
    if not (fonts.serif() and fonts.sans()):
        raise RunFailure(fonts.MISSING)
    _pandoc(source, "typst", typ, [f"--template={TEMPLATES / 'report.typ'}", "--wrap=none"])
    arguments = {"typ": str(typ), "pdf": str(target), "fonts": [str(d) for d in fonts.font_dirs()],
                 "root": str(source.parent), "timestamp": frontmatter.timestamp(frontmatter.read(source))}
    done = _watched([sys.executable, "-c", TYPST, json.dumps(arguments)], "PDF", source.parent)
    if done.returncode:
        raise RunFailure(f"Typst 排版 PDF 失败：{done.stderr.strip()}")


RENDERERS = {"html": html, "pdf": pdf, "docx": docx}


def render(source: Path, out_dir: Path, formats: list[str]) -> dict[str, Path]:
    """Render report.md in ``source`` to each requested format in out_dir."""
    made = {}
    for fmt in formats:
        target = out_dir / f"report.{fmt}"
        RENDERERS[fmt](source, target)
        made[fmt] = target
    return made
