"""The report's outline as data: its title, the cover fields and the chapters in order.

A shipped outline is ``notebooks/outlines/<name>.yml`` of the template; each framework names
the one it uses, and a parameter file may choose another (``outline: self-assessment``) or its
own file (``outline: my-outline.yml``, relative to the parameter file). A chapter's notebook is
looked up beside the outline file first, then among the template's notebooks, so a project's
own outline can mix the template's chapters with notebooks of its own.
"""

from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from ..config import template_notebooks
from ..errors import InputError
from .chapters import is_numbered
from .files import inside, per_version
from .params import describe_errors, no_shortcode, read_yaml

SHIPPED = "outlines"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _CoverField(_Strict):
    label: str
    value: str

    _no_shortcode = field_validator("label", mode="after")(no_shortcode)


class _Chapter(_Strict):
    notebook: str
    title: str


class _Outline(_Strict):
    title: str
    kind: str
    cover: list[_CoverField]
    chapters: list[_Chapter]

    _no_shortcode = field_validator("title", mode="after")(no_shortcode)  # the cover's title and the metadata's


@dataclass(frozen=True)
class Chapter:
    """One chapter: its notebook, the title shown in progress lines, and its number in the report
    (三 → 3; None for an unnumbered chapter such as an annex), for the notebook's own 表 3-1."""

    notebook: Path
    title: str
    number: int | None = None


@dataclass(frozen=True)
class Outline:
    """What a report is made of, in order."""

    source: str
    title: str  # the kind of report printed after the project name: 项目支出绩效评价报告
    kind: str  # 评价 or 自评: how the report names its own work
    cover: list[tuple[str, str]]  # (label, value name) on the cover, e.g. (委托单位, project.commissioning_unit)
    chapters: list[Chapter] = field(default_factory=list)

    def files(self) -> list[Path]:
        """The outline file's own path and every chapter notebook, for fingerprints."""
        return [Path(self.source), *(c.notebook for c in self.chapters)]


def foreign_notebooks(outline: Outline) -> list[Path]:
    """The outline's notebooks that are not the template's own (by name and content): code someone
    other than the template's authors wrote, which ``run`` will execute on this machine."""
    own = template_notebooks()
    return [c.notebook for c in outline.chapters
            if not (own / c.notebook.name).is_file() or (own / c.notebook.name).read_bytes() != c.notebook.read_bytes()]


def shipped(templates: Path) -> list[str]:
    """Names of the template's outlines."""
    return sorted(p.stem for p in (templates / SHIPPED).glob("*.yml"))


def outline_path(choice: str, params_dir: Path, templates: Path, where: str) -> Path:
    """The file an ``outline`` value names: a shipped outline or a file relative to the parameter file."""
    if choice.endswith((".yml", ".yaml")):  # the project's own: code, so it lives beside the parameter file
        return inside(params_dir, choice, "outline 指向的提纲文件", where).resolve()
    path = templates / SHIPPED / f"{choice}.yml"
    if not path.is_file():
        raise InputError(f"{where}：没有名为『{choice}』的报告提纲，可选：{'、'.join(shipped(templates))}，"
                         "或写项目自己的提纲文件名（如 my-outline.yml）")
    return path


@per_version
def _read(path: Path) -> "_Outline":
    try:
        return _Outline.model_validate(read_yaml(path))
    except ValidationError as exc:
        raise InputError(describe_errors(exc, str(path))) from None


def read_outline(path: Path, templates: Path) -> Outline:
    """Read and check an outline file; every chapter notebook must exist."""
    raw = _read(path)
    problems, chapters = [], []
    for n, chapter in enumerate(raw.chapters, start=1):
        written = Path(chapter.notebook)
        if written.is_absolute() or written.drive or ".." in written.parts or written.suffix != ".ipynb":
            problems.append(f"{path}：第 {n} 章的笔记本『{chapter.notebook}』应写相对于提纲文件的路径（如 07_extra.ipynb 或 "
                            "notebooks/07_extra.ipynb），不能写绝对路径或 ..：笔记本是代码，只能来自提纲旁边或模板的 notebooks/")
            continue
        found = next((p for p, root in ((path.parent / written, path.parent), (templates / written, templates))
                      if p.is_file() and p.resolve().is_relative_to(root.resolve())), None)
        if found is None:
            problems.append(f"{path}：第 {n} 章的笔记本『{chapter.notebook}』不存在（在 {path.parent} 和 {templates} 中都没有找到）")
            continue
        chapters.append(Chapter(found.resolve(), chapter.title))
    counted = 0
    for n, chapter in enumerate(chapters):
        if is_numbered(chapter.notebook):
            counted += 1
            chapters[n] = Chapter(chapter.notebook, chapter.title, counted)
    if not raw.chapters:
        problems.append(f"{path}：chapters 为空，至少要有一章")
    if problems:
        raise InputError(problems)
    return Outline(str(path), raw.title, raw.kind, [(f.label, f.value) for f in raw.cover], chapters)
