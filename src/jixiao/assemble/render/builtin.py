"""The built-in engine: the stitched Markdown to HTML and Word with pandoc, and to PDF
with pandoc's Typst writer and Typst (the engines Quarto itself bundles)."""

from importlib import resources
from pathlib import Path

import pypandoc

from ... import fonts
from ...errors import RunFailure
from ...inputs.sanitize import REPORT_FORMAT
from . import frontmatter
from .docx_finish import finish as finish_docx
from .docx_reference import write_reference_docx
from .html_print import print_style

READER = REPORT_FORMAT + "+east_asian_line_breaks"  # what the analyst's texts were written for
TEMPLATES = resources.files("jixiao.assemble.render") / "templates"
FILTER = "report.lua"


def _pandoc(source: Path, to: str, target: Path, args: list[str]) -> None:
    meta = frontmatter.read(source)
    keys = [arg for key, value in frontmatter.plain_keys(meta).items() for arg in ("-M", f"{key}={value}")]
    try:
        pypandoc.convert_file(str(source), to, format=READER, outputfile=str(target),
                              extra_args=[f"--lua-filter={TEMPLATES / FILTER}", *keys, *args],
                              cworkdir=str(source.parent))
    except RuntimeError as exc:
        raise RunFailure(f"pandoc 生成 {target.name} 失败：{exc}") from None


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
    import typst

    typ = source.with_suffix(".typ")
    if not (fonts.serif() and fonts.sans()):
        raise RunFailure(fonts.MISSING)
    _pandoc(source, "typst", typ, [f"--template={TEMPLATES / 'report.typ'}", "--wrap=none"])
    try:
        typst.compile(str(typ), output=str(target), font_paths=fonts.font_dirs(), root=str(source.parent),
                      timestamp=frontmatter.timestamp(frontmatter.read(source)))
    except Exception as exc:  # typst raises its own error types
        raise RunFailure(f"Typst 排版 PDF 失败：{exc}") from None


RENDERERS = {"html": html, "pdf": pdf, "docx": docx}


def render(source: Path, out_dir: Path, formats: list[str]) -> dict[str, Path]:
    """Render report.md in ``source`` to each requested format in out_dir."""
    made = {}
    for fmt in formats:
        target = out_dir / f"report.{fmt}"
        RENDERERS[fmt](source, target)
        made[fmt] = target
    return made
