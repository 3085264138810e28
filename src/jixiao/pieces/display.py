"""How a chapter's kernel shows things: the project's values as the report prints them, and a code
cell's result as a numbered table or figure when its cell options ask for one.

A cell written as Quarto and MyST write it::

    #| label: tbl-budget_lines
    #| tbl-cap: 项目预算明细表
    tables.data_table(P, "budget_lines", totals=("amount",))

shows 表 1-1 with its caption, and its output carries what the stitcher needs (kind, label,
caption, the table's Markdown). The result may be a pandas DataFrame (``#| totals:`` and
``#| merge:`` name columns to sum or to merge), a table builder's Markdown, or a matplotlib
Figure (``fig-`` label, ``fig-cap``). A result in a cell without such options is the notebook's
own scratch output and stays out of the report.
"""

import base64
import re
from decimal import Decimal

import pypandoc
from IPython import get_ipython
from IPython.display import display

from ..inputs.chapters import cell_options, option_label
from ..inputs.sanitize import REPORT_FORMAT
from ..markup import EVAL, escape
from ..numeric import Amount, Rate, Score
from . import charts
from .markdown import caption_line

READER = REPORT_FORMAT + "+east_asian_line_breaks"


def html(markdown: str) -> str:
    """Markdown as the HTML a notebook reader sees (pandoc, as the report is made)."""
    try:
        return pypandoc.convert_text(markdown, "html", format=READER)
    except (RuntimeError, OSError):
        return f"<pre>{escape(markdown)}</pre>"


GRID = re.compile(r"^\+[-=:+]+\+\s*$", re.M)
CAPTION = re.compile(r"^: (.+)$", re.M)  # pandoc's table caption line, shown as a line of text
BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")


def for_jupyter(markdown: str) -> dict:
    """A piece as Jupyter shows it like the report: Markdown, with bold as HTML (CommonMark does not
    close ``**主要结论：**`` before a Chinese character, pandoc does); a grid table, which Jupyter's
    Markdown cannot draw, as pandoc's HTML."""
    if GRID.search(markdown):
        return {"text/html": html(markdown), "text/plain": markdown}
    shown = CAPTION.sub(r"\1", BOLD.sub(r"<strong>\1</strong>", markdown))
    return {"text/markdown": shown, "text/plain": markdown}


def _listed(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.replace("，", ",").strip("[]").split(",") if part.strip())


_running: dict = {"options": {}}  # the options of the code cell running now (none between cells)


def _asked(kind: str, shell) -> tuple[str, dict] | None:
    """(label, options) when the running cell's options ask for a table (tbl) or figure (fig)."""
    options = _running["options"]
    named = option_label(options)
    if not named or named[0] != kind:
        return None
    return named[1] or f"{kind}-{shell.execution_count}", options


def _watch_cells(shell) -> None:
    """Keep the running cell's options (an ``{eval}`` evaluated between cells has none)."""
    def started(info):
        _running["options"] = cell_options(info.raw_cell or "")

    def finished(_result):
        _running["options"] = {}

    for event, callback in getattr(shell, "_jixiao_events", []):
        shell.events.unregister(event, callback)
    shell._jixiao_events = [("pre_run_cell", started), ("post_run_cell", finished)]
    for event, callback in shell._jixiao_events:
        shell.events.register(event, callback)


def install(chapter) -> None:
    """Register the chapter's formatters in the running IPython kernel (nothing outside one)."""
    shell = get_ipython()
    if shell is None:
        return
    _watch_cells(shell)
    style = chapter.project.style
    plain = shell.display_formatter.formatters["text/plain"]
    for kind in (Score, Rate, Amount, Decimal):
        plain.for_type(kind, lambda value, printer, cycle: printer.text(style.show(value)))
    plain.for_type(str, lambda value, printer, cycle: printer.text(value))  # a text shows as itself, not quoted
    bundles = shell.display_formatter.mimebundle_formatter
    table = lambda value: _table(chapter, shell, value)  # noqa: E731
    import pandas
    from matplotlib.figure import Figure

    bundles.for_type(str, table)
    bundles.for_type(pandas.DataFrame, table)
    bundles.for_type(Figure, lambda fig: _figure(chapter, shell, fig))


def caption(shell, text: str) -> str:
    """A caption option with its ``{eval}`…``` values (``#| tbl-cap: {eval}`project.name`完成情况表``)."""
    def value(match):  # the value as text only: the cell's own options would make a text a table again
        return shell.display_formatter.formatters["text/plain"](shell.ev(match.group(1))) or ""

    return EVAL.sub(value, text)


def _table(chapter, shell, value):
    asked = _asked("tbl", shell)
    if asked is None:
        return {}, {}
    label, options = asked
    caption_text = caption(shell, options.get("tbl-cap", ""))
    body = chapter.markdown(value, _listed(options.get("totals", "")), _listed(options.get("merge", "")), label)
    markdown = f"{caption_line(label, caption_text)}\n\n{body}"
    readable = chapter.readable(markdown)
    data = {"text/plain": readable, "text/markdown": readable}
    if chapter.for_reader:
        data = for_jupyter(readable)
    return data, {"jixiao": {"kind": "table", "label": label, "markdown": markdown}}


def _figure(chapter, shell, fig):
    asked = _asked("fig", shell)
    if asked is None:
        return {}, {}
    label, options = asked
    png = charts.png(fig)
    number = chapter.number_of("fig", label)
    encoded = base64.b64encode(png).decode("ascii")
    text = caption(shell, options.get("fig-cap", ""))
    return ({"image/png": encoded, "text/plain": f"{number} {text}"},
            {"jixiao": {"kind": "figure", "label": label, "caption": text, "png": encoded}})


def show_figure(chapter, png: bytes, label: str, caption: str) -> None:
    """A numbered figure from its PNG: the image and its caption as the report numbers them."""
    number = chapter.number_of("fig", label)
    encoded = base64.b64encode(png).decode("ascii")
    display({"image/png": encoded, "text/plain": f"{number} {caption}"}, raw=True,
            metadata={"jixiao": {"kind": "figure", "label": label, "caption": caption}})
    if chapter.for_reader:
        display({"text/html": f"<p style=\"text-align:center\">{escape(number)} {escape(caption)}</p>"}, raw=True)

