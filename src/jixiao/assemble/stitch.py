"""Stitch executed chapter notebooks into one Markdown document with images.

Markdown cells and the pieces the notebooks printed (``pieces/chapter.py``) are kept; code,
the ``parameters`` and papermill's ``injected-parameters`` cells and cells tagged
``notebook-only`` are dropped. Headings, tables and figures are numbered by ``numbering``.
"""

import base64
from pathlib import Path

import nbformat
import yaml

from ..markup import define, escape
from .numbering import Block, number

SKIP_TAGS = {"parameters", "injected-parameters", "notebook-only"}


def figure_markdown(figures: Path, label: str, caption: str, png: bytes) -> str:
    """Write ``figures/<label>.png``; return the Markdown of the numbered figure. The caption
    (an analyst's ``exhibits`` caption, too) is text: its brackets cannot end the image."""
    figures.mkdir(parents=True, exist_ok=True)
    (figures / f"{label}.png").write_bytes(png)
    return f"![{define('fig', label)} {escape(caption)}](figures/{label}.png){{width=100%}}"


def notebook_blocks(path: Path, figures: Path) -> list[Block]:
    """The publishable pieces of one executed notebook, in order; images go to ``figures``."""
    nb = nbformat.read(path, as_version=4)
    blocks = []
    for cell in nb.cells:
        if SKIP_TAGS & set(cell.metadata.get("tags", [])):
            continue
        if cell.cell_type == "markdown":
            blocks.append(Block("markdown", cell.source))
            continue
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if out.output_type not in ("display_data", "execute_result"):
                continue
            data, meta = out.get("data", {}), out.get("metadata", {}).get("jixiao")
            if meta is None:
                continue  # a notebook's own scratch output (a DataFrame, a print) is not the report's
            if meta.get("kind") == "figure" and "image/png" in data:
                png = base64.b64decode(data["image/png"])
                blocks.append(Block("figure", figure_markdown(figures, meta["label"], meta["caption"], png)))
            elif "text/markdown" in data:
                for name, encoded in meta.get("images", {}).items():
                    figures.mkdir(parents=True, exist_ok=True)
                    (figures / name).write_bytes(base64.b64decode(encoded))
                kind = meta.get("kind", "prose")
                blocks.append(Block(kind if kind in ("prose", "text", "heading", "table") else "prose",
                                    data["text/markdown"]))
    return blocks


def stitch(notebooks: list[Path], build_dir: Path, metadata: dict) -> Path:
    """Write ``report.md`` (with a YAML metadata block) and ``figures/`` into build_dir."""
    blocks = [block for nb in notebooks for block in notebook_blocks(nb, build_dir / "figures")]
    header = yaml.safe_dump(metadata, allow_unicode=True, sort_keys=False)
    target = build_dir / "report.md"
    target.write_text(f"---\n{header}---\n\n{number(blocks)}", encoding="utf-8")
    return target
