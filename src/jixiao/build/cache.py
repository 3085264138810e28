"""Incremental re-runs: a content hash of everything a report is made from.

The fingerprint covers the parameter file, the data files it names (tables, ``.md``
texts, ``analysis.md``), the outline and its chapter notebooks and the installed jixiao package
(version, modules, templates). It is stored in ``output/<name>/inputs.json`` beside
``summary.json``; a project whose fingerprint, engine and formats match is not run again.
Content, not modification times: copying a project or touching a file changes nothing.
"""

import functools
import hashlib
import json
from pathlib import Path

import yaml

from .. import __version__
from ..config import DEFAULT_OUTLINE, notebooks_dir, output_dir, project_root
from ..errors import InputError
from ..inputs import frameworks
from ..inputs.outline import outline_path, read_outline
from ..project import ANALYSIS_FILE

RECORD = "inputs.json"
PACKAGE = Path(__file__).resolve().parent
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "missing"


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
    return {str(path): path for path in outline.files()}


def input_files(params_path: Path) -> dict[str, Path]:
    """The data files a parameter file names, keyed as written; empty if it cannot be read
    (the run then reports the problem)."""
    try:
        raw = yaml.load(params_path.read_text(encoding="utf-8-sig"), Loader=_Loader)
        data_dir = params_path.parent / raw["data_dir"]
        files = {ANALYSIS_FILE: data_dir / ANALYSIS_FILE}
        for ref in raw.get("data", {}).values():
            name = ref if isinstance(ref, str) else ref["file"]
            files[name] = data_dir / name
        for value in (raw.get("texts") or {}).values():
            if isinstance(value, str) and value.strip().endswith(".md") and "\n" not in value.strip():
                files[value.strip()] = data_dir / value.strip()
        return files | outline_files(params_path, raw)
    except (OSError, yaml.YAMLError, KeyError, TypeError, AttributeError):
        return {}


def fingerprint(params_path: Path) -> dict:
    """The digests a report depends on, and their combined hash under ``hash``."""
    params_path = Path(params_path)
    files = {name: _digest(path) for name, path in sorted(input_files(params_path).items())}
    parts = {
        "params": _digest(params_path),
        "data": files,
        "package": package_digest(),
        "jixiao": __version__,
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
    return summary if stored.get("hash") == fingerprint(params_path)["hash"] else None
