"""Table builders: a project's data as Markdown tables, figures printed by the project's style.

Each builder returns the table without its caption; the notebook gives the caption and the
label (``C.table(tables.score_detail(P), "score_detail", "项目绩效评分结果表")``). Column headers
are the data table's own (as declared in ``inputs/tables.py``) or the scorecard's terms.
"""

from decimal import Decimal
from itertools import groupby

from ..scoring.rules import method_name
from ..inputs.tables import SPECS
from ..numeric import Style, aligned, plain, yuan
from .markdown import SPAN, grid_table, pipe_table

TOTAL = "合计"


def _spans(values: list[str]) -> list:
    """Replace repeats of the value above with SPAN, for grid row spans."""
    out = []
    for key, run in groupby(values):
        out += [key] + [SPAN] * (len(list(run)) - 1)
    return out


def _cell(value, kind: str) -> str:
    if value is None or value == "":
        return "—"
    if kind == "amount":
        return yuan(value)
    if kind == "percent":
        return Style.rate(value)
    return plain(value) if kind in ("int", "number") else str(value)


def data_table(project, name: str, merge: tuple[str, ...] = (), totals: tuple[str, ...] = (),
               share: str | None = None) -> str:
    """A data table with its columns in declared order (optional columns only when filled).

    ``merge``: column keys whose repeated values merge into one cell (row spans);
    ``totals``: numeric columns summed in a 合计 row; ``share``: a numeric column whose
    share of its total is added as 占比."""
    spec, rows = SPECS[name], project.table(name)
    columns = [c for c in spec.columns if c.required or any(r.get(c.key) not in (None, "") for r in rows)]
    headers = [c.header + ("（元）" if c.kind == "amount" else "") for c in columns]
    body = [[_cell(r.get(c.key), c.kind) for c in columns] for r in rows]
    align = "".join("r" if c.kind in ("amount", "number", "int", "percent") and c.key != "no" else
                    "c" if c.key == "no" else "l" for c in columns)
    if share:
        whole = sum((r[share] for r in rows), Decimal(0))
        headers.append("占比")
        align += "r"
        for row, part in zip(body, shares([r[share] for r in rows]) if whole else [None] * len(rows)):
            row.append(project.style.rate(part) if part is not None else "—")
    if totals:
        first_text = next(i for i, c in enumerate(columns) if c.kind == "text")
        total_row = ["" for _ in headers]
        total_row[first_text] = TOTAL
        for i, c in enumerate(columns):
            if c.key in totals:
                total_row[i] = _cell(sum((r[c.key] or 0 for r in rows), 0), c.kind)
        if share:
            total_row[-1] = project.style.rate(100) if rows else "—"
        body.append(total_row)
    for i, c in enumerate(columns):  # decimals as the column needs them, the same in every cell
        if c.kind == "number":
            values = [r.get(c.key) for r in rows]
            if totals:
                values.append(sum((v or 0 for v in values), 0) if c.key in totals else None)
            for row, text in zip(body, aligned([None if v in (None, "") else v for v in values])):
                row[i] = row[i] if text is None else text
    if merge:
        for i, c in enumerate(columns):
            if c.key in merge:
                for row, value in zip(body, _spans([row[i] for row in body])):
                    row[i] = value
        return grid_table(headers, body, align=align)
    return pipe_table(headers, body, align=align)


def shares(values: list[Decimal]) -> list[Decimal]:
    """Each value's share of their sum in percent with two decimals, adding up to exactly
    100.00 (largest remainder: the hundredths left over go to the largest remainders, so
    4 : 1 : 1 prints as 66.67 + 16.67 + 16.66, not 100.01 against its 合计)."""
    whole = sum(values, Decimal(0))
    exact = [v * 10000 / whole for v in values]
    floors = [int(e) for e in exact]  # in hundredths of a percent
    left = 10000 - sum(floors)
    for n in sorted(range(len(values)), key=lambda n: exact[n] - floors[n], reverse=True)[:left]:
        floors[n] += 1
    return [Decimal(f) / 100 for f in floors]


def indicator_system(project) -> str:
    """The framework: level-1 and level-2 indicators with weights and the number of level-3 indicators."""
    card = project.card
    level2 = sum((g.weight for d in card.dimensions for g in d.groups), Decimal(0))
    groups = [(dim, n, group) for dim in card.dimensions for n, group in enumerate(dim.groups)]
    weights1 = aligned([dim.weight for dim, n, _ in groups if n == 0] + [card.weight])
    weights2 = aligned([group.weight for _, _, group in groups] + [level2])
    body, k = [], 0
    for m, (dim, n, group) in enumerate(groups):
        body.append([dim.label if n == 0 else SPAN, weights1[k] if n == 0 else SPAN,
                     group.label, weights2[m], str(len(group.indicators))])
        k += n == 0
    body.append([TOTAL, weights1[-1], "", weights2[-1], str(len(card.indicators))])
    return grid_table(["一级指标", "权重", "二级指标", "权重", "三级指标数"], body, align="lrlrr")


def score_summary(project) -> str:
    """Weight, score and rate of each level-1 indicator and the total; with 不适用 indicators also
    the applicable maximum each rate is computed on, and the total rescaled to the full weight;
    with weighted 0–100 criteria also each dimension's 百分制得分 (— where it has none), which then
    stands for its rate (得分率 —)."""
    v, style = project.values, project.style
    dims = list(v.dimensions)
    rescaled = v.rescaled

    def score(node):
        return style.score(node.score) if node.applicable else "不适用"

    def rate(node):
        # A criterion's 百分制得分 is its rate; 77.40% (38.70 ÷ 50) beside 77.39 would contradict it.
        if node.criterion is not None:
            return "—"
        return style.rate(node.rate) if node.applicable else "不适用"

    headers = [""] + [f"{d.code}.{d.name}" for d in dims] + [TOTAL]
    body = [["权重"] + [plain(d.weight) for d in dims] + [plain(v.weight)]]
    if rescaled:
        body.append(["适用满分"] + [plain(d.applicable_weight) for d in dims] + [plain(v.applicable_weight)])
    if any(d.criterion is not None for d in dims):
        body.append(["百分制得分"] + ["—" if d.criterion is None else style.score(d.criterion) for d in dims] + [""])
    body.append(["得分"] + [score(d) for d in dims] + [style.score(v.raw_total if rescaled else v.total)])
    body.append(["得分率"] + [rate(d) for d in dims] + [style.rate(v.rate)])
    if rescaled:
        body.append(["折算总分"] + ["" for _ in dims] + [style.score(v.total)])
    return pipe_table(headers, body, align="l" + "r" * (len(headers) - 1))


def score_detail(project) -> str:
    """Every level-3 indicator under its level-1 and level-2 parents, with full marks and score;
    with weighted 0–100 criteria also each criterion's 百分制得分; with 不适用 indicators, after
    the 合计 of the scores, the total rescaled to the full marks and how. Each number column
    prints its figures with one number of decimals (``aligned``, ``Style.score_column``)."""
    card, style = project.card, project.style
    criteria = any(i.weighted for i in card.indicators)
    inds = card.indicators
    total = card.raw_total if card.rescaled else card.total
    maxima = aligned([i.max for i in inds] + [card.weight, card.weight])
    scores = style.score_column([i.score if i.applicable else None for i in inds] + [total, card.total])
    marks = style.score_column([i.criterion if i.weighted and i.applicable else None for i in inds])
    body = []
    n = 0
    for dim in card.dimensions:
        for g_n, group in enumerate(dim.groups):
            for i_n, ind in enumerate(group.indicators):
                row = [dim.label if g_n == 0 and i_n == 0 else SPAN, group.label if i_n == 0 else SPAN,
                       ind.label, maxima[n]]
                if criteria:
                    row.append(marks[n] or "—")
                body.append(row + [scores[n] or "不适用"])
                n += 1
    body.append([TOTAL, "", "", maxima[-2]] + ([""] if criteria else []) + [scores[-2]])
    if card.rescaled:
        how = f"按百分制折算：{style.score(card.raw_total)} ÷ {plain(card.applicable_weight)} × {plain(card.weight)}"
        body.append(["折算总分", "", how, maxima[-1]] + ([""] if criteria else []) + [scores[-1]])
    headers = ["一级指标", "二级指标", "三级指标", "满分值"] + (["百分制得分"] if criteria else []) + ["评分值"]
    return grid_table(headers, body, align="lllr" + ("r" if criteria else "") + "r")


def _changes(style, pairs) -> list[str]:
    """Each (now, before) change with its sign, one number of decimals for the column: +1.20,
    −0.12 (the minus sign of the working lines, U+2212); — where there is nothing to compare."""
    shown = style.score_column([None if p is None else p[0] - p[1] for p in pairs])
    return ["—" if p is None else ("+" if p[0] > p[1] else "") + text.replace("-", "−")
            for p, text in zip(pairs, shown)]


def yoy_dimensions(project) -> str:
    """Level-1 scores of last year and this year, and the change."""
    now, before, style = project.card, project.previous.card, project.style
    old = {d.code: d for d in before.dimensions}
    earlier = style.score_column([old[d.code].score if d.code in old else None for d in now.dimensions] + [before.total])
    later = style.score_column([d.score for d in now.dimensions] + [now.total])
    changes = _changes(style, [(d.score, old[d.code].score) if d.code in old else None for d in now.dimensions]
                       + [(now.total, before.total)])
    labels = [d.label for d in now.dimensions] + ["总分"]
    body = [[label, a or "—", b, c] for label, a, b, c in zip(labels, earlier, later, changes)]
    return pipe_table(["一级指标", "上年得分", "本年得分", "变化"], body, align="lrrr")


def yoy_indicators(project) -> str:
    """Level-3 scores of last year and this year, and the change."""
    style = project.style
    old = {i.code: i for i in project.previous.card.indicators}
    inds = project.card.indicators
    before = [old.get(i.code) for i in inds]
    earlier = style.score_column([b.score if b is not None and b.applicable else None for b in before])
    later = style.score_column([i.score if i.applicable else None for i in inds])
    changes = _changes(style, [(i.score, b.score) if b is not None and b.applicable and i.applicable else None
                               for i, b in zip(inds, before)])
    body = [[i.label, a or ("—" if b is None else "不适用"), c or "不适用", d]
            for i, b, a, c, d in zip(inds, before, earlier, later, changes)]
    return pipe_table(["三级指标", "上年得分", "本年得分", "变化"], body, align="lrrr")


def _method(ind, standard: str) -> str:
    if not ind.applicable:
        return "不适用"
    return "百分制加权" if ind.weighted else method_name(ind.rule, standard)


def scoring_standards(project) -> str:
    """Each level-3 indicator's full marks, scoring method as a reviewer names it (比率法,
    扣分法, 定性评价 …; 百分制加权 for a weighted 0–100 criterion, 不适用 where it does not
    apply) and standard (the indicator table's 评分标准)."""
    standards = {r.code: r.standard for r in project.table("indicators")}
    methods = {i.code: _method(i, standards.get(i.code, "")) for i in project.card.indicators}
    rows = project.table("indicators")
    maxima = aligned([r.max for r in rows])
    body = [[f"{r.code} {r.name}", m, methods[r.code], r.standard or "—"] for r, m in zip(rows, maxima)]
    return grid_table(["三级指标", "满分值", "评分方法", "评分标准"], body, align="lrll")
