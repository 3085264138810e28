"""Reading input files within the limits: the size check before reading, and text in the
encodings analysts save it in (UTF-8 with or without BOM, GBK/GB18030 from Chinese Excel
and Notepad)."""

import os
import re
import stat
from functools import lru_cache, wraps
from pathlib import Path

from .. import limits
from ..errors import InputError

ENCODINGS = ("utf-8-sig", "gb18030")  # gb18030 is a superset of GBK and GB2312
# Control characters copy and paste leaves in text (other than tab and line breaks): invisible,
# and not allowed in the XML of a Word file; so are lone surrogates and U+FFFE/U+FFFF (a YAML
# escape can write them). Vertical tab and form feed (Word's line and page breaks) read as a space.
CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


# The brackets of the stitcher's table, figure and reference tokens (markup.DEFINE, REFER): in
# what the analyst typed they are the CJK brackets that look the same, so no input text can
# number a table of its own or refer to one except through {{ ref("…") }}.
TOKEN_BRACKETS = str.maketrans({"⟦": "〚", "⟧": "〛", "\x0b": " ", "\x0c": " "})


# Bidirectional controls (embeddings, overrides, isolates, marks): invisible, they make text show
# in another order than it is written (rlo\u202egpj.exe shows as rloexe.jpg). Chinese reports need
# none, so every input loses them; check names where they were (``bidi_warnings``).
BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def per_version(read):
    """``read(path)`` done once per version of a file, known by its size and modification time:
    the outline and notebooks that every project of a department shares are read once. What
    ``read`` returns is shared: callers only look at it. A file that cannot be read is read again
    each time (its error is not kept)."""
    cached = lru_cache(maxsize=256)(lambda path, version: read(path))

    @wraps(read)
    def call(path):
        try:
            found = os.stat(path)
        except OSError:
            return read(path)
        return cached(Path(path), (found.st_mtime_ns, found.st_size, found.st_ino, found.st_dev))

    return call


def clean_text(text: str) -> str:
    """``text`` as read from an input: no control characters, no bidi controls, no token brackets."""
    return BIDI.sub("", CONTROL.sub("", text.translate(TOKEN_BRACKETS)))


def bidi_warnings(path: Path) -> list[str]:
    """Where the parameter file (its name and its lines) holds bidi controls, for ``check``."""
    found = []
    if BIDI.search(path.name):
        found.append(f"{BIDI.sub('', str(path))}：参数文件名中有不可见的双向控制字符，文件名显示的顺序与实际不同"
                     f"（实际为『{path.name.encode('unicode_escape').decode()}』），请给文件改名")
    try:
        text = _as_text(path.read_bytes()) or ""
    except OSError:
        return found
    lines = [n for n, line in enumerate(text.splitlines(), start=1) if BIDI.search(line)]
    if lines:
        shown = "、".join(map(str, lines[:10])) + (" 等" if len(lines) > 10 else "")
        found.append(f"{BIDI.sub('', str(path))}：第 {shown} 行有不可见的双向控制字符（如 U+202E），会让文字显示的顺序与实际不同；"
                     "报告中已去掉它们，请在参数文件中删去（重新输入这几处文字）")
    return found


# What a path can be other than a regular file, as an analyst would name it.
KINDS = ((stat.S_ISDIR, "文件夹"), (stat.S_ISFIFO, "命名管道（FIFO）"), (stat.S_ISCHR, "字符设备"),
         (stat.S_ISBLK, "块设备"), (stat.S_ISSOCK, "套接字"))


def not_regular(path: Path) -> str | None:
    """What ``path`` is if it exists but is not a regular file (a FIFO would block a reader
    forever, a device would never end); None for a regular file or a missing path."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    return next((name for test, name in KINDS if test(mode)), None if stat.S_ISREG(mode) else "特殊文件")


def inside(root: Path, name, what: str, where: str) -> Path:
    """The file ``name`` (relative to ``root``, as a parameter file writes it) after checking that
    it is a regular file inside ``root`` — symlinks followed only when their target is inside too.
    Anything else is an InputError naming ``where``, the path and what to do; never a read.
    Every input a parameter file names goes through here (tables, texts, analysis.md, outline)."""
    root = Path(root).resolve()
    written = str(name).strip()
    relative = Path(written)
    if relative.is_absolute() or relative.drive:
        raise InputError(f"{where}：{what}『{written}』是绝对路径；输入文件只能写相对于 {root} 的路径，"
                         "请把文件复制到该目录中")
    path = root / relative
    try:
        target = path.resolve()
    except (OSError, RuntimeError):  # a symlink loop
        raise InputError(f"{where}：{what} {path} 是循环的符号链接，请换成普通的文件") from None
    if not target.is_relative_to(root):
        link = next((p for p in [path, *path.parents] if p.is_relative_to(root) and p.is_symlink()), None)
        how = f"是指向 {root} 之外的符号链接（{link} → {target}）" if link else f"在 {root} 之外"
        raise InputError(f"{where}：{what}『{written}』{how}；为防止把其他文件发布进报告，输入文件必须在该目录之内，"
                         "请把文件复制进来")
    kind = not_regular(target)
    if kind:
        raise InputError(f"{where}：{path}：{what}是{kind}而不是普通文件，无法读取；请换成普通的文件")
    if not target.exists():
        raise InputError(f"{where}：{path}：{what}不存在，请检查路径")
    return path


def regular_files(root: Path):
    """Every regular file under ``root`` whose real location is inside ``root`` too, in order:
    a folder's contents as they may be copied or packed (a symlink out of it is left behind)."""
    root = Path(root).resolve()
    for path in sorted(root.rglob("*")):
        if not_regular(path) is None and path.is_file() and path.resolve().is_relative_to(root):
            yield path


def check_size(path: Path, limit: int, what: str) -> None:
    """Refuse a file larger than ``limit`` bytes, or one that is not a regular file, before reading it."""
    kind = not_regular(path)
    if kind:
        raise InputError(f"{path}：{what}是{kind}而不是普通文件，无法读取；请换成普通的文件")
    size = path.stat().st_size
    if size > limit:
        raise InputError(f"{path}：{what}有 {size / limits.MB:.1f} MB，超过上限 {limit / limits.MB:g} MB"
                         "（见 README「输入限制」），请拆分或删去无关内容")


def _as_text(data: bytes) -> str | None:
    """Bytes as text in the first encoding that fits, as written; None if none fits."""
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def decode(data: bytes, path: Path, what: str) -> str:
    """Bytes as text in the first encoding that fits, without control characters; else a message
    naming the file and the encodings to save it in."""
    text = _as_text(data)
    if text is not None:
        return clean_text(text)
    raise InputError(f"{path}：无法识别文件编码（已试过 UTF-8 与 GBK/GB18030），请另存为 UTF-8 或 GBK 编码的{what}")


def read_text_file(path: Path, what: str = "Markdown 文本") -> str:
    """A Markdown text file, size-checked and decoded (UTF-8 or GBK)."""
    check_size(path, limits.TEXT_BYTES, what)
    return decode(path.read_bytes(), path, what)
