"""Scoring rules: an indicator's score computed from its evidence, with the working shown.

A rule is named in the indicator table's 评分方法 column and takes its inputs from the
评分参数 column as ``键=值; 键=值``. A value is a number (``88``, ``92.5%``, ``1,341``), a
data name (``facts.data_units``, ``queries.year_total``, ``surveys.社会公众``,
``budget.spent``) or, for 锚点/分档, a list ``x:分, x:分``. Every rule returns the score
rounded half up to two places and the working as the report prints it.
"""

import math
from dataclasses import dataclass
from decimal import Decimal

from ..numeric import HUNDRED, NotANumber, NumberError, fixed2, parse_number, round2, thousands, to_decimal, trimmed

MANUAL = "手工"
TEXT_INPUTS = {"对象"}  # inputs that name something rather than give a number


class RuleError(ValueError):
    """A rule's inputs are missing or wrong; the message is Chinese and names the key."""


@dataclass
class Result:
    score: Decimal
    working: str


def show(value: Decimal) -> str:
    """An input as the working prints it: integers with separators, decimals as typed."""
    value = to_decimal(value)
    if value == value.to_integral_value() and abs(value) >= 1000:
        return thousands(value)
    return trimmed(value) if value == round2(value) else f"{value.normalize():f}"


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


def _rate_score(full: Decimal, rate: Decimal, label: str, value_text: str) -> Result:
    """Score = full × rate (rate in percent, rounded to two places), capped at full marks."""
    if rate >= HUNDRED:
        return Result(round2(full), f"{label} = {value_text} = {fixed2(rate)}%，达到或超过 100% 按满分计，"
                                    f"得分 {fixed2(full)} 分")
    rate = max(rate, Decimal(0))
    score = round2(full * rate / HUNDRED)
    return Result(score, f"{label} = {value_text} = {fixed2(rate)}%，得分 = {trimmed(full)} × {fixed2(rate)}% = "
                         f"{fixed2(score)} 分")


def completion(full, inputs, context=None) -> Result:
    """完成率: actual ÷ target × full marks, capped at full marks. The working names the rate
    after the indicator when it is itself a rate (预算执行率), else 实际完成率."""
    actual, target = _need(inputs, "实际", "目标")
    if target == 0:
        raise RuleError("评分参数『目标』不能为 0")
    rate = round2(actual * HUNDRED / target)
    return _rate_score(full, rate, (context or {}).get("label") or "实际完成率", f"{show(actual)} ÷ {show(target)}")


def reverse_completion(full, inputs, _context=None) -> Result:
    """反向完成率 (lower is better, e.g. cost): target ÷ actual × full marks, capped."""
    actual, target = _need(inputs, "实际", "目标")
    if actual == 0:
        raise RuleError("评分参数『实际』不能为 0")
    rate = round2(target * HUNDRED / actual)
    return _rate_score(full, rate, "完成率（越低越好）", f"{show(target)} ÷ {show(actual)}")


def interpolation(full, inputs, _context=None) -> Result:
    """插值 (等值插入): linear between anchor points (x:score), flat beyond the ends."""
    value, anchors = _need(inputs, "值", "锚点")
    anchors = sorted(anchors)
    if len(anchors) < 2:
        raise RuleError("评分参数『锚点』至少需要两个点，如 60:0, 90:5")
    if any(s > full or s < 0 for _, s in anchors):
        raise RuleError(f"锚点的分值应在 0 到满分 {trimmed(full)} 之间")
    lo, hi = anchors[0], anchors[-1]
    if value <= lo[0]:
        return Result(round2(lo[1]), f"{show(value)} 不高于最低锚点 {show(lo[0])}，得分 {fixed2(lo[1])} 分")
    if value >= hi[0]:
        return Result(round2(hi[1]), f"{show(value)} 不低于最高锚点 {show(hi[0])}，得分 {fixed2(hi[1])} 分")
    for (x0, y0), (x1, y1) in zip(anchors, anchors[1:]):
        if x0 <= value <= x1:
            score = round2(y0 + (value - x0) / (x1 - x0) * (y1 - y0))
            return Result(score, f"{show(value)} 介于 {show(x0)}（{trimmed(y0)} 分）与 {show(x1)}（{trimmed(y1)} 分）之间，"
                                 f"等值插入：得分 = {trimmed(y0)} + ({show(value)} − {show(x0)}) ÷ "
                                 f"({show(x1)} − {show(x0)}) × ({trimmed(y1)} − {trimmed(y0)}) = {fixed2(score)} 分")
    raise AssertionError("unreachable")


def efficacy_coefficient(value, satisfactory, allowable) -> Decimal:
    """功效系数 d = (x − x_s) ÷ (x_h − x_s) × 40 + 60, unrounded."""
    return (value - allowable) / (satisfactory - allowable) * 40 + 60


def efficacy(full, inputs, _context=None) -> Result:
    """功效系数: d from the formula, capped to [0, 100]; score = full × d%."""
    value, high, low = _need(inputs, "值", "满意值", "不允许值")
    if high == low:
        raise RuleError("满意值与不允许值不能相等")
    d = min(max(round2(efficacy_coefficient(value, high, low)), Decimal(0)), HUNDRED)
    score = round2(full * d / HUNDRED)
    return Result(score, f"功效系数 d = ({show(value)} − {show(low)}) ÷ ({show(high)} − {show(low)}) × 40 + 60 = "
                         f"{fixed2(d)}，得分 = {trimmed(full)} × {fixed2(d)}% = {fixed2(score)} 分")


def bands(full, inputs, _context=None) -> Result:
    """分档: the first band (≥ x → score) the value reaches, highest band first."""
    value, table = _need(inputs, "值", "分档")
    for floor, score in sorted(table, reverse=True):
        if value >= floor:
            if score > full:
                raise RuleError(f"分档的分值 {trimmed(score)} 超过满分 {trimmed(full)}")
            return Result(round2(score), f"{show(value)} ≥ {show(floor)}，按分档得 {fixed2(score)} 分")
    return Result(Decimal("0.00"), f"{show(value)} 低于最低档 {show(min(f for f, _ in table))}，得 0.00 分")


def deduction(full, inputs, _context=None) -> Result:
    """扣分: per step of shortfall below a standard, or per problem found; floored at zero."""
    if "次数" in inputs:
        count, each = _need(inputs, "次数", "每次扣分")
        lost = count * each
        score = round2(max(full - lost, Decimal(0)))
        return Result(score, f"发现问题 {show(count)} 项，每项扣 {trimmed(each)} 分，"
                             f"得分 = {trimmed(full)} − {trimmed(lost)} = {fixed2(score)} 分")
    value, standard, step, each = _need(inputs, "值", "标准", "步长", "每步扣分")
    if step <= 0:
        raise RuleError("评分参数『步长』应大于 0")
    gap = max(standard - value, Decimal(0))
    steps = math.floor(gap / step)
    lost = steps * each
    score = round2(max(full - lost, Decimal(0)))
    return Result(score, f"差距 = {show(standard)} − {show(value)} = {show(gap)}，每 {show(step)} 扣 {trimmed(each)} 分，"
                         f"扣 {steps} × {trimmed(each)} = {trimmed(lost)} 分，得分 = {trimmed(full)} − {trimmed(lost)} = "
                         f"{fixed2(score)} 分")


def key_points(full, _inputs, context) -> Result:
    """重点得分: each checklist point met earns its marks (the keypoints table)."""
    points = context["keypoints"]
    if not points:
        raise RuleError("重点得分需要在要点表（keypoints）中列出该指标的要点")
    total = sum((p["marks"] for p in points), Decimal(0))
    if total != full:
        raise RuleError(f"要点分值合计 {trimmed(total)} 与满分值 {trimmed(full)} 不一致")
    met = [p for p in points if p["met"]]
    missed = [p for p in points if not p["met"]]
    score = round2(sum((p["marks"] for p in met), Decimal(0)))
    text = "达到要点：" + ("、".join(f"{p['point']}（{trimmed(p['marks'])} 分）" for p in met) or "无")
    if missed:
        text += "；未达到：" + "、".join(f"{p['point']}（{trimmed(p['marks'])} 分）" for p in missed)
    return Result(score, f"{text}；得分 {fixed2(score)} 分")


def satisfaction(full, inputs, context) -> Result:
    """满意度: the group's satisfaction rate from the raw answers, then 锚点/分档 or rate × full."""
    group = context.get("group_rates", {})
    (name,) = _need(inputs, "对象")
    if name not in group:
        raise RuleError(f"问卷答卷表（responses）中没有调查对象『{name}』的答卷")
    satisfied, answered = group[name]
    rate = round2(Decimal(satisfied) * HUNDRED / answered)
    head = (f"{name}有效回答 {answered} 个，其中满意或非常满意 {satisfied} 个，"
            f"满意率 = {satisfied} ÷ {answered} = {fixed2(rate)}%；")
    inner = dict(inputs, 值=rate)
    if "锚点" in inputs:
        result = interpolation(full, inner)
    elif "分档" in inputs:
        result = bands(full, inner)
    else:
        capped = min(rate, HUNDRED)
        score = round2(full * capped / HUNDRED)
        result = Result(score, f"得分 = {trimmed(full)} × {fixed2(capped)}% = {fixed2(score)} 分")
    return Result(result.score, head + result.working)


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

RULE_NAMES = [MANUAL, *RULES]
