"""The HTML report's printed page: the running header and page numbers in the page margins
(CSS ``@page`` margin boxes), none on the cover. The rest of the print rules (captions kept
with their tables, the contents on its own pages) are in templates/report.css."""

from pathlib import Path

from . import frontmatter


def css_string(text: str) -> str:
    """``text`` as a CSS string literal: every character escaped, so nothing in it can end
    the string, the rule or the <style> element."""
    return '"' + "".join(f"\\{ord(ch):06x}" for ch in text) + '"'


def print_style(meta: dict) -> str:
    header = css_string(frontmatter.plain_keys(meta)["running-header"])
    return ("<style>\n@media print {\n"
            f"  @page {{ @top-center {{ content: {header}; font-size: 9pt; color: #5a5a5a; "
            "border-bottom: 0.5pt solid #5a5a5a; vertical-align: bottom; padding-bottom: 2mm; }\n"
            "    @bottom-center { content: counter(page); font-size: 9pt; } }\n"
            "  @page :first { @top-center { content: none; border: none; } @bottom-center { content: none; } }\n"
            "}\n</style>\n")


def write_print_style(meta: dict, target: Path) -> Path:
    """Write the <style> block for the HTML header to ``target``; return it."""
    target.write_text(print_style(meta), encoding="utf-8")
    return target
