"""Kept versions of a report: ``jixiao run … --keep <名称>`` copies the round's outputs, its
inputs' fingerprint and a copy of its inputs into ``output/<项目>/版本/<名称>/``; ``jixiao
versions`` lists them. Runs never delete them: ``output.swap_in`` carries ``版本/`` (and the
comparisons in ``修订对照/``) over into every new output folder.

The inputs are copied (parameter file and the regular files of the data folder, never a link
out of it, at most ``INPUT_BYTES`` in all) so that ``jixiao compare`` can say which input cell
made a score change; a data folder larger than that keeps only the fingerprint.
"""

import json
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..config import output_name_problem
from ..errors import InputError
from ..inputs.files import not_regular, regular_files
from ..inputs.params import read_yaml
from .cache import RECORD
from .output import KEPT as KEPT_FOLDERS  # carried over by every swap of output/<项目>/
from .output import project_lock

VERSIONS, COMPARISONS = KEPT_FOLDERS
RECORD_FILE = "版本.json"
INPUTS = "输入"  # the kept copy of the inputs: 输入/参数文件.yaml and 输入/数据/…
PARAMS_COPY = "参数文件.yaml"
DATA_COPY = "数据"
INPUT_BYTES = 50 * 1024 * 1024
CURRENT = "当前"  # what compare calls output/<项目>/ itself


@dataclass
class Version:
    """One kept version as ``jixiao versions`` lists it."""

    name: str
    folder: Path
    kept: str
    stage: str
    total: str
    grade: str
    report_date: str


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot name a folder under 版本/, or None."""
    if name == CURRENT:
        return f"「{CURRENT}」指 output/<项目>/ 中的当前报告，不能用作版本名称"
    return output_name_problem(name)


def versions_dir(final: Path) -> Path:
    return final / VERSIONS


def check_keep(params_path: Path, final: Path, name: str, replace: bool) -> None:
    """Refuse a name that is no safe folder name, or an existing version without ``--replace``."""
    problem = name_problem(name)
    if problem:
        raise InputError(f"{params_path}：--keep 的版本名称『{name}』{problem}；请换一个名称，如 征求意见稿、送审稿、终稿")
    target = versions_dir(final) / name
    if target.exists() and not replace:
        raise InputError(f"{params_path}：版本『{name}』已经保存在 {target}；请换一个名称（如 {name}2），"
                         f"或加 --replace 用本次的报告替换它")


def _top_outputs(final: Path) -> list[Path]:
    """What a version keeps of output/<项目>/: the report files, summary, fingerprint, form and
    the public copy; not the executed notebooks, the Quarto project or the kept folders."""
    skip = {*KEPT_FOLDERS, "notebooks", "quarto", "figures", "reference.docx", "report.typ"}
    return [p for p in sorted(final.iterdir()) if p.name not in skip and not p.name.startswith(".")]


def _input_files(params_path: Path) -> list[tuple[Path, Path]] | None:
    """(source, path inside 输入/) of the inputs to keep; None when they exceed INPUT_BYTES."""
    files = [(params_path, Path(PARAMS_COPY))] if not_regular(params_path) is None else []
    try:
        data_dir = (params_path.parent / read_yaml(params_path)["data_dir"]).resolve()
    except (InputError, KeyError, TypeError):
        data_dir = None
    if data_dir is not None and data_dir.is_dir():
        files += [(p, Path(DATA_COPY) / p.relative_to(data_dir)) for p in regular_files(data_dir)
                  if not any(part.startswith((".", "~$")) for part in p.relative_to(data_dir).parts)]
    size = sum(source.stat().st_size for source, _ in files)
    return files if size <= INPUT_BYTES else None


def keep(params_path: Path, final: Path, name: str, log=print) -> Path:
    """Copy output/<项目>/'s current report and the inputs into 版本/<name>/ (replacing a
    version of that name); written beside it first, then renamed, so a failure keeps the old one."""
    params_path = Path(params_path)
    target = versions_dir(final) / name
    with project_lock(final):
        summary = json.loads((final / "summary.json").read_text(encoding="utf-8"))
        partial = versions_dir(final) / f".{name}.partial"
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        for path in _top_outputs(final):
            (shutil.copytree if path.is_dir() else shutil.copy2)(path, partial / path.name)
        inputs = _input_files(params_path)
        if inputs is None:
            log(f"  ⚠ 输入文件合计超过 {INPUT_BYTES // 1024 // 1024} MB：版本只保存输入的指纹（{RECORD}），"
                "jixiao compare 无法指出是哪个输入单元格引起了分数变化")
        for source, inside in inputs or []:
            (partial / INPUTS / inside).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, partial / INPUTS / inside)
        record = {"name": name, "kept": datetime.now().astimezone().isoformat(timespec="seconds"),
                  "stage": summary.get("stage", ""), "params": str(params_path), "project": summary.get("project", ""),
                  "report_date": summary.get("report_date", ""), "total": summary.get("total", ""),
                  "grade": summary.get("grade", ""), "inputs_kept": inputs is not None}
        (partial / RECORD_FILE).write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        old = versions_dir(final) / f".{name}.old"
        shutil.rmtree(old, ignore_errors=True)
        if target.exists():
            target.rename(old)
        partial.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    return target


def listed(final: Path) -> list[Version]:
    """The kept versions, oldest first."""
    found = []
    folder = versions_dir(final)
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        if path.name.startswith(".") or not path.is_dir():
            continue
        try:
            record = json.loads((path / RECORD_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            record = {}
        found.append(Version(path.name, path, str(record.get("kept", "")), str(record.get("stage", "")),
                             str(record.get("total", "")), str(record.get("grade", "")),
                             str(record.get("report_date", ""))))
    return sorted(found, key=lambda v: (v.kept, v.name))


def folder_of(final: Path, name: str) -> Path:
    """The folder of version ``name`` (``当前`` is output/<项目>/ itself); an input error naming
    the kept versions when there is none of that name."""
    if name == CURRENT:
        if not (final / "summary.json").is_file():
            raise InputError(f"{final} 中还没有报告；请先运行 jixiao run")
        return final
    if name_problem(name) is None and (versions_dir(final) / name / RECORD_FILE).is_file():
        return versions_dir(final) / name
    names = "、".join(v.name for v in listed(final)) or "（没有）"
    raise InputError(f"没有名为『{name}』的版本；已保存的版本：{names}（用 jixiao run … --keep <名称> 保存）")
