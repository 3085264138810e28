"""A complete synthetic project for each shipped framework, written into a folder.

``write_project(root, framework)`` writes ``params/<framework>.yaml`` and
``data/<framework>/`` under ``root`` and returns the parameter file. The project uses the
shipped tree unchanged (``framework: {name: …}``); where the framework has too few
indicators, the project splits an indicator's full marks into two inside its group, as an
analyst would. ``OWN`` is a framework of the project's own, written whole into its parameter
file (five dimensions, its own grade bands, budget rates and weight constraint, scores printed
in the trimmed style). Every project has:

- every scoring rule at least once, manual scores and a weighted 百分制 criterion;
- a wholly 不适用 group, another 不适用 indicator in a group that stays applicable;
- a group that scores zero (deductions beyond full marks and a manual 0);
- every other applicable indicator scored between zero and full marks;
- what the self-assessment form needs besides (年初预算数, sources of the money, annual goal, the
  indicator table's 年度指标值, 实际完成值 and 偏差原因).

Used by tests/scoring (the scoring model) and by the rendering tests (the PDF text).
"""

import csv
from decimal import ROUND_FLOOR, Decimal
from pathlib import Path

import yaml

from jixiao.inputs import frameworks
from jixiao.numeric import round2, trimmed

HALF = Decimal("0.5")
NUMERALS = "一二三四五六七八九十"
KINDS = ["手工", "百分制", "完成率", "反向完成率", "插值", "功效系数", "分档", "重点得分", "扣分", "满意度"]
FACTS = {"实际产出数": 88, "计划产出数": 100, "实际成本": 110, "计划成本": 100, "达标率": "83.33", "覆盖率": 85,
         "差错数": 3, "逾期天数": 12, "问题数": 40}
ANSWERS = [5, 4, 4, 3, 5, 2, 4, 5, 4, 1, 4, 5]  # 8 of 12 answers are 4 or 5
# What the 项目支出绩效自评表 needs beyond the report (the self-assessment report annexes it)
FORM_COLUMNS = {"年度指标值": "≥95%", "实际完成值": "90%", "偏差原因": "部分事项未按计划完成，已制定整改措施。"}
FORM_BUDGET = {"initial": 900000, "funds": {"appropriation": {"initial": 900000, "total": 900000, "spent": 850000},
                                             "carryover": {"initial": 0, "total": 100000, "spent": 70000}}}
FORM_TEXTS = {"annual_goal": "完成全部产出，服务对象满意度达到 90% 以上。", "annual_result": "完成主要产出，满意度 75%。"}
OWN = "own-2021"
OWN_FRAMEWORK = {
    "name": OWN,
    "grades": [{"min": 85, "label": "优秀"}, {"min": 70, "label": "良好"}, {"min": 60, "label": "一般"},
               {"min": 0, "label": "较差"}],
    "rates": {"execution": {"name": "资金执行率", "of": "budget.spent", "over": "budget.received"},
              "receipt": {"name": "资金到位率", "of": "budget.received", "over": "budget.total"}},
    "constraints": [{"codes": ["C", "D"], "min": 50, "label": "产出与效益指标权重合计"}],
    "dimensions": [
        {"code": "A", "name": "投入", "weight": 15, "groups": [
            {"code": "A1", "name": "资金落实", "indicators": [
                {"code": "A101", "name": "资金到位率", "max": 5, "standard": "资金到位率 = 实际到位资金 ÷ 项目预算。"},
                {"code": "A102", "name": "预算执行率", "max": 5, "standard": "预算执行率 = 实际支出 ÷ 项目预算。"}]},
            {"code": "A2", "name": "前期准备", "indicators": [{"code": "A201", "name": "实施方案完备性", "max": 5}]}]},
        {"code": "B", "name": "过程", "weight": 20, "groups": [
            {"code": "B1", "name": "业务管理", "indicators": [{"code": "B101", "name": "制度执行有效性", "max": 10}]},
            {"code": "B2", "name": "财务管理", "indicators": [{"code": "B201", "name": "资金使用合规性", "max": 10}]}]},
        {"code": "C", "name": "产出", "weight": 35, "groups": [
            {"code": "C1", "name": "产出数量", "indicators": [{"code": "C101", "name": "计划完成率", "max": 15}]},
            {"code": "C2", "name": "产出质量", "indicators": [{"code": "C201", "name": "验收合格率", "max": 10}]},
            {"code": "C3", "name": "产出时效", "indicators": [{"code": "C301", "name": "按期完成率", "max": 10}]}]},
        {"code": "D", "name": "效益", "weight": 20, "groups": [
            {"code": "D1", "name": "社会效益", "indicators": [{"code": "D101", "name": "受益人数", "max": 10}]},
            {"code": "D2", "name": "可持续影响", "indicators": [{"code": "D201", "name": "长效机制", "max": 10}]}]},
        {"code": "E", "name": "满意度", "weight": 10, "groups": [
            {"code": "E1", "name": "服务对象满意度", "indicators": [{"code": "E101", "name": "受益群众满意度", "max": 10}]}]},
    ],
}


def _raw(framework: str) -> dict:
    return OWN_FRAMEWORK if framework == OWN else frameworks.load(framework)


def _decimal(value) -> Decimal:
    return Decimal(str(value))


def _split(rows: list[dict], index: int) -> None:
    """Split one indicator's full marks into two indicators of the same group."""
    row = rows[index]
    top = row["max"]
    half = (top / 2 / HALF).to_integral_value(ROUND_FLOOR) * HALF or round2(top / 2)
    origin = row.get("origin", row["name"])
    rows[index:index + 1] = [dict(row, max=top - half, origin=origin), dict(row, max=half, origin=origin)]


def _renumber(rows: list[dict]) -> None:
    """Codes in order within each group; a split indicator's parts are named （一）（二）…"""
    seen, parts = {}, {}
    for row in rows:
        seen[row["level2"]] = seen.get(row["level2"], 0) + 1
        row["code"] = f"{row['level2']}{seen[row['level2']]:02d}"
        if "origin" in row:
            parts[row["origin"]] = parts.get(row["origin"], 0) + 1
            row["name"] = f"{row['origin']}（{NUMERALS[parts[row['origin']] - 1]}）"


def _plan(framework: str) -> tuple[list[dict], str, str]:
    """The indicator rows, the wholly inapplicable group and the zero-scoring group."""
    raw = _raw(framework)
    rows = [dict(r, max=_decimal(r["max"])) for r in frameworks.indicators(raw)]
    groups = [(d["code"], g["code"]) for d in raw["dimensions"] for g in d["groups"]]
    by_dimension = {}
    for dim, group in groups:
        by_dimension.setdefault(dim, []).append(group)
    roomy = [gs for gs in by_dimension.values() if len(gs) > 1]
    # the inapplicable and the zero group come from dimensions that keep other groups, when there are such
    candidates = [g for gs in roomy for g in gs[1:]] or [g for _, g in groups[1:]]
    na_group = candidates[-1]
    zero_group = next(g for g in reversed(candidates[:-1] or [g for _, g in groups]) if g != na_group)
    others = [i for i, r in enumerate(rows) if r["level2"] not in (na_group, zero_group)]

    def splittable():
        return max((i for i, r in enumerate(rows) if r["level2"] not in (na_group, zero_group) and r["max"] > HALF),
                   key=lambda i: rows[i]["max"])

    partial = any(sum(r["level2"] == rows[i]["level2"] for r in rows) > 1 for i in others)
    while len(others) < len(KINDS) + 1 or not partial:
        _split(rows, splittable())
        others = [i for i, r in enumerate(rows) if r["level2"] not in (na_group, zero_group)]
        partial = any(sum(r["level2"] == rows[i]["level2"] for r in rows) > 1 for i in others)
    while sum(r["level2"] == zero_group for r in rows) < 2:
        _split(rows, next(i for i, r in enumerate(rows) if r["level2"] == zero_group))
    _renumber(rows)
    return rows, na_group, zero_group


def _scored(row: dict, kind: str) -> dict:
    """评分方法, 评分参数, 评分值, 百分制得分 and 评分理由 for one kind of scoring."""
    top = row["max"]
    t = trimmed(top)
    cells = {"评分方法": "手工" if kind in ("手工", "百分制") else kind, "评分理由": ""}
    if kind == "手工":
        cells.update(评分值=round2(top * Decimal("0.8")), 评分理由="部分资料不全，酌情扣分。")
    elif kind == "百分制":
        cells.update(百分制得分="85.5", 评分理由="专家按百分制评分。")
    elif kind == "完成率":
        cells["评分参数"] = "实际=facts.实际产出数; 目标=facts.计划产出数"
    elif kind == "反向完成率":
        cells["评分参数"] = "实际=facts.实际成本; 目标=facts.计划成本"
    elif kind == "插值":
        cells["评分参数"] = f"值=facts.达标率; 锚点=60:0, 95:{t}"
    elif kind == "功效系数":
        cells["评分参数"] = "值=facts.覆盖率; 满意值=95; 不允许值=60"
    elif kind == "分档":
        cells["评分参数"] = f"值=facts.差错数; 分档=0:{t}, 2:{trimmed(top * Decimal('0.6'))}, 5:{trimmed(top / 5)}; 方向=越低越好"
    elif kind == "扣分":
        cells["评分参数"] = f"值=facts.逾期天数; 标准=0; 步长=5; 每步扣分={trimmed(top / 10)}; 方向=超出"
    elif kind == "满意度":
        cells["评分参数"] = f"对象=社会公众; 锚点=50:0, 90:{t}"
    return cells


def _table(rows: list[dict], na_group: str, zero_group: str) -> tuple[list[dict], list[list]]:
    """Indicator rows as the table holds them, and the key points of 重点得分."""
    table, keypoints = [], []
    kinds = iter(KINDS)
    partial_done = False
    for row in rows:
        cells = {"一级指标": row["level1"], "二级指标": row["level2"], "指标编码": row["code"], "三级指标": row["name"],
                 "满分值": row["max"], "分析": f"{row['name']}的评价依据与分析。", "评分标准": row.get("standard")}
        siblings = sum(r["level2"] == row["level2"] for r in rows)
        if row["level2"] == na_group:
            cells.update(不适用="是", 评分理由="本年度未发生相关事项。")
        elif row["level2"] == zero_group:
            first = not any(t["二级指标"] == zero_group for t in table)
            cells.update({"评分方法": "扣分", "评分参数": "次数=facts.问题数; 每次扣分=1"} if first else
                         {"评分方法": "手工", "评分值": 0, "评分理由": "未开展相关工作，不得分。"})
        elif not partial_done and siblings > 1 and row["code"].endswith("01"):
            cells.update(不适用="是", 评分理由="该项不适用于本项目。")
            partial_done = True
        else:
            kind = next(kinds, "手工")
            cells.update(_scored(row, kind))
            if kind == "重点得分":
                first = round2(row["max"] / 2)
                keypoints += [[row["code"], "制度健全", first, "是"], [row["code"], "书面验收", row["max"] - first, "否"]]
        table.append(cells)
    assert next(kinds, None) is None, "not every kind of scoring was used"
    return table, keypoints


def _form_cell(row: dict, header: str) -> str:
    """The form's columns: target and actual where no rule implies them (manual, 不适用), the deviation everywhere."""
    manual = row.get("评分方法") in (None, "", "手工") or row.get("不适用") == "是"
    if header not in FORM_COLUMNS:
        return None
    return FORM_COLUMNS[header] if header == "偏差原因" or manual else ""


def _write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows([_cell(v) for v in row] for row in rows)


def _cell(value) -> str:
    if value is None:
        return ""
    return trimmed(value) if isinstance(value, Decimal) else str(value)


def write_project(root: Path, framework: str) -> Path:
    """Write the synthetic project for ``framework`` under ``root``; return its parameter file."""
    name = framework
    data = root / "data" / name
    data.mkdir(parents=True)
    rows, na_group, zero_group = _plan(framework)
    table, keypoints = _table(rows, na_group, zero_group)
    header = ["一级指标", "二级指标", "指标编码", "三级指标", "满分值", "评分值", "百分制得分", "评分方法", "评分参数",
              "不适用", "评分理由", "分析", "评分标准", *FORM_COLUMNS]
    _write_csv(data / "indicators.csv", header, [[row.get(h, _form_cell(row, h)) for h in header] for row in table])
    _write_csv(data / "keypoints.csv", ["指标编码", "要点", "分值", "是否达到"], keypoints)
    _write_csv(data / "responses.csv", ["调查对象", "Q1 总体满意度"], [["社会公众", a] for a in ANSWERS])
    _write_csv(data / "budget_lines.csv", ["序号", "子项目名称", "预算金额"], [[1, "设备购置", 600000], [2, "运行维护", 400000]])
    params = {
        "project": {"name": f"2020年{framework}测试专项", "year": 2020, "implementing_unit": "测试实施单位",
                    "competent_department": "测试主管部门", "commissioning_unit": "测试委托单位",
                    "evaluator": "测试评价机构", "report_date": "2021-06-30", "period": "2020年1月至2020年12月"},
        "budget": {"total": 1000000, "spent": 920000, "category": "专项经费", "source": "财政拨款",
                   "receipts": [{"date": "2020-03", "amount": 1000000}], **FORM_BUDGET},
        "evaluation": {"methods": [{"name": "比较法", "description": "对照目标比较实际完成情况。"}]},
        "framework": _framework_entry(framework),
        "data_dir": f"../data/{name}",
        "data": {"indicators": "indicators.csv", "budget_lines": "budget_lines.csv", "keypoints": "keypoints.csv",
                 "responses": "responses.csv"},
        "texts": {"background": "为检验评分模型而设的项目。", "content": "完成计划内容。", "goals": "完成全部产出。",
                  "conclusion": "项目总体完成较好。", "achievements": "产出按期完成。", "problems": "个别资料不全。",
                  "suggestions": "完善资料归档。", **FORM_TEXTS},
        "facts": FACTS,
    }
    if framework == OWN:
        params["style"] = {"scores": "trimmed"}
    path = root / "params" / f"{name}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(params, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _framework_entry(framework: str) -> dict:
    """A shipped framework by name; the project's own written whole (tree without indicators)."""
    if framework != OWN:
        return {"name": framework}
    raw = OWN_FRAMEWORK
    return {"name": OWN, "dimensions": frameworks.tree(raw), "grades": raw["grades"], "rates": raw["rates"],
            "constraints": raw["constraints"]}


def special_groups(framework: str) -> tuple[str, str]:
    """The wholly inapplicable group and the zero-scoring group of a framework's project."""
    _, na_group, zero_group = _plan(framework)
    return na_group, zero_group


# The published result the ifi-loan-2019 framework was checked against (its file's comment):
# 相关性 20% / 效率 50% / 效果 20% / 可持续性 10%, 百分制得分 → 加权得分, 项目绩效 82.68 实施比较顺利.
PUBLISHED_IFI = {"A101": "100", "B101": "77.39", "C101": "73.90", "D101": "92"}


def write_published_ifi(root: Path) -> Path:
    """The ifi-loan-2019 project as the framework ships it (one criterion per dimension), scored
    as the published evaluation; returns its parameter file."""
    path = write_project(root, "ifi-loan-2019")
    data = root / "data" / "ifi-loan-2019"
    rows = [dict(r, max=_decimal(r["max"])) for r in frameworks.indicators(frameworks.load("ifi-loan-2019"))]
    header = ["一级指标", "二级指标", "指标编码", "三级指标", "满分值", "百分制得分", "评分方法", "评分理由", "分析"]
    _write_csv(data / "indicators.csv", header,
               [[r["level1"], r["level2"], r["code"], r["name"], r["max"], PUBLISHED_IFI[r["code"]], "手工",
                 "按评价准则评分。", f"{r['name']}的评价依据与分析。"] for r in rows])
    _write_csv(data / "keypoints.csv", ["指标编码", "要点", "分值", "是否达到"], [])
    return path
