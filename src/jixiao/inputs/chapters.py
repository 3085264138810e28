"""What the chapter notebooks ask of a project, read from their code without running it.

``jixiao check`` must find what ``run`` would fail on: a text key the notebooks never print
(a typo), a required text that is missing, a reference to a table or figure no chapter makes.
The notebooks name these as string literals in their calls — ``C.text("background",
required=True)``, ``C.table(…, "budget_lines", "项目预算明细表")``, ``C.figure(…, "label", …)`` —
so reading their code is enough.
"""

import difflib
import ast
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..markup import AT_REFER
from .files import per_version

MAGIC = re.compile(r"^\s*[%!]", re.M)


@dataclass
class Asks:
    """Text keys (key → required), the heading each text stands under, and the table/figure
    labels the chapters use."""

    texts: dict[str, bool] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)
    labels: set[str] = field(default_factory=set)
    refs: list[tuple[str, str]] = field(default_factory=list)  # (label, where) of each @tbl-…/@fig-… in the chapters


HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*(?:\{[^}]*\})?\s*$", re.M)
CHAPTER_HEADING = re.compile(r"^#[ \t]+(.*?)[ \t]*$", re.M)
UNNUMBERED = re.compile(r"\{(?:-|\.unnumbered)\}$")
OPTION = re.compile(r"^#\|\s*([\w-]+)\s*:\s*(.*?)\s*$")
KINDS = ("tbl", "fig")


def cell_options(source: str) -> dict[str, str]:
    """A code cell's Quarto/MyST options: the ``#| key: value`` lines at its top."""
    options = {}
    for line in source.splitlines():
        match = OPTION.match(line)
        if not match:
            if line.strip():
                break
            continue
        options[match.group(1)] = match.group(2).strip().strip("\"'")
    return options


def option_label(options: dict[str, str]) -> tuple[str, str] | None:
    """(kind, label) of a cell whose options name a table or figure: ``label: tbl-budget`` gives
    (tbl, budget); a caption alone (``tbl-cap``) gives the kind with an empty label."""
    label = options.get("label", "")
    for kind in KINDS:
        if label.startswith(f"{kind}-") and len(label) > len(kind) + 1:
            return kind, label[len(kind) + 1:]
    for kind in KINDS:
        if f"{kind}-cap" in options:
            return kind, label
    return None


def is_numbered(notebook: Path) -> bool:
    """Whether the chapter's first level-1 heading is numbered (not ``{-}``); a notebook without one
    counts as numbered."""
    for kind, source in _cells(notebook):
        if kind != "markdown":
            continue
        match = CHAPTER_HEADING.search(source)
        if match:
            return not UNNUMBERED.search(match.group(1))
    return True


def labels_in_order(notebook: Path) -> list[tuple[str, str]]:
    """(kind, label) of every table and figure a notebook names, in order (cell options and the
    literal labels of ``C.table``/``C.figure``): the notebook's own best guess of its numbers."""
    return [named for kind, source in _cells(notebook) if kind == "code" for named in _cell_labels(source)]


def _cell_labels(source: str) -> list[tuple[str, str]]:
    found = []
    named = option_label(cell_options(source))
    if named and named[1]:
        found.append(named)
    calls = []
    for node in _calls(source):
        if node.func.attr in ("table", "figure"):
            keywords = {k.arg: k.value for k in node.keywords}
            label = _literal(keywords.get("label") or (node.args[1] if len(node.args) > 1 else None))
            if label:
                calls.append(((node.lineno, node.col_offset), "tbl" if node.func.attr == "table" else "fig", label))
    return found + [(k, label) for _, k, label in sorted(calls)]


def _calls(source: str) -> list:
    """The method calls (``x.name(…)``) of a code cell; none when it does not parse."""
    try:
        tree = ast.parse(MAGIC.sub("pass  # ", source))
    except SyntaxError:
        return []
    return [n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)]


@per_version
def _cells(path: Path) -> tuple[tuple[str, str], ...]:
    """(cell type, source) of every cell."""
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}：无法读取笔记本（{exc}），请在 Jupyter 中打开并重新保存") from None
    return tuple((c.get("cell_type"), "".join(c.get("source", "")) if isinstance(c.get("source"), list)
                  else c.get("source", "")) for c in notebook.get("cells", []))


def _literal(node) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def read_asks(notebooks: list[Path]) -> Asks:
    """Collect the text keys and labels named in the notebooks' calls."""
    asks = Asks()
    for path in notebooks:
        title = ""
        counts = {"markdown": 0, "code": 0}
        for kind, source in _cells(path):
            counts[kind] = counts.get(kind, 0) + 1
            where = f"{path.name} 的第 {counts[kind]} 个{' Markdown ' if kind == 'markdown' else '代码'}单元"
            if kind == "markdown":
                title = next(reversed(HEADING.findall(source)), title)
                asks.refs += [(label, where) for label in AT_REFER.findall(source)]
                continue
            if kind != "code":
                continue
            named = option_label(cell_options(source))
            if named and named[1]:
                asks.labels.add(named[1])
            for node in _calls(source):
                keywords = {k.arg: k.value for k in node.keywords}
                if node.func.attr == "say" and node.args and _literal(node.args[0]):
                    asks.refs += [(label, where) for label in AT_REFER.findall(_literal(node.args[0]))]
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


def chapter_numbers(notebooks: list[Path]) -> dict[tuple[str, str], int]:
    """Which numbered chapter (1 for 一) prints what, as far as the code says: ("text", key) for
    ``C.text(key)``, ("label", label) for a table or figure, ("analysis", "") and ("exhibits", "")
    for the chapter of the indicators' analyses and the exhibits after them. A level-1 heading in a
    Markdown cell starts a chapter (one marked ``{-}``, an annex, is unnumbered and left out); a
    notebook without one continues the chapter before it."""
    found, number, current = {}, 0, None
    for path in notebooks:
        for kind, source in _cells(path):
            if kind == "markdown":
                for title in CHAPTER_HEADING.findall(source):
                    if UNNUMBERED.search(title):
                        current = None
                    else:
                        number += 1
                        current = number
            elif kind == "code" and current is not None:
                for _, label in _cell_labels(source):
                    found.setdefault(("label", label), current)
                for node in _calls(source):
                    if node.func.attr == "text" and node.args and _literal(node.args[0]):
                        found.setdefault(("text", _literal(node.args[0])), current)
                    elif node.func.attr in ("analysis", "exhibits"):
                        found.setdefault((node.func.attr, ""), current)
    return found


def named_tables(notebooks: list[Path]) -> set[str]:
    """Every string a chapter's code passes to a call, where data tables are named
    (``tables.data_table(P, "budget_lines")``, ``C.data("x")``, ``P.table("indicators")``): the
    tables the chapters print."""
    names = set()
    for path in notebooks:
        for kind, source in _cells(path):
            if kind == "code":
                for node in _calls(source):
                    names |= {v for v in map(_literal, [*node.args, *(k.value for k in node.keywords)]) if v}
    return names


BUILTINS = set(dir(__import__("builtins")))


def _bound(tree) -> set[str]:
    """Names a code cell binds: assignments, imports, loops, functions, classes, with/except targets."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
    return names


def _free_names(tree) -> list[tuple[str, list[str]]]:
    """(root name, attribute chain) of every name an expression reads, outside its own
    comprehensions and lambdas."""
    local = {t.id for n in ast.walk(tree) if isinstance(n, (ast.comprehension,))
             for t in ast.walk(n.target) if isinstance(t, ast.Name)}
    local |= {a.arg for n in ast.walk(tree) if isinstance(n, ast.Lambda) for a in n.args.args}
    found = []
    for node in ast.walk(tree):
        chain = []
        while isinstance(node, ast.Attribute):
            chain.insert(0, node.attr)
            node = node.value
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id not in local:
            found.append((node.id, chain))
    return found


def _unknown_attribute(value, chain: list[str]) -> str | None:
    """The first attribute of ``chain`` a vocabulary value does not have (only values that list
    their names, the vocabulary's ``Names``, are checked)."""
    for attr in chain:
        keys = getattr(value, "keys", None)
        if keys is None or not callable(keys) or type(value).__name__ != "Names":
            return None
        if attr not in keys():
            return attr
        value = value[attr]
    return None


def notebook_problems(notebooks: list[Path], vocabulary, tables: set[str], templates,
                      optional: frozenset = frozenset()) -> list[str]:
    """What ``run`` would fail on in the chapters' own wording, found without running them: an
    ``{eval}`` whose name is neither a data name nor defined in the notebook, a ``C.say`` template
    naming something unknown, ``C.data`` asking for a table the parameter file does not list.
    ``optional``: names a chapter may use under a condition (the known tables' names: a
    ``budget_lines.count`` inside ``if P.has("budget_lines")``)."""
    from jinja2 import meta

    from ..markup import EVAL

    problems = []
    known = set(vocabulary.keys()) | BUILTINS | {"C", "P", "charts", "tables"} | set(optional)
    for path in notebooks:
        cells = _cells(path)
        defined, constants = set(known), {}
        for kind, source in cells:
            if kind == "code":
                try:
                    tree = ast.parse(MAGIC.sub("pass  # ", source))
                except SyntaxError:
                    continue
                defined |= _bound(tree)
                constants.update({t.id: n.value.value for n in ast.walk(tree) if isinstance(n, ast.Assign)
                                  and isinstance(n.value, ast.Constant) and isinstance(n.value.value, str)
                                  for t in n.targets if isinstance(t, ast.Name)})
        markdown_n = code_n = 0
        for kind, source in cells:
            if kind == "markdown":
                markdown_n += 1
                where = f"{path.name} 的第 {markdown_n} 个 Markdown 单元"
                for expression in dict.fromkeys(m.group(1).strip() for m in EVAL.finditer(source)):
                    problems += _eval_problems(expression, where, defined, vocabulary)
            elif kind == "code":
                code_n += 1
                where = f"{path.name} 的第 {code_n} 个代码单元"
                for node in _calls(source):
                    problems += _call_problems(node, where, constants, vocabulary, tables, templates, meta, optional)
    return problems


def _eval_problems(expression: str, where: str, defined: set[str], vocabulary) -> list[str]:
    try:
        tree = ast.parse(expression, mode="eval")
    except SyntaxError:
        return [f"{where}：{{eval}}`{expression}` 不是正确的 Python 表达式，请检查括号和引号"]
    problems = []
    for name, chain in _free_names(tree):
        if name not in defined:
            close = difflib.get_close_matches(name, defined - BUILTINS, n=1)
            hint = f"是否想写『{close[0]}』？" if close else "数据名称见 README「正文占位符」，或先在代码单元中定义它"
            problems.append(f"{where}：{{eval}}`{expression}` 中的名称『{name}』不存在，{hint}")
        elif name in vocabulary.keys():
            wrong = _unknown_attribute(vocabulary[name], chain)
            if wrong:
                problems.append(f"{where}：{{eval}}`{expression}` 中的『{name}』没有『{wrong}』这一项，请检查拼写")
    return problems


def _call_problems(node, where, constants, vocabulary, tables, templates, meta, optional) -> list[str]:
    keywords = {k.arg: k.value for k in node.keywords}
    if node.func.attr == "say" and node.args:
        first = node.args[0]
        text = _literal(first) or (constants.get(first.id) if isinstance(first, ast.Name) else None)
        return _template_problems(text, set(keywords), where, "C.say", vocabulary, templates, meta, optional)
    if node.func.attr == "text" and "otherwise" in keywords:
        return _template_problems(_literal(keywords["otherwise"]), set(), where, "C.text 的 otherwise", vocabulary,
                                  templates, meta, optional)
    if node.func.attr == "data" and node.args and _literal(node.args[0]) is not None:
        name = _literal(node.args[0])
        if name not in tables:
            return [f"{where}：C.data(\"{name}\") 要用的表『{name}』不在参数文件 data 中，请先列出它的文件"]
    return []


def _template_problems(text, given: set, where, call, vocabulary, templates, meta, optional) -> list[str]:
    """A literal template's names that are neither data names nor given to the call."""
    if text is None:
        return []
    try:
        parsed = templates.environment.parse(text)
    except Exception as exc:  # Jinja2's syntax errors: the run would stop at this cell
        return [f"{where}：{call} 的文字模板写法有误（{getattr(exc, 'message', exc)}）"]
    problems = []
    for name in sorted(meta.find_undeclared_variables(parsed) - given - set(vocabulary.keys())
                       - set(templates.environment.globals) - set(optional)):
        close = difflib.get_close_matches(name, list(vocabulary.keys()), n=1)
        hint = f"是否想写『{close[0]}』？" if close else "数据名称见 README「正文占位符」"
        problems.append(f"{where}：{call} 的文字模板中的名称『{name}』不存在，{hint}")
    return problems
