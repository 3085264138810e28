"""What a chapter notebook calls. ``C = open_chapter(globals())`` gives the chapter its project and
puts the project's values in the notebook under their names (``total``, ``budget``, ``dimensions``
…), so a Markdown cell writes 总得分 {eval}`total` 分. Then:

- a code cell whose result is a table (a DataFrame, or a builder of ``tables``) or a chart, with
  the cell options ``#| label: tbl-…`` and ``#| tbl-cap: …`` (``fig-…``/``fig-cap``), is 表 n-m /
  图 n-m of the report; ``@tbl-…`` in Markdown cells and texts is its number;
- ``C.say(template)``: what a Markdown cell cannot say (a sentence per indicator in a loop);
- ``C.text(key)``: the analyst's text ``texts.<key>``; ``C.analysis(code)``: an indicator's analysis;
- ``C.heading(level, text)``: a heading built in code, printed as it is (an indicator's, with its code);
- ``C.table(table, label, caption)`` and ``C.figure(fig, label, caption)``: the same as cell options;
- ``C.exhibits(code, captions)``: the tables and charts the parameter file attaches to an indicator;
- ``C.data(name)``: a table of the parameter file's ``data:`` as a DataFrame.

Each call shows its piece as the report prints it (表 3-1, bold, no stitcher tokens) and keeps the
Markdown the stitcher numbers in the output's metadata.
"""

import base64
import os
import re
import textwrap
from pathlib import Path

from IPython.display import display

from ..errors import InputError
from ..inputs.chapters import labels_in_order
from ..inputs.params import TOP_LEVEL_KEYS
from ..inputs.sanitize import published_image
from ..markup import DEFINE, REFER, at_refs, escape
from ..project import Project, exhibit_label, load, load_project, project_from_mapping, raw_from_namespace
from . import charts, display as shown, tables
from .frames import frame_markdown
from .markdown import caption_line

_HANDED: dict = {}  # what the runner handed to this kernel (engine.HANDOVER): project, notebook, chapter number


def hand_over(project_file: str, notebook: str, chapter: int | None) -> None:
    """Called by the ``jixiao`` engine before a chapter's cells, with the project this run
    validated (a file of the run's own build folder) and the chapter's place in the outline."""
    _HANDED.update(project=load(Path(project_file)), notebook=Path(notebook), chapter=chapter)


def open_chapter(namespace: dict) -> "Chapter":
    """The chapter's project, from what the run handed over, else from the notebook's parameters:
    the parameter file's keys injected by ``papermill -f params/<项目>.yaml``, or ``params_file``
    (the parameters cell's default, the example project; ``papermill -p params_file …``)."""
    if _HANDED:
        project, notebook, number = _HANDED["project"], _HANDED["notebook"], _HANDED["chapter"]
        chapter = Chapter(project, for_reader=False, notebook=notebook, number=number)
    else:
        injected = raw_from_namespace(namespace)
        if injected:
            project = project_from_mapping(injected, _params_dir(), "注入的参数")
        else:
            project = load_project(_find(namespace["params_file"]))
        notebook = _this_notebook(namespace)
        chapter = Chapter(project, notebook=notebook, number=_number(project, notebook))
    chapter.install(namespace)
    return chapter


def _params_dir() -> Path:
    """Where relative paths of injected parameters resolve: ``params/`` of the project root the
    notebook runs from (``papermill notebooks/x.ipynb out.ipynb -f params/p.yaml``), or its parent."""
    for base in (Path.cwd(), Path.cwd().parent):
        if (base / "params").is_dir():
            return base / "params"
    return Path.cwd()


def _find(params_file: str) -> Path:
    """``params_file`` as written, relative to the working folder (the notebook's, in Jupyter) or
    to any folder above it, or as ``params/<name>`` there: a project's own chapter beside its
    parameter file runs alone as the template's chapters do."""
    path = Path(params_file)
    if path.is_absolute():
        return path
    tried = []
    for base in (Path.cwd(), *Path.cwd().parents):
        for candidate in (base / path, base / "notebooks" / path, base / "params" / path.name):
            if candidate.is_file():
                return candidate
            tried.append(candidate)
    raise InputError(f"找不到参数文件『{params_file}』（从 {Path.cwd()} 及其上层目录找过），"
                     "请在本笔记本的参数单元中把 params_file 改为项目参数文件的路径")


def _this_notebook(namespace: dict) -> Path | None:
    """The notebook running in this kernel, as Jupyter tells it (JupyterLab, VS Code) or the jixiao
    engine does (papermill)."""
    for name in (namespace.get("__session__"), namespace.get("__vsc_ipynb_file__"), os.environ.get("JPY_SESSION_NAME"),
                 os.environ.get("JIXIAO_NOTEBOOK")):
        if name and str(name).endswith(".ipynb") and Path(name).is_file():
            return Path(name).resolve()
    return None


def _number(project: Project, notebook: Path | None) -> int | None:
    """The chapter's number in the project's outline (by path, else by file name)."""
    if notebook is None:
        return None
    for chapter in project.outline.chapters:
        if chapter.notebook == notebook:
            return chapter.number
    same = [c for c in project.outline.chapters if c.notebook.name == notebook.name]
    return same[0].number if same else None


def _in_outline(project: Project, notebook: Path) -> bool:
    return any(c.notebook == notebook or c.notebook.name == notebook.name for c in project.outline.chapters)


def _starts_with_paragraph(markdown: str) -> bool:
    """Whether Markdown written by pandoc opens with a plain paragraph (not a heading, list,
    quote, table, code block or lone image)."""
    return not re.match(r"(#|[-*+]\s|\d+[.)]\s|>|\||\+-|:|!\[|```|~~~|\s)", markdown)


class Chapter:
    """One chapter's project and the calls that print its pieces. ``for_reader``: the notebook is
    read in Jupyter, so pieces are shown as Jupyter draws them best (``display.for_jupyter``); not
    needed inside ``jixiao run``."""

    def __init__(self, project: Project, for_reader: bool = True, notebook: Path | None = None,
                 number: int | None = None):
        self.project = project
        self.for_reader = for_reader
        self.number = number
        self.notebook = notebook if number is None and notebook is not None and _in_outline(project, notebook) else None
        self.numbers: dict[str, str] = {}
        self._counts = {"tbl": 0, "fig": 0}
        self._guess = {}
        if notebook is not None and notebook.is_file():
            counts = {"tbl": 0, "fig": 0}
            for kind, label in labels_in_order(notebook):
                counts[kind] += 1
                self._guess.setdefault(label, self._name(kind, counts[kind]))

    @property
    def values(self):
        """The vocabulary: ``C.values.dimensions.A.score`` …"""
        return self.project.values

    @property
    def card(self):
        """The scorecard: dimensions, groups and indicators as objects."""
        return self.project.card

    def install(self, namespace: dict) -> None:
        """The project's values under their names in the notebook (a name the notebook already
        uses is left alone, but the raw parameter-file mappings ``papermill -f`` injected are replaced), values and results shown as the report prints them, the chart style."""
        for key in self.values.keys():
            if key not in namespace or key in TOP_LEVEL_KEYS:  # papermill -f injected the raw mappings
                namespace[key] = self.values[key]
        shown.install(self)
        charts.use_style(self.project)

    # numbers of the notebook's own tables and figures, for showing them as the report will
    def _name(self, kind: str, n: int) -> str:
        word = "表" if kind == "tbl" else "图"
        if self.number:
            return f"{word} {self.number}-{n}"
        return f"附{word} {n}" if self.notebook is not None else f"{word} {n}"  # unnumbered, or not known

    def number_of(self, kind: str, label: str) -> str:
        """The number a table or figure printed now shows (表 3-1), kept for later references."""
        self._counts[kind] += 1
        self.numbers[label] = self._guess.get(label) or self._name(kind, self._counts[kind])
        return self.numbers[label]

    def readable(self, markdown: str) -> str:
        """The stitcher's Markdown as the report shows it: numbers for tokens, no ``{-}``."""
        def define(match):
            return self.numbers.get(match.group(2)) or self.number_of(*match.groups())

        text = DEFINE.sub(define, markdown)
        text = REFER.sub(lambda m: self.numbers.get(m.group(1)) or self._guess.get(m.group(1)) or "表（见后）", text)
        return re.sub(r"[ \t]*\{(?:-|\.unnumbered)\}[ \t]*$", "", text, flags=re.M)

    def show(self, markdown: str, kind: str, **meta) -> None:
        """Show one piece: as the report prints it, and as Markdown for the stitcher (metadata)."""
        readable = self.readable(markdown)
        data = {"text/markdown": readable}
        if self.for_reader:
            data = shown.for_jupyter(readable)
        display(data, raw=True, metadata={"jixiao": {"kind": kind, "markdown": markdown, **meta}})

    def say(self, template: str, **names) -> None:
        """Print ``template`` as Markdown with its ``{{ … }}`` filled from the vocabulary and ``names``."""
        values = {key: self.values[key] for key in self.values.keys()} | names
        text = self.project.templates.render(textwrap.dedent(template).strip(), values, "笔记本中的文字模板",
                                             trusted=True)
        if text.strip():
            self.show(at_refs(text.strip()) + "\n", "prose")

    def heading(self, level: int, text: str) -> None:
        """A heading printed as it is (not numbered by the stitcher)."""
        self.show(f"{'#' * level} {escape(text)}\n", "heading", numbered=False)

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
            self.show(text, "text", images=_images(clean))
        elif otherwise:
            self.say(otherwise)

    def analysis(self, code: str) -> None:
        """An indicator's analysis text."""
        clean = self.project.analyses[code]
        self.show(clean.text, "text", images=_images(clean))

    def table(self, table, label: str, caption: str, totals=(), merge=()) -> None:
        """A numbered table: ``caption`` above it, ``label`` for references. ``table`` is a builder's
        table or a DataFrame (``totals`` and ``merge`` name its columns to sum or to merge)."""
        self.show(f"{caption_line(label, caption)}\n\n{self.markdown(table, totals, merge, label)}", "table",
                  label=label)

    def markdown(self, table, totals=(), merge=(), label: str = "") -> str:
        """A table's Markdown: a builder's as it is, a DataFrame's in the report's number formats."""
        if isinstance(table, str):
            return table
        if hasattr(table, "itertuples"):
            return frame_markdown(table, self.project.style, totals, merge, f"表『{label}』")
        raise TypeError(f"表『{label}』应为 tables 中的表或 pandas DataFrame，而不是 {type(table).__name__}")

    def figure(self, fig, label: str, caption: str) -> None:
        """A numbered figure from a matplotlib Figure."""
        shown.show_figure(self, charts.png(fig), label, caption)

    def printed(self, value) -> str:
        """A value as the report prints it (92.50%、400.00万元、90.71), for text built in code."""
        return self.project.style.show(value)

    def data(self, name: str):
        """The table ``name`` of the parameter file's ``data:`` as a pandas DataFrame."""
        return self.project.frame(name)

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
