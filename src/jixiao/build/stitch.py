"""Stitch executed section notebooks into one Markdown document with images.

Markdown cells and Markdown/PNG outputs are kept; code, the ``parameters`` and
papermill's ``injected-parameters`` cells and cells tagged ``notebook-only`` are
dropped. Table and figure tokens are numbered per chapter (表 3-1, 图 3-1).
"""

import base64
import re
from pathlib import Path

import nbformat
import yaml

from ..errors import RunFailure

SKIP_TAGS = {"parameters", "injected-parameters", "notebook-only"}
DEFINE = re.compile(r"\[\[(tbl|fig):([\w.-]+)\]\]")
REFER = re.compile(r"\[\[ref:([\w.-]+)\]\]")
CHAPTER = re.compile(r"^# (?!#)")
KIND_WORD = {"tbl": "表", "fig": "图"}


def figure_markdown(figures: Path, label: str, caption: str, png: bytes) -> str:
    """Write ``figures/<label>.png``; return the Markdown of the numbered figure."""
    figures.mkdir(parents=True, exist_ok=True)
    (figures / f"{label}.png").write_bytes(png)
    return f"![[[fig:{label}]] {caption}](figures/{label}.png){{width=100%}}"


def notebook_markdown(path: Path, figures: Path) -> str:
    """The publishable Markdown of one executed notebook; PNGs are written to ``figures``."""
    nb = nbformat.read(path, as_version=4)
    parts = []
    for cell in nb.cells:
        if SKIP_TAGS & set(cell.metadata.get("tags", [])):
            continue
        if cell.cell_type == "markdown":
            parts.append(cell.source)
            continue
        if cell.cell_type != "code":
            continue
        for out in cell.get("outputs", []):
            if out.output_type not in ("display_data", "execute_result"):
                continue
            data = out.get("data", {})
            meta = out.get("metadata", {}).get("jixiao")
            if "image/png" in data and meta:
                parts.append(figure_markdown(figures, meta["label"], meta["caption"],
                                             base64.b64decode(data["image/png"])))
            elif "text/markdown" in data:
                parts.append(data["text/markdown"])
    return "\n\n".join(p.strip() for p in parts if p.strip())


def number(text: str) -> str:
    """Give tables and figures chapter numbers in document order and resolve references."""
    numbers = {}
    counters = {}
    chapter = 0
    lines = []
    for line in text.splitlines():
        if CHAPTER.match(line):
            chapter += 1
            counters = {}

        def define(match):
            kind, label = match.groups()
            if label in numbers:
                raise RunFailure(f"表格或图的标签『{label}』重复出现，请在笔记本中改用不同的标签")
            counters[kind] = counters.get(kind, 0) + 1
            numbers[label] = f"{KIND_WORD[kind]} {max(chapter, 1)}-{counters[kind]}"
            return numbers[label]

        lines.append(DEFINE.sub(define, line))
    result = "\n".join(lines)
    missing = sorted(set(REFER.findall(result)) - set(numbers))
    if missing:
        raise RunFailure(f"正文引用了不存在的表或图：{'、'.join(missing)}，请检查文本中的 {{{{ref.…}}}} 名称")
    return REFER.sub(lambda m: numbers[m.group(1)], result)


def stitch(notebooks: list[Path], build_dir: Path, metadata: dict) -> Path:
    """Write ``report.md`` (with a YAML metadata block) and ``figures/`` into build_dir."""
    body = "\n\n".join(notebook_markdown(nb, build_dir / "figures") for nb in notebooks)
    header = yaml.safe_dump(metadata, allow_unicode=True, sort_keys=False)
    target = build_dir / "report.md"
    target.write_text(f"---\n{header}---\n\n{number(body)}\n", encoding="utf-8")
    return target
