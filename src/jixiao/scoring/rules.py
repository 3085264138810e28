"""Scoring rules: an indicator's score computed from its evidence, with the working shown.

A rule is named in the indicator table's 评分方法 column and takes its inputs from the
评分参数 column as ``键=值; 键=值``. A value is a number (``88``, ``92.5%``, ``1,341``), a
data name (``facts.data_units``, ``queries.year_total``, ``surveys.社会公众``,
``budget.spent``), a word (``方向=超出``) or, for 锚点/分档, a list ``x:分, x:分``.

Every rule returns the score rounded half up to two places and the working as the report
prints it. The working is true arithmetic on the numbers it prints: inputs are printed as
typed, a rounded intermediate (a rate, a coefficient) is printed rounded and the next step
computes on that printed value, and a cap or a floor is said in words, never hidden in an
equals sign. Where the result depends on which way is better, the rule takes a direction
(``方向``) and the working names it.
"""

import math
from dataclasses import dataclass, field
from decimal import Decimal

from ..numeric import (HUNDRED, NotANumber, NumberError, Rate, fixed2, parse_number, points, round2, thousands, to_decimal,
                       trimmed)

MANUAL = "手工"
TEXT_INPUTS = {"对象", "方向", "名称", "单位"}  # inputs that are words rather than numbers
ZERO = Decimal(0)


class RuleError(ValueError):
    """A rule's inputs are missing or wrong; the message is Chinese and names the key."""


@dataclass
class Result:
    score: Decimal
    working: str
    notes: list[str] = field(default_factory=list)  # warnings for the analyst (jixiao check)


def show(value: Decimal) -> str:
    """A number as the working prints it: exactly, integers of four digits or more with
    separators, at least as many decimals as it has (88, 1.5, 0.375, 15,676,396)."""
    value = to_decimal(value)
    if value == value.to_integral_value() and abs(value) >= 1000:
        return thousands(value)
    return trimmed(value) if value == round2(value) else f"{value.normalize():f}"


def _scale(value: Decimal):
    """How a value compared with anchors or bands is printed, and the anchors beside it: a rate
    (a satisfaction rate, ``surveys.社会公众``) as the report prints rates everywhere, 93.10%,
    its anchors typed in percent as 90%; any other value as ``show`` prints it."""
    if isinstance(value, Rate):
        return (lambda v: f"{fixed2(v)}%"), (lambda x: f"{show(x)}%")
    return show, show


def parse_inputs(text: str, lookup) -> dict:
    """``键=值; 键=值`` → values; ``lookup(name)`` resolves data names to Decimals."""
    inputs = {}
    for part in filter(None, (p.strip() for p in (text or "").replace("；", ";").split(";"))):
        if "=" not in part:
            raise RuleError(f"评分参数『{part}』应写成 键=值")
        key, value = (s.strip() for s in part.split("=", 1))
        if key in TEXT_INPUTS:
            inputs[key] = value
        elif ":" in value or "：" in value:
            pairs = []
            for item in filter(None, (i.strip() for i in value.replace("，", ",").split(","))):
                x, _, y = item.replace("：", ":").partition(":")
                pairs.append((_number(x, lookup, key), _number(y, lookup, key)))
            inputs[key] = pairs
        else:
            inputs[key] = _number(value, lookup, key)
    return inputs


def _number(text: str, lookup, key: str) -> Decimal:
    text = text.strip()
    try:
        return lookup(text)
    except KeyError:
        pass
    try:
        return parse_number(text)
    except NotANumber:
        raise RuleError(f"评分参数『{key}』的值『{text}』既不是数字，也不是已知的数据名称（如 facts.键）") from None
    except NumberError as exc:
        raise RuleError(f"评分参数『{key}』的值『{text}』{exc}") from None


def _need(inputs: dict, *keys) -> list:
    missing = [k for k in keys if k not in inputs]
    if missing:
        raise RuleError(f"缺少评分参数：{'、'.join(missing)}")
    return [inputs[k] for k in keys]


def _not_negative(inputs: dict, *keys) -> None:
    for key in keys:
        if inputs[key] < 0:
            raise RuleError(f"评分参数『{key}』为 {show(inputs[key])}，不能为负数")


def _direction(inputs: dict, choices: tuple[str, str]) -> str:
    """The 方向 input, the first choice by default; anything else is named."""
    value = inputs.get("方向", choices[0])
    if value not in choices:
        raise RuleError(f"评分参数『方向』应为 {' 或 '.join(choices)}，而不是『{value}』")
    return value


def product(full: Decimal, percent: Decimal) -> tuple[Decimal, str]:
    """The score full × percent% rounded to two places, and its working 「10 × 99.97% = 9.997，
    取 10.00 分」: the exact product is printed, then the rounding, never a rounded product as
    if it were exact."""
    exact = full * percent / HUNDRED
    score = round2(exact)
    head = f"{show(full)} × {fixed2(percent)}% = "
    if exact == score:
        return score, f"{head}{points(score)} 分"
    return score, f"{head}{show(exact)}，取 {points(score)} 分"


def _rate_score(full: Decimal, rate: Decimal, label: str, value_text: str) -> Result:
    """Score = full × rate (rate in percent, rounded to two places), capped at full marks."""
    if rate >= HUNDRED:
        return Result(round2(full), f"{label} = {value_text} = {fixed2(rate)}%，达到或超过 100% 按满分计，"
                                    f"得分 {points(full)} 分")
    score, working = product(full, rate)
    return Result(score, f"{label} = {value_text} = {fixed2(rate)}%，得分 = {working}")


def completion(full, inputs, context=None) -> Result:
    """完成率 (more is better): actual ÷ target × full marks, capped at full marks. The working
    names the rate after the indicator when it is itself a rate (预算执行率), else 实际完成率."""
    actual, target = _need(inputs, "实际", "目标")
    _not_negative(inputs, "实际", "目标")
    if target == 0:
        raise RuleError("评分参数『目标』不能为 0")
    rate = round2(actual * HUNDRED / target)
    return _rate_score(full, rate, (context or {}).get("label") or "实际完成率", f"{show(actual)} ÷ {show(target)}")


def reverse_completion(full, inputs, _context=None) -> Result:
    """反向完成率 (less is better, e.g. cost): target ÷ actual × full marks, capped."""
    actual, target = _need(inputs, "实际", "目标")
    _not_negative(inputs, "实际", "目标")
    if actual == 0:
        raise RuleError("评分参数『实际』不能为 0")
    rate = round2(target * HUNDRED / actual)
    return _rate_score(full, rate, "反向完成率（越低越好）= 目标 ÷ 实际", f"{show(target)} ÷ {show(actual)}")


def _anchors(pairs, full: Decimal, key: str) -> list:
    """Sorted (x, score) pairs: distinct values, scores between 0 and full marks."""
    pairs = sorted(pairs)
    xs = [x for x, _ in pairs]
    if len(set(xs)) != len(xs):
        raise RuleError(f"评分参数『{key}』中的值不能重复：{'、'.join(show(x) for x in xs)}")
    if any(s > full or s < 0 for _, s in pairs):
        raise RuleError(f"评分参数『{key}』的分值应在 0 到满分 {show(full)} 之间")
    return pairs


def interpolation(full, inputs, _context=None) -> Result:
    """插值 (等值插入): linear between anchor points (x:score), flat beyond the ends. The
    anchors carry the direction: 60:0, 90:5 rewards more, 0:5, 10:0 rewards less."""
    value, anchors = _need(inputs, "值", "锚点")
    if len(anchors) < 2:
        raise RuleError("评分参数『锚点』至少需要两个点，如 60:0, 90:5")
    anchors = _anchors(anchors, full, "锚点")
    (lo, lo_score), (hi, hi_score) = anchors[0], anchors[-1]
    shown, at = _scale(value)
    if value <= lo:
        return Result(round2(lo_score), f"{shown(value)} 不高于最低锚点 {at(lo)}，取该锚点得分 {points(lo_score)} 分")
    if value >= hi:
        return Result(round2(hi_score), f"{shown(value)} 不低于最高锚点 {at(hi)}，取该锚点得分 {points(hi_score)} 分")
    for (x0, y0), (x1, y1) in zip(anchors, anchors[1:]):
        if x0 <= value <= x1:
            score = round2(y0 + (value - x0) / (x1 - x0) * (y1 - y0))
            return Result(score, f"{shown(value)} 介于 {at(x0)}（{show(y0)} 分）与 {at(x1)}（{show(y1)} 分）之间，"
                                 f"等值插入：得分 = {show(y0)} + ({shown(value)} − {at(x0)}) ÷ "
                                 f"({at(x1)} − {at(x0)}) × ({show(y1)} − {show(y0)}) = {points(score)} 分")
    raise AssertionError("unreachable")


def efficacy_coefficient(value, satisfactory, allowable) -> Decimal:
    """功效系数 d = (x − x_s) ÷ (x_h − x_s) × 40 + 60, unrounded."""
    return (value - allowable) / (satisfactory - allowable) * 40 + 60


def efficacy(full, inputs, _context=None) -> Result:
    """功效系数: d from the formula (rounded to two places), at most 100 and at least 0;
    score = full × d%. 满意值 below 不允许值 makes less better."""
    value, high, low = _need(inputs, "值", "满意值", "不允许值")
    if high == low:
        raise RuleError("满意值与不允许值不能相等")
    d = round2(efficacy_coefficient(value, high, low))
    head = f"功效系数 d = ({show(value)} − {show(low)}) ÷ ({show(high)} − {show(low)}) × 40 + 60 = {fixed2(d)}"
    if d >= HUNDRED:
        return Result(round2(full), f"{head}，达到或超过 100 按满分计，得分 {points(full)} 分")
    if d <= 0:
        return Result(round2(ZERO), f"{head}，不高于 0 按 0 计，得分 0.00 分")
    score, working = product(full, d)
    return Result(score, f"{head}，得分 = {working}")


HIGHER, LOWER = "越高越好", "越低越好"


def bands(full, inputs, _context=None) -> Result:
    """分档: 方向=越高越好 (default) takes the highest band whose floor the value reaches
    (值 ≥ x); 方向=越低越好 the lowest band whose ceiling it stays within (值 ≤ x)."""
    value, table = _need(inputs, "值", "分档")
    direction = _direction(inputs, (HIGHER, LOWER))
    table = _anchors(table, full, "分档")
    shown, at = _scale(value)
    if direction == HIGHER:
        for floor, score in reversed(table):
            if value >= floor:
                return Result(round2(score), f"{shown(value)} ≥ {at(floor)}，按分档得 {points(score)} 分")
        return Result(round2(ZERO), f"{shown(value)} 低于最低档 {at(table[0][0])}，得 0.00 分")
    for ceiling, score in table:
        if value <= ceiling:
            return Result(round2(score), f"{shown(value)} ≤ {at(ceiling)}，按分档（越低越好）得 {points(score)} 分")
    return Result(round2(ZERO), f"{shown(value)} 高于最高档 {at(table[-1][0])}，得 0.00 分")


SHORTFALL, EXCESS = "不足", "超出"


def _after_loss(full: Decimal, lost: Decimal) -> tuple[Decimal, str]:
    if lost >= full:
        return round2(ZERO), f"扣分达到或超过满分 {show(full)} 分，得 0.00 分"
    exact = full - lost
    score = round2(exact)
    shown = f"{points(score)} 分" if exact == score else f"{show(exact)}，取 {points(score)} 分"
    return score, f"得分 = {show(full)} − {show(lost)} = {shown}"


def deduction(full, inputs, _context=None) -> Result:
    """扣分: marks off per whole step by which the value falls short of the standard
    (方向=不足, the default) or exceeds it (方向=超出: days late, errors found), or per
    problem found (次数); never below zero."""
    if "次数" in inputs:
        count, each = _need(inputs, "次数", "每次扣分")
        _not_negative(inputs, "次数", "每次扣分")
        if count != count.to_integral_value():
            raise RuleError(f"评分参数『次数』应为整数，而不是 {show(count)}")
        noun, unit = inputs.get("名称", "发现问题"), inputs.get("单位", "项")
        if len(unit) > 2 or len(noun) > 20:
            raise RuleError("评分参数『单位』应是一两个字的量词（如 件、次、项），『名称』不超过 20 个字（如 群众投诉）")
        lost = count * each
        score, tail = _after_loss(full, lost)
        return Result(score, f"{noun} {show(count)} {unit}，每{unit}扣 {show(each)} 分，扣 {show(count)} × {show(each)} = "
                             f"{show(lost)} 分，{tail}")
    if "名称" in inputs or "单位" in inputs:
        raise RuleError("评分参数『名称』『单位』只用于按次数扣分（次数=…; 每次扣分=…）")
    value, standard, step, each = _need(inputs, "值", "标准", "步长", "每步扣分")
    direction = _direction(inputs, (SHORTFALL, EXCESS))
    if step <= 0:
        raise RuleError("评分参数『步长』应大于 0")
    _not_negative(inputs, "每步扣分")
    notes = []
    if direction == SHORTFALL and standard == 0 and value >= 0:
        notes.append("扣分规则按『不足』（低于标准才扣分）计算，而标准为 0：若该值越大越差（如逾期天数、差错数），"
                     "请在评分参数中写 方向=超出")
    elif direction == SHORTFALL and value == 0 and standard > 0:
        notes.append(f"扣分规则的『值』为 0 而『标准』为 {show(standard)}，按『不足』计为低于标准 {show(standard)}："
                     "若标准其实是逾期天数、问题数等越大越差的数，值和标准写反了，请写 值=该数; 标准=0; 方向=超出")
    elif direction == EXCESS and value < standard:
        notes.append(f"扣分规则按『超出』计算，而『值』{show(value)} 低于『标准』{show(standard)}，不扣分："
                     "请确认方向（该值越小越差时写 方向=不足）和值、标准没有写反")
    elif direction == SHORTFALL and value > standard:
        notes.append(f"扣分规则按『不足』计算，而『值』{show(value)} 高于『标准』{show(standard)}，不扣分："
                     "请确认方向（该值越大越差时写 方向=超出）和值、标准没有写反")
    if direction == SHORTFALL:
        gap, label, within = standard - value, f"低于标准 = {show(standard)} − {show(value)}", "未低于"
    else:
        gap, label, within = value - standard, f"超出标准 = {show(value)} − {show(standard)}", "未超过"
    if gap <= 0:
        return Result(round2(full), f"{show(value)} {within}标准 {show(standard)}，不扣分，得分 {points(full)} 分", notes)
    steps = math.floor(gap / step)
    lost = steps * each
    score, tail = _after_loss(full, lost)
    return Result(score, f"{label} = {show(gap)}，每满 {show(step)} 扣 {show(each)} 分，{show(gap)} 共满 {steps} 步，"
                         f"扣 {steps} × {show(each)} = {show(lost)} 分，{tail}", notes)


def key_points(full, _inputs, context) -> Result:
    """重点得分: each checklist point met earns its marks (the keypoints table)."""
    listed = context["keypoints"]
    if not listed:
        raise RuleError("重点得分需要在要点表（keypoints）中列出该指标的要点")
    total = sum((p["marks"] for p in listed), ZERO)
    if total != full:
        raise RuleError(f"要点分值合计 {show(total)} 与满分值 {show(full)} 不一致")
    met = [p for p in listed if p["met"]]
    missed = [p for p in listed if not p["met"]]
    exact = sum((p["marks"] for p in met), ZERO)
    score = round2(exact)
    text = "达到要点：" + ("、".join(f"{p['point']}（{show(p['marks'])} 分）" for p in met) or "无")
    if missed:
        text += "；未达到：" + "、".join(f"{p['point']}（{show(p['marks'])} 分）" for p in missed)
    marks = [show(p["marks"]) for p in met]
    total_text = f"= {' + '.join(marks)} = " if len(marks) > 1 else ""
    rounded = "" if exact == score else f"{show(exact)}，取 "
    return Result(score, f"{text}；得分 {total_text}{rounded}{points(score)} 分")


def satisfaction(full, inputs, context) -> Result:
    """满意度: the group's satisfaction rate from the raw answers, then 锚点/分档 or rate × full."""
    group = context.get("group_rates", {})
    (name,) = _need(inputs, "对象")
    if name not in group:
        raise RuleError(f"问卷答卷表（responses）中没有调查对象『{name}』的答卷")
    satisfied, answered = group[name]
    rate = Rate(round2(Decimal(satisfied) * HUNDRED / answered))
    head = (f"{name}有效回答 {answered} 个，其中满意或非常满意 {satisfied} 个，"
            f"满意率 = {satisfied} ÷ {answered} = {fixed2(rate)}%；")
    inner = dict(inputs, 值=rate)
    if "锚点" in inputs:
        result = interpolation(full, inner)
    elif "分档" in inputs:
        result = bands(full, inner)
    else:
        score, working = product(full, rate)
        result = Result(score, f"得分 = {working}")
    return Result(result.score, head + result.working, result.notes)


RULES = {
    "完成率": completion,
    "反向完成率": reverse_completion,
    "插值": interpolation,
    "功效系数": efficacy,
    "分档": bands,
    "重点得分": key_points,
    "扣分": deduction,
    "满意度": satisfaction,
}

KEYS = {
    "完成率": ("实际", "目标"),
    "反向完成率": ("实际", "目标"),
    "插值": ("值", "锚点"),
    "功效系数": ("值", "满意值", "不允许值"),
    "分档": ("值", "分档", "方向"),
    "重点得分": (),
    "扣分": ("值", "标准", "步长", "每步扣分", "方向", "次数", "每次扣分", "名称", "单位"),
    "满意度": ("对象", "锚点", "分档", "方向"),
}  # the inputs each rule reads

RULE_NAMES = [MANUAL, *RULES]


def apply(rule: str, full: Decimal, inputs: dict, context: dict) -> Result:
    """Run a rule on parsed inputs; a key the rule does not read is an error, not ignored."""
    unknown = [k for k in inputs if k not in KEYS[rule]]
    if unknown:
        allowed = "、".join(KEYS[rule]) or "无（要点写在要点表中）"
        raise RuleError(f"评分参数『{'、'.join(unknown)}』不用于「{rule}」，可用的参数：{allowed}")
    return RULES[rule](full, inputs, context)

# The scoring method as a reviewer names it (附表「评分方法」), per rule.
METHOD_NAMES = {
    "完成率": "比率法",
    "反向完成率": "比率法（反向）",
    "插值": "插值法",
    "功效系数": "功效系数法",
    "分档": "分档计分",
    "重点得分": "要点计分",
    "扣分": "扣分法",
    "满意度": "问卷调查（满意度）",
}
FORMULA = ("得分 =", "得分=", "× 满分", "×满分")


def method_name(rule: str, standard: str = "") -> str:
    """The reviewer's name of a scoring method: a rule's (比率法, 扣分法 …); a score typed by
    the team is 比率法 where its standard gives a formula (「得分 = … × 满分」), else 定性评价."""
    if rule != MANUAL:
        return METHOD_NAMES.get(rule, rule)
    return "比率法" if any(mark in (standard or "") for mark in FORMULA) else "定性评价"
