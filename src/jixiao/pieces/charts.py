"""Chart builders: one look for every chart of the report (A4 text width, the CJK font, no title
inside the image — the caption is the figure's), values printed on the bars in the report's own
number formats and in the unit of the axis.

The look (colours, sizes, grid) is a matplotlib style sheet: ``notebooks/charts.mplstyle`` of the
template, then a project's own ``charts.mplstyle`` in its data folder (only the keys of the look,
see ``inputs/chart_style.py``), then whatever the notebook sets with ``plt.rcParams`` after opening the
chapter. Each builder returns a matplotlib Figure; a cell with ``#| label: fig-…`` shows it as a
numbered figure.
"""

import io
import math
from pathlib import Path
from decimal import Decimal

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from .. import fonts  # noqa: E402
from ..config import notebooks_dir, project_root, template_notebooks  # noqa: E402
from ..inputs.chart_style import STYLE_FILE, read_chart_style  # noqa: E402
from ..numeric import Style, yuan  # noqa: E402

_applied = {"done": False}
WIDTH = 6.3  # inches: the A4 text width (16 cm)
# inches: the A4 text height (24.7 cm) less a caption and the space around it: a taller chart
# printed at the text width would run into the page number and push its caption off the page
MAX_HEIGHT = 8.4
LABEL_CHARS = 18  # wrap category labels beyond this many characters
CLOSING = "、，。；：！？）》」』】"
DPI = 200


def png(fig) -> bytes:
    """The chart as a print-resolution PNG; the figure is closed. No timestamp is written, so
    the same chart always gives the same bytes."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()


def use_style(project=None) -> None:
    """The report's chart style: the template's style sheet, then the project's own, then the CJK
    font (registered first: a font installed after matplotlib built its cache is otherwise
    unknown). Labels come from the analyst's tables: ``$…$`` in them is text, never mathtext."""
    plt.rcdefaults()
    sheet = template_notebooks() / STYLE_FILE
    if project is not None:  # the project root's own copy of the template, when it has one
        own_template = notebooks_dir(project_root(Path(project.source))) / STYLE_FILE
        sheet = own_template if own_template.is_file() else sheet
    plt.style.use(str(sheet))
    own = project.data_dir / STYLE_FILE if project is not None else None
    if own is not None and own.is_file():
        plt.rcParams.update(read_chart_style(own))
    chosen = fonts.sans()
    family = ["sans-serif"]
    if chosen:
        if str(chosen[1]) not in _applied.setdefault("fonts", set()):  # reading a CJK font file takes a while
            font_manager.fontManager.addfont(str(chosen[1]))
            _applied["fonts"].add(str(chosen[1]))
        family = [chosen[0]]
    plt.rcParams.update({"font.family": family, "svg.hashsalt": "jixiao", "text.parse_math": False,
                         "text.usetex": False})
    _applied["done"] = True


def warm_up() -> None:
    """Draw one small chart in the report's style and font, then put matplotlib's settings back.
    The kernel zygote does this once, so that no chapter reads the CJK font file or loads the
    PNG writer again."""
    with plt.rc_context():
        use_style()
        fig, axes = plt.subplots(figsize=(1, 1))
        axes.bar(["图表"], [1])
        png(fig)
    _applied["done"] = False


def style() -> None:
    """The style for charts drawn outside a chapter (the portfolio report), applied once."""
    if not _applied["done"]:
        use_style()


def palette() -> list[str]:
    """The style's colours: a chart's series in turn, the last of the first three for emphasis."""
    from matplotlib.colors import to_hex

    style()
    colours = [to_hex(c) for c in plt.rcParams["axes.prop_cycle"].by_key().get("color", [])] or ["#2e75b6"]
    return [colours[n % len(colours)] for n in range(max(3, len(colours)))]


def _wrap(label: str) -> str:
    """A long category label on balanced lines of at most LABEL_CHARS characters (Chinese has no
    spaces to break at, so lines break between characters)."""
    count = math.ceil(len(label) / LABEL_CHARS) or 1
    size = math.ceil(len(label) / count)
    lines = [label[n:n + size] for n in range(0, len(label), size)]
    for n in range(1, len(lines)):  # no line starts with a closing punctuation mark (避头)
        while lines[n] and lines[n][0] in CLOSING:
            lines[n - 1], lines[n] = lines[n - 1] + lines[n][0], lines[n][1:]
    return "\n".join(line for line in lines if line) or label


def _axes(height: float) -> tuple:
    """A chart at the text width and ``height`` inches, at most MAX_HEIGHT; the scale its labels
    shrink by when it had to be shorter (many indicators lost points)."""
    scale = min(1.0, MAX_HEIGHT / height)
    fig, ax = plt.subplots(figsize=(WIDTH, min(height, MAX_HEIGHT)))
    return fig, ax, scale


def _shrink_labels(ax, scale: float) -> None:
    if scale < 1:
        for label in ax.get_yticklabels():
            label.set_fontsize(label.get_fontsize() * scale)


def bars(labels: list[str], values: list[Decimal], texts: list[str], axis: str, colours: list[str] | None = None,
         limit: float | None = None) -> plt.Figure:
    """Horizontal bars, first item on top, each labelled with its printed value."""
    style()
    lines = sum(_wrap(label).count("\n") + 1 for label in labels)
    fig, ax, scale = _axes(0.6 + 0.17 * lines + 0.1 * len(labels))
    positions = range(len(labels))[::-1]
    drawn = ax.barh(list(positions), [float(v) for v in values], color=colours or palette()[0], height=0.6)
    ax.bar_label(drawn, labels=texts, padding=3, fontsize=8 * scale)
    ax.set_yticks(list(positions), [_wrap(label) for label in labels])
    _shrink_labels(ax, scale)
    ax.set_xlabel(axis)
    top = max((float(v) for v in values), default=0) or 1
    ax.set_xlim(0, limit or top * 1.18)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]))
    ax.grid(axis="y", visible=False)
    fig.tight_layout()
    return fig


def grouped_bars(labels: list[str], series: dict[str, list[Decimal]], texts: dict[str, list[str]], axis: str,
                 limit: float | None = None) -> plt.Figure:
    """Horizontal bars of two or more series per category, with a legend."""
    style()
    count = len(series)
    lines = sum(_wrap(label).count("\n") + 1 for label in labels)
    fig, ax, scale = _axes(0.8 + 0.17 * lines + 0.2 * len(labels) * count)
    height = 0.8 / count
    for n, (name, values) in enumerate(series.items()):
        positions = [len(labels) - 1 - i + (count - 1 - n - (count - 1) / 2) * height for i in range(len(labels))]
        drawn = ax.barh(positions, [float(v) for v in values], height=height * 0.92, label=name,
                        color=palette()[(n + 1) % 2] if count == 2 else palette()[n % len(palette())])
        ax.bar_label(drawn, labels=texts[name], padding=3, fontsize=8 * scale)
    ax.set_yticks(list(range(len(labels)))[::-1], [_wrap(label) for label in labels])
    _shrink_labels(ax, scale)
    ax.set_xlabel(axis)
    top = max((float(v) for values in series.values() for v in values), default=0) or 1
    ax.set_xlim(0, limit or top * 1.25)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]))
    ax.grid(axis="y", visible=False)
    handles, names = ax.get_legend_handles_labels()
    ax.legend(handles[::-1], names[::-1], loc="lower right", fontsize=8)
    fig.tight_layout()
    return fig


def dimension_rates(project) -> plt.Figure:
    """得分率 of each level-1 indicator and of the whole, the whole in the emphasis colour; a
    wholly inapplicable level-1 indicator keeps its place, marked 不适用; one scored 0–100 shows
    its 百分制得分, as 表 3-1 does (never a second, differently rounded rate beside it)."""
    v, style_ = project.values, project.style
    dims = list(v.dimensions)

    def bar(d):
        if not d.applicable:
            return Decimal(0), "不适用"
        if d.criterion is not None:
            return d.criterion, f"{style_.score(d.criterion)}（百分制）"
        return d.rate, style_.rate(d.rate)

    drawn = [bar(d) for d in dims]
    rates = [r for r, _ in drawn] + [v.rate]
    texts = [t for _, t in drawn] + [style_.rate(v.rate)]
    return bars([f"{d.code} {d.name}" for d in dims] + ["总体"], rates, texts,
                "得分率（%）", [palette()[0]] * len(dims) + [palette()[2]], limit=112)


def points_lost(project) -> plt.Figure:
    """Points lost (满分值 − 评分值) by level-3 indicator, largest first."""
    lost = sorted((i for i in project.card.indicators if i.lost > 0), key=lambda i: (-i.lost, i.code))
    return bars([i.label for i in lost], [i.lost for i in lost], [project.style.score(i.lost) for i in lost],
                "失分（分）")


def year_over_year(project) -> plt.Figure:
    """得分率 of each level-1 indicator, last year against this year."""
    before = {d.code: d for d in project.previous.values.dimensions}
    dims = [d for d in project.values.dimensions if d.code in before and d.applicable and before[d.code].applicable]
    last, now = [before[d.code].rate for d in dims], [d.rate for d in dims]
    return grouped_bars([f"{d.code} {d.name}" for d in dims], {"上年": last, "本年": now},
                        {"上年": [Style.rate(r) for r in last], "本年": [Style.rate(r) for r in now]},
                        "得分率（%）", limit=118)


def _wan(value) -> Decimal:
    return Decimal(value) / Decimal(10000)


def _two(value) -> str:
    """A value in 万 as printed on a bar: separators and two decimals (1,009.31)."""
    return yuan(value)


def _budget_lines(project) -> plt.Figure:
    rows = project.table("budget_lines")
    amounts = [_wan(r.amount) for r in rows]
    return bars([r.name for r in rows], amounts, [_two(a) for a in amounts], "预算金额（万元）")


def _queries(project) -> plt.Figure:
    """Queries by subject this year in 万次; last year beside it when the table has it."""
    rows = project.table("queries")
    now = [_wan(r.year) for r in rows]
    if rows and all(r.get("previous") for r in rows):
        last = [_wan(r.previous) for r in rows]
        return grouped_bars([r.subject for r in rows], {"上年": last, "本年": now},
                            {"上年": [_two(x) for x in last], "本年": [_two(x) for x in now]}, "查询次数（万次）")
    return bars([r.subject for r in rows], now, [_two(x) for x in now], "本年查询次数（万次）")


def _surveys(project) -> plt.Figure:
    rows = project.table("surveys")
    rates = [r.rate for r in rows]
    return bars([r.group for r in rows], rates, [Style.rate(r) for r in rates], "满意度（%）", limit=112)


TABLE_CHARTS = {"budget_lines": _budget_lines, "queries": _queries, "surveys": _surveys}


def table_chart(project, name: str) -> plt.Figure:
    """The chart of a data table (``exhibits: [{chart: queries, …}]``)."""
    return TABLE_CHARTS[name](project)

