"""The package's parts import only parts before them in the pipeline:
inputs → scoring → project → form → pieces → assemble → many → the commands (cli, scaffold)."""

import ast
from pathlib import Path

import jixiao

PACKAGE = Path(jixiao.__file__).parent
# Shared infrastructure any part may use.
BASE = {"config", "errors", "numeric", "fonts", "limits", "__init__"}
ORDER = ["inputs", "scoring", "project", "form", "pieces", "assemble", "many"]


def _part(module: str) -> str | None:
    """The pipeline part a dotted module name (under jixiao) belongs to."""
    head = module.split(".")[0]
    return None if head in BASE else head


def _imports(path: Path) -> set[str]:
    """Modules under jixiao that a file imports, as dotted names relative to jixiao."""
    here = path.relative_to(PACKAGE).with_suffix("").parts[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(here[: len(here) - node.level + 1])
                module = ".".join(base + ([node.module] if node.module else []))
                names = [module + "." + a.name if not node.module else module for a in node.names]
                found.update(n.strip(".") for n in names)
            elif node.module and node.module.startswith("jixiao"):
                found.add(node.module.removeprefix("jixiao").strip("."))
        elif isinstance(node, ast.Import):
            found.update(a.name.removeprefix("jixiao").strip(".") for a in node.names if a.name.startswith("jixiao"))
    return {f for f in found if f}


def test_parts_import_only_earlier_parts():
    problems = []
    for path in PACKAGE.rglob("*.py"):
        mine = _part(".".join(path.relative_to(PACKAGE).with_suffix("").parts))
        if mine not in ORDER:
            continue  # commands and base modules may import anything
        for target in _imports(path):
            theirs = _part(target)
            if theirs in ORDER and ORDER.index(theirs) > ORDER.index(mine):
                problems.append(f"{path.relative_to(PACKAGE)} imports {target}")
    assert not problems, problems


def test_base_modules_import_no_part():
    for name in BASE - {"__init__"}:
        path = PACKAGE / f"{name}.py"
        assert not {t for t in _imports(path) if _part(t)}, name
