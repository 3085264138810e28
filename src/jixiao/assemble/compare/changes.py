"""The 变动情况 table: every score, rate and grade that differs between two versions'
summary.json, with the input that changed (file, row, column) as the reason."""

from dataclasses import dataclass

from .sources import Sources, indicator_cells


@dataclass(frozen=True)
class Change:
    """One changed figure: what (indicator or level), the old and new printed values, why."""

    item: str
    old: str
    new: str
    why: str


HEADER = ("指标", "原值", "新值", "变动原因（变动的输入：文件、行、列）")


def _text(value) -> str:
    return "—" if value is None else str(value)


def _indicator_why(old: Sources, new: Sources, code: str) -> str:
    if not old.kept:
        return "旧版本没有保存输入，无法指出变动的输入"
    cells = indicator_cells(old, new, code)
    if cells:
        return "；".join(c.text() for c in cells)
    return "评分表和评分参数未变（笔记本、指标框架或程序的改动）"


def _below(changed: dict[str, Change], codes: list[str]) -> str:
    listed = [f"{c} {changed[c].old} → {changed[c].new}" for c in codes if c in changed]
    return f"下级指标得分变动：{'、'.join(listed)}" if listed else "下级指标得分未变（权重或适用范围改变）"


def changes(old_summary: dict, new_summary: dict, old: Sources, new: Sources) -> list[Change]:
    """Indicators first (by code order in the new report), then groups, dimensions, total, rate, grade."""
    before = {i["code"]: i for i in old_summary.get("indicators", [])}
    rows: dict[str, Change] = {}
    for ind in new_summary.get("indicators", []):
        was = before.get(ind["code"])
        old_score = was["score"] if was else None
        if old_score != ind["score"]:
            rows[ind["code"]] = Change(f"{ind['code']} {ind['name']}（得分）", _text(old_score), _text(ind["score"]),
                                       _indicator_why(old, new, ind["code"]))
    for code in before.keys() - {i["code"] for i in new_summary.get("indicators", [])}:
        rows[code] = Change(f"{code} {before[code]['name']}（得分）", _text(before[code]["score"]), "（已删去）",
                            _indicator_why(old, new, code))
    by_code = {c: ch for c, ch in rows.items()}
    result = list(rows.values())
    members = {}
    for ind in new_summary.get("indicators", []):
        members.setdefault(ind["level2"]["code"], []).append(ind["code"])
        members.setdefault(ind["level1"]["code"], []).append(ind["code"])
    for kind in ("groups", "dimensions"):
        was = {b["code"]: b for b in old_summary.get(kind, [])}
        for branch in new_summary.get(kind, []):
            prior = was.get(branch["code"], {})
            why = _below(by_code, members.get(branch["code"], []))
            for key, word in (("score", "得分"), ("rate", "得分率")):
                if prior.get(key) != branch.get(key):
                    result.append(Change(f"{branch['code']} {branch['name']}（{word}）", _text(prior.get(key)),
                                         _text(branch.get(key)), why))
    why = _below(by_code, list(by_code))
    for key, word in (("total", "总分"), ("rate", "总得分率"), ("grade", "评价等级")):
        if old_summary.get(key) != new_summary.get(key):
            result.append(Change(word, _text(old_summary.get(key)), _text(new_summary.get(key)), why))
    return result
