"""Stitch executed chapter notebooks into one Markdown document with images.

Markdown cells, with their ``{eval}`` values filled from the results the engine kept in the
cell's ``user_expressions`` metadata, and the pieces the notebooks printed (``pieces/chapter.py``,
``pieces/display.py``: their Markdown is in the output's metadata) are kept; code, the
``parameters`` and papermill's ``injected-parameters`` cells and cells tagged ``notebook-only``
are dropped. Headings, tables and figures are numbered by ``numbering``; ``@tbl-…`` and
``@fig-…`` become references.
"""

import base64
from pathlib import Path

import nbformat
import yaml

from ..errors import RunFailure
from ..markup import EVAL, at_refs, define, escape
from .numbering import Block, number

SKIP_TAGS = {"parameters", "injected-parameters", "notebook-only"}


def figure_markdown(figures: Path, label: str, caption: str, png: bytes) -> str:
    """Write ``figures/<label>.png``; return the Markdown of the numbered figure. The caption
    (an analyst's ``exhibits`` caption, too) is text: its brackets cannot end the image."""
    figures.mkdir(parents=True, exist_ok=True)
    (figures / f"{label}.png").write_bytes(png)
    return f"![{define('fig', label)} {escape(caption)}](figures/{label}.png){{width=100%}}"


def value_markdown(result: dict) -> str:
    """An ``{eval}`` result as Markdown: a display object's own Markdown (notebook code is trusted),
    else its text, escaped (a value from the data is only ever text)."""
    data = result.get("data", {})
    if "text/markdown" in data:
        return " ".join(str(data["text/markdown"]).split())
    return escape(data.get("text/plain", ""))


def filled(cell, where: str) -> str:
    """A Markdown cell's source with each ``{eval}`expr``` replaced by its value."""
    results = {e.get("expression"): e.get("result", {}) for e in cell.metadata.get("user_expressions", [])}

    def value(match):
        expression = match.group(1).strip()
        result = results.get(expression)
        if result is None:
            raise RunFailure(f"{where}：{{eval}}`{expression}` 没有计算结果（笔记本不是由 jixiao 执行的？），"
                             "请用 jixiao run 或 papermill 执行")
        if result.get("status") != "ok":
            raise RunFailure(f"{where}：{{eval}}`{expression}` 出错：{result.get('ename')}: {result.get('evalue')}")
        return value_markdown(result)

    return EVAL.sub(value, cell.source)


def notebook_blocks(path: Path, figures: Path) -> list[Block]:
    """The publishable pieces of one executed notebook, in order; images go to ``figures``."""
    nb = nbformat.read(path, as_version=4)
    blocks = []
    markdown_cells = 0
    for cell in nb.cells:
        markdown_cells += cell.cell_type == "markdown"
        if SKIP_TAGS & set(cell.metadata.get("tags", [])):
            continue
        if cell.cell_type == "markdown":
            where = f"{path.name} 的第 {markdown_cells} 个 Markdown 单元"
            blocks.append(Block("markdown", at_refs(filled(cell, where))))
            continue
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if out.output_type not in ("display_data", "execute_result"):
                continue
            data, meta = out.get("data", {}), out.get("metadata", {}).get("jixiao")
            if meta is None:
                continue  # a notebook's own scratch output (a DataFrame, a print) is not the report's
            if meta.get("kind") == "figure" and (meta.get("png") or "image/png" in data):
                png = base64.b64decode(meta.get("png") or data["image/png"])
                blocks.append(Block("figure", figure_markdown(figures, meta["label"], meta["caption"], png)))
            elif "markdown" in meta or "text/markdown" in data:
                for name, encoded in meta.get("images", {}).items():
                    figures.mkdir(parents=True, exist_ok=True)
                    (figures / name).write_bytes(base64.b64decode(encoded))
                kind = meta.get("kind", "prose")
                blocks.append(Block(kind if kind in ("prose", "text", "heading", "table") else "prose",
                                    meta.get("markdown", data.get("text/markdown"))))
    return blocks


def stitch(notebooks: list[Path], build_dir: Path, metadata: dict) -> Path:
    """Write ``report.md`` (with a YAML metadata block) and ``figures/`` into build_dir."""
    blocks = [block for nb in notebooks for block in notebook_blocks(nb, build_dir / "figures")]
    header = yaml.safe_dump(metadata, allow_unicode=True, sort_keys=False)
    target = build_dir / "report.md"
    target.write_text(f"---\n{header}---\n\n{number(blocks)}", encoding="utf-8")
    return target
