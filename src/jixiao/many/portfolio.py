"""The portfolio view: one report over many projects and years.

``jixiao portfolio params/*.yaml`` reads the projects (no notebooks run) and writes
``output/portfolio/``: ``portfolio.html``, ``portfolio.pdf``, ``portfolio.docx``,
``portfolio.md`` with ``figures/``, and ``portfolio.json``. It holds the totals and grades of every project,
the grade distribution (each total mapped to the common 优/良/中/差 band, since frameworks
name their grades differently), the score rates of each level-1 dimension grouped by
framework, the indicators where most points are lost, and each project's year-on-year
change (projects with the same name apart from a leading "YYYY年"). The cover carries a
title and the portfolio's date: ``--date``, or else the latest report date of the projects,
said as such; the body ends with a 落款 as the project reports set it.
"""

import json
import re
import shutil
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import yaml

from .. import fonts
from ..assemble.render import builtin as render_builtin
from ..assemble.render.pdf_pages import heading_pages
from ..assemble.runner import swap_in
from ..assemble.numbering import Block, number
from ..assemble.stitch import figure_markdown
from ..config import project_root
from ..errors import InputError
from ..inputs import frameworks
from ..inputs.params import DEFAULT_GRADES, PENDING
from ..numeric import HUNDRED, aligned, fixed2, month_text, trimmed
from ..pieces.markdown import SPAN, grid_table, pipe_table
from ..project import Project, load_project
from ..markup import escape, refer
from ..scoring.tree import branch_score, grade_for, rate_text

FOLDER = "portfolio"
TOP_LOST = 10
YEAR_PREFIX = re.compile(r"^\s*\d{4}\s*年度?")


def series_name(name: str) -> str:
    """A project's name without its leading year: the key for year-on-year change."""
    return YEAR_PREFIX.sub("", name).strip()


def load(paths: list[str]) -> list[tuple[str, Project]]:
    """Every project, or InputError listing the problems of all that fail."""
    loaded, problems = [], []
    for path in paths:
        try:
            loaded.append((path, load_project(path)))
        except InputError as exc:
            problems += exc.messages
    if problems:
        raise InputError(problems)
    return loaded


def framework_title(name: str) -> str:
    """A shipped framework's title, or the name a project gave its own framework."""
    return frameworks.load(name).get("title", name) if name in frameworks.names() else name


def band(total: Decimal) -> str:
    """The common band of a total: 优 (90 and up), 良, 中, 差, half-open as in grading."""
    return grade_for(total, DEFAULT_GRADES)


def band_ranges() -> list[tuple[str, str]]:
    """(band, score range in words) from the highest band down."""
    lows = sorted(DEFAULT_GRADES, key=lambda g: g.min, reverse=True)
    ranges = []
    for n, grade in enumerate(lows):
        low = trimmed(grade.min)
        if n == 0:
            ranges.append((grade.label, f"{low} 分及以上"))
        elif grade.min == 0:
            ranges.append((grade.label, f"{trimmed(lows[n - 1].min)} 分以下"))
        else:
            ranges.append((grade.label, f"{low} 分及以上、{trimmed(lows[n - 1].min)} 分以下"))
    return ranges


def _signed(value: Decimal) -> str:
    text = fixed2(value)
    return text if text.startswith("-") else f"+{text}"


def summarize(loaded: list[tuple[str, Project]]) -> dict:
    """portfolio.json: every figure as the report prints it."""
    projects = [p for _, p in loaded]
    rows = [{
        "file": path,
        "project": p.info.name,
        "year": p.info.year,
        "framework": p.params.framework.name,
        "total": fixed2(p.card.total),
        "rate": f"{fixed2(p.card.rate)}%",
        "grade": p.card.grade,
        "band": band(p.card.total),
        "report_date": p.info.report_date.isoformat() if p.info.dated else None,
        "evaluator": p.info.evaluator if p.info.evaluator not in (None, PENDING) else None,
        "implementing_unit": p.info.implementing_unit,
        "dimensions": [{"code": d.code, "name": d.name, "weight": trimmed(d.weight),
                        "applicable_weight": trimmed(d.applicable_weight), "score": branch_score(d, p.style),
                        "rate": rate_text(d)} for d in p.card.dimensions],
    } for path, p in loaded]
    grades = []
    for label, words in band_ranges():
        members = [p for p in projects if band(p.card.total) == label]
        by_framework, own = defaultdict(int), defaultdict(int)
        for p in members:
            by_framework[framework_title(p.params.framework.name)] += 1
            own[p.card.grade] += 1
        grades.append({"band": label, "range": words, "count": len(members),
                       "share": f"{fixed2(Decimal(len(members)) * HUNDRED / len(projects))}%",
                       "by_framework": dict(by_framework), "grades": dict(own)})

    dims = defaultdict(lambda: [0, Decimal(0), Decimal(0)])  # (framework, code, name) -> projects, weight, score
    for p in projects:
        for d in p.card.dimensions:
            if not d.applicable:
                continue
            key = (framework_title(p.params.framework.name), d.code, d.name)
            dims[key][0] += 1
            dims[key][1] += d.applicable_weight
            dims[key][2] += d.score
    dimensions = [{"framework": f, "code": c, "name": n, "projects": k, "weight": trimmed(w), "score": fixed2(s),
                   "rate": f"{fixed2(s * HUNDRED / w)}%"} for (f, c, n), (k, w, s) in dims.items()]

    lost = defaultdict(lambda: [0, Decimal(0), Decimal(0)])  # indicator name -> projects, max, lost
    codes = defaultdict(dict)  # indicator name -> its codes in the projects, in order
    for p in projects:
        for i in p.card.indicators:
            lost[i.name][0] += 1
            lost[i.name][1] += i.max
            lost[i.name][2] += i.lost
            codes[i.name][i.code] = None
    ranked = sorted(((n, c, m, x) for n, (c, m, x) in lost.items() if x > 0), key=lambda r: (-r[3], r[0]))
    points_lost = [{"indicator": n, "codes": list(codes[n]), "projects": c, "max": trimmed(m), "lost": fixed2(x),
                    "lost_rate": f"{fixed2(x * HUNDRED / m)}%"} for n, c, m, x in ranked[:TOP_LOST]]

    series = defaultdict(list)
    for p in projects:
        series[series_name(p.info.name)].append(p)
    year_on_year = []
    for name, members in series.items():
        years = sorted(members, key=lambda p: p.info.year)
        if len({p.info.year for p in years}) < 2:
            continue
        steps = [{"year": p.info.year, "total": fixed2(p.card.total), "grade": p.card.grade,
                  "change": "" if n == 0 else _signed(p.card.total - years[n - 1].card.total)}
                 for n, p in enumerate(years)]
        year_on_year.append({"project": name, "years": steps})
    return {"count": len(projects), "projects": rows, "grades": grades,
            "dimensions": dimensions, "points_lost": points_lost, "year_on_year": year_on_year}


def _figure(figures: Path, fig, label: str, caption: str) -> str:
    from ..pieces.charts import png

    return figure_markdown(figures, label, caption, png(fig))


def _frameworks_in_order(dimensions: list[dict]) -> list[str]:
    return list(dict.fromkeys(d["framework"] for d in dimensions))


def rates_chart(dimensions: list[dict]):
    """Horizontal bars of each level-1 dimension's score rate, one colour per framework named in
    a legend under the plot (no title inside the image: the caption says what it shows)."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    from ..pieces.charts import WIDTH, palette, style

    style()
    groups = _frameworks_in_order(dimensions)
    colours = {g: palette()[n % len(palette())] for n, g in enumerate(groups)}
    rows = [d for g in groups for d in dimensions if d["framework"] == g][::-1]
    legend = 0.25 * len(groups) + 0.1 if len(groups) > 1 else 0  # inches under the plot
    height = 0.42 * len(rows) + 0.9 + legend
    fig, ax = plt.subplots(figsize=(WIDTH, height))
    bars = ax.barh(range(len(rows)), [float(d["rate"][:-1]) for d in rows],
                   color=[colours[d["framework"]] for d in rows], height=0.6)
    ax.set_yticks(range(len(rows)), [f"{d['code']} {d['name']}" for d in rows])
    ax.bar_label(bars, labels=[d["rate"] for d in rows], padding=3, fontsize=9)
    ax.set_xlim(0, 110)
    ax.tick_params(axis="y", labelsize=9)
    ax.set_xlabel("得分率（%）")
    if len(groups) > 1:
        fig.legend(handles=[Patch(color=colours[g], label=g) for g in groups], fontsize=8, loc="lower center",
                   ncol=1, frameon=False)
    fig.tight_layout(rect=(0, legend / height, 1, 1))
    return fig


def bands_chart(grades: list[dict]):
    """Projects per common band, each bar split by framework."""
    import matplotlib.pyplot as plt

    from ..pieces.charts import WIDTH, palette, style

    style()
    groups = list(dict.fromkeys(f for g in grades for f in g["by_framework"]))
    fig, ax = plt.subplots(figsize=(WIDTH, 2.6 + 0.25 * len(groups)))
    bottom = [0] * len(grades)
    labels = [g["band"] for g in grades]
    for n, group in enumerate(groups):
        counts = [g["by_framework"].get(group, 0) for g in grades]
        ax.bar(labels, counts, bottom=bottom, color=palette()[n % len(palette())], width=0.55, label=group)
        bottom = [b + c for b, c in zip(bottom, counts)]
    for x, total in enumerate(bottom):
        ax.text(x, total, str(total), ha="center", va="bottom", fontsize=9)
    ax.set(ylabel="项目数（个）", ylim=(0, max(bottom + [1]) * 1.3))
    ax.yaxis.get_major_locator().set_params(integer=True)
    if groups:
        ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=1, frameon=False)
    fig.tight_layout()
    return fig


def markdown(data: dict, figures: Path, day: date) -> str:
    """The report body: five chapters of tables and charts, and the 落款 dated ``day``."""
    rows = data["projects"]
    years = sorted({r["year"] for r in rows})
    span = f"{years[0]}年" if len(years) == 1 else f"{years[0]}—{years[-1]}年"
    mean = sum(Decimal(r["total"]) for r in rows) / len(rows)
    bands = "、".join(f"{g['band']}（{g['range']}）" for g in data["grades"])
    dimension_rows = []
    for group in _frameworks_in_order(data["dimensions"]):
        members = [d for d in data["dimensions"] if d["framework"] == group]
        weights = aligned([Decimal(d["weight"]) for d in members])
        dimension_rows += [[group if n == 0 else SPAN, f"{d['code']} {d['name']}", str(d["projects"]), w,
                            d["score"], d["rate"]] for n, (d, w) in enumerate(zip(members, weights))]
    parts = [
        "# 一、总体情况",
        f"本报告汇总 {data['count']} 个项目（{span}）的绩效评价结果，平均得分 {fixed2(mean)} 分，"
        f"各项目得分与评级见{refer('projects')}。",
        pipe_table(["序号", "项目", "年度", "总分", "得分率", "评级", "统一档次"],
                   [[str(n), r["project"], str(r["year"]), r["total"], r["rate"], r["grade"], r["band"]]
                    for n, r in enumerate(rows, 1)], "projects", "各项目得分与评级", "clcrrcc"),
        "# 二、评级分布",
        f"各指标框架的评级名称和档次不同（如“优秀”“优”），本报告按总分把每个项目折算到统一的四个档次：{bands}，"
        f"再按档次统计；各项目按所用框架评定的评级见{refer('projects')}。",
        pipe_table(["统一档次", "分数区间", "项目数", "占比", "其中各框架评级"],
                   [[g["band"], g["range"], str(g["count"]), g["share"],
                     "、".join(f"{label} {n} 个" for label, n in g["grades"].items()) or "—"]
                    for g in data["grades"]], "grades", "评级分布（按统一档次）", "ccrrl"),
        _figure(figures, bands_chart(data["grades"]), "grades-chart", "评级分布（按统一档次和指标框架）"),
        "# 三、各一级指标得分率",
        "按指标框架分别列出各一级指标的得分率：得分率 = 各项目该指标得分之和 ÷ 适用满分之和（不含不适用的指标）。",
        grid_table(["指标框架", "一级指标", "项目数", "适用满分合计", "得分合计", "得分率"], dimension_rows,
                   "dimensions", "各一级指标得分率", "llrrrr"),
        _figure(figures, rates_chart(data["dimensions"]), "dimensions-chart", "各一级指标得分率（按指标框架）"),
        "# 四、失分最多的指标",
        f"按三级指标名称合并各项目的失分（满分值 − 评分值），列出失分最多的 {len(data['points_lost'])} 项；"
        "同名指标在各项目中的编号不同时，编号都列出。",
        pipe_table(["三级指标", "涉及项目数", "满分合计", "失分合计", "失分率"],
                   [[f"{'、'.join(r['codes'])} {r['indicator']}", str(r["projects"]), m, r["lost"], r["lost_rate"]]
                    for r, m in zip(data["points_lost"], aligned([Decimal(r["max"]) for r in data["points_lost"]]))],
                   "points-lost", "失分最多的三级指标", "lrrrr") if data["points_lost"] else "各项目均未失分。",
        "# 五、同一项目的年度变化",
    ]
    if data["year_on_year"]:
        parts.append("名称相同（不计开头的年度）的项目按年度比较总分。")
        parts.append(pipe_table(["项目", "年度", "总分", "评级", "较上年"],
                                [[s["project"], str(y["year"]), y["total"], y["grade"], y["change"] or "—"]
                                 for s in data["year_on_year"] for y in s["years"]], "year-on-year",
                                "同一项目各年度得分", "lcrcr"))
    else:
        parts.append("所汇总的项目中没有跨年度的同名项目。")
    parts.append("本汇总报告的数据取自各项目的参数文件和数据表，各项目的评价结论以其评价报告为准。")
    parts += signature(data, day)
    return number([Block("markdown", "\n\n".join(parts))])


def signature(data: dict, day: date) -> list[str]:
    """The 落款 as the project reports set it (report.lua): who seals, then the date. The
    evaluators of the projects seal it (several in one line, 、 between them); without any, the
    implementing units of the self-assessments."""
    evaluators = list(dict.fromkeys(r["evaluator"] for r in data["projects"] if r["evaluator"]))
    if evaluators:
        signer = f"评价机构（盖章）：{'、'.join(evaluators)}"
    else:
        signer = f"项目单位（盖章）：{'、'.join(dict.fromkeys(r['implementing_unit'] for r in data['projects']))}"
    return [escape(signer), f"报告日期：{month_text(day.isoformat())}"]


def front_matter(data: dict, on: date | None) -> dict:
    """Cover and running header: a title over the years covered, the projects' report dates,
    and the portfolio's one plain date (``on``, or else the latest report date)."""
    years = sorted({r["year"] for r in data["projects"]})
    span = f"{years[0]}年度" if len(years) == 1 else f"{years[0]}—{years[-1]}年度"
    dates = sorted(date.fromisoformat(r["report_date"]) for r in data["projects"] if r["report_date"])
    if not dates and not on:
        raise InputError("所汇总项目的 report_date 都还是「待填写」：请填写报告日期，或用 --date 指定汇总报告的日期")
    dates = dates or [on]
    reported = month_text(dates[0].isoformat()) if dates[0] == dates[-1] else \
        f"{month_text(dates[0].isoformat())}至{month_text(dates[-1].isoformat())}"
    day = on or dates[-1]
    title = f"{span}项目支出绩效评价汇总报告"
    return {
        "title": title, "cover-title": [f"{span}", "项目支出绩效评价汇总报告"], "project": title,
        "cover": [{"label": "项目数", "value": f"{data['count']} 个"},
                  {"label": "评价年度", "value": "、".join(str(y) for y in years)},
                  {"label": "指标框架", "value": "；".join(_frameworks_in_order(data["dimensions"]))},
                  {"label": "各项目报告日期", "value": reported}],
        "date": month_text(day.isoformat()),
        "date-iso": day.isoformat(), "lang": "zh-Hans", "toc-title": "目录", **fonts.metadata(),
    }


def write_portfolio(paths: list[str], formats: list[str], on: date | None = None) -> Path:
    """Build output/portfolio/ for the given parameter files; return the folder. ``on`` is
    the date printed on the cover (default: the latest report date of the projects)."""
    loaded = load(paths)
    data = summarize(loaded)
    final = project_root(Path(paths[0])) / "output" / FOLDER
    build = final.parent / f".build-{FOLDER}"
    shutil.rmtree(build, ignore_errors=True)
    build.mkdir(parents=True)
    meta = front_matter(data, on)
    body = markdown(data, build / "figures", date.fromisoformat(meta["date-iso"]))
    source = build / "portfolio.md"
    source.write_text(f"---\n{yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)}---\n\n{body}\n",
                      encoding="utf-8")
    for fmt in sorted(formats, key=lambda f: f == "docx"):  # Word's contents take the PDF's page numbers
        if fmt == "docx":
            made = build / "portfolio.pdf"
            pages = (lambda: heading_pages(made)) if made.exists() else None
            render_builtin.docx(source, build / "portfolio.docx", pages)
            (build / "reference.docx").unlink(missing_ok=True)
        else:
            render_builtin.RENDERERS[fmt](source, build / f"portfolio.{fmt}")
    (build / "portfolio.json").write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    swap_in(build, final)
    return final
