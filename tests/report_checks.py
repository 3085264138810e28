"""Consistency checks over a rendered report's PDF text, as a finance-bureau reviewer reads it.

``read_report(pdf)`` extracts the text with pypdf, keeping each piece's page, position, size
and font, which tell headings (the sans heading font, at the left margin), prose (body size)
and table cells (smaller) apart. ``check_report(report)`` returns every problem found (an
empty list when the report reads true):

- leftovers: 待填写, ``{{``, ``{%``, ``[[``, ``⟦``, ``None``, ``nan``, replacement characters;
- heading numbers: 一、二、… and within each parent （一）（二）…, 1. 2. …, （1）（2）… run on with
  no gap, no repeat and no restart;
- 表 3-1 (the score summary): dimension scores add up to the total, weights and applicable
  maxima to theirs, every 得分率 equals 得分 ÷ 适用满分 (or ÷ 权重), a rescaled total equals
  the raw total ÷ the applicable maximum × the full marks; a column with a 百分制得分 prints no
  second rate (得分率 —);
- 表 3-2 (the score detail) agrees with 表 3-1: per dimension and in total, the sums of full
  marks, applicable full marks and scores; a 百分制得分 × full marks ÷ 100 gives the score;
- the analysis chapter's sentences agree with both tables (dimensions, groups, indicators);
- every 得分率 in the prose equals the score over the maximum printed beside it in the same
  sentence, and has one; every equation printed (``a ÷ b × c = d``) is true arithmetic;
- the grade printed is the band the total falls in, by the bands the report states;
- each budget rate (预算执行率 …) is defined once, with its formula, its value agrees with
  the amounts printed, and any other working of the same name gives the same value;
- in a table with a 占比 column, the shares add up to what its 合计 row says;
- no sentence points to a table or figure of a later chapter without naming the chapter
  (「见第三部分表 3-5」);
- one decimal policy per kind of figure: percentages in the prose whole or with two decimals,
  amounts in 万元 with two decimals and separators, a rate compared with anchors printed as the
  sentence printed it, one number of decimals per table column;
- every image in the body has a numbered 图 caption, and every numbered table and figure is
  cited in the text.

Tables are found by their captions (``SUMMARY`` and ``DETAIL``), not by their numbers, and read
as the PDF template (``jixiao-table``) draws them: the header row before the caption (which is
drawn from inside the first row); on each continuation page the header row, a 「续表」 caption
and the group labels of the rows in progress again (all left out); group labels spanning rows
after those rows; a last 合计 row centred across the label columns; column widths that follow
the content (so a cell's column is told by where the header texts end, not by the nearest one).
"""

import re
import sys
import unicodedata
from copy import deepcopy
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from itertools import takewhile
from pathlib import Path

from pypdf import PdfReader

sys.path.insert(0, str(Path(__file__).parent / "scoring"))
from working import check as check_working  # noqa: E402

SUMMARY = "项目评分汇总表"
DETAIL = "项目绩效评分结果表"
NUM = r"\d[\d,]*(?:\.\d+)?"
CODE = re.compile(r"[A-Za-z][A-Za-z0-9\-]*\d|[A-Za-z]")
LEFTOVERS = [("待填写", "待填写"), (r"\{\{|\}\}|\{%|%\}", "a template placeholder"), (r"\[\[|\]\]", "a [[…]] token"),
             ("[⟦⟧]", "a ⟦…⟧ token"), (r"(?<![A-Za-z])None(?![A-Za-z])", "None"),
             (r"(?<![A-Za-z])(?:nan|NaN)(?![A-Za-z])", "nan"),
             ("\ufffd", "a replacement character")]
NUMBERING = [(1, re.compile(r"^([一二三四五六七八九十]+)、")), (2, re.compile(r"^（([一二三四五六七八九十]+)）")),
             (3, re.compile(r"^(\d+)\. ")), (4, re.compile(r"^（(\d+)）")), (5, re.compile(r"^(\d+)）"))]
CHINESE = "零一二三四五六七八九"


def decimal(text: str) -> Decimal:
    return Decimal(text.replace(",", "").rstrip("%"))


def half_up(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def chinese_number(text: str) -> int:
    """一 → 1, 十二 → 12, 二十 → 20."""
    if "十" not in text:
        return CHINESE.index(text)
    tens, _, ones = text.partition("十")
    return (CHINESE.index(tens) if tens else 1) * 10 + (CHINESE.index(ones) if ones else 0)


@dataclass
class Piece:
    """One run of text as the PDF draws it."""

    page: int
    x: float
    y: float
    size: float
    sans: bool
    text: str
    runs: list = field(default_factory=list)  # (x, text) of the runs joined after the first


@dataclass
class Report:
    """A report's text: ``front`` (cover and contents) and ``body`` pieces in drawing order,
    the left margin and the body text size."""

    front: list[Piece]
    body: list[Piece]
    margin: float
    size: float
    source: Path | None = None  # the PDF read (its images are counted)

    @property
    def text(self) -> str:
        return "".join(p.text for p in self.front + self.body)

    def replace(self, old: str, new: str, nth: int = 0, cells: bool | None = None) -> "Report":
        """A copy with the ``nth`` occurrence of ``old`` changed (for the checker's own tests),
        found in the pieces' text read in order, so a phrase drawn in several pieces (Chinese
        and Latin runs) is found too; ``cells``: only table cells (True) or only prose (False)."""
        copy = deepcopy(self)
        pieces = [p for p in copy.front + copy.body if cells is None or (p.size < copy.size) == cells]
        joined = "".join(p.text for p in pieces)
        start = -1
        for _ in range(nth + 1):
            start = joined.index(old, start + 1)
        end, at, first = start + len(old), 0, True
        for piece in pieces:
            begin, at = at, at + len(piece.text)
            if at <= start or begin >= end:
                continue
            low, high = max(start, begin) - begin, min(end, at) - begin
            piece.text = piece.text[:low] + (new if first else "") + piece.text[high:]
            first = False
        return copy

    def drop(self, text: str) -> "Report":
        """A copy without the pieces that are exactly ``text`` (stripped)."""
        copy = deepcopy(self)
        copy.body = [p for p in copy.body if p.text.strip() != text]
        return copy


def read_report(pdf: Path) -> Report:
    pieces = []
    for number, page in enumerate(PdfReader(str(pdf)).pages):
        height = float(page.mediabox.height)

        def visit(text, cm, tm, font, size, number=number, height=height):
            if text.strip() and 60 < cm[5] < height - 60:  # not the running header or the page number
                name = str((font or {}).get("/BaseFont", ""))
                pieces.append(Piece(number, cm[4], cm[5], round(size * tm[0], 1), "Sans" in name and "Bold" in name, text))

        page.extract_text(visitor_text=visit)
    pieces = _joined(pieces)
    lines = [p.size for p in pieces if not p.sans and len(p.text.strip()) >= 25]  # prose lines, not table cells
    body_size = max(set(lines), key=lines.count)
    start = next(i for i, p in enumerate(pieces) if p.sans and p.size > body_size and p.text.startswith("一、"))
    margin = pieces[start].x
    return Report(pieces[:start], pieces[start:], margin, body_size, Path(pdf))


def _latin_width(text: str) -> float:
    """Width in ems of a run drawn in the Latin (Times) face: digits and letters half an em,
    a space a quarter."""
    return sum(0.25 if ch == " " else 1 if unicodedata.east_asian_width(ch) in "WF" else 0.5 for ch in text)


def _joined(pieces: list[Piece]) -> list[Piece]:
    """Pieces drawn one after the other on a line in one style, as one: the PDF draws a
    sentence's Latin letters and digits as runs of their own (another font), which would
    otherwise read as cells of their own. Two cells of a table are never this close (cell
    padding)."""
    out: list[Piece] = []
    for piece in pieces:
        last = out[-1] if out else None
        if (last is not None and last.page == piece.page and abs(last.y - piece.y) < 0.5 and last.size == piece.size
                and last.sans == piece.sans
                and abs(piece.x - (last.x + _run_width(last))) < 0.3 * piece.size):
            last.text += piece.text
            last.runs.append((piece.x, piece.text))
        else:
            out.append(piece)
    return out


def _run_width(piece: Piece) -> float:
    """The drawn width of the last run of ``piece``."""
    x, text = piece.runs[-1] if piece.runs else (piece.x, piece.text)
    latin = bool(re.fullmatch(r"[\x20-\x7e]+", text))
    return x - piece.x + (_latin_width(text) if latin else text_width(Piece(0, 0, 0, piece.size, False, text))) * (
        piece.size if latin else 1)


# --- the report's parts ----------------------------------------------------------------

@dataclass
class Heading:
    size: float
    text: str
    body: str = ""

    @property
    def code(self) -> str:
        return self.text.split()[0] if self.text.split() else ""


def sections(report: Report) -> list[Heading]:
    """The body's headings in order, each with the prose under it (tables left out). A heading
    starts a line at the left margin in the heading font, at least body size, after a gap wider
    than a paragraph's (bold prose never does); its own wrapped lines continue it. A line of
    prose after a sentence's end starts a new paragraph (a line break in ``body``)."""
    out = [Heading(0, "")]
    previous, in_heading = None, False
    for piece in report.body:
        if piece.size < report.size:  # a table cell or a caption
            previous, in_heading = None, False
            continue
        new_line = previous is None or piece.page != previous.page or abs(piece.y - previous.y) > 1
        gap = previous is None or piece.page != previous.page or previous.y - piece.y > report.size * 2
        at_margin = abs(piece.x - report.margin) < 1
        if piece.sans and (in_heading if not new_line else at_margin and (gap or in_heading)):
            if new_line and not (in_heading and _continues(out[-1], piece)):
                out.append(Heading(piece.size, ""))
            out[-1].text += piece.text
            in_heading = True
        else:
            if in_heading or new_line and not at_margin and re.search(r"[。；：！？]\s*$", out[-1].body):
                out[-1].body += "\n"
            out[-1].body += piece.text
            in_heading = False
        previous = piece
    for heading in out:
        heading.text = " ".join(heading.text.split())
    return out


def _continues(heading: Heading, piece: Piece) -> bool:
    """A heading's wrapped line: same size, not starting with a number of its own."""
    return heading.size == piece.size and not any(p.match(piece.text.strip()) for _, p in NUMBERING)


def prose(report: Report) -> str:
    return "\n".join(f"{h.text}\n{h.body}" for h in sections(report))


CAPTION = re.compile(r"\s*续?附?[表图]\s*\d")
TOTAL = re.compile(r"(合\s*计|总\s*分)$")


def text_width(piece: Piece) -> float:
    """A piece's drawn width, estimated as report.lua does: CJK and full-width characters one
    em, others 0.55 em (the spaces pypdf puts around a piece are not drawn)."""
    return sum(1 if unicodedata.east_asian_width(ch) in "WF" else 0.55 for ch in piece.text.strip()) * piece.size


def _caption(piece: Piece, report: Report) -> bool:
    """A table's or figure's caption (表 3-2 …, 续表 3-2, 图 3-1 …, 附表 1 …): in the caption
    font, larger than table cells and smaller than prose."""
    return piece.size < report.size and not piece.sans and bool(CAPTION.match(piece.text))


def _continues(piece: Piece, caption: Piece) -> bool:
    """A continuation page's caption of the table under ``caption``, as report.lua writes it:
    「续表 3-2」 for 「表 3-2 …」 (「续附表 1」 for 「附表 1 …」), else the caption followed by 「（续）」."""
    text, first = piece.text.strip(), caption.text.strip()
    number = re.match(r"附?表\s*[0-9A-Za-z.\-]+", first)
    return text == ("续" + number.group(0) if number else first + "（续）")


def table_pieces(report: Report, caption: str) -> list[Piece]:
    """The cells of the table under ``caption`` in drawing order across pages: its header row
    once, then the body rows, without what a continuation page repeats (the header row, the
    「续表」 caption and the group labels of the rows in progress)."""
    start = next((i for i, p in enumerate(report.body) if caption in p.text and _caption(p, report)
                  and re.match(r"\s*附?表", p.text) and not p.text.strip().endswith("（续）")), None)
    if start is None:
        return []
    pages = _table_pages(report, start)
    header, cells = pages[0]
    for _, body in pages[1:]:
        cells += body[_repeated_labels(body, cells):]
    return header + cells


def _header_before(report: Report, index: int) -> int:
    """Where the header row drawn before the caption at ``index`` starts: a caption is drawn
    from inside the first body row, after the header row it sits above."""
    caption, first = report.body[index], index
    while (first > 0 and (p := report.body[first - 1]).page == caption.page and p.sans and p.size < report.size
           and p.y < caption.y):
        first -= 1
    return first


def _table_pages(report: Report, start: int) -> list[tuple[list[Piece], list[Piece]]]:
    """The table captioned at ``start``, page by page as (header cells, body cells). It ends at
    prose, a heading or another caption (whose header row, drawn before it, is not this
    table's); its continuation pages' captions are left out. A cell is smaller than a caption."""
    caption = report.body[start]

    def captioned(piece: Piece) -> bool:
        return _caption(piece, report) and piece.size >= caption.size

    end = start + 1
    while end < len(report.body) and report.body[end].size < report.size:
        if captioned(report.body[end]) and not _continues(report.body[end], caption):
            end = _header_before(report, end)
            break
        end += 1
    pages, page = [], None
    for piece in report.body[_header_before(report, start):end]:
        if captioned(piece):
            continue
        if piece.page != page:
            pages.append(([], []))
            page = piece.page
        header, body = pages[-1]
        (body if body or not piece.sans else header).append(piece)
    return pages


def _repeated_labels(body: list[Piece], above: list[Piece]) -> int:
    """How many of a continuation page's first pieces repeat the group labels of the rows in
    progress. The template draws them inside the first cell of the page's first row, before
    anything else of that row, with the text and at the x of the labels drawn above; a row's
    own cells never repeat a piece above (a new group's label names a new code)."""
    count = 0
    while count < len(body) and any(abs(p.x - body[count].x) < 0.5 and p.text.strip() == body[count].text.strip()
                                    for p in above):
        count += 1
    return count


@dataclass
class Column:
    """A table column as its header text shows it: the text, and where it starts and ends."""

    name: str
    start: float
    end: float


def columns(cells: list[Piece]) -> list[Column]:
    """The columns of the header row (the leading heading-font cells). A header text is drawn
    in several pieces when it wraps or changes font; pieces that overlap or touch are one."""
    header = list(takewhile(lambda c: c.sans and c.page == cells[0].page, cells))
    groups: list[list[Piece]] = []
    for cell in sorted(header, key=lambda c: c.x):
        if groups and cell.x <= max(c.x + text_width(c) for c in groups[-1]) + 4:
            groups[-1].append(cell)
        else:
            groups.append([cell])
    return [Column("".join(c.text.strip() for c in sorted(group, key=lambda c: (-c.y, c.x))),
                   min(c.x for c in group), max(c.x + text_width(c) for c in group)) for group in groups]


NUMBER_CELL = re.compile(r"[-−+]?[\d,]*\.?\d+%?")


def column_of(piece: Piece, cols: list[Column]) -> int:
    """A cell's column. Headers are centred. A text cell, left-aligned or centred, starts no
    later than its own header text ends and at least two cell paddings after the header text
    to its left ends: its column is how many header texts end before it starts. A number,
    right-aligned or centred, ends no earlier than its own header text starts and before the
    next one starts: its column is how many header texts start before it ends, less one."""
    if NUMBER_CELL.fullmatch(piece.text.strip()):
        end = piece.x + text_width(piece)
        return max(min(sum(c.start < end for c in cols) - 1, len(cols) - 1), 0)
    return min(sum(c.end < piece.x for c in cols), len(cols) - 1)


def before_columns(piece: Piece, cols: list[Column]) -> bool:
    """A cell left of every header text: in a first column whose header is empty."""
    return piece.x + text_width(piece) <= cols[0].start


@dataclass
class Summary:
    """表 3-1: per column (dimension codes, then 合计) its cells by row label."""

    codes: list[str]
    rows: dict[str, list[str]] = field(default_factory=dict)


SUMMARY_ROWS = [("权重", "权重"), ("适用满", "适用满分"), ("得分率", "得分率"), ("百分制", "百分制得分"), ("得分", "得分"),
                ("折算", "折算总分")]


def summary(report: Report) -> Summary | None:
    cells = table_pieces(report, SUMMARY)
    if not cells:
        return None
    cols = columns(cells)  # the dimensions' columns (A.决策 …), then 合计; the row labels' has no header
    table = Summary([col.name.split(".")[0] for col in cols[:-1]])
    current = None
    for cell in cells:
        if cell.sans:
            continue
        text = cell.text.strip()
        if before_columns(cell, cols):  # the row label, perhaps wrapped (适用满 / 分)
            label = next((name for prefix, name in SUMMARY_ROWS if text.startswith(prefix)), None)
            if label:
                current = table.rows.setdefault(label, [""] * len(cols))
        elif current is not None:
            current[column_of(cell, cols)] += text
    return table


@dataclass
class Row:
    code: str
    max: str = ""
    criterion: str = ""
    score: str = ""


@dataclass
class Detail:
    """表 3-2: the level-3 rows, the 合计 (or 总分) row (full marks, score), and the 折算 row
    if any."""

    rows: list[Row]
    total: Row | None
    rescaled: list[str]


def detail(report: Report) -> Detail | None:
    """Read 表 3-2 row by row in drawing order: a level-3 row starts at a code in the 三级指标
    column; the 合计 row's label sits in the label columns (centred across them when it is the
    last row and spans them); the 折算总分 row follows it. Group labels (the columns left of
    三级指标) are drawn after the rows they span and are skipped."""
    cells = table_pieces(report, DETAIL)
    if not cells:
        return None
    cols = columns(cells)

    def named(prefix: str) -> int | None:
        return next((i for i, col in enumerate(cols) if col.name.startswith(prefix)), None)

    level3, fields = named("三级"), {named("满分"): "max", named("百分制"): "criterion", named("评分值"): "score"}
    if level3 is None:
        return Detail([], None, [])
    rows, total, rescaled, current, rescaled_col = [], None, [], None, 0
    for cell in cells:
        if cell.sans:
            continue
        text, col = cell.text.strip(), column_of(cell, cols)
        if col <= level3 and TOTAL.match(text):
            current = total = Row(text)
        elif col == 0 and text.startswith("折算"):
            current = None
            rescaled.append(text)
        elif col < level3:
            continue
        elif rescaled:
            if col == rescaled_col:  # one cell drawn in several runs
                rescaled[-1] += text
            else:
                rescaled.append(text)
            rescaled_col = col
        elif col == level3 and total is None and text and CODE.fullmatch(text.split()[0]):
            current = Row(text.split()[0])  # an indicator's row; its name may wrap to lines of its own
            rows.append(current)
        elif current is not None and col in fields:
            setattr(current, fields[col], getattr(current, fields[col]) + text)
    return Detail(rows, total, rescaled)


# --- the checks -------------------------------------------------------------------------

def leftovers(report: Report) -> list[str]:
    text = report.text
    return [f"{what} left in the report: …{text[max(0, m.start() - 20):m.end() + 20]}…"
            for pattern, what in LEFTOVERS for m in re.finditer(pattern, text)]


def heading_numbers(report: Report) -> list[str]:
    """Numbered headings run 1, 2, 3 … within their parent; a heading of a level resets the
    levels below it; an unnumbered heading (an indicator's, an annex) resets the levels below
    the level its size shows."""
    problems, counters = [], {}
    size_level = {}
    for h in sections(report)[1:]:
        level, number = next(((lv, m.group(1)) for lv, p in NUMBERING for m in [p.match(h.text)] if m), (None, None))
        if level is None:
            level = size_level.get(h.size, 4 if h.size <= report.size else 1)
        else:
            size_level.setdefault(h.size, level)
            n = chinese_number(number) if level <= 2 else int(number)
            expected = counters.get(level, 0) + 1
            if n != expected:
                problems.append(f"heading 『{h.text}』: number {n} where {expected} was expected")
            counters[level] = n
        for deeper in [lv for lv in counters if lv > level]:
            del counters[deeper]
    return problems


def _number(text: str) -> Decimal | None:
    return decimal(text) if re.fullmatch(NUM + "%?", text) else None


def _rate_of(score: Decimal, maximum: Decimal) -> Decimal:
    return half_up(score * 100 / maximum)


def summary_table(report: Report) -> list[str]:
    table = summary(report)
    if table is None:
        return [f"no table 『{SUMMARY}』"]
    problems = []
    rows = table.rows
    for label in ("权重", "得分", "得分率"):
        if label not in rows:
            problems.append(f"『{SUMMARY}』 has no row 『{label}』")
    if problems:
        return problems
    maxima = rows.get("适用满分", rows["权重"])
    criteria = rows.get("百分制得分", [""] * len(rows["得分"]))
    for i, code in enumerate(table.codes + ["合计"]):
        score, rate, top = rows["得分"][i], rows["得分率"][i], maxima[i]
        if _number(criteria[i]) is not None:
            if rate != "—":  # the 百分制得分 is the rate; a second, rounded differently, contradicts it
                problems.append(f"『{SUMMARY}』 {code}: 得分率 {rate} beside 百分制得分 {criteria[i]}")
            continue
        if score == "不适用" or rate == "不适用":
            if not (score == rate == "不适用"):
                problems.append(f"『{SUMMARY}』 {code}: score {score} beside rate {rate}")
            continue
        if _number(score) is None or _number(rate) is None or _number(top) is None:
            problems.append(f"『{SUMMARY}』 {code}: unreadable cells {score!r} {rate!r} {top!r}")
            continue
        if _number(top) and _rate_of(_number(score), _number(top)) != _number(rate):
            problems.append(f"『{SUMMARY}』 {code}: 得分率 {rate} is not {score} ÷ {top}")
    for label in ("权重", "适用满分", "得分"):
        if label in rows:
            values = [_number(v) for v in rows[label][:-1] if v != "不适用"]
            if None not in values and sum(values) != _number(rows[label][-1]):
                problems.append(f"『{SUMMARY}』 {label}: {' + '.join(rows[label][:-1])} ≠ {rows[label][-1]}")
    if "适用满分" in rows and "折算总分" not in rows and rows["适用满分"][-1] != rows["权重"][-1]:
        problems.append(f"『{SUMMARY}』: applicable maximum {rows['适用满分'][-1]} but no rescaled total")
    if "折算总分" in rows:
        raw, applicable, full = (_number(rows[k][-1]) for k in ("得分", "适用满分", "权重"))
        rescaled = _number(rows["折算总分"][-1])
        if half_up(raw / applicable * full) != rescaled:
            problems.append(f"『{SUMMARY}』: 折算总分 {rescaled} ≠ {raw} ÷ {applicable} × {full}")
    if "百分制得分" in rows:
        for i, code in enumerate(table.codes):
            value, score, top = rows["百分制得分"][i], rows["得分"][i], maxima[i]
            if _number(value) is not None and abs(_number(value) * _number(top) / 100 - _number(score)) > Decimal("0.01"):
                problems.append(f"『{SUMMARY}』 {code}: 百分制得分 {value} × {top}% is not 得分 {score}")
    return problems


def members(report: Report, table: Summary, rows: list[Row]) -> dict[str, str]:
    """Indicator code → dimension code: from the analysis chapter's headings, else by prefix."""
    codes = {r.code for r in rows}
    found, current = {}, None
    for h in sections(report):
        if h.code in table.codes:
            current = h.code
        elif h.code in codes and current:
            found[h.code] = current
    for code in codes - set(found):
        prefix = max((d for d in table.codes if code.startswith(d)), key=len, default=None)
        if prefix:
            found[code] = prefix
    return found


def detail_table(report: Report) -> list[str]:
    table, rows = summary(report), detail(report)
    if rows is None:
        return [f"no table 『{DETAIL}』"]
    if not rows.rows:
        return [f"『{DETAIL}』: no indicator rows (codes in a 三级指标 column)"]
    problems = []
    for row in rows.rows:
        if _number(row.max) is None or (row.score != "不适用" and _number(row.score) is None):
            problems.append(f"『{DETAIL}』 {row.code}: unreadable full marks or score {row.max!r} {row.score!r}")
        elif _number(row.criterion) is not None and half_up(_number(row.criterion) * _number(row.max) / 100) != _number(row.score):
            problems.append(f"『{DETAIL}』 {row.code}: 百分制得分 {row.criterion} × {row.max}% ≠ {row.score}")
    if problems or rows.total is None:
        return problems or [f"『{DETAIL}』 has no 合计 row"]
    full = sum(_number(r.max) for r in rows.rows)
    scored = [r for r in rows.rows if r.score != "不适用"]
    score = sum((_number(r.score) for r in scored), Decimal(0))
    if full != _number(rows.total.max):
        problems.append(f"『{DETAIL}』: full marks add up to {full}, 合计 says {rows.total.max}")
    if score != _number(rows.total.score):
        problems.append(f"『{DETAIL}』: scores add up to {score}, 合计 says {rows.total.score}")
    if rows.rescaled:
        numbers = [decimal(n) for n in re.findall(NUM, " ".join(rows.rescaled))]
        applicable = sum(_number(r.max) for r in scored)
        if numbers[:2] != [score, applicable] or half_up(score / applicable * full) != numbers[-1]:
            problems.append(f"『{DETAIL}』: 折算 row {' '.join(rows.rescaled)} ≠ {score} ÷ {applicable} × {full}")
    if table is None:
        return problems
    where = members(report, table, rows.rows)
    for i, code in enumerate(table.codes):
        mine = [r for r in rows.rows if where.get(r.code) == code]
        applicable = [r for r in mine if r.score != "不适用"]
        checks = [("权重", sum((_number(r.max) for r in mine), Decimal(0))),
                  ("适用满分", sum((_number(r.max) for r in applicable), Decimal(0))),
                  ("得分", sum((_number(r.score) for r in applicable), Decimal(0)) if applicable else "不适用")]
        for label, expected in checks:
            printed = table.rows.get(label, [None] * (i + 1))[i]
            if printed is not None and (printed if printed == "不适用" else _number(printed)) != expected:
                problems.append(f"『{SUMMARY}』 {code} {label} {printed} ≠ 『{DETAIL}』's {expected}")
    raw = table.rows.get("得分", [""])[-1]
    if _number(raw) != score:
        problems.append(f"『{SUMMARY}』 合计得分 {raw} ≠ 『{DETAIL}』 合计 {score}")
    return problems


SCORE_OF_PART = re.compile(rf"(?<!百分制)得分\s*({NUM})\s*分")
SCORE_SENTENCE = re.compile(rf"评分为\s*({NUM})\s*分（满分\s*({NUM})\s*分）"
                            rf"|百分制得分为\s*({NUM})\s*分，按权重\s*({NUM})%\s*折合\s*({NUM})\s*分")


def analysis(report: Report) -> list[str]:
    """The analysis chapter agrees with the tables: each dimension's sentence with 表 3-1, each
    indicator's score sentence with 表 3-2, each group's score with the sum of its indicators.
    In that chapter a heading whose first word is a dimension's code opens the dimension, an
    indicator's code an indicator, and another unnumbered code heading a group."""
    table, rows = summary(report), detail(report)
    if table is None or rows is None:
        return []
    by_code = {r.code: r for r in rows.rows}
    problems, groups, dimension = [], [], None
    for h in sections(report):
        first_line = h.body.strip().split("\n")[0]
        if any(p.match(h.text) for _, p in NUMBERING):
            dimension = None
        elif h.code in table.codes:
            dimension = h.code
            printed = table.rows["得分"][table.codes.index(h.code)]
            said = SCORE_OF_PART.search(first_line)
            criterion = re.search(rf"百分制得分\s*({NUM})\s*分", first_line)
            if criterion and _number(criterion.group(1)) != _number(table.rows.get("百分制得分", [""] * 99)[table.codes.index(h.code)]):
                problems.append(f"dimension 『{h.text}』: 『{first_line}』 but 『{SUMMARY}』 has no such 百分制得分")
            if printed == "不适用" and "不适用" not in first_line:
                problems.append(f"dimension 『{h.text}』 is 不适用 in 『{SUMMARY}』 but its sentence does not say so")
            elif printed != "不适用" and (not said or decimal(said.group(1)) != _number(printed)):
                problems.append(f"dimension 『{h.text}』: 『{first_line}』 but 『{SUMMARY}』 has {printed}")
        elif h.code in by_code and dimension:
            row = by_code[h.code]
            if groups:
                groups[-1][1].append(row)
            problems += _indicator_sentence(h, row)
        elif dimension and CODE.fullmatch(h.code):
            groups.append((h, []))
    for h, members in groups:
        scored = [r for r in members if r.score != "不适用"]
        first_line = h.body.strip().split("\n")[0]
        said = SCORE_OF_PART.search(first_line)
        if not scored:
            if "不适用" not in first_line:
                problems.append(f"group 『{h.text}』 is wholly 不适用 but its sentence does not say so")
        elif not said or decimal(said.group(1)) != sum(_number(r.score) for r in scored):
            problems.append(f"group 『{h.text}』: 『{first_line}』, its indicators add up to "
                            f"{sum(_number(r.score) for r in scored)}")
    return problems


def _indicator_sentence(h: Heading, row: Row) -> list[str]:
    if row.score == "不适用":
        return [] if "不适用" in h.body else [f"indicator 『{h.text}』 is 不适用 in 『{DETAIL}』 but not in its analysis"]
    said = SCORE_SENTENCE.search(h.body)
    if not said:
        return [f"indicator 『{h.text}』 has no score sentence"]
    if said.group(1):
        printed = (decimal(said.group(1)), decimal(said.group(2)))
    else:
        printed = (decimal(said.group(5)), decimal(said.group(4)))
        if _number(said.group(3)) != _number(row.criterion):
            return [f"indicator 『{h.text}』: 百分制得分 {said.group(3)} in the text, {row.criterion} in 『{DETAIL}』"]
    if printed != (_number(row.score), _number(row.max)):
        return [f"indicator 『{h.text}』: 『{said.group(0)}』 but 『{DETAIL}』 has {row.score} of {row.max}"]
    return []


def _sentences(report: Report) -> list[str]:
    return [s for s in re.split(r"[。\n]", prose(report)) if s.strip()]


def rates(report: Report) -> list[str]:
    """Every 得分率 in the prose: the score and the maximum it was computed on are printed
    before it in the same sentence, and it equals one over the other."""
    problems = []
    for sentence in _sentences(report):
        for match in re.finditer(rf"得分率\s*({NUM})%", sentence):
            before = sentence[:match.start()]
            tops = re.findall(rf"适用满分\s*({NUM})\s*分", before) or re.findall(rf"满分\s*({NUM})\s*分", before)
            scores = re.findall(rf"(?<!百分制)得分为?\s*({NUM})\s*分", before)
            if not tops or not scores:
                problems.append(f"得分率 {match.group(1)}% printed without its {'maximum' if not tops else 'score'}: {sentence}")
            elif _rate_of(decimal(scores[-1]), decimal(tops[-1])) != decimal(match.group(1)):
                problems.append(f"得分率 {match.group(1)}% is not {scores[-1]} ÷ {tops[-1]}: {sentence}")
    return problems


def arithmetic(report: Report) -> list[str]:
    problems = []
    for sentence in _sentences(report):
        if "=" in sentence or "≥" in sentence or "≤" in sentence:
            try:
                check_working(sentence)
            except AssertionError as exc:
                problems.append(f"false arithmetic: {exc}")
    return problems


def grade(report: Report) -> list[str]:
    text = prose(report).replace("\n", "")
    bands_text = re.search(r"等级按总分[^：]*：([^。]+)。", text)
    total = re.search(rf"总得分为\s*({NUM})\s*分", text)
    printed = re.search(r"等级为“([^”]+)”", text)
    if not (bands_text and total and printed):
        return ["the total, its grade or the grade bands are not stated"]
    bands = {}
    for item in bands_text.group(1).split("，"):
        low = re.search(rf"({NUM})\s*分及以上", item)
        high = re.search(rf"({NUM})\s*分以下", item)
        label = re.search(r"为“([^”]+)”", item)
        if label:
            bands[label.group(1)] = (decimal(low.group(1)) if low else Decimal("-Infinity"),
                                     decimal(high.group(1)) if high else Decimal("Infinity"))
    value = decimal(total.group(1))
    low, high = bands.get(printed.group(1), (None, None))
    if low is None:
        return [f"grade 『{printed.group(1)}』 is not one of the bands {list(bands)}"]
    if not (low <= value + Decimal("0.005") and value - Decimal("0.005") < high):
        return [f"total {value} is not in the band of 『{printed.group(1)}』 [{low}, {high})"]
    return []


AMOUNTS = {"项目预算": r"项目预算\s*({NUM})\s*万元", "实际支出": r"实际支出\s*({NUM})\s*万元",
           "实际到位资金": r"合计到位\s*({NUM})\s*万元"}


def budget_rates(report: Report) -> list[str]:
    """Each budget rate is defined once (按“甲 ÷ 乙”计算，为 R%), R agrees with the amounts
    printed, and a working of the same name elsewhere gives the same R."""
    text = prose(report).replace("\n", "")
    amounts = {word: decimal(m.group(1)) for word, pattern in AMOUNTS.items()
               for m in [re.search(pattern.format(NUM=NUM), text)] if m}
    problems, defined = [], {}
    for m in re.finditer(rf"([^\s，。；：“”、]+率)按“([^”]+?)\s*÷\s*([^”]+?)”计算，为\s*({NUM})%", text):
        name, of, over, value = m.group(1), m.group(2).strip(), m.group(3).strip(), decimal(m.group(4))
        if name in defined:
            problems.append(f"{name} is defined twice: {defined[name][1]} and {of} ÷ {over}")
        defined[name] = (value, f"{of} ÷ {over}")
        if of in amounts and over in amounts and amounts[over]:
            # the amounts are printed rounded to 0.01 万元: the rate must lie within their bounds
            slack = Decimal("0.005")
            low = (amounts[of] - slack) / (amounts[over] + slack) * 100
            high = (amounts[of] + slack) / (amounts[over] - slack) * 100
            if not half_up(low) <= value <= half_up(high):
                problems.append(f"{name} {value}% is not {of} {amounts[of]} ÷ {over} {amounts[over]}")
    for name, (value, formula) in defined.items():
        for m in re.finditer(rf"{name}\s*=\s*{NUM}\s*÷\s*{NUM}\s*=\s*({NUM})%", text):
            if decimal(m.group(1)) != value:
                problems.append(f"{name} is {value}% ({formula}) in one place and {m.group(0)} in another")
    return problems


def _captions(report: Report) -> list[str]:
    return [p.text.strip() for p in report.body if _caption(p, report) and re.match(r"\s*附?表", p.text)
            and not p.text.strip().startswith("续")]


def shares(report: Report) -> list[str]:
    """In every table with a 占比 column and a 合计 row, the shares add up to the 合计's."""
    problems = []
    for caption in _captions(report):
        cells = table_pieces(report, caption)
        cols = columns(cells) if cells else []
        if "占比" not in [c.name for c in cols]:
            continue
        where = [c.name for c in cols].index("占比")
        values = [decimal(p.text.strip()) for p in cells[len(cols):]
                  if column_of(p, cols) == where and re.fullmatch(rf"{NUM}%", p.text.strip())]
        if len(values) > 2 and sum(values[:-1]) != values[-1]:
            problems.append(f"{caption}: the shares add up to {sum(values[:-1])}%, its 合计 says {values[-1]}%")
    return problems


PLACE = re.compile(r"第([一二三四五六七八九十]+)(?:部分|章)\s*$")


def forward_references(report: Report) -> list[str]:
    """No sentence points to a table or figure of a later chapter (「见表 3-5」 in chapter 一)
    without saying where it is (「见第三部分表 3-5」)."""
    problems, chapter = [], 0
    for heading in sections(report):
        found = NUMBERING[0][1].match(heading.text)
        if found:
            chapter = chinese_number(found.group(1))
        for m in re.finditer(r"([表图])\s*(\d+)-(\d+)", heading.body):
            place = PLACE.search(heading.body[:m.start()])
            if chapter and int(m.group(2)) > chapter and not (place and chinese_number(place.group(1)) == int(m.group(2))):
                problems.append(f"chapter {chapter} refers forward to {m.group(1)} {m.group(2)}-{m.group(3)}")
    return problems


PERCENT = re.compile(rf"(?<![\d.,])({NUM})\s*%")
WAN = re.compile(rf"(?<![\d.,])({NUM})\s*万元")
COMPARED = re.compile(rf"(?<![\d.,])({NUM}%?) (?:不低于最高锚点|不高于最低锚点|介于|≥|≤|低于最低档|高于最高档) ({NUM}%?)")


def _places(number: str) -> int:
    digits = number.replace(",", "").rstrip("%")
    return len(digits.split(".")[1]) if "." in digits else 0


def decimals(report: Report) -> list[str]:
    """One decimal policy per kind of figure: a percentage in the prose is whole (a target, a
    round figure: 100%, 约54%) or has two decimals (92.50%), a weight as typed (权重 1.5%); an amount in 万元 has two decimals
    and thousands separators (3,860.00万元); a rate compared with anchors or bands is printed as
    the sentence printed it (93.10%, not 93.1) and so are the anchors (90%); in a table column
    every percentage with decimals has as many as the others."""
    problems = []
    for sentence in _sentences(report):
        weights = set(re.findall(rf"权重\s*({NUM})\s*%", sentence))  # a weight is printed as typed (1.5%)
        for m in PERCENT.finditer(sentence):
            if _places(m.group(1)) not in (0, 2) and m.group(1) not in weights:
                problems.append(f"percentage {m.group(1)}% has {_places(m.group(1))} decimals: {sentence}")
        for m in WAN.finditer(sentence):
            if not re.fullmatch(r"\d{1,3}(?:,\d{3})*\.\d{2}", m.group(1)):
                problems.append(f"amount {m.group(1)}万元 is not written 1,234.56万元: {sentence}")
        shown = {decimal(m.group(1)): m.group(1) for m in PERCENT.finditer(sentence)}
        for m in COMPARED.finditer(sentence):
            value, anchor = m.groups()
            if value.endswith("%") != anchor.endswith("%"):
                problems.append(f"『{m.group(0)}』 compares a percentage with a bare number: {sentence}")
            elif not value.endswith("%") and decimal(value) in shown:
                problems.append(f"『{m.group(0)}』 prints {shown[decimal(value)]}% again as {value}: {sentence}")
    for caption in _captions(report):
        cells = table_pieces(report, caption)
        cols = columns(cells) if cells else []
        places: dict[int, set] = {}
        for cell in cells[len(cols):]:
            text = cell.text.strip()
            if re.fullmatch(rf"{NUM}%", text) and "." in text:
                places.setdefault(column_of(cell, cols), set()).add(_places(text))
        for where, found in places.items():
            if len(found) > 1:
                problems.append(f"{caption}: column 『{cols[where].name}』 prints percentages with {sorted(found)} decimals")
    return problems


def _figure_captions(report: Report) -> list[Piece]:
    return [p for p in report.body if _caption(p, report) and re.match(r"\s*附?图", p.text)]


def images_numbered(report: Report) -> list[str]:
    """Every image drawn in the body (a chart, an analyst's photo) has a numbered caption: as many
    images on the body's pages as 图 captions."""
    if report.source is None:
        return []
    first = report.body[0].page
    pages = PdfReader(str(report.source)).pages[first:]
    drawn = sum(len(page.images) for page in pages)
    captions = len(_figure_captions(report))
    return [] if drawn == captions else [f"{drawn} images in the body, {captions} numbered figure captions"]


def citations(report: Report) -> list[str]:
    """Every numbered table and figure of a chapter is cited in the prose (「见表 3-1」「如图 3-1
    所示」); an annex's (附表 1) is named by the 附件 list before the 落款."""
    text = re.sub(r"\s+", "", prose(report))
    problems = []
    for piece in report.body:
        if not _caption(piece, report) or piece.text.strip().startswith("续"):
            continue
        number = re.match(r"\s*([表图])\s*([0-9]+-[0-9]+)", piece.text)
        if number and not re.search(rf"{number.group(1)}{number.group(2)}(?![0-9-])", text):
            problems.append(f"{number.group(1)} {number.group(2)} is not cited in the text")
    return problems


CHECKS = [leftovers, heading_numbers, summary_table, detail_table, analysis, rates, arithmetic, grade, budget_rates,
          shares, forward_references, decimals, images_numbered, citations]


def check_report(report: Report) -> list[str]:
    """Every problem every check finds."""
    return [problem for check in CHECKS for problem in check(report)]


def lone_characters(pdf: Path) -> list[tuple[int, str]]:
    """(page, text) of every line that holds one CJK character alone (with the punctuation after
    it) and goes on from the line above it: a table cell's or paragraph's last line broken off
    (「社会意／义」). Read from the drawn pieces of any PDF (the report's, or Word's as LibreOffice
    lays it out): pieces on one baseline that touch make a line of one cell; a line goes on from
    the one above when a line of the same cell (same left edge) lies a line pitch above."""
    found = []
    for number, page in enumerate(PdfReader(str(pdf)).pages, 1):
        rows: dict[int, list[tuple[float, float, str]]] = {}

        def visit(text, cm, tm, font, size, rows=rows):
            if text.strip():  # where the text matrix puts the piece, in page space
                x, y = tm[4] * cm[0] + tm[5] * cm[2] + cm[4], tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                rows.setdefault(round(y), []).append((x, size * tm[0] * abs(cm[0]), text.rstrip()))

        page.extract_text(visitor_text=visit)
        lines: dict[int, list[list]] = {}
        for y, pieces in rows.items():
            for x, size, text in sorted(pieces):
                if lines.get(y) and x - lines[y][-1][1] < 6:
                    lines[y][-1][1:] = [x + _latin_width(text) * size, lines[y][-1][2] + text]
                else:
                    lines.setdefault(y, []).append([x, x + _latin_width(text) * size, text])
        for y, segments in lines.items():
            for x, _, text in segments:
                core = text.strip().rstrip("，。、；：？！）”’》」")
                if len(core) == 1 and unicodedata.east_asian_width(core) == "W" and any(
                        abs(other[0] - x) < 1.5 for above, others in lines.items() if 8 < above - y < 20
                        for other in others):
                    found.append((number, text.strip()))
    return found
