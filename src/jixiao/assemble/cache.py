"""Incremental re-runs: a content hash of everything a report is made from.

The fingerprint covers the parameter file; every file in its data folder (the tables and
texts it names, ``analysis.md``, images) and any named file outside it; the same for the
``previous`` project, whose figures the year-on-year tables print; every file of the
notebooks folder (chapters and outline) and the project's own outline with its notebooks;
the installed jixiao package (version, modules, templates); the CJK fonts chosen; and the
renderer versions (pandoc and Typst, or Quarto).
It is stored in ``output/<name>/inputs.json`` beside ``summary.json``; a project whose
fingerprint, engine and formats match is not run again. Content, not modification times:
copying a project or touching a file changes nothing.
"""

import functools
import hashlib
import json
import shutil
import subprocess
from importlib import metadata
from pathlib import Path

from .. import __version__, fonts
from ..inputs.chart_style import STYLE_FILE
from ..config import DEFAULT_OUTLINE, notebooks_dir, output_dir, project_root
from ..errors import InputError
from ..inputs import frameworks
from ..inputs.outline import outline_path, read_outline
from ..inputs.params import read_yaml
from ..project import ANALYSIS_FILE

RECORD = "inputs.json"
PACKAGE = Path(__file__).resolve().parents[1]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "missing"


def _ignored(path: Path) -> bool:
    """Editor and office leftovers that are no input: .~lock files, ~$book.xlsx, checkpoints."""
    return any(part.startswith((".", "~$")) for part in path.parts) or "__pycache__" in path.parts


@functools.cache
def package_digest() -> str:
    """The installed package: version, modules and templates."""
    h = hashlib.sha256(__version__.encode())
    for path in sorted(p for p in PACKAGE.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        h.update(str(path.relative_to(PACKAGE)).encode() + _digest(path).encode())
    return h.hexdigest()


def outline_files(params_path: Path, raw: dict) -> dict[str, Path]:
    """The outline file and its chapter notebooks, keyed by their paths; empty if they cannot be
    found (the run then reports the problem)."""
    templates = notebooks_dir(project_root(params_path))
    framework = raw.get("framework") or {}
    choice = raw.get("outline") or framework.get("outline")
    try:
        if not choice and framework.get("name") in frameworks.names():
            choice = frameworks.load(framework["name"]).get("outline")
        outline = read_outline(outline_path(choice or DEFAULT_OUTLINE, params_path.parent, templates, ""), templates)
    except InputError:
        return {}
    style = templates / STYLE_FILE  # the charts' look (pieces/charts.py)
    return {str(path): path for path in [*outline.files(), *([style] if style.is_file() else [])]}


def notebooks_digest(folder: Path) -> str:
    """Every file of the notebooks folder: the chapter notebooks and the outline."""
    h = hashlib.sha256()
    for path in sorted(p for p in folder.glob("*") if p.is_file() and not _ignored(p.relative_to(folder))):
        h.update(path.name.encode() + _digest(path).encode())
    return h.hexdigest()


def input_files(params_path: Path) -> dict[str, Path]:
    """The files a parameter file's report reads, keyed by their path relative to its data
    folder (files named outside it by their path as written): every file in the data folder,
    and the tables and texts it names; empty if the parameter file cannot be read (the run
    then reports the problem)."""
    try:
        raw = read_yaml(params_path)
        data_dir = params_path.parent / raw["data_dir"]
        files = {ANALYSIS_FILE: data_dir / ANALYSIS_FILE}
        if data_dir.is_dir():
            for path in data_dir.rglob("*"):
                if path.is_file() and not _ignored(path.relative_to(data_dir)):
                    files[path.relative_to(data_dir).as_posix()] = path
        for ref in (raw.get("data") or {}).values():
            name = ref if isinstance(ref, str) else ref["file"]
            files[name] = data_dir / name
        for value in (raw.get("texts") or {}).values():
            if isinstance(value, str) and value.strip().endswith(".md") and "\n" not in value.strip():
                files[value.strip()] = data_dir / value.strip()
        return files | outline_files(params_path, raw)
    except (OSError, InputError, KeyError, TypeError, AttributeError):
        return {}


def _files_digest(params_path: Path) -> dict:
    return {"params": _digest(params_path),
            "data": {name: _digest(path) for name, path in sorted(input_files(params_path).items())}}


def previous_params(params_path: Path) -> Path | None:
    """The ``previous`` project's parameter file, if the parameter file names one."""
    try:
        previous = read_yaml(params_path).get("previous")
    except InputError:
        return None
    return params_path.parent / previous if isinstance(previous, str) else None


def fonts_digest() -> list:
    """The CJK fonts charts and PDF use: family, file and size."""
    return [[family, str(path), path.stat().st_size] for family, path in filter(None, (fonts.serif(), fonts.sans()))]


@functools.cache
def renderer_versions(engine: str) -> dict:
    """Versions of the programs that turn the stitched document into HTML, PDF and Word."""
    if engine == "quarto":
        quarto = shutil.which("quarto")
        try:
            done = subprocess.run([quarto, "--version"], capture_output=True, text=True, timeout=60) if quarto else None
        except (OSError, subprocess.SubprocessError):
            done = None
        return {"quarto": done.stdout.strip() if done and done.returncode == 0 else "missing"}
    import pypandoc

    return {"pandoc": pypandoc.get_pandoc_version(), "typst": metadata.version("typst")}


def fingerprint(params_path: Path, engine: str = "builtin") -> dict:
    """The digests a report depends on, and their combined hash under ``hash``."""
    params_path = Path(params_path)
    parts = _files_digest(params_path)
    previous = previous_params(params_path)
    parts |= {
        "previous": _files_digest(previous) if previous else None,
        "notebooks": notebooks_digest(notebooks_dir(project_root(params_path))),
        "package": package_digest(),
        "jixiao": __version__,
        "fonts": fonts_digest(),
        "renderers": renderer_versions(engine),
    }
    parts["hash"] = hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()
    return parts


def write(folder: Path, fingerprint: dict, engine: str, formats: list[str], redacted: bool = False) -> None:
    """Record what ``folder`` was made from (and whether it holds a redacted public copy)."""
    stored = {"hash": fingerprint["hash"], "engine": engine, "formats": sorted(formats), "redacted": redacted,
              "inputs": fingerprint}
    (folder / RECORD).write_text(json.dumps(stored, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def up_to_date(params_path: Path, engine: str, formats: list[str], redacted: bool = False) -> dict | None:
    """The stored summary when output/<name>/ was made from exactly these inputs with this
    engine and at least these formats; else None."""
    params_path = Path(params_path)
    folder = output_dir(params_path)
    try:
        stored = json.loads((folder / RECORD).read_text(encoding="utf-8"))
        summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if stored.get("engine") != engine or not set(formats) <= set(stored.get("formats", [])):
        return None
    if redacted and not stored.get("redacted"):
        return None
    if any(not (folder / f"report.{fmt}").is_file() for fmt in formats):
        return None
    return summary if stored.get("hash") == fingerprint(params_path, engine)["hash"] else None
