"""Reading input files within the limits: the size check before reading, and text in the
encodings analysts save it in (UTF-8 with or without BOM, GBK/GB18030 from Chinese Excel
and Notepad)."""

import re
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


def clean_text(text: str) -> str:
    """``text`` as read from an input: no control characters, no token brackets."""
    return CONTROL.sub("", text.translate(TOKEN_BRACKETS))


def check_size(path: Path, limit: int, what: str) -> None:
    """Refuse a file larger than ``limit`` bytes before reading it."""
    size = path.stat().st_size
    if size > limit:
        raise InputError(f"{path}：{what}有 {size / limits.MB:.1f} MB，超过上限 {limit / limits.MB:g} MB"
                         "（见 README「输入限制」），请拆分或删去无关内容")


def decode(data: bytes, path: Path, what: str) -> str:
    """Bytes as text in the first encoding that fits, without control characters; else a message
    naming the file and the encodings to save it in."""
    for encoding in ENCODINGS:
        try:
            return clean_text(data.decode(encoding))
        except UnicodeDecodeError:
            continue
    raise InputError(f"{path}：无法识别文件编码（已试过 UTF-8 与 GBK/GB18030），请另存为 UTF-8 或 GBK 编码的{what}")


def read_text_file(path: Path, what: str = "Markdown 文本") -> str:
    """A Markdown text file, size-checked and decoded (UTF-8 or GBK)."""
    check_size(path, limits.TEXT_BYTES, what)
    return decode(path.read_bytes(), path, what)
