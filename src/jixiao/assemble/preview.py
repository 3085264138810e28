"""Incremental builds for ``jixiao preview``: the HTML report rebuilt after an edit, re-executing
only the chapters whose inputs changed.

A chapter's inputs are its notebook, the charts' style sheets and the part of the project it can
see: everything but the analyst's texts, plus the texts it prints (read from its calls) and the
indicator analyses if it prints them. Editing one sentence of a notebook re-executes that chapter; editing a text file
re-executes the chapters that print it; editing a data table re-executes them all. Chapters run
each in a fresh kernel, the next one warmed while the preview waits. The page shows each figure's
source on hover, as the report's HTML does.
"""

import dataclasses
import hashlib
import json
import pickle
from pathlib import Path

from ..config import notebooks_dir, project_root
from ..inputs.chart_style import STYLE_FILE
from ..inputs.chapters import read_asks
from ..project import Project, load_project
from . import cache, provenance
from .execute import execute_chapters, executed_name
from .render.builtin import html
from .runner import PROJECT_FILE, metadata
from .stitch import stitch

KEYS = "chapters.json"


def chapter_key(notebook: Path, project: Project) -> str:
    """What a chapter's output depends on: its notebook, and the project as the chapter sees it."""
    code = notebook.read_bytes()
    asks = read_asks([notebook])
    view = dataclasses.replace(
        project, texts={k: v for k, v in project.texts.items() if k in asks.texts},
        analyses=project.analyses if b".analysis(" in code else {}, warnings=list(project.warnings))
    styles = b"".join(p.read_bytes() for p in _style_sheets(project) if p.is_file())
    return hashlib.sha256(code + pickle.dumps(view, protocol=pickle.HIGHEST_PROTOCOL) + styles).hexdigest()


def _style_sheets(project: Project) -> list[Path]:
    """The charts' style sheets a chapter's figures are drawn with: the template's and the project's."""
    return [notebooks_dir(project_root(Path(project.source))) / STYLE_FILE, project.data_dir / STYLE_FILE]


class Preview:
    """The preview of one project, built in ``folder`` (``report.html`` and the executed notebooks)."""

    def __init__(self, params_path: Path, folder: Path, log=print):
        self.params_path = Path(params_path)
        self.folder = Path(folder)
        self.log = log
        self.folder.mkdir(parents=True, exist_ok=True)
        record = self.folder / KEYS
        self.keys = json.loads(record.read_text(encoding="utf-8")) if record.is_file() else {}

    def watched(self) -> list[Path]:
        """The files whose change means a rebuild: the parameter file and everything it uses."""
        return [self.params_path, *cache.input_files(self.params_path).values()]

    def build(self) -> list[str]:
        """Rebuild ``report.html``; return the titles of the chapters executed again.
        An input problem raises InputError and leaves the last good preview in place."""
        project = load_project(self.params_path)
        project.save(self.folder / PROJECT_FILE)
        parameters = {"params_file": str(self.params_path.resolve())}
        notebooks, again = [], []
        for n, chapter in enumerate(project.outline.chapters, start=1):
            executed = self.folder / "notebooks" / executed_name(n, chapter.notebook)
            key = chapter_key(chapter.notebook, project)
            if self.keys.get(str(executed)) != key or not executed.is_file():
                execute_chapters([chapter], parameters, project_root(self.params_path), executed.parent, _quiet,
                                 project_file=self.folder / PROJECT_FILE, spare_last=True)
                (executed.parent / executed_name(1, chapter.notebook)).replace(executed)
                self.keys[str(executed)] = key
                again.append(chapter.title)
            notebooks.append(executed)
        source = stitch(notebooks, self.folder, metadata(project))
        report = self.folder / "report.html"
        provenance.rendered_and_traced(lambda: html(source, report), report, project, project_root(self.params_path),
                                       notebooks)
        (self.folder / KEYS).write_text(json.dumps(self.keys, ensure_ascii=False, indent=1), encoding="utf-8")
        return again


def _quiet(*_args) -> None:
    pass
