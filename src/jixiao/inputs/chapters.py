"""What the chapter notebooks ask of a project, read from their code without running it.

``jixiao check`` must find what ``run`` would fail on: a text key the notebooks never print
(a typo), a required text that is missing, a reference to a table or figure no chapter makes.
The notebooks name these as string literals in their calls — ``C.text("background",
required=True)``, ``C.table(…, "budget_lines", "项目预算明细表")``, ``C.figure(…, "label", …)`` —
so reading their code is enough.
"""

import ast
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError

MAGIC = re.compile(r"^\s*[%!]", re.M)


@dataclass
class Asks:
    """Text keys (key → required), the heading each text stands under, and the table/figure
    labels the chapters use."""

    texts: dict[str, bool] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)
    labels: set[str] = field(default_factory=set)


HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*(?:\{[^}]*\})?\s*$", re.M)


def _cells(path: Path) -> list[tuple[str, str]]:
    """(cell type, source) of every cell."""
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}：无法读取笔记本（{exc}），请在 Jupyter 中打开并重新保存") from None
    return [(c.get("cell_type"), "".join(c.get("source", "")) if isinstance(c.get("source"), list) else c.get("source", ""))
            for c in notebook.get("cells", [])]


def _literal(node) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def read_asks(notebooks: list[Path]) -> Asks:
    """Collect the text keys and labels named in the notebooks' calls."""
    asks = Asks()
    for path in notebooks:
        title = ""
        for kind, source in _cells(path):
            if kind == "markdown":
                title = next(reversed(HEADING.findall(source)), title)
                continue
            if kind != "code":
                continue
            try:
                tree = ast.parse(MAGIC.sub("pass  # ", source))
            except SyntaxError:
                continue  # the run reports it with the cell
            for node in ast.walk(tree):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                    continue
                keywords = {k.arg: k.value for k in node.keywords}
                if node.func.attr == "text" and node.args and _literal(node.args[0]):
                    required = keywords.get("required")
                    is_required = isinstance(required, ast.Constant) and required.value is True
                    key = _literal(node.args[0])
                    asks.texts[key] = asks.texts.get(key, False) or is_required
                    lead = (_literal(keywords.get("lead")) or "").rstrip("：:")
                    asks.titles.setdefault(key, lead or title or key)
                elif node.func.attr in ("table", "figure"):
                    label = keywords.get("label") or (node.args[1] if len(node.args) > 1 else None)
                    if _literal(label):
                        asks.labels.add(_literal(label))
    return asks
