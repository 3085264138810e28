"""The indicator tree and its roll-up: level 3 → level 2 → level 1 → total, rate, grade.

The tree is data (the framework in the parameter file plus the indicator table);
arithmetic is exact Decimal, and only printed figures are rounded.

Not-applicable indicators (不适用) are dropped: every group and dimension reports the
maximum of its applicable indicators (适用满分) beside its score and rate, a group or
dimension whose indicators are all 不适用 reports 不适用 instead of a score, and the total
is rescaled to the full marks (按百分制折算：实得分 ÷ 适用满分 × 100). A wholly inapplicable
dimension is allowed, with a warning, as long as some indicator remains: an evaluator drops
what cannot be judged and says so, rather than scoring it zero; a weight constraint of the
framework (产出与效益 ≥ 60) is then checked again on the applicable maximum.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from ..inputs.params import Framework
from ..numeric import HUNDRED, Style, fixed2, round2, trimmed
from .notes import Note

NOT_APPLICABLE = "不适用"


@dataclass
class Indicator:
    code: str
    name: str
    level1: str
    level2: str
    max: Decimal
    score: Decimal | None
    reason: str = ""
    analysis: str = ""
    source: str = ""
    line: int = 0
    rule: str = "手工"
    inputs: str = ""
    applicable: bool = True
    working: str = ""
    criterion: Decimal | None = None  # 百分制得分 (0–100) of a weighted criterion; score = criterion × max% 

    @property
    def weighted(self) -> bool:
        """Whether the indicator is a criterion scored 0–100 and weighted by its full marks."""
        return self.criterion is not None

    @property
    def lost(self) -> Decimal:
        return self.max - self.score if self.applicable else Decimal(0)

    @property
    def counted(self) -> Decimal:
        """The score that enters the roll-up: nothing for a not-applicable indicator."""
        return self.score if self.applicable else Decimal(0)

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}"


class Branch:
    """A level-1 or level-2 node as the report prints it: the score of its applicable
    indicators, the maximum they carry (适用满分), the rate on that maximum, and whether
    it is wholly inapplicable (then it has no score and no rate, only 不适用)."""

    indicators: list[Indicator]
    weight: Decimal

    @property
    def score(self) -> Decimal:
        return sum((i.counted for i in self.indicators), Decimal(0))

    @property
    def applicable_weight(self) -> Decimal:
        return sum((i.max for i in self.indicators if i.applicable), Decimal(0))

    @property
    def applicable(self) -> bool:
        return any(i.applicable for i in self.indicators)

    @property
    def not_applicable(self) -> list[Indicator]:
        return [i for i in self.indicators if not i.applicable]

    @property
    def rate(self) -> Decimal | None:
        """Score over the applicable maximum, in percent, unrounded; None when wholly inapplicable."""
        weight = self.applicable_weight
        return self.score * HUNDRED / weight if weight else None

    @property
    def criterion(self) -> Decimal | None:
        """The weight-averaged 百分制得分 when every applicable indicator is a weighted criterion."""
        scored = [i for i in self.indicators if i.applicable]
        if not scored or not all(i.weighted for i in scored):
            return None
        return sum((i.criterion * i.max for i in scored), Decimal(0)) / self.applicable_weight

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}"


@dataclass
class Group(Branch):
    code: str
    name: str
    weight: Decimal
    declared: bool = True
    indicators: list[Indicator] = field(default_factory=list)


@dataclass
class Dimension(Branch):
    code: str
    name: str
    weight: Decimal
    groups: list[Group] = field(default_factory=list)

    @property
    def indicators(self) -> list[Indicator]:
        return [i for g in self.groups for i in g.indicators]


@dataclass
class Scorecard:
    dimensions: list[Dimension]
    grades: list  # params.Grade, highest band first
    notes: list[str] = field(default_factory=list)  # warnings about the tree for jixiao check

    @property
    def weight(self) -> Decimal:
        return sum((d.weight for d in self.dimensions), Decimal(0))

    @property
    def raw_total(self) -> Decimal:
        return sum((d.score for d in self.dimensions), Decimal(0))

    @property
    def applicable_weight(self) -> Decimal:
        return sum((d.applicable_weight for d in self.dimensions), Decimal(0))

    @property
    def rescaled(self) -> bool:
        """Whether not-applicable indicators were dropped and the rest rescaled (按百分制折算)."""
        return self.applicable_weight != self.weight

    @property
    def not_applicable(self) -> list[Indicator]:
        return [i for i in self.indicators if not i.applicable]

    @property
    def total(self) -> Decimal:
        """The raw total, or raw total ÷ applicable maximum × full marks when rescaled."""
        if not self.rescaled or not self.applicable_weight:
            return self.raw_total
        return self.raw_total * self.weight / self.applicable_weight

    @property
    def rate(self) -> Decimal:
        return self.total * HUNDRED / self.weight

    @property
    def grade(self) -> str:
        return grade_for(self.total, self.grades)

    @property
    def groups(self) -> list[Group]:
        return [g for d in self.dimensions for g in d.groups]

    @property
    def indicators(self) -> list[Indicator]:
        return [i for d in self.dimensions for i in d.indicators]

    def indicator(self, code: str) -> Indicator:
        for ind in self.indicators:
            if ind.code == code:
                return ind
        raise KeyError(code)

    def dimension(self, code: str) -> Dimension:
        for dim in self.dimensions:
            if dim.code == code:
                return dim
        raise KeyError(code)


def grade_for(total: Decimal, grades) -> str:
    """The first band whose lower bound the exact (unrounded) total reaches: [min, next)."""
    for band in sorted(grades, key=lambda g: g.min, reverse=True):
        if total >= band.min:
            return band.label
    return sorted(grades, key=lambda g: g.min)[0].label


def build_scorecard(framework: Framework, indicators: list[Indicator], source: str) -> tuple[Scorecard, list[str]]:
    """Attach indicators to the framework and check the tree; return problems in Chinese."""
    problems = []
    dims = []
    groups_by_code = {}
    for d in framework.dimensions:
        dim = Dimension(d.code, d.name, d.weight)
        for g in d.groups:
            if g.code in groups_by_code:
                problems.append(f"{source}：framework 中二级指标编码『{g.code}』重复")
            group = Group(g.code, g.name, g.weight or Decimal(0), declared=g.weight is not None)
            groups_by_code[g.code] = (dim, group)
            dim.groups.append(group)
        dims.append(dim)
    seen_dims = [d.code for d in dims]
    if len(set(seen_dims)) != len(seen_dims):
        problems.append(f"{source}：framework 中一级指标编码重复：{'、'.join(seen_dims)}")

    seen = {}
    for ind in indicators:
        where = f"{ind.source} 第 {ind.line} 行（指标 {ind.code}）"
        if ind.code in seen:
            problems.append(f"{where}：指标编码与第 {seen[ind.code]} 行重复，每个指标编码只能出现一次")
            continue
        seen[ind.code] = ind.line
        if ind.max <= 0:
            problems.append(f"{where}：满分值 {trimmed(ind.max)} 应大于 0")
        elif round2(ind.max) != ind.max:
            problems.append(f"{where}：满分值 {ind.max} 超过两位小数，请改为最多两位小数")
        if ind.applicable and ind.score is not None:
            if ind.score < 0 or ind.score > ind.max:
                problems.append(f"{where}：评分值 {trimmed(ind.score)} 超出范围，应在 0 到满分值 {trimmed(ind.max)} 之间")
            if round2(ind.score) != ind.score:
                problems.append(f"{where}：评分值 {ind.score} 超过两位小数，请四舍五入到两位")
        parent = groups_by_code.get(ind.level2)
        if parent is None:
            problems.append(f"{where}：二级指标『{ind.level2}』在参数文件 framework 中不存在，请先在对应一级指标的 groups 中声明")
            continue
        dim, group = parent
        if dim.code != ind.level1:
            problems.append(f"{where}：二级指标『{ind.level2}』属于一级指标『{dim.code}』，而本行写的是『{ind.level1}』")
            continue
        group.indicators.append(ind)

    for dim in dims:
        for group in dim.groups:
            leaves = sum((i.max for i in group.indicators), Decimal(0))
            if not group.indicators:
                problems.append(f"{source}：二级指标『{group.label}』下没有任何三级指标，请在指标评分表中补充或从 framework 删除")
            elif group.declared and leaves != group.weight:
                problems.append(f"{source}：二级指标『{group.label}』权重为 {trimmed(group.weight)}，但其三级指标满分值合计为 {trimmed(leaves)}，两者应相等")
            if not group.declared:
                group.weight = leaves
        level2 = sum((g.weight for g in dim.groups), Decimal(0))
        if level2 != dim.weight:
            problems.append(f"{source}：一级指标『{dim.label}』权重为 {trimmed(dim.weight)}，但其下指标满分值合计为 {trimmed(level2)}，两者应相等")
    card = Scorecard(dims, framework.grades)
    problems += _applicability(card, framework, source)
    for rule in framework.constraints:
        weight = sum((d.weight for d in dims if d.code in rule.codes), Decimal(0))
        if weight < rule.min:
            problems.append(f"{source}：{rule.label}（{'、'.join(rule.codes)}）为 {trimmed(weight)}，应不低于 {trimmed(rule.min)}")
    total = sum((d.weight for d in dims), Decimal(0))
    if total != 100:
        problems.append(f"{source}：一级指标权重合计为 {trimmed(total)}，应为 100（{'、'.join(f'{d.code} {trimmed(d.weight)}' for d in dims)}）")
    return card, problems


def _applicability(card: Scorecard, framework: Framework, source: str) -> list[str]:
    """Problems (nothing applicable at all) and notes (a dimension dropped, a weight
    constraint no longer met on the applicable maximum) about 不适用."""
    if card.indicators and not card.applicable_weight:
        return [f"{source}：全部三级指标都标为不适用，无法评分"]
    for dim in card.dimensions:
        if dim.indicators and not dim.applicable:
            card.notes.append(Note(source, f"一级指标『{dim.label}』下的指标全部不适用，该一级指标不参与评分，"
                                           "其余指标按百分制折算", advice="请在报告中说明不适用的理由"))
    if card.rescaled and card.applicable_weight:
        for rule in framework.constraints:
            kept = sum((d.applicable_weight for d in card.dimensions if d.code in rule.codes), Decimal(0))
            share = kept * card.weight / card.applicable_weight
            if share < rule.min:
                card.notes.append(Note(source, f"扣除不适用指标后，{rule.label}（{'、'.join(rule.codes)}）折算为 "
                                               f"{fixed2(share)}，低于 {trimmed(rule.min)}",
                                       advice="请确认评价框架仍然适用"))
    return []


def score_text(ind: Indicator, style: Style = Style()) -> str:
    """An indicator's score as printed: 4.40 (4.4 in the trimmed style), or 不适用."""
    return style.score(ind.score) if ind.applicable else NOT_APPLICABLE


def branch_score(node, style: Style = Style()) -> str:
    """A group's or dimension's score as printed: 9.25, or 不适用 when wholly inapplicable."""
    return style.score(node.score) if node.applicable else NOT_APPLICABLE


def rate_text(node) -> str:
    """A rate as printed: 92.50% (on the applicable maximum), or 不适用."""
    return NOT_APPLICABLE if node.rate is None else f"{fixed2(node.rate)}%"


def _branch(node, style: Style) -> dict:
    return {
        "code": node.code,
        "name": node.name,
        "weight": trimmed(node.weight),
        "applicable_weight": trimmed(node.applicable_weight),
        "score": branch_score(node, style),
        "rate": rate_text(node),
        "criterion": None if node.criterion is None else style.score(node.criterion),
    }


def printed(card: Scorecard, style: Style = Style()) -> dict:
    """The figures as the report prints them, for summary.json and tests. Every rate comes
    with the maximum it was computed from (``applicable_weight``); a wholly inapplicable
    group or dimension has 不适用 as its score and rate; ``criterion`` is the 百分制得分 of
    a weighted criterion (null otherwise)."""
    return {
        "total": style.score(card.total),
        "raw_total": style.score(card.raw_total),
        "rescaled": card.rescaled,
        "rate": f"{fixed2(card.rate)}%",
        "grade": card.grade,
        "weight": trimmed(card.weight),
        "applicable_weight": trimmed(card.applicable_weight),
        "dimensions": [_branch(d, style) for d in card.dimensions],
        "groups": [
            {**_branch(g, style), "level1": {"code": d.code, "name": d.name}}
            for d in card.dimensions
            for g in d.groups
        ],
        "indicators": [
            {
                "code": i.code,
                "name": i.name,
                "level1": {"code": d.code, "name": d.name},
                "level2": {"code": g.code, "name": g.name},
                "max": trimmed(i.max),
                "score": score_text(i, style),
                "criterion": style.score(i.criterion) if i.weighted and i.applicable else None,
            }
            for d in card.dimensions
            for g in d.groups
            for i in g.indicators
        ],
    }
