"""One project's run: validate, execute sections, stitch, render, write summary.json,
then swap the finished folder into ``output/<name>/`` so a failed run never leaves a
half-written report behind."""

import shutil
import time
from pathlib import Path

from .. import fonts
from ..config import FORMATS, output_dir, project_root
from ..errors import InputError, JixiaoError, RunFailure
from ..form.model import build_form
from ..form.output import annexed as annexes_form
from ..form.output import form_files, write_files
from ..inputs.params import FINAL, publishable, read_yaml
from ..markup import escape
from ..project import load_project, project_from_mapping
from . import cache, kernels, provenance
from .execute import KERNEL, execute_chapters
from .output import project_lock, recover, storage_problem, swap_in  # swap_in: also used by many/
from .redact import personal_names, public_inputs, scrub_markdown, unlisted_warnings
from .render import builtin as render_builtin
from .render import quarto as render_quarto
from .stitch import stitch
from .summary import summary, write_summary

PROJECT_FILE = "project.pickle"
FORM = "form"  # --to form: the 项目支出绩效自评表 (自评表.xlsx, .docx, .pdf)


def metadata(project) -> dict:
    """The stitched document's metadata: title, cover and date from the outline and the project.
    Pandoc reads metadata strings as Markdown, so every value is escaped: it prints as text."""
    values = project.values
    info = values.project
    name = escape(info.name)
    stage = "" if project.params.stage == FINAL else escape(project.params.stage)
    return {
        "title": f"{name}{escape(values.report.title)}",
        "cover-title": [name, escape(values.report.title), *([f"（{stage}）"] if stage else [])],
        "project": f"{name}（{stage}）" if stage else name,
        **({"stage": stage} if stage else {}),
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
    if fonts.missing():
        raise RunFailure(fonts.missing())
    final = output_dir(params_path)
    if not set(formats) & set(FORMATS):
        return form_only(params_path, final, log)
    if engine == "quarto":
        render_quarto.inspect_ahead()  # answered while the chapters run
    inputs = cache.fingerprint(params_path, engine)  # before running: what this report is made from
    kernels.prepare(KERNEL, 2)  # the first chapters' kernels warm up while the inputs are validated
    project = load_project(params_path)
    publishable(project.params, str(params_path))
    if project.pending:
        raise InputError(f"{params_path}：仍有待填写的内容（{'、'.join(project.pending[:8])}"
                         f"{' 等' if len(project.pending) > 8 else ''}），报告不能发布；请填写后再运行（jixiao check 会列出全部位置）")
    annexed = annexes_form(project)
    form = build_form(project) if FORM in formats or annexed else None  # input errors stop the run before notebooks
    if annexed and form.pending:
        raise InputError(f"{params_path}：报告附件中的自评表仍有 {len(form.pending)} 处待填写（{'；'.join(form.pending[:3])}"
                         f"{' 等' if len(form.pending) > 3 else ''}），报告不能发布；请填写后再运行（jixiao check 会列出全部位置）")
    form = form if FORM in formats else None
    build = final.parent / f".build-{final.name}"
    failed = final.parent / f"{final.name}.failed"
    with project_lock(final, lambda: log(f"{params_path}：另一个 jixiao 正在生成 {final}，等待它结束")):
        recover(final)
        shutil.rmtree(build, ignore_errors=True)
        build.mkdir(parents=True)
        try:
            _build(project, params_path, build, [f for f in formats if f in FORMATS], engine, log, redacted)
            if form is not None:
                _write_form(form, build, log)
            cache.write(build, inputs, engine, formats, redacted)
        except BaseException as exc:
            shutil.rmtree(failed, ignore_errors=True)
            build.rename(failed)
            if isinstance(exc, JixiaoError):
                raise type(exc)([m.replace(str(build), str(failed)) for m in exc.messages]) from None
            if storage_problem(exc, final.parent):
                raise RunFailure(storage_problem(exc, final.parent)) from None
            raise
        shutil.rmtree(failed, ignore_errors=True)
        swap_in(build, final)
    log(f"{params_path}：完成，用时 {time.perf_counter() - started:.1f} 秒 → {final}")
    return summary(project)


def form_only(params_path: Path, final: Path, log) -> dict:
    """``--to form``: the form's files written into output/<name>/ without running a notebook;
    the report and every other file there stay as they are."""
    project = load_project(params_path)
    with project_lock(final, lambda: log(f"{params_path}：另一个 jixiao 正在生成 {final}，等待它结束")):
        recover(final)
        _write_form(build_form(project), final, log)
    log(f"{params_path}：自评表 → {final}")
    return summary(project)


def _write_form(form, folder: Path, log) -> None:
    if form.pending:
        log(f"  ⚠ 自评表仍有 {len(form.pending)} 处待填写（表中标为「待填写」）：")
        for line in form.pending:
            log(f"    - {line}")
    write_files(folder, form_files(form))


def _build(project, params_path: Path, build: Path, formats, engine, log, redacted, scrub=None,
           traced: bool = True) -> None:
    """``traced``: the HTML shows each figure's source and provenance.json lists them (never in the
    public copy: its sources would name the files and the masked values)."""
    log(f"{params_path}：执行章节笔记本")
    project.save(build / PROJECT_FILE)
    parameters = {"params_file": str(params_path.resolve())}
    executed = execute_chapters(project.outline.chapters, parameters, project_root(params_path), build / "notebooks",
                                log, project_file=build / PROJECT_FILE)
    (build / PROJECT_FILE).unlink()
    source = stitch(executed, build, metadata(project))
    if scrub:
        scrub(source)
    quarto_dir = render_quarto.write_project(build, build / "quarto")
    log(f"{params_path}：生成 {'、'.join(formats)}（{engine} 引擎）")
    if traced and "html" in formats:
        provenance.rendered_and_traced(lambda: _render(source, quarto_dir, build, formats, engine),
                                       build / "report.html", project, project_root(params_path), executed)
    else:
        _render(source, quarto_dir, build, formats, engine)
    if redacted:
        public_report(project, params_path, build, formats, engine, log)
    write_summary(project, build / "summary.json")


def _render(source: Path, quarto_dir: Path, target: Path, formats, engine) -> None:
    if engine == "quarto":
        render_quarto.render(quarto_dir, target, formats)
    else:
        render_builtin.render(source, target, formats)


def public_report(project, params_path: Path, build: Path, formats, engine, log) -> None:
    """``build/public/``: the same build run on a redacted copy of the inputs (so tables and
    charts are drawn from masked data), with a last masking pass over the stitched document."""
    names = personal_names(project)
    log(f"{params_path}：生成公开版（遮盖人名、电话和证件号）→ public/")
    for line in unlisted_warnings(project):
        log(f"  ⚠ {line}")
    work = build / ".public-inputs"
    raw = read_yaml(params_path)
    own = project.params.outline and project.params.outline.endswith((".yml", ".yaml"))
    if own:  # the project's own outline, and its notebooks beside it, beside the copy's parameter file
        raw["outline"] = Path(project.outline.source).name
    copy = public_inputs(project, params_path, raw, work, names)
    if own:
        outline = Path(project.outline.source)
        for path in [outline, *(c.notebook for c in project.outline.chapters if c.notebook.is_relative_to(outline.parent))]:
            target = copy.parent / path.relative_to(outline.parent)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
    try:
        public = project_from_mapping(read_yaml(copy), copy.parent, str(copy))
    except InputError as exc:
        raise RunFailure(["遮盖后的公开版输入无法通过校验（多半是两个名称遮盖后相同）：", *exc.messages]) from None
    (build / "public").mkdir()
    _build(public, copy, build / "public", formats, engine, lambda line: log(line.replace(str(copy), "公开版")),
           redacted=False, scrub=lambda source: scrub_markdown(source, names), traced=False)
    shutil.rmtree(work)
    # The executed notebooks hold the texts before the last masking pass (a name written across
    # Markdown marks or as character references is only masked there): not part of the copy.
    shutil.rmtree(build / "public" / "notebooks")
