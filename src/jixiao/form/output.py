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
from ..inputs.sanitize import sanitize_many
from ..project import Project, form_draft
from .document import docx_bytes, pdf_bytes
from .model import Form, build_form
from .workbook import Entry, department_workbook, form_workbook, save

STEM = "自评表"
FILES = (f"{STEM}.xlsx", f"{STEM}.docx", f"{STEM}.pdf")
ANNEX_LABEL = "self_assessment_form"  # the label a chapter gives the form when the report annexes it
BATCH = 50  # projects of a department whose goals pandoc reads at once (its memory grows faster than the text)


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


def entries(paths: list[str]) -> list[Entry]:
    """Each project of a department: its form, or the messages that stopped it. The form needs no
    notebook and prints no text but its two goals: the projects are read as far as the form needs
    (``form_draft``) and their goals made safe together (``sanitize_many``); a project gets the
    same form and the same messages as through ``load_project``."""
    drafts, done = {}, {}
    for n, path in enumerate(paths):
        try:
            drafts[n] = form_draft(Path(path))
        except JixiaoError as exc:
            done[n] = Entry(path, error="\n".join(exc.messages))
    cleaned = sanitize_many([(texts, project.data_dir) for project, texts in drafts.values()])
    for (n, (project, _)), texts in zip(drafts.items(), cleaned):
        try:
            if isinstance(texts, JixiaoError):
                raise texts
            project.texts = texts
            done[n] = Entry(paths[n], build_form(project))
        except JixiaoError as exc:
            done[n] = Entry(paths[n], error="\n".join(exc.messages))
    return [done[n] for n in range(len(paths))]


def department(paths: list[str], out: Path, log=print, jobs: int = 1) -> list[Entry]:
    """The department workbook at ``out``: every project, valid or not; the projects are read
    in batches of at most BATCH, in ``jobs`` processes."""
    size = min(BATCH, -(-len(paths) // jobs))  # every process has a share
    batches = [paths[n:n + size] for n in range(0, len(paths), size)]
    if jobs > 1 and len(batches) > 1:
        with ProcessPoolExecutor(min(jobs, len(batches)), mp_context=get_context("spawn")) as pool:
            found = [e for batch in pool.map(entries, batches) for e in batch]
    else:
        found = [e for batch in batches for e in entries(batch)]
    for item in found:
        if item.form is None:
            log(f"✗ {item.path}：输入有误")
            for message in item.error.splitlines():
                log(f"  - {message}")
    save(department_workbook(found)[0], out)
    return found
