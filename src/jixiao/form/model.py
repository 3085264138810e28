"""The national 项目支出绩效自评表 (财预〔2020〕10号) of a validated project, as data.

Every cell comes from the project: the budget block from ``budget`` (元, shown in 万元), the
annual goal from the texts ``annual_goal`` and ``annual_result``, the indicator rows from the
scorecard. A rule-scored indicator's 年度指标值 and 实际完成值 come from its rule's inputs as
the analyst typed them (a data name prints as the report prints it), with the comparison the
rule implies (≥ for more-is-better, ≤ for less-is-better); a manual one's from the indicator
table's columns 年度指标值 and 实际完成值. A cell the project cannot fill is ``PENDING`` and
listed in ``Form.pending`` with the file, row and column to fill.

The budget block's 分值 and 得分 are the indicator named like the framework's budget execution
rate (预算执行率); its 执行率 column is 全年执行数 ÷ 全年预算数 for every row.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from ..errors import InputError
from ..markup import REFER
from ..numeric import HUNDRED, fixed2, parse_number, round2
from ..project import PENDING, Project
from ..project.vocabulary import Names
from ..scoring.evidence import flag
from ..scoring.rules import MANUAL, show
from ..scoring.tree import NOT_APPLICABLE

TEN_THOUSAND = Decimal(10000)
FUND_LABELS = {"appropriation": "其中：当年财政拨款", "carryover": "上年结转资金", "other": "其他资金"}
TOTAL_LABEL = "年度资金总额"
# What pandoc's Markdown writer adds to text (a literal * is always written \*): escapes, emphasis,
# heading marks, link and image syntax, and the padding after a list marker (「1.  」, 「-   」).
MARKUP = re.compile(r"(?m)\\(.)|\*\*?|__|^#+\s*|!?\[([^\]]*)\]\([^)]*\)|^([ \t]*(?:\d+[.)]|-))[ \t]+")


@dataclass
class FundRow:
    """One row of 项目资金 in 万元; None is a figure the project does not give (待填写)."""

    label: str
    initial: Decimal | None
    total: Decimal | None
    spent: Decimal | None

    @property
    def rate(self) -> Decimal | None:
        """全年执行数 ÷ 全年预算数 as a fraction, unrounded; None when it cannot be computed."""
        if self.total is None or self.spent is None or not self.total:
            return None
        return self.spent / self.total


@dataclass
class IndicatorRow:
    """One 三级指标 of 绩效指标."""

    level1: str
    level2: str
    name: str
    code: str
    target: str
    actual: str
    max: Decimal
    score: Decimal | None  # None: 不适用
    deviation: str

    @property
    def met(self) -> bool:
        return self.score is None or self.score >= self.max


@dataclass
class Form:
    """The form's figures and texts; ``total`` and ``grade`` are the scorecard's, exactly."""

    source: str
    year: int
    name: str
    department: str
    unit: str
    funds: list[FundRow]  # 年度资金总额 first
    budget_max: Decimal | None  # 分值 of the budget block, from the budget execution rate indicator
    budget_score: Decimal | None
    budget_formula: bool  # its score is 完成率 of 全年执行数 over 全年预算数: the sheet can compute it
    goal: str
    result: str
    rows: list[IndicatorRow]
    weight: Decimal
    total: Decimal  # unrounded, rescaled when indicators are 不适用
    grade: str
    grades: list  # (min, label), highest first
    date: object  # the report date, or None while 待填写
    pending: list[str] = field(default_factory=list)

    @property
    def unmet(self) -> int:
        """Indicators that did not reach full marks (the budget block included)."""
        budget = self.budget_max is not None and self.budget_score is not None and self.budget_score < self.budget_max
        return sum(not r.met for r in self.rows) + budget


def _wan(value: Decimal | None) -> Decimal | None:
    return None if value is None else value / TEN_THOUSAND


# What a reference to one of the report's tables or figures reads as in a form printed on its own
# (the report numbers them; the form is made before any chapter runs).
REPORT_EXHIBIT = "评价报告中的相应图表"


def alone(text: str) -> str:
    """A goal text as the form printed on its own shows it: a reference token (⟦ref:…⟧, which
    the report annexing the form turns into 表 1-1) as REPORT_EXHIBIT."""
    return re.sub(rf" ?{REFER.pattern} ?", REPORT_EXHIBIT, text)


def plain_text(markdown: str) -> str:
    """The analyst's (sanitized) Markdown as plain text for a form cell: escapes, emphasis,
    heading marks and link or image syntax removed, list items as 「1. 」, paragraphs on lines
    of their own."""
    text = MARKUP.sub(lambda m: m.group(1) or m.group(2) or (f"{m.group(3)} " if m.group(3) else ""), markdown)
    return re.sub(r"\n{2,}", "\n", text).strip()


def _inputs(text: str) -> dict[str, str]:
    """The rule inputs as typed: key → text."""
    parts = (p.strip() for p in (text or "").replace("；", ";").split(";"))
    return {k.strip(): v.strip() for k, _, v in (p.partition("=") for p in parts if "=" in p)}


def _named(project: Project, text: str):
    """The value a data name (budget.spent, facts.units) stands for, or None if it is no name."""
    value = project.values
    for part in text.split("."):
        if not isinstance(value, Names) or part not in value:
            return None
        value = value[part]
    return value


def _typed(project: Project, text: str) -> str:
    """An input as the form prints it: a data name as the report prints its value, else as typed."""
    value = _named(project, text)
    if value is None and re.fullmatch(r"\d+(\.\d+)?", text):
        return show(parse_number(text))  # 2000000 as the working prints it: 2,000,000
    return text if value is None or isinstance(value, Names) else project.style.show(value)


def _number(project: Project, text: str) -> Decimal:
    value = _named(project, text)
    return parse_number(text if value is None else value)


def _best(pairs: str, higher: bool = True) -> tuple[str, str]:
    """(comparison, value) of the anchor or band that earns the most: ≥ if larger values earn more."""
    points = []
    for item in filter(None, (i.strip() for i in pairs.replace("，", ",").split(","))):
        x, _, y = item.replace("：", ":").partition(":")
        points.append((x.strip(), y.strip()))
    try:
        numeric = sorted(points, key=lambda p: Decimal(p[0].rstrip("%")))
        best = max(numeric, key=lambda p: Decimal(p[1]))
    except (ArithmeticError, ValueError):
        return "", ""
    rising = numeric.index(best) == len(numeric) - 1 if higher else numeric.index(best) != 0
    return ("≥" if rising else "≤"), best[0]


def _from_rule(project: Project, ind) -> tuple[str, str]:
    """(年度指标值, 实际完成值) implied by an indicator's rule and inputs; empty when it implies none."""
    given = _inputs(ind.inputs)
    typed = {k: _typed(project, v) for k, v in given.items()}
    rule = ind.rule
    if rule == "完成率":
        return f"≥{typed['目标']}", typed["实际"]
    if rule == "反向完成率":
        return f"≤{typed['目标']}", typed["实际"]
    if rule == "插值":
        sign, x = _best(given.get("锚点", ""))
        return (f"{sign}{x}" if sign else ""), typed.get("值", "")
    if rule == "分档":
        sign, x = _best(given.get("分档", ""), higher=given.get("方向", "越高越好") != "越低越好")
        return (f"{sign}{x}" if sign else ""), typed.get("值", "")
    if rule == "功效系数":
        try:
            rising = _number(project, given["满意值"]) > _number(project, given["不允许值"])
        except (KeyError, ArithmeticError, ValueError):
            return "", typed.get("值", "")
        return f"{'≥' if rising else '≤'}{typed['满意值']}", typed["值"]
    if rule == "扣分":
        if "次数" in given:
            return "0", typed["次数"]
        sign = "≤" if given.get("方向") == "超出" else "≥"
        return f"{sign}{typed['标准']}", typed.get("值", "")
    if rule == "重点得分":
        points = [r for r in project.table("keypoints") if r.code == ind.code]
        met = sum(1 for r in points if flag(r.met))
        return f"{len(points)}项要点", f"达到{met}项"
    if rule == "满意度":
        rate = project.values["responses"][given["对象"]] if "responses" in project.values else None
        actual = project.style.rate(rate) if rate is not None else ""
        for key in ("锚点", "分档"):
            if key in given:
                sign, x = _best(given[key], higher=given.get("方向", "越高越好") != "越低越好")
                return f"{sign}{x}%", actual
        return "100%", actual
    return "", ""


def _indicator(project: Project, ind, dim, group, row, pending: list) -> IndicatorRow:
    """One indicator row: the table's columns win over what the rule implies."""
    target, actual = ("", "") if ind.rule == MANUAL else _from_rule(project, ind)
    target = (row.get("target") or "") or target
    actual = (row.get("actual") or "") or actual
    deviation = row.get("deviation") or ""
    applicable = ind.applicable
    missing = [f"『{h}』" for h, value in (("年度指标值", target), ("实际完成值", actual)) if not value]
    if missing and applicable:
        pending.append(f"{row.source} 第 {row.line} 行（指标 {ind.code}）：自评表需要{'和'.join(missing)}，"
                       "请在指标评分表中填写")
    if applicable and ind.score < ind.max and not deviation:
        pending.append(f"{row.source} 第 {row.line} 行（指标 {ind.code}）：得分 {fixed2(ind.score)} 低于分值 "
                       f"{show(ind.max)}，自评表需要『偏差原因』（偏差原因分析及改进措施），请在指标评分表中填写该列")
        deviation = PENDING
    if not applicable:
        target, actual = target or NOT_APPLICABLE, actual or NOT_APPLICABLE
        deviation = deviation or ind.reason
    return IndicatorRow(dim.name, group.name, ind.name, ind.code, target or PENDING, actual or PENDING, ind.max,
                        ind.score if applicable else None, deviation)


def _budget_indicator(project: Project):
    """The indicator that scores budget execution: named like the framework's execution rate."""
    rate = (project.params.framework.rates or {}).get("execution")
    if rate is None:
        return None
    return next((i for i in project.card.indicators if i.name.strip() == rate.name), None)


def _funds(project: Project, pending: list) -> list[FundRow]:
    budget = project.params.budget
    if budget.initial is None:
        pending.append(f"{project.source}：自评表需要年初预算数，请在参数文件 budget 中填写 initial（元）")
    rows = [FundRow(TOTAL_LABEL, _wan(budget.initial), _wan(budget.total), _wan(budget.spent))]
    if budget.funds is None:
        pending.append(f"{project.source}：自评表需要资金来源构成（当年财政拨款、上年结转资金、其他资金），"
                       "请在参数文件 budget 中填写 funds")
        return rows + [FundRow(label, None, None, None) for label in FUND_LABELS.values()]
    for key, label in FUND_LABELS.items():
        fund = getattr(budget.funds, key)
        rows.append(FundRow(label, _wan(fund.initial), _wan(fund.total), _wan(fund.spent)))
    return rows


def _text(project: Project, key: str, label: str, pending: list) -> str:
    clean = project.texts.get(key)
    text = plain_text(clean.text) if clean is not None else ""
    if not text:
        pending.append(f"{project.source}：自评表需要{label}，请在参数文件 texts 中写 {key}（文字或 .md 文件名）")
    return text or PENDING


def build_form(project: Project) -> Form:
    """The form of a validated project. A project whose budget is 0 cannot have one."""
    budget = project.params.budget
    if not budget.total:
        raise InputError(f"{project.source}：budget.total（全年预算数）为 0，自评表的执行率和预算执行得分无法计算；"
                         "请在参数文件 budget 中填写 total 和 spent（元）")
    card, pending = project.card, []
    info = project.info
    funds = _funds(project, pending)
    goal = _text(project, "annual_goal", "年度总体目标的预期目标", pending)
    result = _text(project, "annual_result", "年度总体目标的实际完成情况", pending)
    budget_ind = _budget_indicator(project)
    lines = {r.code: r for r in project.table("indicators")}
    rows = []
    for dim in card.dimensions:
        for group in dim.groups:
            for ind in group.indicators:
                if ind is not budget_ind:
                    rows.append(_indicator(project, ind, dim, group, lines[ind.code], pending))
    formula = False
    if budget_ind is not None:
        given = _inputs(budget_ind.inputs)
        formula = (budget_ind.applicable and budget_ind.rule == "完成率"
                   and (given.get("实际"), given.get("目标")) == ("budget.spent", "budget.total"))
    grades = [(g.min, g.label) for g in sorted(card.grades, key=lambda g: g.min, reverse=True)]
    return Form(
        source=project.source, year=info.year, name=info.name, department=info.competent_department,
        unit=info.implementing_unit, funds=funds,
        budget_max=budget_ind.max if budget_ind else None,
        budget_score=budget_ind.score if budget_ind and budget_ind.applicable else None,
        budget_formula=formula, goal=goal, result=result, rows=rows, weight=card.weight, total=card.total,
        grade=card.grade, grades=grades, date=info.report_date if info.dated else None, pending=pending)


def rate_text(rate: Decimal | None) -> str:
    """执行率 as printed: 96.30%, or — when 全年预算数 is 0 or not given."""
    return "—" if rate is None else f"{fixed2(rate * HUNDRED)}%"


def score_text(value: Decimal | None) -> str:
    return NOT_APPLICABLE if value is None else fixed2(round2(value))

