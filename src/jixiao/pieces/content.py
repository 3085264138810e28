"""The report's generated pieces, as Markdown: sentences with figures, tables and the
indicator-by-indicator analysis. Notebooks call these; every number comes from the
project's data and is formatted by ``rounding``."""

from decimal import Decimal
from itertools import groupby

from .markdown import SPAN, bullets, escape, grid_table, pipe_table
from ..scoring.tree import score_text
from ..numeric import fixed2, month_text, share, thousands, trimmed, wan, yuan


def score_sentence(ind) -> str:
    if not ind.applicable:
        return f"该指标不适用，不参与评分（满分 {trimmed(ind.max)} 分剔除后按百分制折算）。"
    return f"根据评价标准该指标评分为 {trimmed(ind.score)} 分（满分 {trimmed(ind.max)} 分）。"


def budget_paragraphs(project) -> str:
    b = project.params.budget
    lines = [
        f"**（1）项目预算。** 本项目资金列入{escape(b.category)}，项目预算 {wan(b.total)} 万元，"
        f"按 {len(project.table('budget_lines'))} 个子项目分解，明细见[[ref:budget-lines]]。",
        f"**（2）资金来源。** {escape(b.source)}。",
        f"**（3）预算执行情况。** 项目实际支出 {wan(b.spent)} 万元，预算执行率 {share(b.spent, b.total)}。",
    ]
    if b.receipts:
        received = sum((r.amount for r in b.receipts), Decimal(0))
        steps = "，".join(f"{month_text(r.date)}到位 {wan(r.amount)} 万元" for r in b.receipts)
        lines.append(
            f"**（4）资金到位情况。** 资金分 {len(b.receipts)} 次到位：{steps}，"
            f"合计到位 {wan(received)} 万元，到位率 {share(received, b.total)}。"
        )
    return "\n\n".join(lines) + "\n"


def budget_table(project) -> str:
    rows = project.table("budget_lines")
    total = sum((r.amount for r in rows), Decimal(0))
    body = [[str(r.no), r.name, yuan(r.amount), share(r.amount, total)] for r in rows]
    body.append(["", "合计", yuan(total), share(total, total)])
    return pipe_table(["序号", "子项目名称", "预算金额（元）", "占比"], body,
                      "budget-lines", "项目预算明细表", "clrr")


def completion_table(project) -> str:
    rows = [[str(r.no), r.item, r.result] for r in project.table("completion")]
    return pipe_table(["序号", "计划内容", "完成情况"], rows, "completion",
                      f"{project.info.name}完成情况表", "cll")


def _spans(values: list[str]) -> list:
    """Replace repeats of the value above with SPAN, for grid row spans."""
    out = []
    for key, run in groupby(values):
        out += [key] + [SPAN] * (len(list(run)) - 1)
    return out


def targets_table(project) -> str:
    rows = project.table("targets")
    goals = _spans([r.goal for r in rows])
    body = [[g, r.indicator, r.target, r.actual or "—"] for g, r in zip(goals, rows)]
    return grid_table(["分解目标", "绩效指标", "目标值", "实际完成值"], body, "targets",
                      "项目绩效目标及完成情况表", "llcc")


def framework_table(project) -> str:
    card = project.card
    body = []
    for dim in card.dimensions:
        for n, group in enumerate(dim.groups):
            body.append([
                dim.label if n == 0 else SPAN,
                trimmed(dim.weight) if n == 0 else SPAN,
                group.label,
                trimmed(group.weight),
                str(len(group.indicators)),
            ])
    body.append(["合计", trimmed(card.weight), "", "", str(len(card.indicators))])
    return grid_table(["一级指标", "权重", "二级指标", "权重", "三级指标数"], body, "framework",
                      "绩效评价指标体系框架", "lclcc")


def methods_list(project) -> str:
    evaluation = project.params.evaluation
    listed = bullets(f"**{escape(m.name)}：**{escape(m.description)}" for m in evaluation.methods)
    if evaluation.period:
        return f"本次评价工作于{escape(evaluation.period)}开展，主要采用以下方法：\n\n{listed}"
    return listed


def result_paragraph(project) -> str:
    card = project.card
    text = (
        f"本次评价通过资料核查、现场调研、问卷调查和访谈，对照指标体系逐项打分，"
        f"最终总得分为 {fixed2(card.total)} 分（满分 {trimmed(card.weight)} 分），"
        f"得分率 {fixed2(card.rate)}%，绩效评级为“{card.grade}”。"
        f"各一级指标的权重与得分见[[ref:score-summary]]，各项指标得分见[[ref:score-detail]]。\n"
    )
    if card.rescaled:
        dropped = card.not_applicable
        text += (
            f"\n其中 {'、'.join(escape(i.label) for i in dropped)} 共 {len(dropped)} 项指标不适用"
            f"（满分合计 {trimmed(card.weight - card.applicable_weight)} 分），不参与评分。其余指标实得 "
            f"{fixed2(card.raw_total)} 分（满分 {trimmed(card.applicable_weight)} 分），按百分制折算："
            f"总得分 = {fixed2(card.raw_total)} ÷ {trimmed(card.applicable_weight)} × {trimmed(card.weight)} = "
            f"{fixed2(card.total)} 分。\n"
        )
    return text


def summary_table(project) -> str:
    card = project.card
    headers = [""] + [f"{d.code}.{d.name}" for d in card.dimensions] + ["合计"]
    body = [
        ["权重"] + [trimmed(d.weight) for d in card.dimensions] + [trimmed(card.weight)],
        ["得分"] + [fixed2(d.score) for d in card.dimensions] + [fixed2(card.total)],
        ["得分率"] + [f"{fixed2(d.rate)}%" for d in card.dimensions] + [f"{fixed2(card.rate)}%"],
    ]
    return pipe_table(headers, body, "score-summary", "项目评分汇总表", "l" + "c" * (len(headers) - 1))


def score_table(project) -> str:
    card = project.card
    body = []
    for dim in card.dimensions:
        for g_n, group in enumerate(dim.groups):
            for i_n, ind in enumerate(group.indicators):
                body.append([
                    dim.label if g_n == 0 and i_n == 0 else SPAN,
                    group.label if i_n == 0 else SPAN,
                    ind.label,
                    trimmed(ind.max),
                    score_text(ind),
                ])
    body.append(["合计", "", "", trimmed(card.weight), fixed2(card.total)])
    return grid_table(["一级指标", "二级指标", "三级指标", "满分值", "评分值"], body,
                      "score-detail", "项目绩效评分结果表", "lllcc")


def analysis_sections(project, code: str, extras: dict | None = None) -> list[tuple[str, str]]:
    """(code, Markdown) pieces of one dimension's analysis: the dimension's and each group's
    heading, then each indicator's heading, analysis and closing score sentence.

    ``extras`` maps an indicator code to Markdown (a table, say) placed after its analysis.
    """
    extras = extras or {}
    dim = project.card.dimension(code)
    pieces = [(dim.code, f"### {escape(dim.label)}\n\n{escape(dim.name)}部分满分 {trimmed(dim.weight)} 分，"
                         f"评价得分 {fixed2(dim.score)} 分，得分率 {fixed2(dim.rate)}%。\n")]
    for group in dim.groups:
        pieces.append((group.code, f"#### {escape(group.label)}\n\n本项满分 {trimmed(group.weight)} 分，"
                                   f"得分 {trimmed(group.score)} 分。\n"))
        for ind in group.indicators:
            parts = [f"##### {escape(ind.label)}\n", project.analyses[ind.code].strip() + "\n"]
            if ind.code in extras:
                parts.append(extras[ind.code])
            if ind.working and ind.applicable:
                parts.append(f"评分计算：{escape(ind.working)}。\n")
            parts.append(score_sentence(ind) + "\n")
            pieces.append((ind.code, "\n".join(parts)))
    return pieces


def dimension_analysis(project, code: str, extras: dict | None = None) -> str:
    """The whole analysis of one dimension as one Markdown text."""
    return "\n".join(text for _, text in analysis_sections(project, code, extras))


def staff_table(project) -> str:
    rows = [[str(r.no), r.name, r.education, r.title, r.duty] for r in project.table("staff")]
    return pipe_table(["序号", "姓名", "学历", "职称", "本项目职责分工"], rows, "staff",
                      "项目实际投入人员情况", "ccccl")


def queries_table(project) -> str:
    rows = project.table("queries")
    body = [[str(n), r.subject, thousands(r.year), thousands(r.cumulative)] for n, r in enumerate(rows, 1)]
    body.append(["", "合计", thousands(sum(r.year for r in rows)), thousands(sum(r.cumulative for r in rows))])
    return pipe_table(["序号", "查询主体", "本年查询次数", "累计查询次数"], body, "queries",
                      "查询服务使用次数统计", "clrr")


def activities_table(project) -> str:
    rows = [[str(r.no), r.name] for r in project.table("activities")]
    return pipe_table(["序号", "活动名称"], rows, "activities", "信用论坛及系列活动清单", "cl")


def surveys_table(project) -> str:
    rows = [[r.group, f"{fixed2(r.rate)}%", r.indicator or "—"] for r in project.table("surveys")]
    return pipe_table(["调查对象", "满意度", "对应指标"], rows, "surveys", "满意度调查结果", "lcc")


REPORT_KIND = "项目支出绩效评价报告"


def report_title(project) -> str:
    return f"{project.info.name}{REPORT_KIND}"


def cover_title(project) -> list[str]:
    """The title as set on the cover: the project name, then the kind of report."""
    return [project.info.name, REPORT_KIND]


def cover_fields(project) -> list[tuple[str, str]]:
    info = project.info
    return [
        ("项目名称", info.name),
        ("项目单位", info.implementing_unit),
        ("主管部门", info.competent_department),
        ("委托单位", info.commissioning_unit),
        ("评价机构", info.evaluator),
    ]


def report_date(project) -> str:
    return month_text(project.info.report_date.isoformat())


def implementation_paragraph(project) -> str:
    info = project.info
    text = f"本项目实施单位为{escape(info.implementing_unit)}，实施周期为{escape(info.period)}。"
    if project.has("completion"):
        text += f"截至期末，{len(project.table('completion'))} 项计划内容的完成情况见[[ref:completion]]。"
    return text + "\n"


def framework_intro(project) -> str:
    card = project.card
    dims = "、".join(f"{escape(d.label)}（{trimmed(d.weight)} 分）" for d in card.dimensions)
    n2 = sum(len(d.groups) for d in card.dimensions)
    return (
        f"指标体系共设一级指标 {len(card.dimensions)} 个：{dims}，下设二级指标 {n2} 个、"
        f"三级指标 {len(card.indicators)} 个，满分 {trimmed(card.weight)} 分，框架见[[ref:framework]]。\n"
    )


SECTION_DIMENSIONS = {"decision": slice(0, 1), "management": slice(1, 2), "performance": slice(2, None)}


def section_dimensions(project, section: str) -> list[str]:
    """Level-1 codes a section notebook analyses: the first (决策), the second (管理/过程),
    and all the rest (绩效, or 产出 and 效益) — whatever the framework."""
    return [d.code for d in project.card.dimensions[SECTION_DIMENSIONS[section]]]


def _change(now, before) -> str:
    delta = now - before
    return f"{'+' if delta > 0 else ''}{fixed2(delta)}"


def comparison_paragraph(project) -> str:
    now, before = project.card, project.previous.card
    return (
        f"本年度总得分 {fixed2(now.total)} 分（{now.grade}），上年度 {fixed2(before.total)} 分（{before.grade}），"
        f"变化 {_change(now.total, before.total)} 分。各一级指标及三级指标得分与上年的对比见"
        f"[[ref:yoy-dimensions]]、[[ref:yoy-indicators]]。\n"
    )


def comparison_tables(project) -> str:
    now, before = project.card, project.previous.card
    previous_dims = {d.code: d for d in before.dimensions}
    dims = []
    for d in now.dimensions:
        old = previous_dims.get(d.code)
        dims.append([d.label, fixed2(old.score) if old else "—", fixed2(d.score),
                     _change(d.score, old.score) if old else "—"])
    dims.append(["总分", fixed2(before.total), fixed2(now.total), _change(now.total, before.total)])
    previous_inds = {i.code: i for i in before.indicators}
    inds = []
    for i in now.indicators:
        old = previous_inds.get(i.code)
        both = old is not None and old.applicable and i.applicable
        inds.append([i.label, score_text(old) if old else "—", score_text(i),
                     _change(i.score, old.score) if both else "—"])
    return (
        pipe_table(["一级指标", "上年得分", "本年得分", "变化"], dims, "yoy-dimensions",
                   "一级指标得分与上年比较", "lrrr")
        + "\n"
        + pipe_table(["三级指标", "上年得分", "本年得分", "变化"], inds, "yoy-indicators",
                     "三级指标得分与上年比较", "lrrr")
    )


def quality_notes(project) -> str:
    """The review appendix: rule/typed-score disagreements and other warnings."""
    return bullets(escape(w) for w in project.warnings)
