"""Evidence for scoring rules: survey answers turned into satisfaction rates, and each
indicator's score computed by its rule from the values the project names."""

from collections import defaultdict

from ..numeric import HUNDRED, points, round2
from .notes import Note
from .rules import MANUAL, RULE_NAMES, RuleError, apply, parse_inputs, show

YES = {"是", "y", "yes", "true", "1", "√", "✓"}
NO = {"否", "", "n", "no", "false", "0", "×"}
SATISFIED = 4  # answers are 1–5 (非常不满意 … 非常满意); 4 and 5 count as satisfied


def flag(text: str) -> bool | None:
    """是/否 in a cell; None when it is neither."""
    value = (text or "").strip().lower()
    return True if value in YES else False if value in NO else None


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


def apply_rules(indicators, numbers: dict, rates: dict, tables: dict, problems: list, warnings: list,
                unusable: dict | None = None) -> None:
    """Give each indicator its score: from its rule, or as typed (手工, with a reason).
    ``numbers`` are the values rules may read by name; ``rates`` the survey answers' (satisfied, answered);
    ``unusable`` names that look like numbers but cannot be read as one, with the reason (refused
    only when a rule uses them)."""
    unusable = unusable or {}

    def lookup(name: str):
        if name in unusable:
            raise RuleError(unusable[name])
        return numbers[name]

    checklist = defaultdict(list)
    for row in tables.get("keypoints", []):
        met = flag(row.met)
        if met is None:
            problems.append(f"{row.source} 第 {row.line} 行：『是否达到』应填 是 或 否，而不是『{row.met}』")
        checklist[row.code].append({"point": row.point, "marks": row.marks, "met": bool(met)})
    for ind in indicators:
        where = f"{ind.source} 第 {ind.line} 行（指标 {ind.code}）"
        if ind.rule not in RULE_NAMES:
            problems.append(f"{where}：评分方法『{ind.rule}』不存在，可选：{'、'.join(RULE_NAMES)}")
            continue
        if not ind.applicable:
            continue
        if ind.weighted:
            _weigh_criterion(ind, where, problems, warnings)
            continue
        if ind.rule == MANUAL:
            missing = [name for name, value in (("评分值", ind.score), ("评分理由", ind.reason)) if value in (None, "")]
            if missing:
                problems.append(f"{where}：手工评分须填写{'和'.join(f'『{m}』' for m in missing)}，"
                                "或在『评分方法』中选择计算规则")
            continue
        try:
            result = apply(ind.rule, ind.max, parse_inputs(ind.inputs, lookup),
                           {"keypoints": checklist.get(ind.code, []), "group_rates": rates,
                            "label": ind.name if ind.name.endswith("率") else None})
        except RuleError as exc:
            problems.append(f"{where}：{exc}")
            continue
        warnings.extend(Note(where, note, report=False) for note in result.notes)
        _settle(ind, result.score, result.working, f"按「{ind.rule}」计算的", where, warnings)


def _weigh_criterion(ind, where: str, problems: list, warnings: list) -> None:
    """A weighted criterion: 百分制得分 (0–100, typed with a reason) × weight (满分值 as a
    percentage of the 100-point total) = the score that enters the roll-up."""
    criterion = ind.criterion
    if ind.rule != MANUAL:
        problems.append(f"{where}：填写了『百分制得分』的指标按百分制得分加权计分，评分方法应为「手工」，"
                        f"而不是「{ind.rule}」；按规则计分时请清空『百分制得分』")
        return
    if not 0 <= criterion <= HUNDRED:
        problems.append(f"{where}：百分制得分 {show(criterion)} 应在 0 到 100 之间")
        return
    if round2(criterion) != criterion:
        problems.append(f"{where}：百分制得分 {criterion} 超过两位小数，请四舍五入到两位")
        return
    if not ind.reason:
        problems.append(f"{where}：百分制评分须填写『评分理由』")
        return
    exact = criterion * ind.max / HUNDRED
    score = round2(exact)
    shown = f"{points(score)} 分" if exact == score else f"{show(exact)}，取 {points(score)} 分"
    working = (f"百分制得分 {points(criterion)} 分，权重 {show(ind.max)}%，"
               f"加权得分 = {points(criterion)} × {show(ind.max)}% = {shown}")
    _settle(ind, score, working, "按百分制得分加权计算的", where, warnings)


def _settle(ind, score, working: str, how: str, where: str, warnings: list) -> None:
    """Give the indicator its computed score; a different typed score is a warning."""
    if ind.score is not None and ind.score != score:
        text = f"填写的评分值 {points(ind.score)} 与{how} {points(score)} 不一致，报告采用计算结果"
        warnings.append(Note(where, text, report=f"指标 {ind.code} {ind.name}：{text}"))
    ind.score, ind.working = score, working
