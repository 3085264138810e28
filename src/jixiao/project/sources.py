"""Where each figure a project can print comes from: a parameter key, a data table's file, row
and column, an analyst's text file and line, or a score's rule and working.

``SourceIndex(project)`` lists every source with the numbers it prints (as the report prints
them: 90.71, 4.4, 92.50%, 400.00, 4,000,000.00) and the indicator or dimension codes it belongs
to; ``assemble/provenance`` finds the figures of the finished HTML report in it, and
``jixiao explain`` prints one indicator's score, rule, inputs and working from it.
"""

import difflib
import os
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from .. import limits
from ..errors import InputError
from ..inputs.tables import SPECS
from ..numeric import (Amount, NumberError, Rate, Score, fixed2, parse_number, plain, round2, thousands, trimmed, wan,
                       yuan)
from ..scoring.rules import MANUAL, method_name
from ..inputs.texts import read_text, split_sections
from . import ANALYSIS_FILE
from .vocabulary import BUDGET_WORDS, Names

# A figure as the report prints it: 1,341 · 90.71 · 92.50% · 400.00 (the number part only).
# Digits after a Latin letter are part of a code (C102, A1), not a figure.
FIGURE = re.compile(r"(?<![\d.,A-Za-z])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?")
# The words a value's figure is printed under, by its last name (indicators.C102.max: 满分).
LABELS = {"max": ("满分",), "score": ("得分", "评分"), "criterion": ("百分制",), "weight": ("权重", "满分"),
          "applicable_weight": ("适用满分",), "rate": ("得分率",), "total": ("总分", "总得分", "合计"),
          "raw_total": ("合计",), "lost": ("扣",)}
BRACKETS = str.maketrans("[]", "〔〕")
NAME = re.compile(r"[A-Za-z_][\w]*(?:\.[\w\u4e00-\u9fff]+)+")


@dataclass
class Source:
    """One source of printed figures."""

    where: str  # how the report's reader is told: 「data/…/budget_lines.csv 第 3 行「预算金额」列」
    kind: str  # 参数文件 · 数据表 · 文字 · 评分
    numbers: set[str] = field(default_factory=set)
    codes: tuple[str, ...] = ()  # the indicator, group or dimension codes it belongs to
    name: str = ""  # its name in the vocabulary (budget.total), when it has one
    rule: str = ""
    working: str = ""
    labels: tuple[str, ...] = ()  # words the report prints it under (满分, 得分, 权重)

    def record(self) -> dict:
        out = {"kind": self.kind, "where": self.where}
        for key in ("name", "rule", "working"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        return out

    def tip(self) -> str:
        """The source as the HTML's tooltip says it (one line each: where, rule, working)."""
        lines = [f"来源：{self.where}"]
        if self.rule:
            lines.append(f"评分方法：{self.rule}")
        if self.working:
            lines.append(f"计算过程：{self.working}")
        return "\n".join(lines)


def figures(text: str) -> list[str]:
    """The figures in a printed text (1,341 · 92.50% · 2018)."""
    return FIGURE.findall(str(text))


def printed_forms(value) -> set[str]:
    """Every way the report prints a value's number (a score fixed or trimmed, an amount in 万元 or 元)."""
    if isinstance(value, bool) or value is None:
        return set()
    if isinstance(value, Rate):
        return {f"{fixed2(value)}%"}
    if isinstance(value, Amount):
        return {wan(value), yuan(value), thousands(value)} if value == int(value) else {wan(value), yuan(value)}
    if isinstance(value, Score):
        return {fixed2(value), trimmed(value)} | _in_a_column(value)
    if isinstance(value, (int, Decimal)):
        return {plain(value), fixed2(value), trimmed(value)} | _in_a_column(value)
    return set(figures(value))


def _in_a_column(value) -> set[str]:
    """The forms a table column of one decimal policy gives a number (``numeric.aligned``): padded
    to none, one or two places, never rounded, with or without thousands separators."""
    number = round2(value)
    forms = set()
    for places in (0, 1, 2):
        padded = number.quantize(Decimal(1).scaleb(-places))
        if padded == number:
            forms |= {format(padded, "f"), format(padded, ",f")}
    return forms


PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}|\{%(.*?)%\}", re.S)


@dataclass
class AnalystText:
    """An analyst's text: as typed (lines), as printed, and the names its placeholders use."""

    where: str
    lines: list[str]
    first: int | None
    rendered: str
    placeholders: set[str]
    calls: list[str]  # the placeholders that compute a figure: {{ growth(facts.a, facts.b) }}
    lines_with: dict[str, list[int]] = field(default_factory=dict)  # a figure → the lines typing it
    printed: set[str] = field(default_factory=set)  # the figures of the printed text

    def __post_init__(self):
        for n, line in enumerate(self.lines):
            for figure in dict.fromkeys(figures(line)):
                self.lines_with.setdefault(figure, []).append(n)
        self.printed = set(figures(self.rendered))


class Budget:
    """Characters a search may still read (limits.TRACE_SEARCH_CHARS): hostile texts full of figures
    cannot make tracing take long; past the budget, figures are found by their values only."""

    def __init__(self, chars: int = limits.TRACE_SEARCH_CHARS):
        self.left = chars

    def spend(self, chars: int) -> bool:
        self.left -= chars
        return self.left >= 0


class SourceIndex:
    """The sources of one project's printable figures (paths shown relative to ``root``)."""

    def __init__(self, project, root: Path):
        self.project, self.root = project, Path(root)
        self._root, self._shown = self.root.resolve(), {}
        self.sources: list[Source] = []
        self.by_number: dict[str, list[Source]] = {}
        self.named: dict[str, Source] = {}
        self.rows: list[tuple[dict[str, Source], set[str]]] = []  # a data row: its cells' sources by text
        self.table_rows: dict[str, list[dict[str, Source]]] = {}  # the same, by table
        self.texts: list[AnalystText] = []
        self.typing: dict[str, list[tuple[AnalystText, int]]] = {}  # a figure → the text lines typing it
        self.wordings: list[tuple[str, Source]] = []  # a parameter's text holding figures (2018年…专项)
        self.budget = Budget()
        self._codes = {}
        card = project.card
        for ind in card.indicators:
            self._codes[ind.code] = (ind.code, ind.level2, ind.level1)
        for dim in card.dimensions:
            self._codes[dim.code] = (dim.code,)
            for group in dim.groups:
                self._codes[group.code] = (group.code, dim.code)
        self._vocabulary(project.values)
        where = self._indicator_file()
        for name, count, what in (("dimensions.count", len(card.dimensions), "一级指标"),
                                  ("groups.count", sum(len(d.groups) for d in card.dimensions), "二级指标"),
                                  ("indicators.count", len(card.indicators), "三级指标")):
            self.add(Source(f"{where} 中的{what}个数", "数据表", {str(count)}, name=name, labels=(what,)))
        for dim in card.dimensions:
            self.add(Source(f"{where} 中 {dim.code} 下的二级指标个数", "数据表", {str(len(dim.groups))}, (dim.code,),
                            f"dimensions.{dim.code}.count", labels=("二级指标",)))
            for group in dim.groups:
                self.add(Source(f"{where} 中 {group.code} 下的三级指标个数", "数据表", {str(len(group.indicators))},
                                (group.code, dim.code), f"groups.{group.code}.count", labels=("三级指标",)))
        self._tables()
        self._text_files()
        self.codes = sorted({c for codes in self._codes.values() for c in codes}, key=len, reverse=True)

    def shown(self, path) -> str:
        """A file as the report's reader is told it: relative to the project folder (else its name)."""
        key = str(path)
        if key not in self._shown:
            try:
                self._shown[key] = Path(path).resolve().relative_to(self._root).as_posix()
            except ValueError:
                self._shown[key] = Path(path).name
        return self._shown[key]

    def add(self, source: Source, by_number: bool = True) -> Source:
        """Keep a source; ``by_number``: found by its numbers alone (a data cell is found by its row)."""
        self.sources.append(source)
        if source.name:
            self.named[source.name] = source
        for number in source.numbers if by_number else ():
            self.by_number.setdefault(number, []).append(source)
        return source

    # the vocabulary: every value with its name
    def _vocabulary(self, values) -> None:
        params = self.shown(self.project.source)
        for key in values.keys():
            if key == "previous":
                continue
            self._walk(key, values[key], params)

    def _walk(self, path: str, value, params: str) -> None:
        if isinstance(value, Names):
            for key in value.keys():
                self._walk(f"{path}.{key}", value[key], params)
            return
        if isinstance(value, list):
            self.add(Source(f"{params}：{path} 的项数", "参数文件", {str(len(value))}, name=f"{path}.count"))
            for n, item in enumerate(value, start=1):
                self._walk(f"{path}[{n}]", item, params)
            return
        numbers = printed_forms(value)
        if path.startswith("facts.") and isinstance(value, str):
            try:  # a fact typed as 43256 prints as 43,256 through a template's number filters
                numbers |= printed_forms(parse_number(value))
            except NumberError:
                pass
        if not numbers:
            return
        where, kind, codes, rule, working = self._origin(path, params)
        source = self.add(Source(where, kind, numbers, codes, path, rule, working, LABELS.get(path.rsplit(".", 1)[-1], ())))
        if isinstance(value, str):
            self.wordings.append((bare(" ".join(value.split())), source))

    def _origin(self, path: str, params: str) -> tuple[str, str, tuple, str, str]:
        """(where, kind, codes, rule, working) of a vocabulary value."""
        head, _, rest = path.partition(".")
        card = self.project.card
        if head == "indicators":
            code, _, attribute = rest.partition(".")
            ind = next(i for i in card.indicators if i.code == code)
            row = f"{self.shown(ind.source)} 第 {ind.line} 行（指标 {ind.code}）"
            if attribute == "working":
                return f"{row}按「评分方法、评分参数」列算出的计算过程", "评分", self._codes[code], self.rule_text(ind), ""
            if attribute in ("score", "criterion", "lost"):
                column = "评分值" if ind.rule == MANUAL else "评分方法、评分参数"
                return f"{row}「{column}」列", "评分", self._codes[code], self.rule_text(ind), ind.working
            return f"{row}「{_header('indicators', attribute)}」列", "数据表", self._codes[code], "", ""
        if head in ("dimensions", "groups"):
            code, _, attribute = rest.partition(".")
            node = next((d for d in card.dimensions if d.code == code), None) or \
                next(g for d in card.dimensions for g in d.groups if g.code == code)
            if attribute in ("weight", "applicable_weight"):
                return f"{self._indicator_file()} 中 {code} 下各三级指标的满分值之和", "数据表", self._codes[code], "", ""
            style = self.project.style
            members = " + ".join(f"{i.code} {style.score(i.score)}" for i in _indicators(node) if i.applicable)
            how = f"{code} 下各三级指标得分之和：{members}" if attribute == "score" and node.applicable else \
                f"{code} 得分 {style.score(node.score)} ÷ 适用满分 {plain(node.applicable_weight)} × 100%" \
                if attribute == "rate" and node.applicable else ""
            return f"{self._indicator_file()} 中 {code} 下各三级指标的评分值", "评分", self._codes[code], "", how
        if head in ("total", "raw_total", "rate", "weight", "applicable_weight"):
            style = self.project.style
            parts = "各一级指标得分之和：" + " + ".join(f"{d.code} {style.score(d.score)}" for d in card.dimensions
                                                     if d.applicable)
            rescaled = (f"按百分制折算：{style.score(card.raw_total)} ÷ {plain(card.applicable_weight)} × "
                        f"{plain(card.weight)}（{parts}）")
            how = {"total": rescaled if card.rescaled else parts, "raw_total": parts,
                   "rate": f"总得分 {style.score(card.raw_total)} ÷ 适用满分 {plain(card.applicable_weight)} × 100%"}.get(head, "")
            return f"{self._indicator_file()} 中全部三级指标的评分值", "评分", (), "", how
        if head == "rates":
            rate = self.project.params.framework.rates.get(rest.split(".")[0])
            if rate is not None:
                return (f"{params}：{rate.of} ÷ {rate.over}", "参数文件", (), "",
                        f"{BUDGET_WORDS[rate.of]} ÷ {BUDGET_WORDS[rate.over]}")
        if head == "budget" and rest == "received":
            return f"{params}：budget.receipts 各笔 amount 之和", "参数文件", (), "", ""
        if head == "budget" and rest.startswith("receipts["):
            return f"{params}：budget.{rest}", "参数文件", (), "", ""
        if head in SPECS and head in self.project.tables:
            rows = self.project.tables[head]
            file = self.shown(rows[0].source) if rows else SPECS[head].title
            if rest == "count":
                return f"{file} 的数据行数", "数据表", (), "", ""
            column = rest.removesuffix("_total")
            if head == "surveys" and not rest.endswith("_total"):
                row = next((r for r in rows if r.group == rest), None)
                if row is not None:
                    return f"{file} 第 {row.line} 行「{_header('surveys', 'rate')}」列", "数据表", (), "", ""
            span = f" 第 {rows[0].line}–{rows[-1].line} 行" if len(rows) > 1 else ""
            return f"{file}{span}「{_header(head, column)}」列合计", "数据表", (), "", ""
        if head == "responses":
            return f"满意度问卷答卷（data 中的 responses 表）：{rest} 的满意答卷 ÷ 有效答卷", "数据表", (), "", ""
        return f"{params}：{path}", "参数文件", (), "", ""

    def _indicator_file(self) -> str:
        rows = self.project.tables.get("indicators") or []
        return self.shown(rows[0].source) if rows else "指标评分表"

    @staticmethod
    def rule_text(ind) -> str:
        return "手工评分（评价组按评分标准给分）" if ind.rule == MANUAL else f"{ind.rule}（{method_name(ind.rule)}）"

    # data tables: every cell as the report's tables print it (pieces/tables.py)
    def _tables(self) -> None:
        for name, rows in self.project.tables.items():
            spec = SPECS[name]
            for row in rows:
                cells, texts = {}, set()
                codes = self._codes.get(row.get("code") or row.get("indicator") or "", ())
                for column in spec.columns:
                    value = row.get(column.key)
                    if value in (None, ""):
                        continue
                    text = _cell(value, column.kind)
                    texts.add(text)
                    numbers = set(figures(text))
                    if column.kind == "amount":
                        numbers |= {wan(value)}
                    if not numbers:
                        continue
                    source = self.add(Source(f"{self.shown(row.source)} 第 {row.line} 行「{column.header}」列", "数据表",
                                             numbers, codes), by_number=False)
                    cells[text] = source
                    for number in numbers:
                        cells.setdefault(number, source)
                self.rows.append((cells, texts))
                self.table_rows.setdefault(name, []).append(cells)

    # analysts' texts: their figures are typed there, or filled by a placeholder
    def _text_files(self) -> None:
        project = self.project
        data_dir = Path(project.data_dir)
        for key, value in project.params.texts.items():
            where = f"{project.source} texts.{key}"
            raw = read_text(value, data_dir, where)  # the project's own gate: a file inside the data folder
            named = str(value).strip()
            shown = self.shown(data_dir / named) if named.endswith(".md") and raw != value else \
                f"{self.shown(project.source)} texts.{key}"
            clean = project.texts.get(key)
            self._text(shown, raw, clean.text if clean is not None else raw)
        analysis = data_dir / ANALYSIS_FILE
        text = read_text(ANALYSIS_FILE, data_dir, str(analysis)) if os.path.lexists(analysis) else ""
        sections, lines = split_sections(text), text.splitlines()
        for ind in project.card.indicators:
            clean = project.analyses.get(ind.code)
            rendered = clean.text if clean is not None else ""
            if sections.get(ind.code):
                heading = next((n for n, line in enumerate(lines) if line.strip() == f"## {ind.code}"), 0)
                self._text(self.shown(analysis), sections[ind.code], rendered, heading + 1)
            elif ind.analysis:
                self._text(f"{self.shown(ind.source)} 第 {ind.line} 行「分析」列", ind.analysis, rendered, None)
            if ind.reason:
                self._text(f"{self.shown(ind.source)} 第 {ind.line} 行「评分理由」列", ind.reason, ind.reason, None)

    def _text(self, where: str, raw: str, rendered: str, first: int | None = 0) -> None:
        """``first``: the file line before the text's first line (None: the text is one cell, not lines)."""
        placeholders = {w for match in PLACEHOLDER.finditer(raw) for w in re.findall(r"[A-Za-z_]\w*", match.group(0))}
        calls = [" ".join(m.group(1).split()) for m in PLACEHOLDER.finditer(raw) if m.group(1) and "(" in m.group(1)]
        text = AnalystText(where, [bare(line) for line in raw.splitlines()], first, bare(" ".join(rendered.split())),
                           placeholders, list(dict.fromkeys(calls)))
        self.texts.append(text)
        for figure, lines in text.lines_with.items():
            self.typing.setdefault(figure, []).extend((text, n) for n in lines)

    def worded(self, window: str) -> Source | None:
        """The parameter whose text ``window`` (a figure with the characters around it) is part of:
        the year in a project's name, wherever the name is printed (the cover, the title)."""
        return next((source for text, source in self.wordings if window in text), None)

    def typed(self, window: str, number: str) -> Source | None:
        """The analyst's text in which ``window`` (a figure with the characters around it) is typed."""
        for text, n in self.typing.get(number, ()):
            line = text.lines[n]
            if not self.budget.spend(len(line)):
                return None
            if window in line:
                place = text.where if text.first is None else f"{text.where} 第 {text.first + n + 1} 行"
                return Source(place, "文字", {number})
        return None

    def filled(self, window: str, number: str) -> AnalystText | None:
        """The analyst's text whose placeholders printed ``window`` (not typed there)."""
        for text in self.texts:
            if text.placeholders and number in text.printed:
                if not self.budget.spend(len(text.rendered)):
                    return None
                if window in text.rendered:
                    return text
        return None

    # one indicator, for jixiao explain
    def explain(self, code: str) -> list[str]:
        """An indicator's score, rule, inputs with their sources, and working, as lines of Chinese;
        an unknown code is an ``InputError`` naming the codes it may have meant."""
        project = self.project
        style = project.style
        ind = next((i for i in project.card.indicators if i.code == code), None)
        if ind is None:
            codes = [i.code for i in project.card.indicators]
            close = difflib.get_close_matches(code.strip().upper(), codes, n=5, cutoff=0.5)
            hint = f"是否想写 {'、'.join(close)}？" if close else f"三级指标编码有：{'、'.join(codes[:12])}{' 等' if len(codes) > 12 else ''}"
            raise InputError(f"{project.source}：没有编码为『{code}』的三级指标（见 {self._indicator_file()} 的「指标编码」列）；{hint}")
        names = {d.code: d.label for d in project.card.dimensions} | \
            {g.code: g.label for d in project.card.dimensions for g in d.groups}
        lines = [f"指标 {ind.code} {ind.name}（{names.get(ind.level1, ind.level1)} / {names.get(ind.level2, ind.level2)}）"]
        if not ind.applicable:
            lines.append(f"得分：不适用（满分 {plain(ind.max)} 分，已按百分制折算）")
        else:
            lines.append(f"得分：{style.score(ind.score)} 分（满分 {plain(ind.max)} 分）")
        lines.append(f"来源：{self.shown(ind.source)} 第 {ind.line} 行")
        lines.append(f"评分方法：{self.rule_text(ind)}")
        if ind.inputs:
            lines.append(f"评分参数：{ind.inputs}")
            lines += [f"  {line}" for line in self._inputs(ind.inputs)]
        if ind.working:
            lines.append("计算过程：")
            lines += [f"  {line}" for line in ind.working.splitlines()]
        if ind.reason:
            lines.append(f"评分理由：{ind.reason}")
        row = next((r for r in project.tables.get("indicators", []) if r.code == code), None)
        if row is not None and row.get("standard"):
            lines.append(f"评分标准：{row.standard}")
        return lines

    def _inputs(self, text: str) -> list[str]:
        """Each data name an indicator's inputs read: its value and where it comes from."""
        named = self.named
        out = []
        for name in dict.fromkeys(NAME.findall(text)):
            source = named.get(name)
            if source is None:
                continue
            value = self.project.values
            for part in name.split("."):
                value = value[part] if isinstance(value, Names) and part in value else None
            shown = self.project.style.show(value) if value is not None else "—"
            out.append(f"{name} = {shown}（来源：{source.where}）")
        return out


def _cell(value, kind: str) -> str:
    """A data cell as the report's tables print it."""
    if kind == "amount":
        return yuan(value)
    if kind == "percent":
        return f"{fixed2(value)}%"
    return plain(value) if kind in ("int", "number") else str(value)


def _header(table: str, key: str) -> str:
    return next((c.header for c in SPECS[table].columns if c.key == key), key) if table in SPECS else key


def _indicators(node):
    return node.indicators if hasattr(node, "indicators") else [i for g in node.groups for i in g.indicators]


def bare(text: str) -> str:
    """Markdown as the text it prints: emphasis marks, escapes and heading marks dropped, the
    brackets of document numbers as the report sets them (〔2014〕)."""
    text = re.sub(r"\\(.)", r"\1", text)
    return re.sub(r"[*_`#>]", "", text).translate(BRACKETS)
