"""Pandoc Markdown building blocks: escaping, pipe tables and grid tables with row spans.

The stitched report is Markdown and images only, so tables keep their captions in
every output format; captions carry ``[[tbl:label]]`` tokens that the stitcher
numbers per chapter (表 3-1 …).
"""

import re
import unicodedata

SPECIALS = re.compile(r"([\\`*_{}\[\]<>#|$~^])")
SPAN = None  # a grid cell covered by the cell above it (row span)


def escape(text) -> str:
    """Escape Markdown syntax in a data value so it prints literally."""
    text = " ".join(str(text).split())
    return SPECIALS.sub(r"\\\1", text)


def caption_line(label: str, caption: str) -> str:
    return f": [[tbl:{label}]] {escape(caption)}"


def width(text: str) -> int:
    """Display width: CJK characters take two columns, as pandoc counts them."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, size: int) -> str:
    return text + " " * (size - width(text))


def pipe_table(headers, rows, label=None, caption=None, align=None) -> str:
    """A pipe table; ``align`` is a string of l/c/r per column."""
    align = align or "l" * len(headers)
    head = [escape(h) for h in headers]
    body = [[escape(c) for c in row] for row in rows]
    # Dash counts follow content widths: pandoc turns them into relative column widths.
    sizes = [max(3, *(width(r[i]) for r in [head, *body])) for i in range(len(head))]
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
    sizes = [max(3, *(width(r[i]) for r in cells if r[i] is not SPAN)) for i in range(ncol)]

    def content(row):
        return "|" + "|".join(" " + _pad("" if c is SPAN else c, sizes[i]) + " " for i, c in enumerate(row)) + "|"

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
    lines = [border(None), content(cells[0]), "+" + "+".join(marks) + "+"]
    body = cells[1:]
    for n, row in enumerate(body):
        lines.append(content(row))
        lines.append(border(body[n + 1] if n + 1 < len(body) else None))
    if label:
        lines = [caption_line(label, caption), ""] + lines
    return "\n".join(lines) + "\n"


def bullets(items) -> str:
    return "\n".join(f"{n}. {text}" for n, text in enumerate(items, start=1)) + "\n"


def shift_headings(text: str, level: int) -> str:
    """Move the headings of a text so its top heading sits at ``level``."""
    found = [len(m) for m in re.findall(r"^(#+) ", text, flags=re.M)]
    if not found:
        return text
    delta = level - min(found)
    return re.sub(r"^(#+) ", lambda m: "#" * max(1, len(m.group(1)) + delta) + " ", text, flags=re.M)
