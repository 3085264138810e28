"""The project's one vocabulary of values.

Text templates (``{{ budget.total }}``), scoring-rule inputs (``实际=budget.spent``) and
``summary.json`` use the same names. Values keep their type (``Score``, ``Rate``, ``Amount``,
plain numbers, text) so each prints as the report prints it; ``facts`` stay exactly as typed.

Names::

    project.<key>                 the parameter file's project section; report_date as 2019年7月1日
    report.title / report.kind    from the outline: 项目支出绩效评价报告, 评价
    evaluation.methods / period   the evaluation's methods (name, description) and period
    grades                        the grade bands, highest first: label, min, below
    budget.total/spent/received   amounts; budget.category, budget.source, budget.receipts (date, amount)
    rates.<key>.name/value/formula the budget rates the framework defines (预算执行率 …); .over names the
                                  denominator, .computable is false when it is 0 (value —)
    facts.<key>                   as typed in the parameter file
    <table>.count, <table>.<column>_total   every data table; numeric columns are summed
    surveys.<调查对象>, responses.<调查对象>   satisfaction rates
    total, raw_total, rate, grade, weight, applicable_weight, rescaled
    dimensions.<code>.…, groups.<code>.…, indicators.<code>.…
    previous                      last year's vocabulary, or None
"""

from decimal import Decimal

from ..inputs.tables import SPECS
from ..numeric import HUNDRED, Amount, NotANumber, NumberError, Rate, Score, parse_number
from ..scoring.tree import NOT_APPLICABLE


class Text(str):
    """A text value of the vocabulary. Its repr is the text itself, so a notebook shows
    ``{eval}`grade``` and a cell's result as 优秀, not '优秀'."""

    __slots__ = ()

    def __repr__(self) -> str:
        return str.__str__(self)


def _shown(value):
    return Text(value) if type(value) is str else value


class Names:
    """Values by name, also read as attributes; iterating gives the values (the dimensions)."""

    __slots__ = ("_path", "_items")

    def __init__(self, path: str, items: dict):
        object.__setattr__(self, "_path", path)
        object.__setattr__(self, "_items", dict(items))

    def __getattr__(self, key):
        try:
            return _shown(self._items[key])
        except KeyError:
            raise AttributeError(key) from None

    def __getitem__(self, key):
        return _shown(self._items[key])

    def __iter__(self):
        return (_shown(v) for v in self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key) -> bool:
        return key in self._items

    def __getstate__(self):
        return self._path, self._items

    def __setstate__(self, state):
        object.__setattr__(self, "_path", state[0])
        object.__setattr__(self, "_items", state[1])

    def __repr__(self) -> str:
        return f"Names({self._path or '.'}: {', '.join(self._items)})"

    def keys(self) -> list[str]:
        return list(self._items)


BUDGET_WORDS = {"budget.total": "项目预算", "budget.spent": "实际支出", "budget.received": "实际到位资金"}


def _month(text: str) -> str:
    return "".join(f"{int(p)}{unit}" for p, unit in zip(str(text).split("-"), "年月日"))


def evidence(params, tables: dict, survey_answers: dict[str, tuple[int, int]]) -> dict:
    """The values known before scoring: what rules may read and texts may print."""
    info = params.project.model_dump()
    if params.project.dated:
        info["report_date"] = _month(params.project.report_date.isoformat())
    budget = params.budget
    received = sum((r.amount for r in budget.receipts), Decimal(0))
    amounts = {"total": Amount(budget.total), "spent": Amount(budget.spent), "received": Amount(received)}
    values = {
        "project": Names("project", info),
        "budget": Names("budget", amounts | {
            "category": budget.category, "source": budget.source,
            "receipts": [Names("budget.receipts", {"date": _month(r.date), "amount": Amount(r.amount)})
                         for r in budget.receipts],
        }),
        "rates": Names("rates", {key: _rate(rate, amounts) for key, rate in params.framework.rates.items()}),
        "facts": Names("facts", {k: v if isinstance(v, str) else repr(v) if isinstance(v, float) else str(v)
                                 for k, v in params.facts.items()}),
        "evaluation": Names("evaluation", {
            "period": params.evaluation.period,
            "methods": [Names("evaluation.methods", m.model_dump()) for m in params.evaluation.methods],
        }),
        "grades": _grades(params.framework.grades),
    }
    for name, rows in tables.items():
        spec = SPECS[name]
        entry = {"count": len(rows)}
        for column in spec.columns:
            if column.kind != "text":
                entry[f"{column.key}_total"] = sum((r[column.key] or 0 for r in rows), 0)
        values[name] = Names(name, entry)
    if "surveys" in tables:
        values["surveys"] = Names("surveys", values["surveys"]._items
                                  | {r.group: Rate(r.rate) for r in tables["surveys"]})
    if survey_answers:  # each group's satisfaction rate, beside responses.count
        counted = values["responses"]._items if "responses" in values else {}
        values["responses"] = Names("responses", counted | {group: Rate(Decimal(s) * HUNDRED / n)
                                                            for group, (s, n) in survey_answers.items()})
    return values


def _grades(grades) -> list[Names]:
    """The grade bands, highest first: label, lower bound (inclusive) and upper bound (exclusive, or None)."""
    ordered = sorted(grades, key=lambda g: g.min, reverse=True)
    return [Names("grades", {"label": g.label, "min": g.min, "below": ordered[n - 1].min if n else None})
            for n, g in enumerate(ordered)]


def _rate(rate, amounts: dict) -> Names:
    of, over = (amounts[name.removeprefix("budget.")] for name in (rate.of, rate.over))
    return Names(f"rates.{rate.name}", {
        "name": rate.name,
        "value": Rate(of * HUNDRED / over) if over else "—",
        "formula": f"{BUDGET_WORDS[rate.of]} ÷ {BUDGET_WORDS[rate.over]}",
        "over": BUDGET_WORDS[rate.over], "computable": bool(over),
    })


def numbers(values: dict) -> tuple[dict[str, Decimal], dict[str, str]]:
    """The numeric values by dotted name, as scoring rules read them (facts parsed), and the facts
    that look like numbers but cannot be read as one (0,5), with the reason."""
    flat, unusable = {}, {}

    def walk(prefix: str, value) -> None:
        if isinstance(value, Names):
            for key in value.keys():
                walk(f"{prefix}.{key}" if prefix else key, value[key])
        elif isinstance(value, (int, Decimal)) and not isinstance(value, bool):
            flat[prefix] = value if isinstance(value, Rate) else Decimal(value)  # a rate compares as one
        elif prefix.startswith("facts.") and isinstance(value, str):
            try:
                flat[prefix] = parse_number(value)
            except NotANumber:
                pass  # a fact written as text (约3.2亿条) is for reading, not for rules
            except NumberError as exc:
                unusable[prefix] = f"{prefix} 的值『{value}』{exc}"

    for key, value in values.items():
        if key != "rates":
            walk(key, value)
    return flat, unusable


def _indicator(ind) -> Names:
    return Names(f"indicators.{ind.code}", {
        "code": ind.code, "name": ind.name, "max": ind.max, "level1": ind.level1, "level2": ind.level2,
        "score": Score(ind.score) if ind.applicable else NOT_APPLICABLE,
        "criterion": Score(ind.criterion) if ind.weighted and ind.applicable else None,
        "lost": Score(ind.lost), "applicable": ind.applicable, "rule": ind.rule, "working": ind.working,
        "reason": ind.reason,
    })


def _branch(path: str, node) -> Names:
    """A dimension or group: weight, applicable weight (without 不适用 indicators), score and rate
    on it (不适用 when wholly inapplicable), the 百分制得分 of weighted criteria."""
    return Names(path, {
        "code": node.code, "name": node.name, "weight": node.weight, "applicable_weight": node.applicable_weight,
        "score": Score(node.score) if node.applicable else NOT_APPLICABLE,
        "rate": Rate(node.rate) if node.applicable else NOT_APPLICABLE, "applicable": node.applicable,
        "criterion": None if node.criterion is None else Score(node.criterion),
    })


def scores(card) -> dict:
    """The scorecard's values."""
    return {
        "total": Score(card.total), "raw_total": Score(card.raw_total), "rate": Rate(card.rate), "grade": card.grade,
        "weight": card.weight, "applicable_weight": card.applicable_weight, "rescaled": card.rescaled,
        "dimensions": Names("dimensions", {d.code: _branch(f"dimensions.{d.code}", d) for d in card.dimensions}),
        "groups": Names("groups", {g.code: _branch(f"groups.{g.code}", g) for d in card.dimensions for g in d.groups}),
        "indicators": Names("indicators", {i.code: _indicator(i) for i in card.indicators}),
    }


def report(outline) -> Names:
    return Names("report", {"title": outline.title, "kind": outline.kind})
