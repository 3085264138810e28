"""Text templates: Jinja2 ``{{ … }}`` placeholders over the project's vocabulary of values.

One syntax for the whole project: the notebooks' sentence templates and the analyst's texts
(``texts/*.md``, ``analysis.md``) write ``{{ budget.total }}``, ``{{ dimensions.A.score }}``,
``{{ num(facts.records) }}``, ``{{ ref("budget_lines") }}``. Values print as the report prints
them (the project's ``Style``) and as literal text: a value can never become Markdown.
The analyst's texts are untrusted: they run in Jinja2's sandbox and may only use names,
the functions below, filters and ``if``; loops, assignments and arithmetic are refused.
"""

import inspect
import re
import time
from datetime import date
from functools import cached_property
from pathlib import Path

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, Undefined, UndefinedError, nodes
from jinja2.defaults import DEFAULT_NAMESPACE
from jinja2.filters import FILTERS
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from .. import limits
from ..errors import InputError
from ..markup import escape, refer
from ..numeric import Style, growth, parse_number, percent, plain, thousands, to_decimal, wan, yuan
from .files import inside, read_text_file

# Placeholders of jixiao before Jinja2, and how to write them now (shown when one fails).
RENAMED = [
    (re.compile(r"^budget\.total_wan$"), "budget.total"), (re.compile(r"^budget\.spent_wan$"), "budget.spent"),
    (re.compile(r"^budget\.exec_rate$"), "rates.execution.value"),
    (re.compile(r"^budget\.receipt_rate$"), "rates.receipt.value"),
    (re.compile(r"^budget\.receipt_count$"), "budget.receipts | length"),
    (re.compile(r"^dim\.(\w+)\.(\w+)$"), r"dimensions.\1.\2"),
    (re.compile(r"^score\.(\w+)$"), r"indicators.\1.score"), (re.compile(r"^max\.(\w+)$"), r"indicators.\1.max"),
    (re.compile(r"^ref\.([\w.-]+)$"), r'ref("\1")'),
]
ALLOWED_NODES = (
    nodes.Template, nodes.Output, nodes.TemplateData, nodes.Name, nodes.Getattr, nodes.Getitem, nodes.Const,
    nodes.Call, nodes.Filter, nodes.If, nodes.Compare, nodes.Operand, nodes.And, nodes.Or, nodes.Not,
    nodes.CondExpr, nodes.Test, nodes.Keyword,
)
# Jinja2's own filters a text may use: each gives back no more than the data it is given (no
# padding, repeating or formatting to a width, no filter called by name as ``map`` does), except
# join, whose separator repeats: it is measured before it is built (``_join``).
TEXT_FILTERS = {"length", "count", "first", "last", "default", "d", "join", "lower", "upper", "trim", "capitalize",
                "title", "sort", "unique", "reverse", "min", "max", "sum", "list", "round", "abs", "int", "float",
                "string", "select", "reject", "selectattr", "rejectattr"}
# Filters that take a list or a mapping's values (or a text as its characters); every other filter takes one value.
LIST_FILTERS = {"length", "count", "first", "last", "default", "d", "join", "sort", "unique", "reverse", "min", "max",
                "sum", "list", "select", "reject", "selectattr", "rejectattr"}
NOT_A_VALUE = ("占位符的结果是一组数据或一个方法，不是可以印在报告中的值；请写出其中的某一项（如 dimensions.A.score），"
               "或对列表用 length、join 等过滤器")


def _number(value):
    """A value as a Decimal: text such as 『1,341』 or 『400万元』 is parsed."""
    return parse_number(value) if isinstance(value, str) else to_decimal(value)


def _month(value) -> str:
    """2018-08 → 2018年8月; 2019-07-01 → 2019年7月1日."""
    text = value.isoformat() if isinstance(value, date) else str(value)
    parts = text.split("-")
    if not (2 <= len(parts) <= 3 and all(p.isascii() and p.isdigit() for p in parts)
            and 1 <= int(parts[1]) <= 12 and (len(parts) == 2 or 1 <= int(parts[2]) <= 31)):
        raise ValueError(f"month() 需要 YYYY-MM 或 YYYY-MM-DD 形式的日期，如 month(\"2018-08\")，而不是『{text}』")
    return "".join(f"{int(p)}{unit}" for p, unit in zip(parts, "年月日"))


FUNCTIONS = {
    "num": lambda x: thousands(_number(x)),
    "ratio": lambda x, y: percent(_number(x), _number(y)),
    "growth": lambda x, y: growth(_number(x), _number(y)),
    "wan": lambda x: f"{wan(_number(x))}万元",
    "yuan": lambda x: f"{yuan(_number(x))}元",
    "pct": lambda x: Style.rate(_number(x)),
    "plain": lambda x: plain(_number(x)),
    "month": _month,
    "ref": refer,
}
# How each function is written, for the message when it is given the wrong number of values.
USAGE = {"num": "num(值)", "ratio": "ratio(甲, 乙)", "growth": "growth(本年, 上年)", "wan": "wan(元)", "yuan": "yuan(元)",
         "pct": "pct(数)", "plain": "plain(数)", "month": 'month("2018-08")', "ref": 'ref("标签")', "score": "score(数)"}
# Jinja2's syntax errors, said in Chinese (its own messages are English).
SYNTAX = [
    (re.compile(r"expected 'end of print statement'|unexpected '}'"), "{{ 与 }} 不成对，或 {{ }} 中多写了字"),
    (re.compile(r"looking for the following tags: '(?:elif|endif)"), "{% if %} 缺少对应的 {% endif %}"),
    (re.compile(r"looking for the following tags: 'endfor"), "{% for %} 缺少对应的 {% endfor %}"),
    (re.compile(r"unknown tag '(\w+)'"), r"不认识的语句『\1』（只能写 if、elif、else、endif、for、endfor）"),
]


CALLABLE = set(FUNCTIONS) | {"score"}  # what a text may call: the report's functions (score is the style's)


class TooLarge(ValueError):
    """A placeholder or a text that would grow beyond the limits (a Chinese message)."""


def _grouped(value) -> bool:
    """A container, a mapping of names or a method: never printed as its Python form."""
    if isinstance(value, Undefined):
        return False
    return isinstance(value, (list, tuple, set, frozenset, dict)) or hasattr(type(value), "keys") or callable(value)


def _checked(name: str, function):
    """A Jinja2 filter that refuses what it cannot print: a mapping or a method, and a list where
    it takes one value; its result is measured against the placeholder limit."""
    passes = getattr(function, "jinja_pass_arg", None)  # pass_eval_context: the value comes second

    def call(*args, **kwargs):
        value = args[1] if passes else args[0]
        if _grouped(value) and (name not in LIST_FILTERS or callable(value)):
            raise ValueError(NOT_A_VALUE)
        result = function(*args, **kwargs)
        if isinstance(result, str) and len(result) > limits.PLACEHOLDER_CHARS:
            raise TooLarge(_too_large())
        return result

    if passes:
        call.jinja_pass_arg = passes
    return call


def _join(eval_ctx, value, d="", attribute=None):
    """Jinja2's join, measured first: the separator repeats once per item, so its length times the
    items must stay within the placeholder limit before anything is joined."""
    items = list(value)
    if any(_grouped(item) for item in items) and attribute is None:
        raise ValueError(NOT_A_VALUE)
    separator = str(d)
    if len(separator) * max(len(items) - 1, 0) + sum(len(str(i)) for i in items) > limits.PLACEHOLDER_CHARS:
        raise TooLarge(_too_large())
    return FILTERS["join"](eval_ctx, items, separator, attribute)


_join.jinja_pass_arg = FILTERS["join"].jinja_pass_arg


def _too_large() -> str:
    return (f"结果超过 {limits.PLACEHOLDER_CHARS:,} 个字符（见 README「输入限制」）；"
            "一个占位符只应印出一个值或一小段列表")


class Printed(str):
    """Text a function already formatted: printed as it is (it may hold a reference token)."""


class Templates:
    """Renders text templates with the project's printing style."""

    def __init__(self, style: Style):
        self.style = style

    def _finalize(self, value) -> str:
        if isinstance(value, Printed):
            return str(value)
        if _grouped(value):
            raise ValueError(NOT_A_VALUE)
        return escape(self.style.show(value))

    @cached_property
    def environment(self) -> ImmutableSandboxedEnvironment:
        """Sandboxed even for the notebooks' own templates: the values come from the analyst's files."""
        env = ImmutableSandboxedEnvironment(undefined=_Missing, finalize=self._finalize, autoescape=False,
                                            keep_trailing_newline=True)
        functions = {name: _printed(name, f) for name, f in FUNCTIONS.items()}
        functions["score"] = _printed("score", self.style.score)
        env.globals.update(functions)
        env.filters.update({name: _checked(name, env.filters[name]) for name in TEXT_FILTERS if name in env.filters})
        env.filters["join"] = _join
        env.filters.update(functions)
        env.is_safe_attribute = _value_attribute(env.is_safe_attribute)
        return env

    def render(self, text: str, values: dict, where: str, trusted: bool = False) -> str:
        """Fill every placeholder of ``text``; any problem is an InputError naming ``where``.
        ``trusted`` templates (the notebooks' own) may use Jinja2 statements; texts may not."""
        env = self.environment
        try:
            if not trusted:
                _refuse_statements(env.parse(text), text, where)
            return _bounded(env.from_string(text).generate(values))
        except TooLarge as exc:
            raise InputError(f"{where}：占位符展开后过大：{exc}") from None
        except RecursionError:
            raise InputError(f"{where}：占位符中的括号、过滤器或 {{% if %}} 嵌套过深，请简化") from None
        except TemplateSyntaxError as exc:
            raise InputError(f"{where}：第 {exc.lineno} 行的占位符写法有误（{_syntax(exc, text)}），"
                             f"占位符应写成 {{{{ 名称 }}}}，如 {{{{ facts.data_units }}}}{_hints(text)}") from None
        except UndefinedError as exc:
            raise InputError(f"{where}：{_undefined(exc, text)}") from None
        except SecurityError:
            raise InputError(f"{where}：占位符中使用了不允许的名称或写法，只能引用数据名称和报告函数") from None
        except (ValueError, ArithmeticError, TypeError, LookupError, AttributeError, TemplateError) as exc:
            reason = str(exc) if re.search(r"[\u4e00-\u9fff]", str(exc)) else "数值或函数的写法不对"
            raise InputError(f"{where}：占位符无法计算（{reason}），请检查所用的数值") from None


def _value_attribute(safe):
    """The sandbox's attribute check, refusing methods too: ``budget.total.as_tuple`` is not a value."""

    def check(obj, attr, value) -> bool:
        return safe(obj, attr, value) and not (callable(value) and not isinstance(value, Undefined))

    return check


def _bounded(pieces) -> str:
    """A template's output, piece by piece, stopped once it passes the size or time limit of a text."""
    out, size, started = [], 0, time.monotonic()
    for piece in pieces:
        size += len(piece)
        if size > limits.TEXT_CHARS:
            raise TooLarge(f"文字展开后超过 {limits.TEXT_CHARS:,} 个字符（见 README「输入限制」），请删减")
        if time.monotonic() - started > limits.TEXT_SECONDS:
            raise TooLarge(f"文字展开用时超过 {limits.TEXT_SECONDS} 秒，请简化其中的占位符")
        out.append(piece)
    return "".join(out)


def _printed(name: str, function):
    """``function`` printing its result as it is; called with the wrong number of values, it says
    how it is written (in Chinese, not Python's message)."""
    signature = inspect.signature(function)

    def call(*args, **kwargs):
        try:
            signature.bind(*args, **kwargs)
        except TypeError:
            raise ValueError(f"函数 {name} 的写法是 {USAGE[name]}，所给的值个数不对") from None
        return Printed(function(*args, **kwargs))

    return call


def _syntax(exc: TemplateSyntaxError, text: str) -> str:
    """What is wrong with the template's syntax, in Chinese; else the line to look at."""
    for pattern, reason in SYNTAX:
        found = pattern.search(exc.message or "")
        if found:
            return found.expand(reason)
    lines = text.splitlines()
    line = lines[exc.lineno - 1].strip() if 0 < exc.lineno <= len(lines) else ""
    return f"请检查这一行：『{line}』" if line else "请检查 {{ }} 与 {% %} 是否成对"


class _Missing(StrictUndefined):
    """An unknown name, reported with its whole path (facts.data_unit)."""

    @property
    def _undefined_message(self) -> str:
        path = getattr(self._undefined_obj, "_path", None)
        return f"{path}.{self._undefined_name}" if path else str(self._undefined_name)


def _refuse_statements(tree, text: str, where: str) -> None:
    """Texts may use names, functions, filters, ``if`` and one level of ``for`` over the data's own
    lists (never ``range``): work bounded by the size of the data. They call only the report's
    functions and the filters of TEXT_FILTERS: no methods of values (``.center(10**9)``), none of
    Jinja2's globals."""
    loops = list(tree.find_all(nodes.For))
    bounded = all(isinstance(loop.iter, (nodes.Name, nodes.Getattr, nodes.Getitem)) and not list(loop.find_all(nodes.For))
                  for loop in loops)
    for node in tree.find_all(nodes.Node):
        if not isinstance(node, ALLOWED_NODES) and not (isinstance(node, nodes.For) and bounded):
            raise InputError(f"{where}：文字中只能写 {{{{ 名称 }}}} 形式的占位符（可带 {{% if %}} 条件和对数据列表的 "
                             f"{{% for %}}），不能使用嵌套循环、赋值或算术运算；计算请用 ratio()、growth() 等函数{_hints(text)}")
    for node in tree.find_all((nodes.Call, nodes.Filter, nodes.Name)):
        name = node.name if isinstance(node, (nodes.Filter, nodes.Name)) else getattr(node.node, "name", None)
        if isinstance(node, nodes.Name):
            allowed = name not in {*DEFAULT_NAMESPACE, "self"}  # range, lipsum, cycler …: Jinja2's, not the data's
        elif isinstance(node, nodes.Call):
            allowed = isinstance(node.node, nodes.Name) and name in CALLABLE
        else:
            allowed = name in CALLABLE | TEXT_FILTERS
        if not allowed:
            shown = name or "方法调用"
            raise InputError(f"{where}：占位符中不能使用『{shown}』：文字中只能调用报告函数（{'、'.join(sorted(CALLABLE))}），"
                             f"过滤器另可用 {'、'.join(sorted(TEXT_FILTERS))}")


def _hints(text: str) -> str:
    """Old placeholder names found in ``text`` and what to write instead."""
    names = re.findall(r"\{\{-?\s*([^}]*?)\s*-?\}\}", text)
    hints = [f"『{{{{ {n} }}}}』请改写为 {{{{ {old.sub(new, n)} }}}}" for n in names for old, new in RENAMED
             if old.match(n)]
    return ("；" + "；".join(dict.fromkeys(hints))) if hints else ""


def _undefined(exc: UndefinedError, text: str) -> str:
    if re.search(rf"\bprevious\s*\.\s*{re.escape(str(exc.message))}\b", text):
        return (f"占位符『previous.{exc.message}』引用上年项目的数值，但参数文件没有写 previous（上年参数文件）；"
                f"请写上 previous，或删去这个占位符（也可写在 {{% if previous %}} … {{% endif %}} 之中）")
    return (f"占位符中的名称『{exc.message}』不存在，请检查拼写，或先在参数文件 facts 中定义"
            f"（可用的名称见 README「正文占位符」）{_hints(text)}")


def read_text(value: str, base: Path, where: str) -> str:
    """A text value is inline Markdown, or the path of a .md file relative to ``base``."""
    if value.strip().endswith(".md") and "\n" not in value.strip():
        return read_text_file(inside(base, value, "文本文件", where))
    return value


def split_sections(text: str) -> dict[str, str]:
    """Split a Markdown file into its ``## CODE`` sections."""
    sections = {}
    current = None
    for line in text.splitlines():
        head = re.match(r"^##\s+(\S+)\s*$", line)
        if head:
            current = head.group(1)
            sections[current] = []
        elif current is not None:
            sections[current].append(line)
    return {code: "\n".join(lines).strip() for code, lines in sections.items()}

