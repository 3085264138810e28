"""One project's run: validate, execute sections, stitch, render, write summary.json,
then swap the finished folder into ``output/<name>/`` so a failed run never leaves a
half-written report behind."""

import shutil
import time
from pathlib import Path

from .. import fonts
from ..config import output_dir, project_root
from ..errors import JixiaoError
from ..inputs.params import publishable
from ..markup import escape
from ..project import load_project
from . import cache
from .execute import execute_chapters
from .redact import personal_names, redact
from .render import builtin as render_builtin
from .render import quarto as render_quarto
from .stitch import stitch
from .summary import summary, write_summary

PROJECT_FILE = "project.pickle"


def metadata(project) -> dict:
    """The stitched document's metadata: title, cover and date from the outline and the project.
    Pandoc reads metadata strings as Markdown, so every value is escaped: it prints as text."""
    values = project.values
    info = values.project
    name = escape(info.name)
    return {
        "title": f"{name}{escape(values.report.title)}",
        "cover-title": [name, escape(values.report.title)],
        "project": name,
        "cover": [{"label": escape(label), "value": escape(info[key.removeprefix("project.")])}
                  for label, key in project.outline.cover],
        "date": escape(info.report_date),
        "lang": "zh-Hans",
        "toc-title": "目录",
        **fonts.metadata(),
    }


def run_project(params_path: Path, formats: list[str], engine: str, log=print, redacted: bool = False) -> dict:
    """Produce output/<name>/ for one parameter file; return its summary.

    Everything is built in ``output/.build-<name>/``; only a complete build replaces
    ``output/<name>/``. A failed build is kept as ``output/<name>.failed/`` for debugging.
    """
    started = time.perf_counter()
    params_path = Path(params_path)
    inputs = cache.fingerprint(params_path)  # before running: what this report is made from
    project = load_project(params_path)
    publishable(project.params, str(params_path))
    final = output_dir(params_path)
    build = final.parent / f".build-{final.name}"
    failed = final.parent / f"{final.name}.failed"
    shutil.rmtree(build, ignore_errors=True)
    build.mkdir(parents=True)
    try:
        _build(project, params_path, build, formats, engine, log, redacted)
        cache.write(build, inputs, engine, formats, redacted)
    except BaseException as exc:
        shutil.rmtree(failed, ignore_errors=True)
        build.rename(failed)
        if isinstance(exc, JixiaoError):
            raise type(exc)([m.replace(str(build), str(failed)) for m in exc.messages]) from None
        raise
    shutil.rmtree(failed, ignore_errors=True)
    swap_in(build, final)
    log(f"{params_path}：完成，用时 {time.perf_counter() - started:.1f} 秒 → {final}")
    return summary(project)


def _build(project, params_path: Path, build: Path, formats, engine, log, redacted) -> None:
    log(f"{params_path}：执行章节笔记本")
    project.save(build / PROJECT_FILE)
    parameters = {"params_file": str(params_path.resolve()), "project_file": str(build / PROJECT_FILE)}
    executed = execute_chapters(project.outline.chapters, parameters, project_root(params_path), build / "notebooks",
                                log)
    (build / PROJECT_FILE).unlink()
    source = stitch(executed, build, metadata(project))
    quarto_dir = render_quarto.write_project(build, build / "quarto")
    log(f"{params_path}：生成 {'、'.join(formats)}（{engine} 引擎）")
    _render(source, quarto_dir, build, formats, engine)
    if redacted:
        log(f"{params_path}：生成公开版（遮盖人名、电话和证件号）→ public/")
        public = _public_copy(source, build / "public", personal_names(project))
        _render(public, render_quarto.write_project(public.parent, public.parent / "quarto"), public.parent,
                formats, engine)
    write_summary(project, build / "summary.json")


def _render(source: Path, quarto_dir: Path, target: Path, formats, engine) -> None:
    if engine == "quarto":
        render_quarto.render(quarto_dir, target, formats)
    else:
        render_builtin.render(source, target, formats)


def _public_copy(source: Path, folder: Path, names: list[str]) -> Path:
    """The stitched document with personal data masked, beside a copy of its figures."""
    folder.mkdir()
    if (source.parent / "figures").is_dir():
        shutil.copytree(source.parent / "figures", folder / "figures")
    public = folder / source.name
    public.write_text(redact(source.read_text(encoding="utf-8"), names), encoding="utf-8")
    return public


def swap_in(build: Path, final: Path) -> None:
    """Replace ``final`` with the finished ``build`` folder."""
    old = final.parent / f".old-{final.name}"
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        final.rename(old)
    build.rename(final)
    shutil.rmtree(old, ignore_errors=True)
