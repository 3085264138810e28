"""Seaborn charts of the report, one palette and style, Chinese labels.

Each function takes project data and returns a matplotlib Figure; values printed
on bars use the report's own number formats.
"""

import io
from decimal import Decimal

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402
from matplotlib import font_manager  # noqa: E402

from .. import fonts  # noqa: E402
from ..numeric import fixed2, growth, thousands, trimmed, wan  # noqa: E402

PALETTE = ["#1f4e79", "#c55a11", "#548235", "#7f6000", "#7030a0", "#2e75b6"]
WIDTH = 6.3  # inches: the A4 text width


def png(fig) -> bytes:
    """The chart as a print-resolution PNG; the figure is closed."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=200, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def style() -> None:
    """Apply the report style; register the CJK font first (seaborn resets fonts)."""
    chosen = fonts.sans()
    family = "sans-serif"
    if chosen:
        font_manager.fontManager.addfont(str(chosen[1]))
        family = chosen[0]
    sns.set_theme(style="whitegrid", palette=PALETTE, font=family, rc={
        "axes.unicode_minus": False,
        "axes.titlesize": 12,
        "axes.labelsize": 10,
        "figure.dpi": 100,
    })


def _label_bars(ax, labels) -> None:
    for container, texts in zip(ax.containers, labels):
        ax.bar_label(container, labels=texts, padding=3, fontsize=9)


def dimension_rates(card) -> plt.Figure:
    """得分率 by level-1 dimension, against the total rate."""
    style()
    frame = pd.DataFrame({
        "维度": [d.label for d in card.dimensions] + ["总体"],
        "得分率": [float(d.rate) for d in card.dimensions] + [float(card.rate)],
    })
    fig, ax = plt.subplots(figsize=(WIDTH, 3.2))
    sns.barplot(frame, x="维度", y="得分率", hue="维度", legend=False, ax=ax)
    _label_bars(ax, [[f"{fixed2(r)}%"] for r in [d.rate for d in card.dimensions] + [card.rate]])
    ax.set(ylim=(0, 110), xlabel="", ylabel="得分率（%）", title="各一级指标得分率")
    fig.tight_layout()
    return fig


def points_lost(card) -> plt.Figure:
    """Points lost (满分值 − 评分值) by level-3 indicator, largest first."""
    style()
    lost = sorted((i for i in card.indicators if i.lost > 0), key=lambda i: (-i.lost, i.code))
    frame = pd.DataFrame({"指标": [i.label for i in lost], "失分": [float(i.lost) for i in lost]})
    fig, ax = plt.subplots(figsize=(WIDTH, 0.38 * len(lost) + 1.0))
    sns.barplot(frame, y="指标", x="失分", color=PALETTE[1], ax=ax)
    _label_bars(ax, [[trimmed(i.lost) for i in lost]])
    ax.set(xlabel="失分（分）", ylabel="", title="各三级指标失分情况")
    ax.set_xlim(0, float(max((i.lost for i in lost), default=Decimal(1))) * 1.2)
    fig.tight_layout()
    return fig


def budget_composition(rows) -> plt.Figure:
    """Budget lines in 万元, as horizontal bars."""
    style()
    frame = pd.DataFrame({"子项目": [r.name for r in rows], "金额": [float(r.amount) / 10000 for r in rows]})
    fig, ax = plt.subplots(figsize=(WIDTH, 0.36 * len(rows) + 1.0))
    sns.barplot(frame, y="子项目", x="金额", color=PALETTE[0], ax=ax)
    _label_bars(ax, [[wan(r.amount) for r in rows]])
    ax.set(xlabel="预算金额（万元）", ylabel="", title="项目预算构成")
    ax.set_xlim(0, frame["金额"].max() * 1.2)
    fig.tight_layout()
    return fig


def queries_by_subject(rows) -> plt.Figure:
    """Queries by subject: the year against the cumulative count, in 万次."""
    style()
    frame = pd.DataFrame({
        "查询主体": [r.subject for r in rows] * 2,
        "口径": ["本年"] * len(rows) + ["累计"] * len(rows),
        "次数": [r.year / 10000 for r in rows] + [r.cumulative / 10000 for r in rows],
    })
    fig, ax = plt.subplots(figsize=(WIDTH, 3.4))
    sns.barplot(frame, y="查询主体", x="次数", hue="口径", ax=ax)
    _label_bars(ax, [[thousands(r.year) for r in rows], [thousands(r.cumulative) for r in rows]])
    ax.set(xlabel="查询次数（万次）", ylabel="", title="各查询主体查询次数")
    ax.set_xlim(0, frame["次数"].max() * 1.35)
    ax.legend(title="", loc="lower right")
    fig.tight_layout()
    return fig


def year_over_year(card, previous) -> plt.Figure:
    """得分率 by level-1 dimension, this year against last year."""
    style()
    before = {d.code: d for d in previous.dimensions}
    shared = [d for d in card.dimensions if d.code in before]
    frame = pd.DataFrame({
        "维度": [d.label for d in shared] * 2,
        "年度": ["上年"] * len(shared) + ["本年"] * len(shared),
        "得分率": [float(before[d.code].rate) for d in shared] + [float(d.rate) for d in shared],
    })
    fig, ax = plt.subplots(figsize=(WIDTH, 3.2))
    sns.barplot(frame, x="维度", y="得分率", hue="年度", ax=ax)
    _label_bars(ax, [[f"{fixed2(before[d.code].rate)}%" for d in shared], [f"{fixed2(d.rate)}%" for d in shared]])
    ax.set(ylim=(0, 115), xlabel="", ylabel="得分率（%）", title="各一级指标得分率与上年比较")
    ax.legend(title="", loc="lower right")
    fig.tight_layout()
    return fig


def has_previous_year(rows) -> bool:
    """Whether every query row carries a positive count for last year (上年查询次数)."""
    return bool(rows) and all(r.get("previous") for r in rows)


def queries_year_on_year(rows) -> plt.Figure:
    """Queries by subject: last year against this year, in 万次, growth in the labels."""
    style()
    frame = pd.DataFrame({
        "查询主体": [r.subject for r in rows] * 2,
        "年度": ["上年"] * len(rows) + ["本年"] * len(rows),
        "次数": [r.previous / 10000 for r in rows] + [r.year / 10000 for r in rows],
    })
    fig, ax = plt.subplots(figsize=(WIDTH, 3.4))
    sns.barplot(frame, y="查询主体", x="次数", hue="年度", ax=ax)
    _label_bars(ax, [[thousands(r.previous) for r in rows],
                     [f"{thousands(r.year)}（同比 {growth(r.year, r.previous)}）" for r in rows]])
    ax.set(xlabel="查询次数（万次）", ylabel="", title="各查询主体查询次数同比")
    ax.set_xlim(0, frame["次数"].max() * 1.6)
    ax.legend(title="", loc="lower right")
    fig.tight_layout()
    return fig


def survey_satisfaction(rows) -> plt.Figure:
    """满意度 by respondent group, on a 0–100 scale."""
    style()
    frame = pd.DataFrame({"调查对象": [r.group for r in rows], "满意度": [float(r.rate) for r in rows]})
    fig, ax = plt.subplots(figsize=(WIDTH, 0.5 * len(rows) + 1.2))
    sns.barplot(frame, y="调查对象", x="满意度", color=PALETTE[2], ax=ax)
    _label_bars(ax, [[f"{fixed2(r.rate)}%" for r in rows]])
    ax.set(xlim=(0, 110), xlabel="满意度（%）", ylabel="", title="各调查对象满意度")
    fig.tight_layout()
    return fig


def grade_counts(counts: list[tuple[str, int]]) -> plt.Figure:
    """Number of projects per grade, bands in order (portfolio view)."""
    style()
    frame = pd.DataFrame({"评级": [g for g, _ in counts], "项目数": [n for _, n in counts]})
    fig, ax = plt.subplots(figsize=(WIDTH, 3.0))
    sns.barplot(frame, x="评级", y="项目数", color=PALETTE[0], ax=ax)
    _label_bars(ax, [[str(n) for _, n in counts]])
    ax.set(xlabel="", ylabel="项目数（个）", title="评级分布")
    ax.set_ylim(0, max((n for _, n in counts), default=1) * 1.25)
    fig.tight_layout()
    return fig


def pooled_rates(rates: list[tuple[str, Decimal]]) -> plt.Figure:
    """得分率 by level-1 dimension name across projects (portfolio view)."""
    style()
    frame = pd.DataFrame({"一级指标": [n for n, _ in rates], "得分率": [float(r) for _, r in rates]})
    fig, ax = plt.subplots(figsize=(WIDTH, 3.2))
    sns.barplot(frame, x="一级指标", y="得分率", hue="一级指标", legend=False, ax=ax)
    _label_bars(ax, [[f"{fixed2(r)}%"] for _, r in rates])
    ax.set(ylim=(0, 110), xlabel="", ylabel="得分率（%）", title="各一级指标得分率（全部项目）")
    fig.tight_layout()
    return fig
