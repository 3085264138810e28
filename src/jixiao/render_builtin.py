"""The built-in engine: the stitched Markdown to HTML and Word with pandoc, and to PDF
with pandoc's Typst writer and Typst (the engines Quarto itself bundles)."""

import subprocess
from importlib import resources
from pathlib import Path

import pypandoc
import yaml

from . import fonts
from .errors import RunFailure

READER = "markdown-raw_html-raw_tex-raw_attribute+east_asian_line_breaks"
TEMPLATES = resources.files("jixiao") / "templates"


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
        f"--resource-path={source.parent}",
    ])


def docx(source: Path, target: Path) -> None:
    """Word, with the cover fields as the title block's author lines."""
    reference = source.parent / "reference.docx"
    write_reference_docx(reference)
    cover = []
    for field in _front_matter(source).get("cover", []):
        cover += ["--metadata", f"author={field['label']}：{field['value']}"]
    _pandoc(source, "docx", target, ["--toc", "--toc-depth=3", f"--reference-doc={reference}",
                                      f"--resource-path={source.parent}", *cover])


def _front_matter(source: Path) -> dict:
    text = source.read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---\n", 2)[1]) if text.startswith("---\n") else {}


def pdf(source: Path, target: Path) -> None:
    import typst

    typ = source.with_suffix(".typ")
    serif, sans = fonts.serif(), fonts.sans()
    if not (serif and sans):
        raise RunFailure(fonts.MISSING)
    args = [f"--template={TEMPLATES / 'report.typ'}", "--wrap=none", "--metadata", f"serif-fonts={serif[0]}",
            "--metadata", f"sans-fonts={sans[0]}"]
    _pandoc(source, "typst", typ, args)
    try:
        typst.compile(str(typ), output=str(target), font_paths=fonts.font_dirs(), root=str(source.parent))
    except Exception as exc:  # typst raises its own error types
        raise RunFailure(f"Typst 排版 PDF 失败：{exc}") from None


def write_reference_docx(target: Path) -> None:
    """pandoc's reference document with East Asian fonts set (w:eastAsia) on every style."""
    from docx import Document
    from docx.oxml.ns import qn

    target.write_bytes(_default_reference())
    doc = Document(str(target))
    for style in doc.styles:
        if not hasattr(style, "font") or style.font is None:
            continue
        heading = style.name.startswith(("Heading", "Title", "Subtitle", "Caption", "Table Caption", "Image Caption"))
        east_asia = "黑体" if heading else "仿宋_GB2312"
        rpr = style.element.get_or_add_rPr()
        fonts_el = rpr.find(qn("w:rFonts"))
        if fonts_el is None:
            fonts_el = rpr.makeelement(qn("w:rFonts"), {})
            rpr.append(fonts_el)
        fonts_el.set(qn("w:eastAsia"), east_asia)
    doc.save(str(target))


def _default_reference() -> bytes:
    done = subprocess.run([pypandoc.get_pandoc_path(), "--print-default-data-file", "reference.docx"],
                          capture_output=True, check=True)
    return done.stdout


RENDERERS = {"html": html, "pdf": pdf, "docx": docx}


def render(source: Path, out_dir: Path, formats: list[str]) -> dict[str, Path]:
    """Render report.md in ``source`` to each requested format in out_dir."""
    made = {}
    for fmt in formats:
        target = out_dir / f"report.{fmt}"
        RENDERERS[fmt](source, target)
        made[fmt] = target
    return made
