"""Every figure of the HTML report traced to its source: a tooltip on the number (hover, or tap on
a phone) and ``provenance.json`` listing each figure with its place in the report and its source.

The report's Markdown, PDF and Word are untouched: the finished HTML is read once more, each
figure in its text is looked up in the project's ``SourceIndex`` (``project/sources.py``) with
what surrounds it (the table row's indicator code or data row, the heading above, the analyst's
text it was typed in) and, when found, wrapped in ``<span class="jx-src" data-src="…">``. The
tooltip is CSS only (``:hover``/``:focus``); printing hides it, so the printed page is the same.
"""

import html as htmllib
import json
import re
from pathlib import Path

import nbformat

from ..markup import EVAL
from ..inputs.tables import SPECS
from ..pieces.tables import shares
from .. import limits
from ..project.sources import BRACKETS, FIGURE, Source, SourceIndex, bare, figures
from .stitch import SKIP_TAGS, value_markdown

FILE = "provenance.json"
TOKEN = re.compile(r"<!--.*?-->|<[^>]*>|[^<]+", re.S)
TAG = re.compile(r"<\s*(/?)\s*([a-zA-Z0-9]+)")
SPAN = re.compile(r"rowspan=\"?(\d+)")
COLSPAN = re.compile(r"colspan=\"?(\d+)")
SKIPPED = {"head", "style", "script", "nav", "title", "svg", "code", "pre"}
BLOCKS = {"p", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "caption", "figcaption", "dt", "dd", "div"}
# Numbers that are the report's own structure, not figures: 表 3-1, 图 1-2, a heading's 1. or （2）.
NUMBERED = re.compile(r"(?:[表图]\s*|附[表图]\s*)$")
BLOCK_NUMBER = re.compile(r"^\s*[（(]?\d+[）).、．]")  # a heading's 1. or （2）, a list item's （1）
STYLE = """<style>
.jx-src { text-decoration: underline dotted rgba(90, 90, 90, 0.45); text-underline-offset: 0.2em;
  cursor: help; position: relative; }
.jx-src:hover::after, .jx-src:focus::after, .jx-src:target::after { content: attr(data-src); position: absolute; left: 50%; top: 1.5em;
  transform: translateX(-50%); z-index: 20; width: max-content; max-width: min(28em, 90vw);
  white-space: pre-line; overflow-wrap: anywhere; text-align: left;
  font: 0.8rem/1.45 var(--sans, sans-serif); font-weight: normal; text-indent: 0; color: #1f1f1f;
  background: #fffbe6; border: 1px solid #c9b458; border-radius: 3px; padding: 0.45em 0.6em;
  box-shadow: 0 2px 6px rgba(0, 0, 0, 0.15); }
.jx-src:focus { outline: 1px dotted #c9b458; }
@media print { .jx-src { text-decoration: none; cursor: auto; }
  .jx-src::after, .jx-src:hover::after, .jx-src:focus::after, .jx-src:target::after { content: none; display: none; } }
</style>
"""


def structural(text: str, start: int, end: int, first: bool) -> bool:
    """Whether the figure at text[start:end] numbers the report itself (表 3-1; a heading's or a list
    item's 2. or （2）, when ``text`` is the first text of its block)."""
    if NUMBERED.search(text[max(0, start - 3):start]):
        return True
    if text[end:end + 1] == "-" and NUMBERED.search(text[max(0, start - 3):start].rstrip()):
        return True
    if start > 0 and text[start - 1] == "-" and re.search(r"[表图]\s*\d+$", text[:start - 1]):
        return True
    return first and bool(BLOCK_NUMBER.match(text)) and not text[:start].strip("（( \n")


class _Block:
    def __init__(self, tag: str, parent, start: int):
        self.tag, self.parent, self.texts = tag, parent, []
        self.start, self.end, self.first = start, start, -1

    def text(self) -> str:
        return "".join(self.texts)


def _parse(page: str):
    """The page's tokens, and for each text token the innermost block holding it (None when it is
    outside the report's text: head, style, script, contents)."""
    tokens = [m.group(0) for m in TOKEN.finditer(page)]
    owners, stack, skipping = [], [], 0
    table_cells: list = []  # for each token: the column of the table cell holding it
    cell, spanned, taken = -1, {}, set()  # spanned: column → rows a row span above still covers
    for n, token in enumerate(tokens):
        owner = None
        if token.startswith("<!--"):
            pass
        elif token.startswith("<"):
            match = TAG.match(token)
            if match:
                closing, name = match.group(1) == "/", match.group(2).lower()
                if name in SKIPPED and not token.endswith("/>"):
                    skipping += -1 if closing else 1
                    skipping = max(skipping, 0)
                elif name in BLOCKS and not skipping:
                    if closing:
                        while stack and stack[-1].tag != name:
                            stack.pop().end = n
                        if stack:
                            stack.pop().end = n
                    else:
                        stack.append(_Block(name, stack[-1] if stack else None, n))
                        if name == "tr":
                            cell, taken = -1, {c for c, rows in spanned.items() if rows > 0}
                            spanned = {c: rows - 1 for c, rows in spanned.items() if rows > 1}
                elif name == "table" and not closing:
                    spanned = {}
                elif name in ("td", "th") and not closing and not skipping:
                    cell += 1
                    while cell in taken:
                        cell += 1
                    rows = SPAN.search(token)
                    if rows and int(rows.group(1)) > 1:
                        spanned[cell] = int(rows.group(1)) - 1
                    wide = COLSPAN.search(token)
                    if wide and int(wide.group(1)) > 1:
                        taken |= set(range(cell + 1, cell + int(wide.group(1))))
        elif not skipping and stack:
            owner = stack[-1]
            if owner.first < 0:
                owner.first = n
            block = owner
            while block is not None:
                block.texts.append(token)
                block = block.parent
        owners.append(owner)
        table_cells.append(cell)
    return tokens, owners, table_cells


class Written:
    """The chapters' own words: each Markdown cell as it printed, with the spans its ``{eval}`` values
    fill, and the code cells (whose text templates ``C.say`` prints)."""

    def __init__(self, executed: list[Path], shown):
        self.cells: list[tuple[str, str, list[tuple[int, int, str]]]] = []
        self.code: list[tuple[str, str]] = []
        self.cells_with: dict[str, list[int]] = {}  # a figure → the Markdown cells printing it
        self.code_with: dict[str, list[int]] = {}  # a figure → the code cells writing it
        self.mentions: dict[str, set[str]] = {}  # a chapter's first heading → the names its cells mention
        for path in executed:
            # The run's own executed notebooks, read as plain JSON (validating them again costs a tenth of a second).
            cells = [nbformat.from_dict(c) for c in json.loads(path.read_text(encoding="utf-8"))["cells"]]
            markdown = code = 0
            mentioned, title = set(), None
            for cell in cells:
                cell.source = "".join(cell.source) if isinstance(cell.source, list) else cell.source
                markdown += cell.cell_type == "markdown"
                code += cell.cell_type == "code"
                if SKIP_TAGS & set(cell.metadata.get("tags", [])):
                    continue
                mentioned |= set(WORD.findall(cell.source))
                if cell.cell_type == "markdown":
                    self._markdown(f"{shown(path.name)} 第 {markdown} 个 Markdown 单元", cell)
                    title = title or _title(self.cells[-1][1])
                elif cell.cell_type == "code":
                    self.code.append((f"{shown(path.name)} 第 {code} 个代码单元", bare(cell.source)))
                    for figure in dict.fromkeys(figures(cell.source)):
                        self.code_with.setdefault(figure, []).append(len(self.code) - 1)
            self.mentions[title or path.name] = mentioned

    def _markdown(self, where: str, cell) -> None:
        results = {e.get("expression"): e.get("result", {}) for e in cell.metadata.get("user_expressions", [])}
        text, spans, last = "", [], 0
        for match in EVAL.finditer(cell.source):
            text += bare(cell.source[last:match.start()])
            expression = match.group(1).strip()
            value = bare(value_markdown(results.get(expression, {})))
            spans.append((len(text), len(text) + len(value), expression))
            text += value
            last = match.end()
        self.cells.append((where, text + bare(cell.source[last:]), spans))
        for figure in dict.fromkeys(figures(self.cells[-1][1])):
            self.cells_with.setdefault(figure, []).append(len(self.cells) - 1)

    def find(self, window: str, offset: int, number: str, budget) -> Source | None:
        """Where the figure at ``offset`` of ``window`` was written: an ``{eval}`` value (its
        expression), the words of a Markdown cell, or a code cell's template text."""
        for n in self.cells_with.get(number, ()):
            where, text, spans = self.cells[n]
            if not budget.spend(len(text)):
                return None
            at = text.find(window)
            if at < 0:
                continue
            position = at + offset
            for start, end, expression in spans:
                if start <= position < end:
                    return Source(f"{where}：{{eval}}`{expression}`", "笔记本", {number}, name=expression)
            return Source(f"{where}（章节文字）", "笔记本", {number})
        for n in self.code_with.get(number, ()):
            where, text = self.code[n]
            if not budget.spend(len(text)):
                return None
            if window in text:
                return Source(f"{where}（文字模板）", "笔记本", {number})
        return None


WORD = re.compile(r"[A-Za-z_]\w*")


def _title(text: str) -> str | None:
    """The first heading of a cell's printed text (its chapter, when level 1)."""
    first = text.strip().splitlines()[0] if text.strip() else ""
    return " ".join(first.split()) if first and not first.startswith(" ") and "#" not in first else None


class Tracer:
    """Finds each figure's source in one report."""

    def __init__(self, index: SourceIndex, written: Written | None = None):
        self.index, self.written = index, written
        self.code_pattern = re.compile(r"(?<![A-Za-z0-9])(" + "|".join(map(re.escape, index.codes)) + r")(?![A-Za-z0-9])") \
            if index.codes else None

    def codes_in(self, text: str) -> set[str]:
        return set(self.code_pattern.findall(text)) if self.code_pattern else set()

    def row_of(self, cells: list[str]):
        """The data row whose printed cells the table row shows (two cells at least in common)."""
        shown = {c.strip() for c in cells if c.strip()}
        best, score = None, 1
        for sources, texts in self.index.rows:
            common = len(shown & texts)
            if common > score:
                best, score = sources, common
        return best

    def find(self, number: str, windows: list[tuple[str, int]], row_sources, codes: list[set[str]], before: str = "",
             mentioned: set[str] | None = None, row_codes: list[set[str]] = ()) -> list[Source]:
        """The sources of one figure: a notebook's ``{eval}`` value (the value it names) or words, a
        parameter's text it is part of (the year in the project's name), an analyst's text it is typed in, a value of the indicator or dimension its table row or column
        names (``row_codes``), a cell of the data row the table row shows, or the values printing this
        number, narrowed by the codes around it (``codes``: the paragraph's, the heading's).
        ``windows``: the figure with the characters around it, widest first, and its offset in each."""
        windows = [(w, at) for w, at in windows if len(w) > len(number) + 2]  # distinctive enough to search
        worded = self.index.worded(windows[0][0]) if windows else None
        for window, offset in windows:
            written = self.written.find(window, offset, number, self.index.budget) if self.written else None
            if written is not None and written.name:
                named = self.index.named.get(_dotted(written.name))
                return [named] if named is not None else [written]
            if worded is not None:  # part of a parameter's text, as in the name of the project
                return [worded]
            typed = self.index.typed(window, number)
            if typed is not None:
                return [typed]
            if written is not None:
                return [written]
        candidates = self.index.by_number.get(number, [])
        for near in row_codes:
            coded = [s for s in candidates if set(s.codes) & near] if near else []
            if coded:
                return self._narrowed(_ranked(coded, near, 99), before, mentioned)
        if row_sources and number in row_sources:
            return [row_sources[number]]
        filled = next((t for t in (self.index.filled(w, number) for w, _ in windows) if t is not None), None)
        if filled is not None:  # printed by a placeholder of an analyst's text: one of the names it uses
            mentioned = filled.placeholders
            if not candidates and filled.calls:
                return [Source(f"{filled.where} 中的占位符", "文字", {number},
                               working="由占位符计算：" + "；".join(f"{{{{ {c} }}}}" for c in filled.calls[:4]))]
        if not candidates:
            return []
        for near in codes:
            if near:
                coded = [s for s in candidates if set(s.codes) & near]
                if coded:
                    candidates = _ranked(coded, near, 99)
                    break
        else:
            candidates = [s for s in candidates if not s.codes] or candidates
        return self._narrowed(candidates, before, mentioned)

    @staticmethod
    def _narrowed(candidates: list[Source], before: str, mentioned: set[str] | None) -> list[Source]:
        """The candidates the words before the figure name (满分, 得分), and the chapter mentions."""
        direct = [s for s in candidates if not s.name.endswith(".working")]  # a working line quotes the values
        candidates = direct or candidates
        labelled = [s for s in candidates if any(label in before for label in s.labels)]
        candidates = labelled or candidates
        if mentioned and len(candidates) > 1:  # a chapter prints only the names its cells mention
            named = [s for s in candidates if s.name and _mentioned(s.name, mentioned)]
            candidates = named or candidates
        return _distinct(candidates)


def _around(text: str, start: int, end: int, left: int = 6, right: int = 3) -> tuple[int, int]:
    """The span of a figure with up to ``left`` and ``right`` characters around it, stopping at
    another figure's digits (those may be filled in, while the words around were typed)."""
    begin = start
    while begin > 0 and start - begin < left and not text[begin - 1].isdigit():
        begin -= 1
    stop = end
    while stop < len(text) and stop - end < right and not text[stop].isdigit():
        stop += 1
    return begin, stop


def _dotted(expression: str) -> str:
    """``indicators["C102"].score`` as the vocabulary names it: indicators.C102.score."""
    dotted = re.sub(r"\[\s*['\"]([^'\"]+)['\"]\s*\]", r".\1", expression.replace(" ", ""))
    return re.sub(r"^len\((.+)\)$", r"\1.count", dotted)


def _ranked(sources: list[Source], near: set[str], most: int = 3) -> list[Source]:
    """Sources of the nearest code first (an indicator's own before its group's)."""
    exact = [s for s in sources if s.codes and s.codes[0] in near]
    return _distinct(exact or sources, most)


def _mentioned(name: str, words: set[str]) -> bool:
    """Whether a chapter's cells mention a value's name: its first and last parts (grades … min)."""
    parts = WORD.findall(name)
    return parts[0] in words and (len(parts) == 1 or parts[-1] in words)


def _distinct(sources: list[Source], most: int = 3) -> list[Source]:
    seen, out = set(), []
    for source in sources:
        key = (source.where, source.working)
        if key not in seen:
            seen.add(key)
            out.append(source)
    return out[:most]


def trace(page: str, index: SourceIndex, written: Written | None = None) -> tuple[str, list[dict]]:
    """The page with each traced figure wrapped in a tooltip span, and the list of figures."""
    tracer = Tracer(index, written)
    tokens, owners, cells = _parse(page)
    records: list[dict] = []
    chapter = section = column = ""
    mentioned = None
    heading_codes: set[str] = set()
    table, table_row, paragraph, headers = "", 0, 0, []
    row_cache: dict[int, object] = {}
    seen: dict[int, str] = {}  # each block's text before the token being read
    block_texts: dict[int, str] = {}
    out = []
    for n, token in enumerate(tokens):
        owner = owners[n]
        if token.startswith("<"):
            match = TAG.match(token)
            if match and not match.group(1):
                name = match.group(2).lower()
                if name == "table":
                    table, table_row, headers = "表", 0, []
                elif name == "tr":
                    table_row += 1
            out.append(token)
            continue
        if owner is None:
            out.append(token)
            continue
        text = htmllib.unescape(token)
        if id(owner) not in block_texts:
            block_texts[id(owner)] = htmllib.unescape(owner.text())
        block_text = block_texts[id(owner)]
        heading = owner.tag in ("h1", "h2", "h3", "h4", "h5", "h6")
        if heading and n == owner.first:
            title = " ".join(block_text.split())
            if owner.tag == "h1":
                chapter, section = title, ""
                mentioned = next((words for first, words in written.mentions.items() if first in title), None) \
                    if written else None
            else:
                section = title
            heading_codes = tracer.codes_in(title)
            table, paragraph = "", 0
        elif owner.tag == "caption" and n == owner.first:
            table = " ".join(block_text.split()).split(" ")[0:2]
            table = " ".join(table)
        elif owner.tag in ("p", "li") and n == owner.first:
            paragraph += 1
        row_sources, place = None, ""
        if owner.tag == "tr":
            if id(owner) not in row_cache:
                row_cells = _cells(tokens, owners, owner)
                row_cache[id(owner)] = row_cells, tracer.row_of(row_cells)
            row_cells, row_sources = row_cache[id(owner)]
            if table_row == 1 and not headers and "<th" in "".join(tokens[owner.start:owner.start + 3]):
                headers = row_cells
            column = headers[cells[n]] if 0 <= cells[n] < len(headers) else ""
            shown_row = "表头" if headers and table_row == 1 else f"第 {table_row - 1 if headers else table_row} 行"
            place = f"{table or '表'} {shown_row}" + (f"「{column.strip()}」列" if column.strip() else "")
        elif owner.tag == "caption":
            place = f"{table} 标题"
        elif heading:
            place = "标题"
        else:
            place = f"第 {max(paragraph, 1)} 段"
        pieces, last = [], 0
        for match in FIGURE.finditer(text):
            start, end = match.span()
            if structural(text, start, end, n == owner.first):
                continue
            number = match.group(0)
            if len(records) >= limits.TRACED_FIGURES:
                break
            wide = (max(0, start - 6), min(len(text), end + 3))
            windows = [(text[a:b].translate(BRACKETS), start - a) for a, b in (wide, _around(text, start, end))]
            row_label = row_cells[0] if owner.tag == "tr" and row_cells else ""
            row_codes = [tracer.codes_in(column), tracer.codes_in(block_text)] if owner.tag == "tr" else []
            codes = [tracer.codes_in(block_text), heading_codes]
            before = f"{column} {row_label}" if owner.tag == "tr" else (seen.get(id(owner), "") + text[:start])[-8:]
            sources = tracer.find(number, windows, row_sources, codes, before, mentioned, row_codes)
            if not sources:
                continue
            records.append({"id": len(records) + 1, "text": number, "chapter": chapter, "section": section,
                            "place": place, "sources": [s.record() for s in sources]})
            tip = sources[0].tip() if len(sources) == 1 else \
                f"输入中有 {len(sources)} 处是这个数值，可能的来源：\n" + "\n".join(s.tip() for s in sources)
            pieces.append(htmllib.escape(text[last:start], quote=False))
            pieces.append(f'<span class="jx-src" tabindex="0" id="src-{len(records)}" '
                          f'data-src="{htmllib.escape(tip, quote=True)}">{htmllib.escape(number)}</span>')
            last = end
        seen[id(owner)] = seen.get(id(owner), "") + text
        if pieces:
            pieces.append(htmllib.escape(text[last:], quote=False))
            out.append("".join(pieces))
        else:
            out.append(token)
    traced = "".join(out)
    return traced.replace("</head>", STYLE + "</head>", 1), records


def _cells(tokens, owners, row) -> list[str]:
    """The text of each cell of a table row."""
    cells, inside = [], False
    for token, owner in zip(tokens[row.start:row.end], owners[row.start:row.end]):
        if token.startswith("<"):
            match = TAG.match(token)
            if match and match.group(2).lower() in ("td", "th"):
                if not match.group(1):
                    cells.append("")
                    inside = True
                else:
                    inside = False
            continue
        if inside and cells and owner is row:
            cells[-1] += htmllib.unescape(token)
    return [" ".join(c.split()) for c in cells]


def add_shares(index: SourceIndex, project) -> None:
    """The 占比 column a table of amounts prints (pieces/tables.py): each row's share of the total."""
    for name, cells in index.table_rows.items():
        rows = project.table(name)
        for column in (c for c in SPECS[name].columns if c.kind == "amount"):
            values = [r.get(column.key) or 0 for r in rows]
            if not sum(values) or len(values) != len(cells):
                continue
            for row, row_cells, part in zip(rows, cells, shares(values)):
                text = project.style.rate(part)
                row_cells.setdefault(text, Source(
                    f"{index.shown(row.source)} 第 {row.line} 行「{column.header}」列占全表合计的比例", "数据表", {text},
                    working="本行金额 ÷ 合计（两位小数，最大余数法使各行合计为 100.00%）"))


def sources(project, root: Path, executed: list[Path]) -> tuple[SourceIndex, Written]:
    """What the figures are looked up in: the project's sources and the chapters' executed notebooks
    (their ``{eval}`` values and words). Built while the report renders."""
    index = SourceIndex(project, root)
    add_shares(index, project)
    notebooks = {c.notebook.name: index.shown(c.notebook) for c in project.outline.chapters}
    return index, Written(executed, lambda name: notebooks.get(name, f"notebooks/{name}"))


def rendered_and_traced(render, html_file: Path, project, root: Path, executed: list[Path]) -> None:
    """``render()``, with the figures' sources read meanwhile in a thread; then ``html_file`` traced."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        looked_up = pool.submit(sources, project, root, executed)
        render()
        write(html_file, looked_up.result())


def write(html_file: Path, looked_up: tuple[SourceIndex, Written]) -> Path:
    """Trace ``html_file`` in place and write ``provenance.json`` beside it; return that file."""
    page, records = trace(html_file.read_text(encoding="utf-8"), *looked_up)
    html_file.write_text(page, encoding="utf-8")
    target = html_file.parent / FILE
    listing = {"report": html_file.name, "complete": len(records) < limits.TRACED_FIGURES, "figures": records}
    target.write_text(json.dumps(listing, ensure_ascii=False, indent=1), encoding="utf-8")
    return target
