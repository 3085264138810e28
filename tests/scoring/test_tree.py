from decimal import Decimal

from conftest import ROOT, golden
from jixiao.inputs.params import DEFAULT_GRADES
from jixiao.project import load_project
from jixiao.scoring.tree import grade_for, printed


def _same_name(reference: str, ours: str) -> bool:
    """The reference's text extraction adds spaces and half-width brackets."""
    return reference.replace(" ", "").replace("(", "（").replace(")", "）") == ours


def test_example_rolls_up_to_the_published_figures():
    example = load_project(ROOT / "params" / "shanghai-credit-2018.yaml")
    figures = printed(example.card, example.style)
    assert (figures["total"], figures["grade"], figures["rate"]) == ("90.71", "优秀", "90.71%")
    dims = {d["code"]: (d["weight"], d["score"], d["rate"]) for d in figures["dimensions"]}
    assert dims == {"A": ("10", "9.25", "92.50%"), "B": ("30", "26.98", "89.93%"), "C": ("60", "54.48", "90.80%")}


def test_every_indicator_matches_reference_table_3_2():
    example = load_project(ROOT / "params" / "shanghai-credit-2018.yaml")
    figures = printed(example.card, example.style)
    ours = {i["code"]: i for i in figures["indicators"]}
    rows = golden()
    assert len(rows) == 38 and list(ours) == [g["code"] for g in rows]
    for row in rows:
        mine = ours[row["code"]]
        assert (mine["max"], mine["score"]) == (row["max"], row["score"]), row["code"]
        assert _same_name(row["name"], mine["name"]), row["code"]
        assert mine["level1"]["code"] == row["code"][0]
        assert mine["level2"]["code"] == row["code"][:2]


def test_grade_bands_are_half_open():
    assert grade_for(Decimal("89.995"), DEFAULT_GRADES) == "良"
    assert grade_for(Decimal("90"), DEFAULT_GRADES) == "优"
    assert grade_for(Decimal("59.99"), DEFAULT_GRADES) == "差"
    assert grade_for(Decimal("80"), DEFAULT_GRADES) == "良"


# ---- 不适用 in groups and dimensions, rates with their maximum ----------------------------

from jixiao.inputs.params import Framework  # noqa: E402
from jixiao.scoring.tree import Indicator, build_scorecard  # noqa: E402

D = Decimal


def _card(rows, weights, constraints=()):
    """A scorecard from (code, max, score, applicable) rows; groups are code[:2], dimensions code[0]."""
    groups = {}
    for code, *_ in rows:
        groups.setdefault(code[0], {}).setdefault(code[:2], None)
    framework = Framework.model_validate({
        "name": "t", "grades": [{"min": 90, "label": "优"}, {"min": 0, "label": "差"}],
        "constraints": [{"codes": list(c), "min": m, "label": "约束"} for c, m in constraints],
        "dimensions": [{"code": d, "name": f"维度{d}", "weight": weights[d],
                        "groups": [{"code": g, "name": f"分组{g}"} for g in gs]} for d, gs in groups.items()]})
    indicators = [Indicator(code, f"指标{code}", code[0], code[:2], D(str(top)), D(str(score)), applicable=ok)
                  for code, top, score, ok in rows]
    return build_scorecard(framework, indicators, "p.yaml")


def test_a_group_whose_only_indicator_is_not_applicable_says_so():
    card, problems = _card([("A101", 6, 0, False), ("A201", 4, 3, True), ("B101", 90, 80, True)], {"A": 10, "B": 90})
    assert not problems
    group = card.groups[0]
    assert (group.applicable, group.applicable_weight, group.rate) == (False, 0, None)
    figures = printed(card)
    assert figures["groups"][0] == {"code": "A1", "name": "分组A1", "weight": "6", "applicable_weight": "0",
                                    "score": "不适用", "rate": "不适用", "criterion": None,
                                    "level1": {"code": "A", "name": "维度A"}}
    dim = figures["dimensions"][0]
    assert (dim["weight"], dim["applicable_weight"], dim["score"], dim["rate"]) == ("10", "4", "3.00", "75.00%")
    assert figures["applicable_weight"] == "94" and figures["total"] == "88.30"  # 83 ÷ 94 × 100


def test_every_rate_is_the_score_over_the_maximum_printed_beside_it():
    card, _ = _card([("A101", 6, 0, False), ("A102", 29, "23.63", True), ("B101", 65, 60, True)], {"A": 35, "B": 65})
    dim = printed(card)["dimensions"][0]
    assert (dim["weight"], dim["applicable_weight"], dim["score"], dim["rate"]) == ("35", "29", "23.63", "81.48%")
    for node in printed(card)["dimensions"] + printed(card)["groups"]:
        assert node["rate"] == f"{D(node['score']) * 100 / D(node['applicable_weight']):.2f}%"


def test_a_wholly_inapplicable_dimension_is_dropped_with_a_warning():
    card, problems = _card([("A101", 20, 0, False), ("B101", 50, 40, True), ("C101", 30, 30, True)],
                           {"A": 20, "B": 50, "C": 30}, constraints=[("BC", 60)])
    assert not problems
    assert len(card.notes) == 1 and "『A 维度A』下的指标全部不适用" in card.notes[0]
    figures = printed(card)
    assert (figures["dimensions"][0]["score"], figures["dimensions"][0]["rate"]) == ("不适用", "不适用")
    assert figures["total"] == "87.50" and figures["rescaled"]  # 70 ÷ 80 × 100


def test_a_constraint_no_longer_met_after_dropping_is_a_warning():
    card, problems = _card([("A101", 40, 30, True), ("B101", 30, 0, False), ("B201", 30, 20, True)],
                           {"A": 40, "B": 60}, constraints=[("B", 60)])
    assert not problems
    assert any("约束（B）折算为 42.86，低于 60" in n for n in card.notes)


def test_nothing_applicable_cannot_be_scored():
    _, problems = _card([("A101", 100, 0, False)], {"A": 100})
    assert problems == ["p.yaml：全部三级指标都标为不适用，无法评分"]


def test_full_marks_with_three_decimals_are_refused():
    _, problems = _card([("A101", "99.995", 90, True), ("A102", "0.005", 0, True)], {"A": 100})
    assert any("满分值 99.995 超过两位小数" in p for p in problems)


# ---- weighted 0–100 criteria --------------------------------------------------------------

def test_weighted_criteria_roll_up_as_published():
    """A published evaluation under 财国合〔2019〕18号: criteria scored 0–100 and weighted
    20/50/20/10 give 20.00 + 38.70 + 14.78 + 9.20 = 82.68."""
    weights = {"A": 20, "B": 50, "C": 20, "D": 10}
    criteria = {"A": "100", "B": "77.39", "C": "73.90", "D": "92.00"}
    rows = [(f"{d}101", weights[d], 0, True) for d in weights]
    card, problems = _card(rows, weights)
    from jixiao.scoring.evidence import _weigh_criterion

    warnings = []
    for ind in card.indicators:
        ind.criterion, ind.score, ind.reason = D(criteria[ind.level1]), None, "专家评分"
        _weigh_criterion(ind, ind.code, problems, warnings)
    assert not problems and not warnings
    figures = printed(card)
    assert [d["score"] for d in figures["dimensions"]] == ["20.00", "38.70", "14.78", "9.20"]
    assert [d["criterion"] for d in figures["dimensions"]] == ["100.00", "77.39", "73.90", "92.00"]
    assert [i["criterion"] for i in figures["indicators"]] == ["100.00", "77.39", "73.90", "92.00"]
    assert figures["total"] == "82.68"
    assert card.indicator("B101").working == "百分制得分 77.39 分，权重 50%，加权得分 = 77.39 × 50% = 38.695，取 38.70 分"
    from working import check

    assert all(check(i.working) == 1 for i in card.indicators)
