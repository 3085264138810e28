"""The Quarto engine: the stitched document as a Quarto project, rendered by ``quarto render``
with documented Quarto options only, the PDF and the other formats in two ``quarto render`` at
the same time: html with embed-resources and the cover as
include-before-body, docx with the reference document (then the same finishing step as the
built-in engine), typst with the report's own template-partials (the same cover, contents,
header and fonts as the built-in engine), and the same Lua filter (report.lua) for all three.

Quarto treats no folder inside a hidden one (``output/.build-…``) as a project unless the
project names its files: ``project: render: [report.qmd]`` does, so ``_quarto.yml`` applies
wherever the build is, and the project also renders by hand with ``quarto render``.
Quarto reserves the ``project`` key and parses ``date``: the document gets the templates'
keys (frontmatter.template_keys) and an ISO ``date`` with ``date-format``.
"""

import functools
import os
import re
import shutil
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor, wait
from pathlib import Path

import pypandoc
import yaml

from ... import fonts
from ...errors import RunFailure
from . import frontmatter
from .builtin import FILTER, READER, TEMPLATES
from .docx_finish import finish as finish_docx
from .docx_reference import write_reference_docx
from .html_print import write_print_style
from .pdf_pages import heading_pages

OUTPUT_DIR = "_output"
PARTIALS = ["typst-template.typ", "typst-show.typ"]
TARGETS = {"html": ("html", "html"), "docx": ("docx", "docx"), "pdf": ("typst", "pdf")}
FORMAT_NAMES = {"html": "HTML", "docx": "Word", "pdf": "PDF"}
# Quarto 1.4 brought the typst format and its template-partials; the partials use Typst 0.13
# (std, context, table headers), which Quarto bundles from 1.7 on.
MIN_QUARTO = (1, 4)
MIN_TYPST = (0, 13)
TIMEOUT = 900
# V8 options for Quarto's deno (its launcher's QUARTO_DENO_V8_OPTIONS): a render is a few seconds
# of JavaScript, for which the optimizing compiler and V8's helper threads cost more CPU than they
# save (two renders at once on 2 cores: 4.09 s against 4.67 s, median of 5). A V8 that does not
# know them says UNKNOWN_FLAG and stops at once.
LEAN_V8 = "--single-threaded,--no-opt"
UNKNOWN_FLAG = "V8 did not recognize flag"
_ASKING = threading.Lock()


def quarto_config(formats=tuple(TARGETS)) -> dict:
    """_quarto.yml for ``formats`` (all three by default). Every format reads the document as the
    built-in engine does (``from``) and the Word file's code styles are pandoc's default
    (``highlight-style``)."""
    serif = fonts.serif()
    common = {"from": READER}
    config = {
        "project": {"type": "default", "output-dir": OUTPUT_DIR, "render": ["report.qmd"]},
        "execute": {"enabled": False},
        "lang": "zh-CN",
        "filters": [FILTER],
        "format": {
            "html": {**common, "minimal": True, "embed-resources": True, "toc": True, "toc-depth": 3, "css": "report.css",
                     "include-before-body": "cover.html", "include-in-header": "print-style.html",
                     "title-block-style": "none", "anchor-sections": False, "smooth-scroll": False},
            "docx": {**common, "highlight-style": "pygments", "toc": True, "toc-depth": 3, "reference-doc": "reference.docx"},
            "typst": {**common, "template-partials": PARTIALS, "papersize": "a4", "fontsize": "11pt",
                      "mainfont": serif[0] if serif else "Noto Serif CJK SC",
                      "margin": {"x": "2.6cm", "y": "2.7cm"}},
        },
    }
    config["format"] = {name: options for name, options in config["format"].items()
                        if name in {TARGETS[fmt][0] for fmt in formats}}
    return config


def document_metadata(meta: dict) -> dict:
    """The stitched front matter as Quarto reads it: no ``project``; the templates' keys; the
    report date as an ISO ``date`` printed with ``date-format`` (2019年7月1日); the contents'
    title spaced as the other formats set it (目　录)."""
    out = {k: v for k, v in meta.items() if k not in ("project", "date")}
    out["toc-title"] = frontmatter.toc_title(meta)  # Quarto's HTML prints it as given
    keys = frontmatter.template_keys(meta)
    out.update(keys)
    if "date-iso" in keys:
        out["date"] = keys["date-iso"]
        out["date-format"] = "YYYY年M月D日"
    return out


def write_project(build: Path, target: Path) -> Path:
    """Write the Quarto project for build/report.md into ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    source = build / "report.md"
    meta = frontmatter.read(source)
    document = yaml.safe_dump(document_metadata(meta), allow_unicode=True, sort_keys=False)
    (target / "report.qmd").write_text(f"---\n{document}---\n{frontmatter.body(source)}", encoding="utf-8")
    if (build / "figures").is_dir():
        shutil.copytree(build / "figures", target / "figures", dirs_exist_ok=True)
    for name in ["report.css", FILTER, *PARTIALS]:
        shutil.copyfile(TEMPLATES / name, target / name)
    keys = [arg for key, value in frontmatter.plain_keys(meta).items() for arg in ("-M", f"{key}={value}")]
    text = source.read_text(encoding="utf-8")
    head = text[: len(text) - len(frontmatter.body(source))]  # the cover's template reads the metadata alone
    try:
        pypandoc.convert_text(head, "html5", format=READER, outputfile=str(target / "cover.html"),
                              extra_args=[f"--template={TEMPLATES / 'cover-page.html'}", *keys])
    except RuntimeError as exc:
        raise RunFailure(f"pandoc 生成 Quarto 工程的封面 cover.html 失败：{exc}") from None
    write_print_style(meta, target / "print-style.html")
    write_reference_docx(target / "reference.docx", frontmatter.plain_keys(meta)["running-header"],
                         frontmatter.plain_keys(meta).get("stage", ""))
    (target / "_quarto.yml").write_text(
        yaml.safe_dump(quarto_config(), allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target


def _version(args: list[str], pattern: str) -> tuple[int, ...] | None:
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.search(pattern, done.stdout + done.stderr)
    return tuple(int(part) for part in found.group(1).split(".")) if done.returncode == 0 and found else None


def version_text(version: tuple[int, ...] | None) -> str:
    return ".".join(map(str, version)) if version else "未知"


def inspect() -> dict:
    """The ``quarto`` command on PATH, its version and that of its Typst, and for each format
    why Quarto cannot render it (empty when it can). Asked once per command; a caller that
    comes while another asks waits for the same answer."""
    quarto = shutil.which("quarto")
    if quarto is None:
        return {"path": None, "version": None, "typst": None, "unfit": {}}
    stat = os.stat(quarto)
    with _ASKING:
        return _inspect(quarto, stat.st_mtime_ns, stat.st_size)


def inspect_ahead() -> None:
    """Start ``inspect()`` in the background (``quarto typst --version`` starts Quarto: 0.3–0.4 s),
    so that the run's own call finds the answer ready."""
    threading.Thread(target=inspect, name="quarto-inspect", daemon=True).start()


@functools.lru_cache(maxsize=8)
def _inspect(quarto: str, *_identity) -> dict:
    version = _version([quarto, "--version"], r"(\d+(?:\.\d+)+)")
    typst = _version([quarto, "typst", "--version"], r"typst\s+(\d+(?:\.\d+)+)") if version else None
    unfit = {}
    if version is None or version < MIN_QUARTO:
        for fmt in TARGETS:
            unfit[fmt] = (f"Quarto 版本为 {version_text(version)}，低于所需的 {version_text(MIN_QUARTO)}"
                          if version else "无法运行 quarto --version")
    elif typst is None or typst < MIN_TYPST:
        unfit["pdf"] = f"Quarto 自带的 Typst 版本为 {version_text(typst)}，PDF 版式需要 {version_text(MIN_TYPST)} 或更高"
    return {"path": quarto, "version": version, "typst": typst, "unfit": unfit}


def _failure(formats: str | list[str], why: str) -> RunFailure:
    formats = [formats] if isinstance(formats, str) else formats
    if len(formats) == 1:
        what = f"{FORMAT_NAMES[formats[0]]}（report.{formats[0]}）"
    else:
        *first, last = [FORMAT_NAMES[f] for f in formats]
        what = f"{'、'.join(first)} 和 {last}"
    return RunFailure(f"Quarto 生成 {what}失败：{why}。"
                      "可改用内置引擎重新生成：jixiao run … --engine builtin")


def render(project: Path, out_dir: Path, formats: list[str]) -> dict[str, Path]:
    """Run ``quarto render``, finish the Word file, copy the outputs to out_dir. The PDF (pandoc,
    then Typst: the longest) is one ``quarto render`` and HTML and Word together another, at the
    same time, each in a folder of its own (``_places``), as the built-in engine renders its
    formats side by side; each format comes out as Quarto renders it alone."""
    found = inspect()
    if found["path"] is None:
        raise RunFailure("未找到 quarto 命令。请安装 Quarto，或改用 --engine builtin")
    for fmt in formats:
        if fmt in found["unfit"]:
            raise _failure(fmt, found["unfit"][fmt])
    meta = frontmatter.read(project / "report.qmd")
    env = dict(os.environ)
    stamp = frontmatter.timestamp(meta)
    if stamp is not None:
        env["SOURCE_DATE_EPOCH"] = str(stamp)
    places = _places(project, formats)
    try:
        with ThreadPoolExecutor(max_workers=len(places)) as pool:
            jobs = [pool.submit(_quarto, found["path"], place, env, group) for place, group in places.items()]
            wait(jobs)
        for job in jobs:
            job.result()  # the first failure, PDF first
        return _finished(places, out_dir, formats, meta)
    finally:
        for place in places:
            for scratch in (OUTPUT_DIR, ".quarto"):  # leave a clean project behind
                shutil.rmtree(place / scratch, ignore_errors=True)
            if place != project:
                shutil.rmtree(place, ignore_errors=True)


def _places(project: Path, formats: list[str]) -> dict[Path, list[str]]:
    """Where each group of formats renders: the PDF alone in the project; the others beside it in
    a copy of the project whose _quarto.yml lists only them (``--to all`` renders just those)."""
    groups = [group for group in ([f for f in formats if f == "pdf"], [f for f in formats if f != "pdf"]) if group]
    places = {}
    for n, group in enumerate(groups):
        if n == 0 and len(group) == 1:
            places[project] = group
            continue
        place = project.parent / f"{project.name}-{'-'.join(group)}"
        shutil.rmtree(place, ignore_errors=True)
        shutil.copytree(project, place, ignore=shutil.ignore_patterns(OUTPUT_DIR, ".quarto"))
        (place / "_quarto.yml").write_text(yaml.safe_dump(quarto_config(group), allow_unicode=True, sort_keys=False),
                                           encoding="utf-8")
        places[place] = group
    return places


def _finished(places: dict[Path, list[str]], out_dir: Path, formats: list[str], meta: dict) -> dict[str, Path]:
    """The outputs copied to out_dir, the Word file finished with the PDF's heading pages."""
    produced = {fmt: place / OUTPUT_DIR / f"report.{TARGETS[fmt][1]}" for place, group in places.items() for fmt in group}
    made = {}
    for fmt in formats:
        if not produced[fmt].is_file():
            raise _failure(fmt, f"quarto 没有写出 {OUTPUT_DIR}/{produced[fmt].name}")
        if fmt == "docx":
            try:
                pages = heading_pages(produced["pdf"]) if "pdf" in produced else []
                finish_docx(produced[fmt], meta, pages)
            except Exception as exc:  # a Word file this Quarto wrote in a shape we do not know
                raise _failure(fmt, f"无法整理 Quarto 写出的 Word 文件（{type(exc).__name__}: {exc}）") from None
        made[fmt] = out_dir / f"report.{fmt}"
        shutil.copyfile(produced[fmt], made[fmt])
    return made


def _quarto(quarto: str, project: Path, env: dict, formats: list[str]) -> None:
    """One ``quarto render report.qmd --to <format>`` (``--to all`` for the formats the project
    lists); a failure names the format(s). Quarto's JavaScript runs for seconds: unless the user
    sets V8's options, it runs without V8's optimizing compiler and helper threads (LEAN_V8),
    and again without them should this Quarto's V8 not know them."""
    to = TARGETS[formats[0]][0] if len(formats) == 1 else "all"
    lean = "QUARTO_DENO_V8_OPTIONS" not in env
    done = _run([quarto, "render", "report.qmd", "--to", to], project, {**env, "QUARTO_DENO_V8_OPTIONS": LEAN_V8}
                if lean else env, formats)
    if lean and done.returncode != 0 and UNKNOWN_FLAG in done.stderr:
        done = _run([quarto, "render", "report.qmd", "--to", to], project, env, formats)
    if done.returncode != 0:
        raise _failure(formats, "\n" + _error_lines(done.stderr))


def _run(command: list[str], project: Path, env: dict, formats: list[str]) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise _failure(formats, f"超过 {TIMEOUT} 秒仍未完成") from None
    except OSError as exc:
        raise _failure(formats, f"无法运行 quarto（{exc.strerror or exc}）") from None


def _error_lines(stderr: str, keep: int = 15) -> str:
    """The end of Quarto's error output without its stack trace and colour codes."""
    lines = [re.sub(r"\x1b\[[0-9;]*m", "", line) for line in stderr.splitlines()]
    lines = [line for line in lines if line.strip() and not line.lstrip().startswith("at ")]
    return "\n".join(lines[-keep:])
