"""The analyst's Markdown texts made safe to publish, in one pandoc round trip.

Texts are read by a Markdown reader without raw HTML or TeX, attributes, divs and spans,
metadata blocks, title blocks, citations or math. What is left is checked — links only to
``http(s)`` addresses, images only from files in the project's data folder — and written
back as canonical Markdown, so nothing in a text can change the report's frame, run a
script, fetch an address or embed a local file. A space typed between two Chinese characters
(after 。 in a bold lead-in) is dropped.

``sanitize_many`` does the same for many projects (a department's forms) in one round trip.
"""

import hashlib
import io
import json
import re
import secrets
import subprocess
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pypandoc
from PIL import Image, ImageOps

from .. import limits
from ..errors import InputError

OFF = ["raw_html", "raw_tex", "raw_attribute", "yaml_metadata_block", "pandoc_title_block", "mmd_title_block",
       "citations", "link_attributes", "header_attributes", "fenced_divs", "bracketed_spans", "native_divs",
       "native_spans", "inline_code_attributes", "fenced_code_attributes", "implicit_figures",
       "tex_math_dollars", "tex_math_single_backslash", "tex_math_double_backslash", "latex_macros",
       "emoji", "smart"]
READER = "markdown" + "".join(f"-{name}" for name in OFF) + "+east_asian_line_breaks"
# The stitched report is read with these too (both engines); the notebooks' own Markdown may size
# images ({width=100%}), a lone image is a figure and the stitcher's metadata block opens the
# document. Texts are written for exactly this reader.
REPORT_FORMAT = "markdown" + "".join(f"-{name}" for name in OFF
                                     if name not in ("link_attributes", "implicit_figures", "yaml_metadata_block"))
WRITER_ARGS = ["--wrap=none", "--markdown-headings=atx"]
# Characters escaped in every piece of text, whatever the writer thinks: a reader with other
# extensions (Quarto's) or a brace after a link (attributes) must never see syntax in them.
RISKY = re.compile(r"([{}<>$@&])")
WEB = re.compile(r"https?://[^\s<>\"]+", re.I)
IMAGE_TYPES = {".png", ".jpg", ".jpeg"}
IMAGE_LIMIT = 10 * 1024 * 1024  # bytes of one image from the data folder
PIXEL_LIMIT = 40_000_000  # pixels of one image (a small file can claim a huge canvas)


@dataclass
class Clean:
    """One text made safe: its Markdown, and the data-folder images it shows (name in figures/ → file)."""

    text: str
    images: dict[str, Path] = field(default_factory=dict)
    labels: list[str] = field(default_factory=list)  # the figure labels of its images, in order


def sanitize(texts: dict[str, tuple[str, str]], data_dir: Path) -> dict[str, Clean]:
    """Make every text safe; ``texts`` maps a key to (Markdown, where it comes from for messages).
    Raises InputError listing every link or image that may not be published."""
    if not texts:
        return {}
    nested = [problem for text, where in texts.values() for problem in _too_deep(text, where)]
    if nested:
        raise InputError(nested)
    try:
        return _sanitize(texts, data_dir)
    except RecursionError:  # a nesting the line scan above did not see
        raise InputError([f"{where}：文字的结构嵌套过深，无法处理，请简化（见 README「输入限制」）"
                          for _, where in texts.values()]) from None
    except _Slow:
        shown = "、".join(where for _, where in list(texts.values())[:5]) + (" 等" if len(texts) > 5 else "")
        raise InputError(f"{shown}：读取这些文字超过 {limits.SANITIZE_SECONDS} 秒仍未完成（见 README「输入限制」），"
                         "请检查其中是否有异常长、嵌套很深或大量未闭合符号的文字") from None


def _sanitize(texts: dict[str, tuple[str, str]], data_dir: Path) -> dict[str, Clean]:
    chunks, walkers = _checked(texts, data_dir, _read([text for text, _ in texts.values()]))
    return _finished(texts, _write(chunks), walkers)


def _checked(texts: dict[str, tuple[str, str]], data_dir: Path, blocks: list[list]) -> tuple[list, dict]:
    """Each text's blocks cleaned, and its walker (the images it shows, their figure labels, unique
    across the project's texts); InputError with every problem."""
    problems, walkers, chunks, labels = [], {}, [], set()
    for key, chunk in zip(texts, blocks):
        walker = _Walker(data_dir, texts[key][1], labels)
        chunks.append(walker.blocks(chunk))
        problems += walker.problems + _too_long(chunk, texts[key][1])
        walkers[key] = walker
    total = sum(len(text) for text, _ in texts.values())
    if total > limits.TEXTS_CHARS:
        problems.append(f"{next(iter(texts.values()))[1]} 等：全部文字和指标分析合计 {total:,} 个字符，超过上限 "
                        f"{limits.TEXTS_CHARS:,}（见 README「输入限制」），排版 PDF 会过慢，请删减")
    if problems:
        raise InputError(problems)
    return chunks, walkers


def _finished(texts: dict[str, tuple[str, str]], written: list[str], walkers: dict) -> dict[str, Clean]:
    shortcodes = [where for (_, where), text in zip(texts.values(), written) if "{{<" in text or "{{%" in text]
    if shortcodes:
        raise InputError([f"{where}：文字中不能出现 {{{{< 或 {{{{%（Quarto 的短代码），请删去" for where in shortcodes])
    return {key: Clean(text, walkers[key].images, walkers[key].labels) for key, text in zip(texts, written)}


# What reads differently beside another project's texts: references and notes (``[…]``, defined
# anywhere in a document), example lists (numbered across it), code fences (they swallow what
# follows) and a definition (``: …``) opening a text (it takes the marker before it as its term).
SHARED = re.compile(r"\[|\(@|```|~~~|^\s*[:~]")


def sanitize_many(groups: list[tuple[dict[str, tuple[str, str]], Path]]) -> list[dict[str, Clean] | InputError]:
    """The texts of many projects (each with its data folder) made safe in one pandoc round trip:
    what ``sanitize`` gives each project, or the InputError it raises for it. A project whose texts
    could read differently beside another's (SHARED, or nested too deep) is sanitized alone, and so is
    every project when the shared document cannot be split back into its texts."""
    results: dict[int, dict[str, Clean] | InputError] = {}
    shared = {}
    for n, (texts, data_dir) in enumerate(groups):
        if texts and not any(SHARED.search(text) or _too_deep(text, where) for text, where in texts.values()):
            shared[n] = (texts, data_dir)
        else:
            results[n] = _alone(texts, data_dir)
    try:
        results |= _shared(shared)
    except (_Slow, _Swallowed, RecursionError, RuntimeError):
        results |= {n: _alone(texts, data_dir) for n, (texts, data_dir) in shared.items()}
    return [results[n] for n in range(len(groups))]


def _alone(texts: dict[str, tuple[str, str]], data_dir: Path) -> dict[str, Clean] | InputError:
    try:
        return sanitize(texts, data_dir)
    except InputError as exc:
        return exc


class _Swallowed(Exception):
    """A text of the shared document swallowed a marker: it cannot be split back."""


def _shared(groups: dict[int, tuple[dict, Path]]) -> dict[int, dict[str, Clean] | InputError]:
    """Every group's texts read as one document and written as one, each group checked on its own."""
    if not groups:
        return {}
    marker = _marker()
    flat = [text for texts, _ in groups.values() for text, _ in texts.values()]
    blocks = _split_blocks(_pandoc_json(_joined(flat, marker))["blocks"], marker, len(flat))
    if blocks is None:
        raise _Swallowed
    results, read, start = {}, {}, 0
    for n, (texts, data_dir) in groups.items():
        try:
            read[n] = _checked(texts, data_dir, blocks[start:start + len(texts)])
        except InputError as exc:
            results[n] = exc
        start += len(texts)
    written, start = _write([chunk for chunks, _ in read.values() for chunk in chunks]), 0
    for n, (chunks, walkers) in read.items():
        try:
            results[n] = _finished(groups[n][0], written[start:start + len(chunks)], walkers)
        except InputError as exc:
            results[n] = exc
        start += len(chunks)
    return results


CONTAINER = re.compile(r"[ \t]*(?:>|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t]))")


def _too_deep(text: str, where: str) -> list[str]:
    """Quotes and lists nested, or square brackets left open, deeper than MARKDOWN_DEPTH: pandoc's
    reader and its JSON slow down with the square of the depth (3,000 open ``[``) and Python's
    JSON reader stops at its recursion limit (a quote 3,000 deep): refused before pandoc reads them."""
    problems = []
    depth = limits.MARKDOWN_DEPTH
    for number, line in enumerate(text.splitlines(), start=1):
        containers, rest = 0, line
        while (found := CONTAINER.match(rest)) and containers <= depth:
            containers += 1
            rest = rest[found.end():]
        indent = len(line) - len(line.lstrip(" \t"))
        if containers + indent // 4 > depth:
            problems.append(f"{where}：第 {number} 行的引用或列表嵌套超过 {depth} 层（见 README「输入限制」），请改写")
            break
    open_, line = 0, 1
    for match in re.finditer(r"\\.|\[|\]|\n[ \t]*\n", text):
        token = match.group()
        if token == "[":
            open_ += 1
            if open_ > depth:
                line = text.count("\n", 0, match.start()) + 1
                problems.append(f"{where}：第 {line} 行起方括号「[」连续未闭合或嵌套超过 {depth} 层（见 README「输入限制」），"
                                "请删去多余的「[」或写成「\\[」")
                break
        elif token == "]":
            open_ = max(open_ - 1, 0)
        elif token.startswith("\n"):
            open_ = 0
    return problems


PARAGRAPHS = {"Para", "Plain", "Header", "LineBlock", "CodeBlock"}


def _shown(item) -> int:
    """Characters an AST element shows (its Str and Code text)."""
    if isinstance(item, dict):
        if item.get("t") == "Note":  # a footnote's paragraphs are measured on their own
            return 0
        if item.get("t") in ("Str", "Code", "CodeBlock"):
            content = item["c"]
            return len(content if isinstance(content, str) else content[-1])
        return _shown(item.get("c"))
    if isinstance(item, list):
        return sum(_shown(i) for i in item)
    return 0


def _too_long(blocks: list, where: str) -> list[str]:
    """A paragraph longer than PARAGRAPH_CHARS, or more footnotes than FOOTNOTES: the renderers'
    time grows with them faster than with the text's size (README「输入限制」)."""
    problems, notes, number = [], 0, 0

    def visit(items):
        nonlocal notes, number
        for item in items if isinstance(items, list) else [items]:
            if not isinstance(item, dict):
                if isinstance(item, list):
                    visit(item)
                continue
            if item.get("t") == "Note":
                notes += 1
            if item.get("t") in PARAGRAPHS:
                number += 1
                size = _shown(item)
                if size > limits.PARAGRAPH_CHARS:
                    problems.append(f"{where}：第 {number} 段（『{_opening(item)}……』）有 {size:,} 个字，超过每段 "
                                    f"{limits.PARAGRAPH_CHARS:,} 字的上限（见 README「输入限制」），请分段")
            if isinstance(item.get("c"), list):
                visit(item["c"])

    visit(blocks)
    if notes > limits.FOOTNOTES:
        problems.append(f"{where}：有 {notes:,} 个脚注，超过上限 {limits.FOOTNOTES:,}（见 README「输入限制」），请删减或改为正文")
    return problems


def _opening(block: dict) -> str:
    """The first characters a block shows, for a message."""
    out = []

    def visit(item):
        if sum(map(len, out)) >= 12:
            return
        if isinstance(item, dict):
            if item.get("t") == "Str":
                out.append(item["c"])
            else:
                visit(item.get("c"))
        elif isinstance(item, list):
            for i in item:
                visit(i)

    visit(block)
    return "".join(out)[:12]


class _Slow(Exception):
    """pandoc did not finish reading or writing the texts within the time limit."""


def _convert(text: str, source: str, target: str, args: list[str]) -> str:
    """One pandoc conversion under the watchdog (``limits.SANITIZE_SECONDS``)."""
    try:
        done = subprocess.run([pypandoc.get_pandoc_path(), f"--from={source}", f"--to={target}", *args],
                              input=text.encode("utf-8"), capture_output=True, timeout=limits.SANITIZE_SECONDS)
    except subprocess.TimeoutExpired:
        raise _Slow from None
    if done.returncode:
        raise RuntimeError(f"pandoc: {done.stderr.decode('utf-8', 'replace').strip()}")
    return done.stdout.decode("utf-8")


def _pandoc_json(text: str) -> dict:
    return json.loads(_convert(text, READER, "json", []))


def _marker() -> str:
    return f"JIXIAOBREAK{secrets.token_hex(8)}"


def _joined(texts: list[str], marker: str) -> str:
    return "".join(f"{t}\n\n{marker}\n\n" for t in texts)


def _split_blocks(blocks: list, marker: str, count: int) -> list[list] | None:
    """A document of ``count`` texts read together, split at the marker; None if a text swallowed one."""
    chunks, current = [], []
    for block in blocks:
        if block == {"t": "Para", "c": [{"t": "Str", "c": marker}]}:
            chunks.append(current)
            current = []
        else:
            current.append(block)
    return chunks if len(chunks) == count and not current else None


def _read(texts: list[str]) -> list[list]:
    """Each text's blocks; one pandoc run for all of them, split at a random marker."""
    marker = _marker()
    chunks = _split_blocks(_pandoc_json(_joined(texts, marker))["blocks"], marker, len(texts))
    if chunks is not None:
        return chunks
    return [_pandoc_json(t)["blocks"] for t in texts]  # a text swallowed a marker (open code fence)


def _marked_doc(chunks: list[list], marker: str) -> dict:
    blocks = []
    for chunk in chunks:
        blocks += chunk + [{"t": "Para", "c": [{"t": "Str", "c": marker}]}]
    return {"pandoc-api-version": [1, 23, 1, 1], "meta": {}, "blocks": blocks}


def _split_written(text: str, marker: str, count: int) -> list[str]:
    """The written document split at its markers (a blank first text leaves the document opening
    with a marker: its part is empty, not the next text)."""
    parts = f"\n{text}".split(f"\n{marker}\n")
    return [p.strip("\n") + "\n" for p in parts[:count]]


def _write(chunks: list[list]) -> list[str]:
    marker = _marker()
    text = _convert(json.dumps(_marked_doc(chunks, marker)), "json", REPORT_FORMAT, WRITER_ARGS)
    return _split_written(text, marker, len(chunks))


def _wide(ch: str) -> bool:
    """A wide (CJK) character; '' (an element that shows no plain character, such as code or an
    image) is not."""
    return bool(ch) and unicodedata.east_asian_width(ch) in "WF"


class _Walker:
    """Checks and cleans one text's pandoc AST."""

    def __init__(self, data_dir: Path, where: str, taken: set | None = None):
        self.data_dir = Path(data_dir).resolve()
        self.where = where
        self.problems: list[str] = []
        self.images: dict[str, Path] = {}
        self.labels: list[str] = []
        self.taken = set() if taken is None else taken
        self.in_table = 0

    def blocks(self, items: list) -> list:
        out = []
        for item in items:
            if item.get("t") in ("Para", "Plain") and not self.in_table and any(i.get("t") == "Image" for i in item["c"]):
                out += self.figures(item)
            else:
                out.append(self.node(item))
        return [b for b in out if b is not None]

    def figures(self, para: dict) -> list:
        """A paragraph with images: its text, then each image as a numbered figure of its own, its
        alternative text the caption (「![现场照片](photos/site.jpg)」 → 图 1-2 现场照片)."""
        rest = []
        for item in (i for i in para["c"] if i.get("t") != "Image"):
            if not (rest and item["t"] in ("Space", "SoftBreak") and rest[-1]["t"] in ("Space", "SoftBreak")):
                rest.append(item)
        while rest and rest[-1]["t"] in ("Space", "SoftBreak", "LineBreak"):
            rest.pop()
        while rest and rest[0]["t"] in ("Space", "SoftBreak", "LineBreak"):
            rest.pop(0)
        out = [self.node({"t": para["t"], "c": rest})] if rest else []
        for image in (i for i in para["c"] if i.get("t") == "Image"):
            _attr, inlines, (url, _title) = image["c"]
            caption = self.inlines(inlines)
            if not _shown(caption):
                self.problems.append(f"{self.where}：图片『{url}』没有图题；报告中的图都有编号和图题，"
                                     f"请写成 ![图题]({url})")
            target = self.image(url)
            label = self.label(url)
            token = {"t": "RawInline", "c": ["markdown", f"⟦fig:{label}⟧ "]}
            out.append({"t": "Para", "c": [{"t": "Image", "c": [["", [], []], [token, *caption], [target, ""]]}]})
        return out

    def label(self, url: str) -> str:
        """The figure's label: the file's name without its extension where it can be one (site for
        photos/site.jpg, cited as @fig-site), else image; made unique with -2, -3 …"""
        stem = Path(url.replace("\\", "/")).stem
        base = stem if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", stem) and not stem.endswith(".") else "image"
        label, n = base, 1
        while label in self.taken:
            n += 1
            label = f"{base}-{n}"
        self.taken.add(label)
        self.labels.append(label)
        return label

    def node(self, item):
        kind, content = item.get("t"), item.get("c")
        if kind in ("RawBlock", "RawInline"):
            return None
        if kind in ("Div", "Span"):  # unreachable with the reader above; keep the text, drop the attributes
            return {"t": "Div" if kind == "Div" else "Span", "c": [["", [], []], self.walk(content[1])]}
        if kind == "Header":
            level, _attr, inlines = content
            return {"t": "Header", "c": [level, ["", [], []], self.inlines(inlines)]}
        if kind == "Link":
            _attr, inlines, (url, title) = content
            if not WEB.fullmatch(url):
                self.problems.append(f"{self.where}：链接『{url}』不能发布：正文中的链接只能指向 http:// 或 https:// 网址")
            return {"t": "Link", "c": [["", [], []], self.inlines(inlines), [url, ""]]}  # no title attribute
        if kind == "Image":  # not a paragraph's own (inside a link, a bold phrase, a table cell)
            _attr, inlines, (url, title) = content
            self.problems.append(f"{self.where}：图片『{url}』应单独成段（不放在链接、加粗、表格等之中），"
                                 "报告才能给它编号和图题")
            return None
        if kind == "Table":
            self.in_table += 1
            try:
                return {"t": kind, "c": self.walk(content)}
            finally:
                self.in_table -= 1
        if isinstance(content, list):
            return {"t": kind, "c": self.walk(content)} if "c" in item else item
        return item

    def walk(self, value):
        if isinstance(value, list):
            if value and all(isinstance(v, dict) and "t" in v for v in value):
                return self.inlines(value) if _inline_list(value) else self.blocks(value)
            return [self.walk(v) for v in value]
        if isinstance(value, dict) and "t" in value:
            return self.node(value)
        return value

    def inlines(self, items: list) -> list:
        out = [i for i in (self.node(i) for i in items) if i is not None]
        out = [i for n, i in enumerate(out)
               if not (i["t"] in ("Space", "SoftBreak") and 0 < n < len(out) - 1
                       and _wide(_edge(out[n - 1], -1)) and _wide(_edge(out[n + 1], 0)))]
        return [piece for i in out for piece in (_escaped(i["c"]) if i["t"] == "Str" else [i])]

    def image(self, url: str) -> str:
        """The figures/ name of an image from the data folder; a problem for anything else."""
        path = (self.data_dir / url).resolve() if url and not re.match(r"^[a-z][a-z0-9+.-]*:|^[/\\]", url, re.I) else None
        if path is not None and path.is_relative_to(self.data_dir) and path.suffix.lower() in IMAGE_TYPES \
                and path.is_file() and path.stat().st_size <= IMAGE_LIMIT and not _readable_image(path):
            self.problems.append(f"{self.where}：图片『{url}』不是能读取的 PNG/JPEG 图片（文件损坏、扩展名与内容不符，"
                                 f"或超过 {PIXEL_LIMIT // 1_000_000} 百万像素），请重新导出")
            return ""
        if path is None or not path.is_relative_to(self.data_dir) or path.suffix.lower() not in IMAGE_TYPES \
                or not path.is_file() or path.stat().st_size > IMAGE_LIMIT:
            self.problems.append(
                f"{self.where}：图片『{url}』不能发布：报告中的图片只能是笔记本绘制的图表，或数据目录中的 "
                f".png/.jpg 文件（写相对于数据目录的路径，不超过 {IMAGE_LIMIT // 1024 // 1024} MB）")
            return ""
        name = f"text-{hashlib.sha256(path.read_bytes()).hexdigest()[:12]}{path.suffix.lower()}"
        self.images[name] = path
        return f"figures/{name}"


def _readable_image(path: Path) -> bool:
    try:
        with Image.open(path) as image:
            if image.format not in ("PNG", "JPEG") or image.width * image.height > PIXEL_LIMIT:
                return False
            image.verify()
        return True
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return False


def published_image(path: Path) -> bytes:
    """A data-folder image as it is published: its pixels only, turned upright as its EXIF says,
    re-encoded without what cameras and editors write beside them (EXIF with the GPS position and
    the owner's name, PNG text, XMP, comments, colour profiles naming a device)."""
    with Image.open(path) as original:
        image = ImageOps.exif_transpose(original)
        if image.mode == "P" or "transparency" in image.info:
            image = image.convert("RGBA")
        image.info = {}
        buffer = io.BytesIO()
        if original.format == "PNG":
            image.save(buffer, format="PNG")
        else:
            image.convert("RGB").save(buffer, format="JPEG", quality=95)
    return buffer.getvalue()


def _escaped(text: str) -> list:
    """A Str split so that each risky character is written as a Markdown escape."""
    pieces = []
    for part in RISKY.split(text):
        if not part:
            continue
        pieces.append({"t": "RawInline", "c": ["markdown", "\\" + part]} if RISKY.fullmatch(part)
                      else {"t": "Str", "c": part})
    return pieces


INLINE = {"Str", "Emph", "Underline", "Strong", "Strikeout", "Superscript", "Subscript", "SmallCaps", "Quoted",
          "Cite", "Code", "Space", "SoftBreak", "LineBreak", "Math", "RawInline", "Link", "Image", "Note", "Span"}


def _inline_list(items: list) -> bool:
    return items[0]["t"] in INLINE


def _edge(item: dict, end: int) -> str:
    """The first (end=0) or last (end=-1) character an inline element shows; '' if none."""
    kind, content = item["t"], item.get("c")
    if kind == "Str":
        return content[end] if content else ""
    if kind in ("Space", "SoftBreak", "LineBreak"):
        return " "
    if kind in ("Emph", "Underline", "Strong", "Strikeout", "Superscript", "Subscript", "SmallCaps"):
        return _edge(content[end], end) if content else ""
    if kind == "Quoted":
        return _edge(content[1][end], end) if content[1] else ""
    if kind in ("Link", "Span"):
        return _edge(content[1][end], end) if content[1] else ""
    return ""
