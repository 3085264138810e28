"""The built-in engine: the stitched Markdown to HTML and Word with pandoc, and to PDF
with pandoc's Typst writer and Typst (the engines Quarto itself bundles)."""

import functools
from concurrent.futures import Future, ThreadPoolExecutor, wait
from importlib import resources
from pathlib import Path

import pypandoc

from ... import fonts
from ...errors import RunFailure
from ...inputs.sanitize import REPORT_FORMAT
from . import frontmatter
from .docx_finish import finish as finish_docx
from .docx_reference import write_reference_docx
from .html_print import print_style, typography_style
from .pdf_pages import heading_pages

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
        f"--variable=header-includes:{typography_style() + print_style(frontmatter.read(source))}", f"--resource-path={source.parent}",
    ])


def docx(source: Path, target: Path, pdf_pages=None) -> None:
    """Word through the reference document, then the common finishing step (cover,
    contents, sections, properties). ``pdf_pages`` returns the PDF's heading pages for the
    contents (pdf_pages.heading_pages), called once pandoc is done."""
    meta = frontmatter.read(source)
    reference = source.parent / "reference.docx"
    write_reference_docx(reference, frontmatter.plain_keys(meta)["running-header"])
    _pandoc(source, "docx", target, ["--toc", "--toc-depth=3", f"--reference-doc={reference}",
                                      f"--resource-path={source.parent}"])
    finish_docx(target, meta, pdf_pages() if pdf_pages else [])


def pdf(source: Path, target: Path) -> Path:
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
    return target


RENDERERS = {"html": html, "pdf": pdf, "docx": docx}
PAGES_PDF = "contents-pages.pdf"  # a PDF made only for the page numbers of Word's contents


def render(source: Path, out_dir: Path, formats: list[str]) -> dict[str, Path]:
    """Render report.md in ``source`` to each requested format in out_dir, the formats at
    the same time (pandoc and Typst each take one core for most of their run). Word's
    contents store the PDF's page numbers: without a PDF asked for, one is made aside."""
    made = {fmt: out_dir / f"report.{fmt}" for fmt in formats}
    with ThreadPoolExecutor(max_workers=len(formats)) as pool:
        jobs = {fmt: pool.submit(RENDERERS[fmt], source, made[fmt]) for fmt in formats if fmt != "docx"}
        if "docx" in formats:
            jobs["docx"] = pool.submit(docx, source, made["docx"], functools.partial(_pages, jobs.get("pdf"), source))
        wait(jobs.values())
    for fmt in formats:
        jobs[fmt].result()  # the first failure, in the order asked for
    return made


def _pages(pdf_job: Future | None, source: Path) -> list[tuple[str, str]]:
    """The heading pages of the PDF being rendered, or of one made aside (none without fonts)."""
    if pdf_job is not None:
        try:
            return heading_pages(pdf_job.result())
        except RunFailure:
            return []  # reported by the PDF's own job
    aside = source.parent / PAGES_PDF
    try:
        pdf(source, aside)
        return heading_pages(aside)
    except RunFailure:
        return []
    finally:
        aside.unlink(missing_ok=True)
