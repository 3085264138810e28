"""The built-in engine: the stitched Markdown to HTML and Word with pandoc, and to PDF
with pandoc's Typst writer and Typst (the engines Quarto itself bundles)."""

import functools
import json
import subprocess
import sys
from concurrent.futures import Future, ThreadPoolExecutor, wait
from importlib import resources
from pathlib import Path

import pypandoc

from ... import fonts, limits
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
        f"--variable=header-includes:{typography_style() + print_style(frontmatter.read(source))}", f"--resource-path={source.parent}",
    ])


def docx(source: Path, target: Path, pdf_pages=None) -> None:
    """Word through the reference document, then the common finishing step (cover,
    contents, sections, properties). ``pdf_pages`` returns the PDF's heading pages for the
    contents (pdf_pages.heading_pages), called once pandoc is done."""
    meta = frontmatter.read(source)
    reference = source.parent / "reference.docx"
    write_reference_docx(reference, frontmatter.plain_keys(meta)["running-header"],
                         frontmatter.plain_keys(meta).get("stage", ""))
    _pandoc(source, "docx", target, ["--toc", "--toc-depth=3", f"--reference-doc={reference}",
                                      f"--resource-path={source.parent}"])
    finish_docx(target, meta, pdf_pages() if pdf_pages else [])


def pdf(source: Path, target: Path) -> Path:
    typ = source.with_suffix(".typ")
    if not (fonts.serif() and fonts.sans()):
        raise RunFailure(fonts.MISSING)
    _pandoc(source, "typst", typ, [f"--template={TEMPLATES / 'report.typ'}", "--wrap=none"])
    arguments = {"typ": str(typ), "pdf": str(target), "fonts": [str(d) for d in fonts.font_dirs()],
                 "root": str(source.parent), "timestamp": frontmatter.timestamp(frontmatter.read(source))}
    done = _watched([sys.executable, "-c", TYPST, json.dumps(arguments)], "PDF", source.parent)
    if done.returncode:
        raise RunFailure(f"Typst 排版 PDF 失败：{done.stderr.strip()}")
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
