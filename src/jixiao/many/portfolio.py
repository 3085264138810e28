"""The portfolio view: one report over many projects and years.

``jixiao portfolio params/*.yaml`` reads the projects (no notebooks run) and writes
``output/portfolio/``: ``portfolio.html``, ``portfolio.pdf``, ``portfolio.md`` with
``figures/``, and ``portfolio.json``. It holds the totals and grades of every project,
the grade distribution, the score rates of each level-1 dimension over all projects,
the indicators where most points are lost, and each project's year-on-year change
(projects with the same name apart from a leading "YYYY年").
"""

import json
import re
import shutil
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import yaml

from .. import fonts

from ..build.render import builtin as render_builtin
from ..config import project_root
from ..errors import InputError
from ..pieces.markdown import pipe_table
from ..project import Project, load_project
from ..numeric import HUNDRED, fixed2, month_text, trimmed
from ..scoring.tree import branch_score, rate_text
from ..build.runner import swap_in
from ..build.numbering import Block, number
from ..build.stitch import figure_markdown
from ..markup import refer

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


def _grade_order(projects: list[Project]) -> list[str]:
    """Grade labels from the highest band down, as the frameworks declare them."""
    lows = {}
    for p in projects:
        for g in p.params.framework.grades:
            lows[g.label] = max(lows.get(g.label, g.min), g.min)
    return sorted(lows, key=lambda label: -lows[label])


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
        "dimensions": [{"code": d.code, "name": d.name, "weight": trimmed(d.weight),
                        "applicable_weight": trimmed(d.applicable_weight), "score": branch_score(d, p.style),
                        "rate": rate_text(d)} for d in p.card.dimensions],
    } for path, p in loaded]
    counts = {label: sum(1 for p in projects if p.card.grade == label) for label in _grade_order(projects)}
    grades = [{"grade": g, "count": n, "share": f"{fixed2(Decimal(n) * HUNDRED / len(projects))}%"}
              for g, n in counts.items() if n]

    dims = defaultdict(lambda: [0, Decimal(0), Decimal(0)])  # name -> projects, weight, score
    for p in projects:
        for d in p.card.dimensions:
            if not d.applicable:
                continue
            dims[d.name][0] += 1
            dims[d.name][1] += d.applicable_weight
            dims[d.name][2] += d.score
    dimensions = [{"name": n, "projects": c, "weight": trimmed(w), "score": fixed2(s), "rate": f"{fixed2(s * HUNDRED / w)}%"} for n, (c, w, s) in dims.items()]

    lost = defaultdict(lambda: [0, Decimal(0), Decimal(0)])  # indicator name -> projects, max, lost
    for p in projects:
        for i in p.card.indicators:
            lost[i.name][0] += 1
            lost[i.name][1] += i.max
            lost[i.name][2] += i.lost
    ranked = sorted(((n, c, m, x) for n, (c, m, x) in lost.items() if x > 0), key=lambda r: (-r[3], r[0]))
    points_lost = [{"indicator": n, "projects": c, "max": trimmed(m), "lost": fixed2(x),
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


def markdown(data: dict, figures: Path) -> str:
    """The report body: five chapters of tables and charts."""
    from ..pieces import charts

    rows = data["projects"]
    years = sorted({r["year"] for r in rows})
    span = f"{years[0]}年" if len(years) == 1 else f"{years[0]}—{years[-1]}年"
    mean = sum(Decimal(r["total"]) for r in rows) / len(rows)
    parts = [
        "# 一、总体情况",
        f"本报告汇总 {data['count']} 个项目（{span}）的绩效评价结果，平均得分 {fixed2(mean)} 分，"
        f"各项目得分与评级见{refer('projects')}。",
        pipe_table(["序号", "项目", "年度", "总分", "得分率", "评级"],
                   [[str(n), r["project"], str(r["year"]), r["total"], r["rate"], r["grade"]]
                    for n, r in enumerate(rows, 1)], "projects", "各项目得分与评级", "clcrrc"),
        "# 二、评级分布",
        "、".join(f"“{g['grade']}” {g['count']} 个（{g['share']}）" for g in data["grades"]) + "。",
        pipe_table(["评级", "项目数", "占比"], [[g["grade"], str(g["count"]), g["share"]] for g in data["grades"]],
                   "grades", "评级分布", "crr"),
        _figure(figures, charts.bars([g["grade"] for g in data["grades"]], [Decimal(g["count"]) for g in data["grades"]],
                                     [str(g["count"]) for g in data["grades"]], "项目数（个）"),
                "grades-chart", "评级分布"),
        "# 三、各一级指标得分率",
        "同名一级指标合并计算：得分率 = 各项目该指标得分之和 ÷ 适用满分之和（不含不适用的指标）。",
        pipe_table(["一级指标", "项目数", "适用满分合计", "得分合计", "得分率"],
                   [[d["name"], str(d["projects"]), d["weight"], d["score"], d["rate"]] for d in data["dimensions"]],
                   "dimensions", "各一级指标得分率", "lrrrr"),
        _figure(figures, charts.bars([d["name"] for d in data["dimensions"]],
                                     [Decimal(d["rate"][:-1]) for d in data["dimensions"]],
                                     [d["rate"] for d in data["dimensions"]], "得分率（%）", limit=112),
                "dimensions-chart", "各一级指标得分率"),
        "# 四、失分最多的指标",
        f"按三级指标名称合并各项目的失分（满分值 − 评分值），列出失分最多的 {len(data['points_lost'])} 项。",
        pipe_table(["三级指标", "涉及项目数", "满分合计", "失分合计", "失分率"],
                   [[r["indicator"], str(r["projects"]), r["max"], r["lost"], r["lost_rate"]] for r in data["points_lost"]],
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
    return number([Block("markdown", "\n\n".join(parts))])


def write_portfolio(paths: list[str], formats: list[str]) -> Path:
    """Build output/portfolio/ for the given parameter files; return the folder."""
    loaded = load(paths)
    data = summarize(loaded)
    final = project_root(Path(paths[0])) / "output" / FOLDER
    build = final.parent / f".build-{FOLDER}"
    shutil.rmtree(build, ignore_errors=True)
    build.mkdir(parents=True)
    body = markdown(data, build / "figures")
    latest = max((p.info.report_date for _, p in loaded if p.info.dated), default=None)
    meta = {"title": "项目支出绩效评价汇总报告", "project": f"{data['count']} 个项目绩效评价汇总",
            "cover": [{"label": "项目数", "value": f"{data['count']} 个"},
                      {"label": "评价年度", "value": "、".join(str(y) for y in sorted({r['year'] for r in data['projects']}))}],
            "date": month_text(latest.isoformat()) if latest else "", "lang": "zh-Hans", "toc-title": "目录", **fonts.metadata()}
    source = build / "portfolio.md"
    source.write_text(f"---\n{yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)}---\n\n{body}\n",
                      encoding="utf-8")
    for fmt in formats:
        render_builtin.RENDERERS[fmt](source, build / f"portfolio.{fmt}")
    (build / "portfolio.json").write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    swap_in(build, final)
    return final

