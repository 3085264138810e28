"""The indicator tree and its roll-up: level 3 → level 2 → level 1 → total, rate, grade.

The tree is data (the framework in the parameter file plus the indicator table);
arithmetic is exact Decimal, and only printed figures are rounded.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from ..inputs.params import Framework
from ..numeric import HUNDRED, fixed2, round2, trimmed


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


@dataclass
class Group:
    code: str
    name: str
    weight: Decimal
    declared: bool = True
    indicators: list[Indicator] = field(default_factory=list)

    @property
    def score(self) -> Decimal:
        return sum((i.counted for i in self.indicators), Decimal(0))

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}"


@dataclass
class Dimension:
    code: str
    name: str
    weight: Decimal
    groups: list[Group] = field(default_factory=list)

    @property
    def score(self) -> Decimal:
        return sum((g.score for g in self.groups), Decimal(0))

    @property
    def applicable_weight(self) -> Decimal:
        return self.weight - sum((i.max for i in self.indicators if not i.applicable), Decimal(0))

    @property
    def rate(self) -> Decimal:
        weight = self.applicable_weight
        return self.score * HUNDRED / weight if weight else Decimal(0)

    @property
    def indicators(self) -> list[Indicator]:
        return [i for g in self.groups for i in g.indicators]

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}"


@dataclass
class Scorecard:
    dimensions: list[Dimension]
    grades: list  # params.Grade, highest band first

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
        if not self.rescaled:
            return self.raw_total
        return self.raw_total * self.weight / self.applicable_weight

    @property
    def rate(self) -> Decimal:
        return self.total * HUNDRED / self.weight

    @property
    def grade(self) -> str:
        return grade_for(self.total, self.grades)

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
    for dim in dims:
        if dim.applicable_weight <= 0:
            problems.append(f"{source}：一级指标『{dim.label}』下的指标全部不适用，无法评分")
    for rule in framework.constraints:
        weight = sum((d.weight for d in dims if d.code in rule.codes), Decimal(0))
        if weight < rule.min:
            problems.append(f"{source}：{rule.label}（{'、'.join(rule.codes)}）为 {trimmed(weight)}，应不低于 {trimmed(rule.min)}")
    total = sum((d.weight for d in dims), Decimal(0))
    if total != 100:
        problems.append(f"{source}：一级指标权重合计为 {trimmed(total)}，应为 100（{'、'.join(f'{d.code} {trimmed(d.weight)}' for d in dims)}）")
    return Scorecard(dims, framework.grades), problems


def score_text(ind: Indicator) -> str:
    """An indicator's score as tables print it: 4.4, or 不适用."""
    return trimmed(ind.score) if ind.applicable else "不适用"


def printed(card: Scorecard) -> dict:
    """The figures as the report prints them, for summary.json and tests."""
    return {
        "total": fixed2(card.total),
        "raw_total": fixed2(card.raw_total),
        "rescaled": card.rescaled,
        "rate": f"{fixed2(card.rate)}%",
        "grade": card.grade,
        "weight": trimmed(card.weight),
        "dimensions": [
            {
                "code": d.code,
                "name": d.name,
                "weight": trimmed(d.weight),
                "score": fixed2(d.score),
                "rate": f"{fixed2(d.rate)}%",
            }
            for d in card.dimensions
        ],
        "indicators": [
            {
                "code": i.code,
                "name": i.name,
                "level1": {"code": d.code, "name": d.name},
                "level2": {"code": g.code, "name": g.name},
                "max": trimmed(i.max),
                "score": score_text(i),
            }
            for d in card.dimensions
            for g in d.groups
            for i in g.indicators
        ],
    }
