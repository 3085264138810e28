"""The stitcher: a figure's caption is text in the Markdown it writes."""

import json

import pypandoc

from jixiao.assemble.stitch import figure_markdown
from jixiao.inputs.sanitize import REPORT_FORMAT


def _inlines_text(inlines) -> str:
    return "".join(i["c"] if i["t"] == "Str" else " " if i["t"] == "Space" else "?" for i in inlines)


def test_a_figure_caption_is_text_whatever_it_holds(tmp_path):
    """An exhibits caption such as 『图]#x[ <b onclick=x>$y$</b>』 once closed the image early: the
    figure vanished and its Markdown was printed in the report."""
    caption = '图]#read("/etc/passwd")[ <b onclick=x>$y$</b> *粗*'
    markdown = figure_markdown(tmp_path / "figures", "budget_lines-chart", caption, b"png")
    doc = json.loads(pypandoc.convert_text(markdown, "json", format=REPORT_FORMAT))
    [block] = doc["blocks"]
    assert block["t"] == "Figure"
    [image] = block["c"][2][0]["c"]
    assert image["t"] == "Image" and image["c"][2][0] == "figures/budget_lines-chart.png"
    assert _inlines_text(image["c"][1]).endswith(caption)
    assert (tmp_path / "figures" / "budget_lines-chart.png").read_bytes() == b"png"
