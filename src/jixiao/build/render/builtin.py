"""The built-in engine: the stitched Markdown to HTML and Word with pandoc, and to PDF
with pandoc's Typst writer and Typst (the engines Quarto itself bundles)."""

from importlib import resources
from pathlib import Path

import pypandoc
import yaml

from ... import fonts
from .docx_reference import write_reference_docx
from ...errors import RunFailure
from ...inputs.sanitize import REPORT_FORMAT

READER = REPORT_FORMAT + "+east_asian_line_breaks"  # what the analyst's texts were written for
TEMPLATES = resources.files("jixiao.build.render") / "templates"


def _pandoc(source: Path, to: str, target: Path, args: list[str]) -> None:
    try:
        pypandoc.convert_file(str(source), to, format=READER, outputfile=str(target),
                              extra_args=args, cworkdir=str(source.parent))
    except RuntimeError as exc:
        raise RunFailure(f"pandoc 生成 {target.name} 失败：{exc}") from None


def html(source: Path, target: Path) -> None:
    _pandoc(source, "html5", target, [
        "--standalone", "--embed-resources", "--toc", "--toc-depth=3",
        f"--template={TEMPLATES / 'report.html'}", f"--css={TEMPLATES / 'report.css'}",
        f"--lua-filter={TEMPLATES / 'table-wrap.lua'}", f"--resource-path={source.parent}",
    ])


def docx(source: Path, target: Path) -> None:
    """Word, with the cover as the title block: the two title lines as title and subtitle,
    the cover fields as author lines."""
    reference = source.parent / "reference.docx"
    meta = front_matter(source)
    write_reference_docx(reference, meta.get("project", ""))
    cover = []
    if len(meta.get("cover-title", [])) == 2:
        cover += ["--metadata", f"title={meta['cover-title'][0]}", "--metadata", f"subtitle={meta['cover-title'][1]}"]
    for field in meta.get("cover", []):
        cover += ["--metadata", f"author={field['label']}：{field['value']}"]
    _pandoc(source, "docx", target, ["--toc", "--toc-depth=3", f"--reference-doc={reference}",
                                      f"--resource-path={source.parent}", *cover])


def front_matter(source: Path) -> dict:
    """The YAML metadata block of the stitched document."""
    text = source.read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---\n", 2)[1]) if text.startswith("---\n") else {}


def pdf(source: Path, target: Path) -> None:
    import typst

    typ = source.with_suffix(".typ")
    if not (fonts.serif() and fonts.sans()):
        raise RunFailure(fonts.MISSING)
    _pandoc(source, "typst", typ, [f"--template={TEMPLATES / 'report.typ'}", "--wrap=none"])
    try:
        typst.compile(str(typ), output=str(target), font_paths=fonts.font_dirs(), root=str(source.parent))
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
