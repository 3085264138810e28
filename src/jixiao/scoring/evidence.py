"""Evidence for scoring rules: the numbers rules may read, survey answers turned into
satisfaction rates, and each indicator's score computed by its rule."""

from collections import defaultdict
from decimal import Decimal

from ..numeric import NotANumber, NumberError, parse_number, trimmed
from .rules import MANUAL, RULE_NAMES, RULES, RuleError, parse_inputs

YES = {"是", "y", "yes", "true", "1", "√", "✓"}
NO = {"否", "", "n", "no", "false", "0", "×"}
SATISFIED = 4  # answers are 1–5 (非常不满意 … 非常满意); 4 and 5 count as satisfied


def flag(text: str) -> bool | None:
    """是/否 in a cell; None when it is neither."""
    value = (text or "").strip().lower()
    return True if value in YES else False if value in NO else None


def _facts(params) -> tuple[dict[str, Decimal], dict[str, str]]:
    """Facts usable as numbers, and those that look like numbers but cannot be used as
    one (0,5 or 1e999999999) with the reason: only a fact a rule really uses is refused."""
    numbers, unusable = {}, {}
    for key, value in params.facts.items():
        try:
            numbers[f"facts.{key}"] = parse_number(value)
        except NotANumber:
            continue  # a fact written as text (约3.2亿条) is for reading, not for rules
        except NumberError as exc:
            unusable[f"facts.{key}"] = f"facts.{key} 的值『{value}』{exc}"
    return numbers, unusable


def numeric_values(params, tables) -> dict[str, Decimal]:
    """Data names a rule's inputs may use, with their numeric values."""
    values = _facts(params)[0]
    budget = params.budget
    values |= {
        "budget.total": budget.total,
        "budget.spent": budget.spent,
        "budget.received": sum((r.amount for r in budget.receipts), Decimal(0)),
    }
    if "queries" in tables:
        values["queries.year_total"] = Decimal(sum(r.year for r in tables["queries"]))
        values["queries.cumulative_total"] = Decimal(sum(r.cumulative for r in tables["queries"]))
    for row in tables.get("surveys", []):
        values[f"surveys.{row.group}"] = row.rate
    for name in ("staff", "activities"):
        if name in tables:
            values[f"{name}.count"] = Decimal(len(tables[name]))
    return values


def group_rates(rows, problems: list) -> dict[str, tuple[int, int]]:
    """(satisfied, answered) per 调查对象 from the raw answers (one row per respondent)."""
    counts = defaultdict(lambda: [0, 0])
    for row in rows:
        for question, answer in row.answers.items():
            if answer == "":
                continue
            if answer not in {"1", "2", "3", "4", "5"}:
                problems.append(f"{row.source} 第 {row.line} 行『{question}』：答案『{answer}』应为 1–5 的整数"
                                "（1 非常不满意 … 5 非常满意），未答请留空")
                continue
            counts[row.group][1] += 1
            counts[row.group][0] += int(answer) >= SATISFIED
    return {group: (s, n) for group, (s, n) in counts.items() if n}


def apply_rules(indicators, params, tables, problems: list, warnings: list) -> None:
    """Give each indicator its score: from its rule, or as typed (手工, with a reason)."""
    values = numeric_values(params, tables)
    unusable = _facts(params)[1]

    def lookup(name: str) -> Decimal:
        if name in unusable:
            raise RuleError(unusable[name])
        return values[name]

    rates = group_rates(tables.get("responses", []), problems)
    points = defaultdict(list)
    for row in tables.get("keypoints", []):
        met = flag(row.met)
        if met is None:
            problems.append(f"{row.source} 第 {row.line} 行：『是否达到』应填 是 或 否，而不是『{row.met}』")
        points[row.code].append({"point": row.point, "marks": row.marks, "met": bool(met)})
    for ind in indicators:
        where = f"{ind.source} 第 {ind.line} 行（指标 {ind.code}）"
        if ind.rule not in RULE_NAMES:
            problems.append(f"{where}：评分方法『{ind.rule}』不存在，可选：{'、'.join(RULE_NAMES)}")
            continue
        if not ind.applicable:
            continue
        if ind.rule == MANUAL:
            missing = [name for name, value in (("评分值", ind.score), ("评分理由", ind.reason)) if value in (None, "")]
            if missing:
                problems.append(f"{where}：手工评分须填写{'和'.join(f'『{m}』' for m in missing)}，"
                                "或在『评分方法』中选择计算规则")
            continue
        try:
            result = RULES[ind.rule](ind.max, parse_inputs(ind.inputs, lookup),
                                     {"keypoints": points.get(ind.code, []), "group_rates": rates,
                                      "label": ind.name if ind.name.endswith("率") else None})
        except RuleError as exc:
            problems.append(f"{where}：{exc}")
            continue
        if ind.score is not None and ind.score != result.score:
            warnings.append(f"{where}：填写的评分值 {trimmed(ind.score)} 与按「{ind.rule}」计算的 "
                            f"{trimmed(result.score)} 不一致，报告采用计算结果")
        ind.score, ind.working = result.score, result.working
