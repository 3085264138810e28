"""Narrative texts: Markdown from the parameter file or files beside it, with
``{{…}}`` placeholders filled from the data so that no figure is typed twice."""

import re
from pathlib import Path

from ..errors import InputError
from .files import read_text_file
from ..numeric import growth, percent, thousands, to_decimal

TEXT_KEYS = {
    "background": ("立项背景及目的", True),
    "content": ("项目实施内容", True),
    "organization": ("项目组织及管理", False),
    "stakeholders": ("利益相关方", False),
    "goals": ("绩效目标", True),
    "indicator_design": ("绩效指标体系设计思路", False),
    "evaluation_purpose": ("绩效评价目的", False),
    "evaluation_plan": ("绩效评价工作方案制定过程", False),
    "evaluation_principles": ("绩效评价原则", False),
    "evaluation_process": ("绩效评价过程及技术路径", False),
    "conclusion": ("主要结论", True),
    "achievements": ("主要绩效", True),
    "experience": ("主要经验及做法", False),
    "problems": ("存在的问题", True),
    "suggestions": ("相关建议", True),
    "improvements": ("相关改进措施", False),
    "other_matters": ("其他需说明事项", False),
}

PLACEHOLDER = re.compile(r"\{\{\s*(.*?)\s*\}\}")
CALL = re.compile(r"^(growth|ratio|num)\(\s*([^,()]+?)\s*(?:,\s*([^,()]+?)\s*)?\)$")
REF_TOKEN = "[[ref:{}]]"


def read_text(value: str, base: Path, where: str) -> str:
    """A text value is inline Markdown, or the path of a .md file relative to base."""
    if value.strip().endswith(".md") and "\n" not in value.strip():
        path = base / value.strip()
        if not path.is_file():
            raise InputError(f"{where}：文本文件 {path} 不存在，请检查路径")
        return read_text_file(path)
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


def fill(text: str, values: dict, where: str) -> str:
    """Replace every placeholder; an unknown one is an input error naming it."""
    problems = []

    def lookup(name: str) -> str:
        if name.startswith("ref."):
            return REF_TOKEN.format(name[4:])
        call = CALL.match(name)
        if call:
            func, *args = call.groups()
            x, y = (to_decimal(str(lookup(a)).replace(",", "")) if a else None for a in args)
            if func == "num":
                return thousands(x)
            if y is None:
                raise ValueError(f"{func} 需要两个参数")
            return growth(x, y) if func == "growth" else percent(x, y)
        if name in values:
            return str(values[name])
        raise KeyError(name)

    def replace(match):
        try:
            return lookup(match.group(1))
        except (KeyError, ValueError) as exc:
            problems.append(f"{where}：占位符『{{{{{match.group(1)}}}}}』无法填写（{exc}），请检查名称是否在 facts 中定义或拼写")
            return match.group(0)

    result = PLACEHOLDER.sub(replace, text)
    if problems:
        raise InputError(problems)
    return result
