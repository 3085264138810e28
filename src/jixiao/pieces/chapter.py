"""What a chapter notebook calls. ``C = open_chapter(globals())`` gives the chapter its
project; then each call prints one piece of the chapter as a notebook output, which the
stitcher turns into the report:

- ``C.say(template)``: a sentence or paragraph; ``{{ … }}`` filled from the vocabulary;
- ``C.text(key)``: the analyst's text ``texts.<key>`` (nothing when the project has none);
- ``C.analysis(code)``: an indicator's analysis from ``analysis.md`` or the indicator table;
- ``C.heading(level, text)``: a heading built in code, printed as it is (an indicator's, with its code);
- ``C.table(markdown, label, caption)`` and ``C.figure(fig, label, caption)``: numbered per chapter
  (表 3-1, 图 3-1); ``{{ ref("label") }}`` in any text prints that number;
- ``C.exhibits(code, captions)``: the tables and charts the parameter file attaches to an indicator.

Headings written in Markdown cells are numbered by the stitcher by level (一、（一）1.（1）); a
heading with nothing under it is left out.
"""

import base64
import re
import textwrap
from pathlib import Path

import pypandoc
from IPython.display import display

from ..inputs.sanitize import REPORT_FORMAT, published_image
from ..markup import escape
from ..project import Project, exhibit_label, load, load_project, project_from_mapping, raw_from_namespace
from . import charts, tables
from .markdown import caption_line


def open_chapter(namespace: dict) -> "Chapter":
    """The chapter's project, from the notebook's parameters:

    - ``project_file`` (set by ``jixiao run``): the project the run validated;
    - the parameter file's keys injected by ``papermill -f params/<项目>.yaml``;
    - else ``params_file``, the parameters cell's default (the example project).
    """
    if namespace.get("project_file") and Path(namespace["project_file"]).is_file():
        return Chapter(load(Path(namespace["project_file"])), for_reader=False)
    injected = raw_from_namespace(namespace)
    if injected:
        return Chapter(project_from_mapping(injected, _params_dir(), "注入的参数"))
    return Chapter(load_project(_find(namespace["params_file"])))


def _params_dir() -> Path:
    """Where relative paths of injected parameters resolve: ``params/`` of the project root the
    notebook runs from (``papermill notebooks/x.ipynb out.ipynb -f params/p.yaml``), or its parent."""
    for base in (Path.cwd(), Path.cwd().parent):
        if (base / "params").is_dir():
            return base / "params"
    return Path.cwd()


def _find(params_file: str) -> Path:
    """``params_file`` relative to the working folder (the notebook's, in Jupyter) or to
    ``notebooks/`` below it (papermill run from the project root)."""
    path = Path(params_file)
    for candidate in (path, Path("notebooks") / path):
        if candidate.is_file():
            return candidate
    return path


READER = REPORT_FORMAT + "+east_asian_line_breaks"


def _starts_with_paragraph(markdown: str) -> bool:
    """Whether Markdown written by pandoc opens with a plain paragraph (not a heading, list,
    quote, table, code block or lone image)."""
    return not re.match(r"(#|[-*+]\s|\d+[.)]\s|>|\||\+-|:|!\[|```|~~~|\s)", markdown)


def _show(markdown: str, kind: str, **meta) -> None:
    display({"text/markdown": markdown}, raw=True, metadata={"jixiao": {"kind": kind, **meta}})


class Chapter:
    """One chapter's project and the calls that print its pieces. ``for_reader``: also show tables
    as HTML, because Jupyter's Markdown does not draw grid tables (not needed inside ``jixiao run``)."""

    def __init__(self, project: Project, for_reader: bool = True):
        self.project = project
        self.for_reader = for_reader

    @property
    def values(self):
        """The vocabulary: ``C.values.dimensions.A.score`` …"""
        return self.project.values

    @property
    def card(self):
        """The scorecard: dimensions, groups and indicators as objects."""
        return self.project.card

    def say(self, template: str, **names) -> None:
        """Print ``template`` as Markdown with its ``{{ … }}`` filled from the vocabulary and ``names``."""
        values = {key: self.values[key] for key in self.values.keys()} | names
        text = self.project.templates.render(textwrap.dedent(template).strip(), values, "笔记本中的文字模板",
                                             trusted=True)
        if text.strip():
            _show(text.strip() + "\n", "prose")

    def heading(self, level: int, text: str) -> None:
        """A heading printed as it is (not numbered by the stitcher)."""
        _show(f"{'#' * level} {escape(text)}\n", "heading", numbered=False)

    def text(self, key: str, required: bool = False, otherwise: str | None = None, lead: str | None = None) -> None:
        """The analyst's text ``texts.<key>``; its own headings go below the heading above it.
        ``required`` texts must be in the parameter file (``jixiao check`` says so); without the
        text, the ``otherwise`` template is printed, if given. ``lead`` (「主要结论：」) is set in bold
        before the text's first paragraph, or as a paragraph of its own when the text starts otherwise."""
        clean = self.project.texts.get(key)
        if clean is not None and clean.text.strip():
            text = clean.text
            if lead:
                bold = f"**{escape(lead)}**"
                text = f"{bold}{text}" if _starts_with_paragraph(text) else f"{bold}\n\n{text}"
            _show(text, "text", images=_images(clean))
        elif otherwise:
            self.say(otherwise)

    def analysis(self, code: str) -> None:
        """An indicator's analysis text."""
        clean = self.project.analyses[code]
        _show(clean.text, "text", images=_images(clean))

    def table(self, markdown: str, label: str, caption: str) -> None:
        """A numbered table: ``caption`` above it, ``label`` for references."""
        text = f"{caption_line(label, caption)}\n\n{markdown}"
        data = {"text/markdown": text}
        if self.for_reader:
            data["text/html"] = pypandoc.convert_text(text, "html", format=READER)
        display(data, raw=True, metadata={"jixiao": {"kind": "table", "label": label}})

    def figure(self, fig, label: str, caption: str) -> None:
        """A numbered figure from a matplotlib Figure."""
        data = base64.b64encode(charts.png(fig)).decode("ascii")
        display({"image/png": data}, raw=True, metadata={"jixiao": {"kind": "figure", "label": label,
                                                                    "caption": caption}})

    def exhibits(self, code: str, captions: dict[str, str]) -> None:
        """The tables and charts the parameter file attaches to indicator ``code``, with the caption
        given there or else ``captions[label]`` (label: the table's name, or <name>-chart)."""
        for exhibit in self.project.params.exhibits:
            if exhibit.after != code:
                continue
            label = exhibit_label(exhibit)
            caption = exhibit.caption or captions.get(label) or label
            if exhibit.table:
                self.table(tables.data_table(self.project, exhibit.table, **TABLE_LAYOUT.get(exhibit.table, {})),
                           label, caption)
            else:
                self.figure(charts.table_chart(self.project, exhibit.chart), label, caption)


# How the shipped data tables are laid out when attached to an indicator.
TABLE_LAYOUT = {
    "targets": {"merge": ("goal",)},
    "queries": {"totals": ("year", "cumulative", "previous")},
    "budget_lines": {"totals": ("amount",), "share": "amount"},
}


def _images(clean) -> dict[str, str]:
    return {name: base64.b64encode(published_image(path)).decode("ascii") for name, path in clean.images.items()}
