"""One project's run: validate, execute sections, stitch, render, write summary.json,
then swap the finished folder into ``output/<name>/`` so a failed run never leaves a
half-written report behind."""

import shutil
import time
from pathlib import Path

from . import cache, content, render_builtin, render_quarto
from .config import notebooks_dir, output_dir, project_root
from .execute import execute_sections
from .params import read_yaml
from .project import project_from_mapping
from .stitch import stitch
from .summary import summary, write_summary


def metadata(project) -> dict:
    return {
        "title": content.report_title(project),
        "project": project.info.name,
        "cover": [{"label": k, "value": v} for k, v in content.cover_fields(project)],
        "date": content.report_date(project),
        "lang": "zh-Hans",
        "toc-title": "目录",
    }


def run_project(params_path: Path, formats: list[str], engine: str, log=print) -> dict:
    """Produce output/<name>/ for one parameter file; return its summary."""
    started = time.perf_counter()
    params_path = Path(params_path)
    inputs = cache.fingerprint(params_path)  # before running: what this report is made from
    raw = read_yaml(params_path)
    project = project_from_mapping(raw, params_path.parent, str(params_path))
    final = output_dir(params_path)
    build = final.parent / f".build-{final.name}"
    shutil.rmtree(build, ignore_errors=True)
    build.mkdir(parents=True)
    log(f"{params_path}：执行章节笔记本")
    executed = execute_sections(params_path, raw, notebooks_dir(project_root(params_path)),
                                build / "notebooks", log)
    source = stitch(executed, build, metadata(project))
    quarto_dir = render_quarto.write_project(build, build / "quarto")
    log(f"{params_path}：生成 {'、'.join(formats)}（{engine} 引擎）")
    if engine == "quarto":
        render_quarto.render(quarto_dir, build, formats)
    else:
        render_builtin.render(source, build, formats)
    write_summary(project, build / "summary.json")
    cache.write(build, inputs, engine, formats)
    swap_in(build, final)
    log(f"{params_path}：完成，用时 {time.perf_counter() - started:.1f} 秒 → {final}")
    return summary(project)


def swap_in(build: Path, final: Path) -> None:
    """Replace ``final`` with the finished ``build`` folder."""
    old = final.parent / f".old-{final.name}"
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        final.rename(old)
    build.rename(final)
    shutil.rmtree(old, ignore_errors=True)
