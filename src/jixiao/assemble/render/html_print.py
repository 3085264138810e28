"""The HTML report's typography and printed page: the fonts and sizes of every format
(jixiao.fonts: each role's font chain for Windows, macOS and Linux, sizes in 号 relative to
the body), and the running header and page numbers 「— 1 —」 in the page margins (CSS
``@page`` margin boxes), none on the cover and the contents, which are not counted: the body
starts at page 1 (a named page whose ``counter-increment: page 0`` Chromium honours). Chromium
has no ``target-counter()``, so the printed contents list the headings without page numbers. The rest of the print rules (captions kept with
their tables, the contents on its own pages) are in templates/report.css."""

from pathlib import Path

from ... import fonts
from . import frontmatter

# Latin letters, digits and Latin-1 signs only: the curly quotes and dashes shared with
# Chinese text stay in the Chinese font.
LATIN_RANGE = "U+0020-007E, U+00A0-00FF"


def typography_style() -> str:
    """CSS for the typography: font stacks per role, sizes as ems of the 小四 body."""
    body = fonts.HAO[fonts.ROLES["body"][1]]

    def em(role: str) -> str:
        return f"{fonts.HAO[fonts.ROLES[role][1]] / body:.4g}em"

    names = [name for system in ("Windows", "macOS", "Linux") for name in fonts.FALLBACKS["latin"][system]]
    latin = ", ".join(f'local("{name}")' for name in dict.fromkeys(names))
    kai = fonts.css_stack("楷体").removesuffix(", serif") + ", " + fonts.css_stack("黑体")
    return ("<style>\n"
            f"@font-face {{ font-family: \"jixiao-latin\"; src: {latin}; unicode-range: {LATIN_RANGE}; }}\n"
            f":root {{ --serif: \"jixiao-latin\", {fonts.css_stack('仿宋')}; --sans: {fonts.css_stack('黑体')}; "
            f"--kai: {kai}; }}\n"
            f"body {{ line-height: {fonts.LINE_PITCH / body:.4g}; }}\n"
            f"h1 {{ font-size: {em('heading1')}; }} h2 {{ font-size: {em('heading2')}; font-family: var(--kai); }} "
            f"h3, h4, h5 {{ font-size: {em('heading3')}; }}\n"
            f"table {{ font-size: {em('table')}; }} caption, figcaption {{ font-size: {em('caption')}; }}\n"
            f"@media print {{ html {{ font-size: {body}pt; }} }}\n"
            "</style>\n")


def css_string(text: str) -> str:
    """``text`` as a CSS string literal: every character escaped, so nothing in it can end
    the string, the rule or the <style> element."""
    return '"' + "".join(f"\\{ord(ch):06x}" for ch in text) + '"'


def print_style(meta: dict) -> str:
    header = css_string(frontmatter.plain_keys(meta)["running-header"])
    return ("<style>\n@media print {\n"
            f"  @page {{ @top-center {{ content: {header}; font-size: 9pt; color: #5a5a5a; "
            "border-bottom: 0.5pt solid #5a5a5a; vertical-align: bottom; padding-bottom: 2mm; }\n"
            "    @bottom-center { content: \"— \" counter(page) \" —\"; font-size: 14pt; } }\n"
            "  @page :first { @top-center { content: none; border: none; } @bottom-center { content: none; } }\n"
            # the cover and the contents are pages of their own that do not count: the body starts at 1
            "  @page jixiao-front { counter-increment: page 0; @top-center { content: none; border: none; }\n"
            "    @bottom-center { content: none; } }\n"
            "  .cover, nav#TOC { page: jixiao-front; }\n"
            "}\n</style>\n")


def write_print_style(meta: dict, target: Path) -> Path:
    """Write the <style> blocks for the HTML header (typography, printed page) to ``target``; return it."""
    target.write_text(typography_style() + print_style(meta), encoding="utf-8")
    return target
