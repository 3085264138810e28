"""What a section notebook needs: open the project from papermill's parameters,
show Markdown, show a chart with its caption."""

import base64
from pathlib import Path

from IPython.display import Markdown, display

from .markdown import shift_headings
from ..project import Project, load_project, project_from_mapping, raw_from_namespace


def _params_dir() -> Path:
    """Where relative paths of an injected parameter file resolve, run from the
    project root (``papermill notebooks/x.ipynb out.ipynb -f params/p.yaml``) or
    from ``notebooks/`` in Jupyter."""
    for base in (Path.cwd(), Path.cwd().parent):
        if (base / "params").is_dir():
            return base / "params"
    return Path.cwd()


def open_project(namespace: dict) -> Project:
    """The project of this run: from ``params_file`` when jixiao run set it,
    else from the parameter-file keys papermill injected (``-f``)."""
    if namespace.get("params_file"):
        return load_project(namespace["params_file"])
    raw = raw_from_namespace(namespace)
    return project_from_mapping(raw, _params_dir(), "注入的参数")


def show(markdown: str) -> None:
    display(Markdown(markdown))


def show_text(project: Project, key: str, heading: str | None = None) -> None:
    """Show a narrative text under its heading; nothing when the project has no such text.
    Headings inside the text are moved one level below ``heading``."""
    text = project.texts.get(key)
    if not text:
        return
    if heading is None:
        show(text)
        return
    level = len(heading) - len(heading.lstrip("#"))
    show(f"{heading}\n\n{shift_headings(text, level + 1)}")


def show_figure(fig, label: str, caption: str) -> None:
    """Display a chart as PNG; the stitcher turns it into a numbered figure (图 x-y)."""
    from .charts import png

    data = base64.b64encode(png(fig)).decode("ascii")
    display({"image/png": data}, raw=True, metadata={"jixiao": {"label": label, "caption": caption}})
