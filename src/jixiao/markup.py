"""Markdown of data values, and the tokens the stitcher resolves.

A value from the parameter file or a data table reaches the report only as text: ``escape``
makes every Markdown character literal. Tables and figures carry a definition token in their
caption and sentences a reference token; the stitcher numbers them per chapter (表 3-1, 图 3-1).
The tokens use brackets no Markdown reader or writer touches.
"""

import re

SPECIALS = re.compile(r"([\\`*_{}\[\]<>#|$~^&@!])")
ESCAPED = re.compile(r"\\([\\`*_{}\[\]<>#|$~^&@!])")
DEFINE = re.compile(r"⟦(tbl|fig):([\w.-]+)⟧")
REFER = re.compile(r"⟦ref:([\w.-]+)⟧")
LABEL = re.compile(r"[A-Za-z0-9][\w.-]*")
# MyST's inline value in a Markdown cell: {eval}`total`
EVAL = re.compile(r"\{eval\}`([^`\n]+)`")
# A Quarto/MyST cross-reference written in Markdown: @tbl-budget_lines, @fig-rates (label budget_lines).
AT_REFER = re.compile(r"(?<![A-Za-z0-9_@.\\/])@(?:tbl|fig)-([A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?)")


class Markdown(str):
    """Text that is Markdown already: ``escape`` leaves it as it is (on one line)."""


def escape(text) -> str:
    """A data value as literal Markdown text on one line."""
    markdown, text = isinstance(text, Markdown), " ".join(str(text).split())
    return text if markdown else _literal(text)


def _literal(text: str) -> str:
    return SPECIALS.sub(r"\\\1", text)


def escape_keeping_references(text: str) -> Markdown:
    """A text that may hold reference tokens (an analyst's goal made plain) as literal Markdown,
    its tokens left for the stitcher to number (``escape`` would break ⟦ref:budget_lines⟧)."""
    parts = REFER.split(" ".join(str(text).split()))
    return Markdown("".join(f"⟦ref:{part}⟧" if n % 2 else _literal(part) for n, part in enumerate(parts)))


def unescape(text) -> str:
    """What ``escape`` made of a value, as the plain text it stands for (for Word's cover, header and
    properties, and the templates' literal keys, which are not read as Markdown)."""
    return ESCAPED.sub(r"\1", str(text))


def define(kind: str, label: str) -> str:
    """The token a caption starts with: ``kind`` is tbl or fig."""
    return f"⟦{kind}:{label}⟧"


def refer(label: str) -> str:
    """The token a sentence uses for 'the number of the table or figure labelled ``label``'."""
    if not LABEL.fullmatch(str(label)):
        raise ValueError(f"表或图的标签『{label}』只能由字母、数字、-、_ 和 . 组成")
    return f"⟦ref:{label}⟧"


def at_refs(text: str) -> str:
    """``@tbl-label`` and ``@fig-label`` as reference tokens (the number of that table or figure)."""
    return AT_REFER.sub(lambda m: refer(m.group(1)), text)


DIGITS = "零一二三四五六七八九"
# A chapter named before a reference: 「第三部分」 or 「第三章」 (「见第三部分表 3-5」).
PLACE = re.compile(r"第([一二三四五六七八九十]+)(?:部分|章)\s*$")


def chinese(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十 (chapter numbers)."""
    if n < 10:
        return DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else DIGITS[tens]) + "十" + (DIGITS[ones] if ones else "")
