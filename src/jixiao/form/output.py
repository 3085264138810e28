"""Writing forms: a project's 自评表.xlsx, .docx and .pdf into its output folder, and a
department's workbook. Every file is written beside its target and renamed over it, so a
failure leaves the previous file as it was and the folder's other files are never touched.
"""

import io
import os
import tempfile
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

from ..errors import JixiaoError
from ..inputs.chapters import read_asks
from ..project import Project, load_project
from .document import docx_bytes, pdf_bytes
from .model import Form, build_form
from .workbook import Entry, department_workbook, form_workbook, save

STEM = "自评表"
FILES = (f"{STEM}.xlsx", f"{STEM}.docx", f"{STEM}.pdf")
ANNEX_LABEL = "self_assessment_form"  # the label a chapter gives the form when the report annexes it


def form_files(form: Form) -> dict[str, bytes]:
    """The form's three files, by name."""
    sheet = io.BytesIO()
    form_workbook(form).save(sheet)
    return {FILES[0]: sheet.getvalue(), FILES[1]: docx_bytes(form), FILES[2]: pdf_bytes(form)}


def write_files(folder: Path, files: dict[str, bytes]) -> None:
    """Write each file atomically into ``folder`` (made if missing); the others stay."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        handle, temporary = tempfile.mkstemp(prefix=".~", dir=folder)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, folder / name)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def annexed(project: Project) -> bool:
    """Whether the project's outline has a chapter that prints the form (the annex)."""
    return ANNEX_LABEL in read_asks([c.notebook for c in project.outline.chapters]).labels


def pending_lines(project: Project, form: Form) -> list[str]:
    """What ``check`` says about the form's 待填写 cells: all of them when the report annexes the
    form (they would print in the report), else one line pointing to ``jixiao form``, which lists them."""
    if not form.pending:
        return []
    if annexed(project):
        return [f"自评表仍有 {len(form.pending)} 处待填写（报告附件中的自评表同样如此）：", *form.pending]
    return [f"自评表（jixiao form，报告不附）尚缺 {len(form.pending)} 项内容，需要时运行 jixiao form {project.source} 逐条列出"]


def entry(path: str) -> Entry:
    """One project of a department: its form, or the messages that stopped it."""
    try:
        return Entry(path, build_form(load_project(Path(path))))
    except JixiaoError as exc:
        return Entry(path, error="\n".join(exc.messages))


def department(paths: list[str], out: Path, log=print, jobs: int = 1) -> list[Entry]:
    """The department workbook at ``out``: every project, valid or not; the projects are read
    in ``jobs`` processes."""
    if jobs > 1 and len(paths) > 1:
        with ProcessPoolExecutor(min(jobs, len(paths)), mp_context=get_context("spawn")) as pool:
            entries = list(pool.map(entry, paths, chunksize=8))
    else:
        entries = [entry(path) for path in paths]
    for item in entries:
        if item.form is None:
            log(f"✗ {item.path}：输入有误")
            for message in item.error.splitlines():
                log(f"  - {message}")
    save(department_workbook(entries)[0], out)
    return entries
