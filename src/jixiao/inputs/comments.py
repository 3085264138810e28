"""The 意见采纳情况表 (``comments`` table): the comments received on a draft and how each was
answered. Every row must be answered (采纳, 部分采纳 or 未采纳) before the 终稿; before that an
unanswered row is only a reminder."""

from .params import FINAL
from .tables import Row

ANSWERS = ("采纳", "部分采纳", "未采纳")


def review_comments(rows: list[Row], stage: str) -> tuple[list[str], list[str]]:
    """(problems, warnings) for the comments table's rows at this stage."""
    problems, warnings, unanswered = [], [], []
    for row in rows:
        where = f"{row.source} 第 {row.line} 行（序号 {row.get('no')}）"
        answer = str(row.get("answer") or "").strip()
        if not answer:
            unanswered.append(where)
        elif answer not in ANSWERS:
            problems.append(f"{where}：『采纳情况』为「{answer}」，应为 {'、'.join(ANSWERS)} 之一")
        elif answer != "采纳" and not str(row.get("note") or "").strip():
            warnings.append(f"{where}：意见{answer}，『说明』为空；请写明理由（报告附件意见采纳情况表中印出）")
    if unanswered and stage == FINAL:
        problems += [f"{w}：『采纳情况』为空；终稿中每条意见都须写明 {'、'.join(ANSWERS)} 之一" for w in unanswered]
    elif unanswered:
        warnings.append(f"意见采纳情况表中有 {len(unanswered)} 条意见尚未答复（{'；'.join(unanswered[:3])}"
                        f"{' 等' if len(unanswered) > 3 else ''}）：{stage}可以生成，终稿前须逐条写明采纳情况")
    return problems, warnings


def counts(rows: list[Row]) -> dict[str, int]:
    """How many comments in all and per answer (keys 合计 and each of ANSWERS, 未答复)."""
    found = {"合计": len(rows), **{a: 0 for a in ANSWERS}, "未答复": 0}
    for row in rows:
        answer = str(row.get("answer") or "").strip()
        found[answer if answer in ANSWERS else "未答复"] += 1
    return found
