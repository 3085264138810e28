"""Pandoc Markdown building blocks: escaping, pipe tables and grid tables with row spans.

The stitched report is Markdown and images only, so tables keep their captions in
every output format; captions carry a definition token (``markup.define``) that the
stitcher numbers per chapter (表 3-1 …).
"""

import re
import unicodedata

from ..markup import define, escape

SPAN = None  # a grid cell covered by the cell above it (row span)
# Column sizes (in display columns) set pandoc's relative widths: a column is at least its
# header plus slack, so short headers (序号, 满分值) never wrap, and long text columns grow
# only half as fast beyond CAP so they do not squeeze the label columns next to them.
SLACK = 4
CAP = 36


def caption_line(label: str, caption: str) -> str:
    return f": {define('tbl', label)} {escape(caption)}"


def width(text: str) -> int:
    """Display width: CJK characters take two columns, as pandoc counts them."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _sizes(cells) -> list[int]:
    """Column sizes for a header row followed by body rows (SPAN cells ignored)."""
    sizes = []
    for i, head in enumerate(cells[0]):
        longest = max((width(r[i]) for r in cells[1:] if r[i] is not SPAN), default=0)
        if longest > CAP:
            longest = CAP + min(longest - CAP, CAP) // 2
        sizes.append(max(3, width(head) + SLACK, longest))
    return sizes


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF"


def wrap(text: str, size: int) -> list[str]:
    """Lines of at most ``size`` columns, broken only where the reader adds no space:
    at a space, or between two CJK characters (pandoc's east_asian_line_breaks)."""
    tokens = re.findall(r"\\.|.", text)  # an escape and its character stay together
    lines, line = [], ""
    for tok in tokens:
        if line and width(line + tok) > size:
            prev = line[-1]
            if tok == " ":
                lines.append(line.rstrip())
                line = ""
                continue
            if _wide(prev) and _wide(tok[-1]):
                lines.append(line)
                line = ""
        line += tok
    return lines + [line] if line or not lines else lines


def _pad(text: str, size: int) -> str:
    return text + " " * (size - width(text))


def pipe_table(headers, rows, label=None, caption=None, align=None) -> str:
    """A pipe table; ``align`` is a string of l/c/r per column."""
    align = align or "l" * len(headers)
    head = [escape(h) for h in headers]
    body = [[escape(c) for c in row] for row in rows]
    # Dash counts give pandoc relative column widths (for lines wider than 72 columns).
    sizes = _sizes([head, *body])
    marks = {"l": ":{}", "c": ":{}:", "r": "{}:"}
    lines = [
        "| " + " | ".join(head) + " |",
        "|" + "|".join(marks[a].format("-" * n) for a, n in zip(align, sizes)) + "|",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in body]
    if label:
        lines = [caption_line(label, caption), ""] + lines
    return "\n".join(lines) + "\n"


def grid_table(headers, rows, label=None, caption=None, align=None) -> str:
    """A grid table; a cell equal to ``SPAN`` continues the cell above (row span)."""
    ncol = len(headers)
    align = align or "l" * ncol
    cells = [[escape(h) for h in headers]] + [[c if c is SPAN else escape(c) for c in r] for r in rows]
    sizes = _sizes(cells)
    wrapped = [[wrap("" if c is SPAN else c, sizes[i]) for i, c in enumerate(row)] for row in cells]
    # a line that cannot be broken widens its column (rare: long Latin words)
    sizes = [max(sizes[i], *(width(x) for row in wrapped for x in row[i])) for i in range(ncol)]

    def content(n):
        row = wrapped[n]
        return "\n".join(
            "|" + "|".join(" " + _pad(w[k] if k < len(w) else "", sizes[i]) + " " for i, w in enumerate(row)) + "|"
            for k in range(max(len(w) for w in row)))

    def border(below, fill="-"):
        # below: the next row, or None for a full rule; a SPAN column leaves a gap
        gaps = [below is not None and below[i] is SPAN for i in range(ncol)]
        out = ""
        for i in range(ncol + 1):
            left = gaps[i - 1] if i > 0 else None
            right = gaps[i] if i < ncol else None
            out += "|" if (left in (True, None) and right in (True, None)) else "+"
            if i < ncol:
                out += " " * (sizes[i] + 2) if gaps[i] else fill * (sizes[i] + 2)
        return out

    marks = []
    for i, a in enumerate(align):
        seg = "=" * (sizes[i] + 2)
        if a == "c":
            seg = ":" + seg[1:-1] + ":"
        elif a == "r":
            seg = seg[:-1] + ":"
        else:
            seg = ":" + seg[1:]
        marks.append(seg)
    lines = [border(None), content(0), "+" + "+".join(marks) + "+"]
    for n in range(1, len(cells)):
        lines.append(content(n))
        lines.append(border(cells[n + 1] if n + 1 < len(cells) else None))
    if label:
        lines = [caption_line(label, caption), ""] + lines
    return "\n".join(lines) + "\n"
