"""The numbers of a stitched report: headings by level, tables and figures per chapter.

Headings in the notebooks carry no numbers; they are numbered here by level — 一、 （一）
1. （1） 1） — so a missing part never leaves a gap and an added heading never needs
renumbering. A heading that ends in ``{-}`` or ``{.unnumbered}``, or that a notebook printed
with ``C.heading`` (an indicator's, with its code), keeps its text as it is. The analyst's
texts may have headings of their own: they go below the heading the text stands under. A
heading with nothing under it is left out. Tables and figures are numbered per chapter
(表 3-1, 图 3-1; 附表 1 in an unnumbered chapter such as an annex) and references resolved; a
reference to a later chapter's table or figure names that chapter (第三部分表 3-5).
"""

import re
from dataclasses import dataclass

from ..errors import RunFailure
from ..markup import DEFINE, PLACE, REFER, chinese

ATX = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$")
UNNUMBERED = re.compile(r"\s*\{(?:-|\.unnumbered)\}\s*$")
FENCE = re.compile(r"^\s*(```|~~~)")
TYPED = re.compile(r"^(?:第[一二三四五六七八九十百]+[章节部分]|[一二三四五六七八九十]+[、.．]|[（(]\s*[一二三四五六七八九十]+\s*[）)]"
                   r"|\d+(?:\.\d+)*[.、．](?!\d)|[（(]\d+[）)]|\d+[）)])\s*")
KIND_WORD = {"tbl": "表", "fig": "图"}


FORMATS = {1: lambda n: f"{chinese(n)}、", 2: lambda n: f"（{chinese(n)}）", 3: lambda n: f"{n}. ",
           4: lambda n: f"（{n}）", 5: lambda n: f"{n}）"}


@dataclass
class Block:
    """A piece of the stitched document: ``kind`` is markdown (a notebook's Markdown cell),
    prose (a sentence template's output), text (the analyst's text), heading (from
    ``C.heading``), table or figure."""

    kind: str
    text: str


@dataclass
class _Heading:
    level: int
    title: str
    numbered: bool


def _items(blocks: list[Block]) -> list:
    """Headings (with their final levels) and content lines, in order."""
    items, current = [], 0
    for block in blocks:
        lines = block.text.splitlines()
        texts_top = None
        if block.kind == "text":
            levels = [len(m.group(1)) for m in map(ATX.match, _outside_fences(lines)) if m]
            texts_top = min(levels) if levels else None
        fenced = False
        for line in lines:
            if FENCE.match(line):
                fenced = not fenced
            match = None if fenced else ATX.match(line)
            if not match:
                items.append(line)
                continue
            level, title = len(match.group(1)), match.group(2)
            numbered = block.kind != "heading" and not UNNUMBERED.search(title)
            title = UNNUMBERED.sub("", title)
            if texts_top is not None:
                level = min(6, current + 1 + level - texts_top)
            else:
                current = level
            items.append(_Heading(level, title, numbered))
        items.append("")
    return items


def _outside_fences(lines: list[str]) -> list[str]:
    out, fenced = [], False
    for line in lines:
        if FENCE.match(line):
            fenced = not fenced
        elif not fenced:
            out.append(line)
    return out


def _kept(items: list) -> list:
    """Drop every heading with no content before the next heading of its level or above."""
    kept = []
    for n, item in enumerate(items):
        if isinstance(item, _Heading):
            body = []
            for later in items[n + 1:]:
                if isinstance(later, _Heading) and later.level <= item.level:
                    break
                if not isinstance(later, _Heading):
                    body.append(later)
            if not any(line.strip() for line in body):
                continue
        kept.append(item)
    return kept


def number(blocks: list[Block]) -> str:
    """The report's Markdown: headings numbered, tables and figures numbered, references resolved."""
    counters = [0] * 7
    chapter = None  # the current level-1 number, or None in an unnumbered chapter
    numbers, seen = {}, {}
    lines, chapters = [], []  # each line and the chapter it stands in
    for item in _kept(_items(blocks)):
        if isinstance(item, _Heading):
            for deeper in range(item.level + 1, 7):
                counters[deeper] = 0
            title = item.title
            if item.numbered and item.level in FORMATS:
                counters[item.level] += 1
                title = FORMATS[item.level](counters[item.level]) + TYPED.sub("", title, count=1)
            if item.level == 1:
                chapter = counters[1] if item.numbered else None
                seen = {}
            lines.append(f"{'#' * item.level} {title}")
            chapters.append(chapter)
            continue

        def define(match):
            kind, label = match.groups()
            if label in numbers:
                raise RunFailure(f"表格或图的标签『{label}』重复出现，请在笔记本中改用不同的标签")
            seen[kind] = seen.get(kind, 0) + 1
            prefix = f"{KIND_WORD[kind]} {chapter}-" if chapter else f"附{KIND_WORD[kind]} "
            numbers[label] = f"{prefix}{seen[kind]}"
            return numbers[label]

        lines.append(DEFINE.sub(define, item))
        chapters.append(chapter)
    missing = sorted({label for line in lines for label in REFER.findall(line)} - set(numbers))
    if missing:
        raise RunFailure(f"正文引用了不存在的表或图：{'、'.join(missing)}，请检查文字中的 {{{{ ref(\"…\") }}}} 标签")
    lines = _resolved(lines, numbers, chapters)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def _resolved(lines: list[str], numbers: dict, chapters: list) -> list[str]:
    """References replaced by numbers. A reference to a table or figure of a later chapter says
    where it is (「见第三部分表 3-5」): the reader of chapter 一 cannot find 表 3-5 nearby."""
    out = []
    for line, chapter in zip(lines, chapters):
        def refer(match, line=line, chapter=chapter):
            shown = numbers[match.group(1)]
            later = re.match(r"[表图] (\d+)-", shown)
            if later and chapter is not None and int(later.group(1)) > chapter \
                    and not PLACE.search(line[:match.start()]):
                return f"第{chinese(int(later.group(1)))}部分{shown}"
            return shown

        out.append(REFER.sub(refer, line))
    return out
