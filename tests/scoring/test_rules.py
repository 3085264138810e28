from decimal import Decimal

import pytest

from jixiao.scoring import rules
from jixiao.scoring.rules import RuleError, parse_inputs

D = Decimal
NO_DATA = {}.__getitem__


def _inputs(text, data=None):
    return parse_inputs(text, (data or {}).__getitem__)


def test_completion_worked_numbers():
    result = rules.completion(D(5), _inputs("实际=88; 目标=100"))
    assert result.score == D("4.40")
    assert result.working == "实际完成率 = 88 ÷ 100 = 88.00%，得分 = 5 × 88.00% = 4.40 分"


def test_completion_capped_and_shown():
    result = rules.completion(D(5), _inputs("实际=queries.year_total; 目标=2,000,000",
                                            {"queries.year_total": D(15676396)}))
    assert result.score == D("5.00")
    assert "15,676,396 ÷ 2,000,000 = 783.82%" in result.working


def test_reverse_completion_lower_is_better():
    assert rules.reverse_completion(D(4), _inputs("实际=110; 目标=100")).score == D("3.64")
    assert rules.reverse_completion(D(4), _inputs("实际=90; 目标=100")).score == D("4.00")


def test_efficacy_coefficient_worked_numbers():
    assert rules.efficacy_coefficient(D("5.81"), D(12), D(6)).quantize(D("0.01")) == D("58.73")
    result = rules.efficacy(D(5), _inputs("值=5.81; 满意值=12; 不允许值=6"))
    assert "= 58.73" in result.working and result.score == D("2.94")


def test_interpolation_between_and_beyond_anchors():
    anchors = "锚点=60:0, 90:5"
    assert rules.interpolation(D(5), _inputs(f"值=92.9%; {anchors}")).score == D("5.00")
    assert rules.interpolation(D(5), _inputs(f"值=55; {anchors}")).score == D("0.00")
    assert rules.interpolation(D(5), _inputs(f"值=83.33; {anchors}")).score == D("3.89")


def test_bands():
    table = "分档=90:5, 80:4, 60:3"
    assert rules.bands(D(5), _inputs(f"值=92.9; {table}")).score == D("5.00")
    assert rules.bands(D(5), _inputs(f"值=80; {table}")).score == D("4.00")
    assert rules.bands(D(5), _inputs(f"值=50; {table}")).score == D("0.00")


def test_deduction_per_step_of_shortfall():
    result = rules.deduction(D(15), _inputs("值=91; 标准=100; 步长=3; 每步扣分=1"))
    assert result.score == D("12.00")
    assert "扣 3 × 1 = 3 分" in result.working
    assert rules.deduction(D(15), _inputs("值=92; 标准=100; 步长=3; 每步扣分=1")).score == D("13.00")
    assert rules.deduction(D(2), _inputs("次数=5; 每次扣分=0.5")).score == D("0.00")


def test_key_points():
    points = [{"point": "制度健全", "marks": D("0.5"), "met": True}, {"point": "书面验收", "marks": D(1), "met": False}]
    result = rules.key_points(D("1.5"), {}, {"keypoints": points})
    assert result.score == D("0.50") and "未达到：书面验收（1 分）" in result.working
    with pytest.raises(RuleError):
        rules.key_points(D(2), {}, {"keypoints": points})


def test_satisfaction_from_answers_then_anchors():
    context = {"group_rates": {"社会公众": (108, 120)}}
    result = rules.satisfaction(D(5), _inputs("对象=社会公众; 锚点=60:0, 90:5"), context)
    assert "满意率 = 108 ÷ 120 = 90.00%" in result.working and result.score == D("5.00")
    plain = rules.satisfaction(D(5), _inputs("对象=社会公众"), {"group_rates": {"社会公众": (100, 120)}})
    assert plain.score == D("4.17")


def test_bad_inputs_are_named():
    with pytest.raises(RuleError, match="缺少评分参数：目标"):
        rules.completion(D(5), _inputs("实际=88"))
    with pytest.raises(RuleError, match="facts.nothing"):
        _inputs("实际=facts.nothing")
    with pytest.raises(RuleError, match="键=值"):
        _inputs("实际88")


# ---- every printed working is true arithmetic -------------------------------------------

from hypothesis import example, given, settings, strategies as st  # noqa: E402

from jixiao.numeric import fixed2, round2  # noqa: E402
from working import check  # noqa: E402

TWO_PLACES = st.decimals(min_value=D("0.01"), max_value=D(30), places=2)
AMOUNT = st.one_of(st.integers(0, 20_000_000).map(D), st.decimals(min_value=0, max_value=D(100000), places=2),
                   st.decimals(min_value=0, max_value=D(1000), places=3))
ANY = st.one_of(st.integers(-200, 200).map(D), st.decimals(min_value=D(-500), max_value=D(500), places=2),
                st.decimals(min_value=D(-50), max_value=D(50), places=3))


def _true(result, full, claims=1):
    """The working checks out claim by claim, ends with the score, and the score is in range."""
    assert check(result.working) >= claims, result.working
    assert result.working.endswith(f"{fixed2(result.score)} 分"), result.working
    assert 0 <= result.score <= full


@settings(max_examples=300, deadline=None)
@given(TWO_PLACES, AMOUNT, AMOUNT.filter(lambda t: t > 0))
@example(D(5), D(88), D(100)).via("the example's C101")
@example(D(5), D(0), D(7)).via("nothing done")
@example(D(5), D(2000000), D(2000000)).via("exactly the target")
@example(D(4), D("999.996"), D(1000)).via("rounds up to 100.00%")
def test_completion_working_is_true(full, actual, target):
    _true(rules.completion(full, {"实际": actual, "目标": target}), full)


@settings(max_examples=300, deadline=None)
@given(TWO_PLACES, AMOUNT.filter(lambda a: a > 0), AMOUNT)
@example(D(4), D(110), D(100)).via("over cost")
@example(D(4), D(90), D(100)).via("under cost: full marks")
def test_reverse_completion_working_is_true(full, actual, target):
    _true(rules.reverse_completion(full, {"实际": actual, "目标": target}), full)


@st.composite
def anchored(draw):
    full = draw(TWO_PLACES)
    xs = draw(st.lists(ANY, min_size=2, max_size=4, unique=True))
    scores = draw(st.lists(st.decimals(min_value=0, max_value=full, places=2), min_size=len(xs), max_size=len(xs)))
    value = draw(st.one_of(ANY, st.sampled_from(xs)))
    return full, value, list(zip(xs, scores))


@settings(max_examples=400, deadline=None)
@given(anchored())
@example((D(5), D("92.9"), [(D(60), D(0)), (D(90), D(5))])).via("above the top anchor")
@example((D(5), D(55), [(D(60), D(0)), (D(90), D(5))])).via("below the lowest anchor")
@example((D(5), D(3), [(D(0), D(5)), (D(10), D(0))])).via("fewer is better")
def test_interpolation_working_is_true(case):
    full, value, anchors = case
    _true(rules.interpolation(full, {"值": value, "锚点": anchors}), full)


@settings(max_examples=400, deadline=None)
@given(TWO_PLACES, ANY, ANY, ANY)
@example(D(5), D("5.81"), D(12), D(6)).via("the textbook case")
@example(D(5), D(20), D(12), D(6)).via("above 满意值: capped at 100")
@example(D(5), D(-20), D(12), D(6)).via("far below 不允许值: floored at 0")
@example(D(5), D(3), D(2), D(10)).via("满意值 below 不允许值: less is better")
def test_efficacy_working_is_true(full, value, high, low):
    if high == low:
        return
    result = rules.efficacy(full, {"值": value, "满意值": high, "不允许值": low})
    _true(result, full)


@st.composite
def banded(draw):
    full = draw(TWO_PLACES)
    floors = draw(st.lists(ANY, min_size=1, max_size=4, unique=True))
    scores = draw(st.lists(st.decimals(min_value=0, max_value=full, places=2), min_size=len(floors),
                           max_size=len(floors)))
    value = draw(st.one_of(ANY, st.sampled_from(floors)))
    return full, value, list(zip(floors, scores)), draw(st.sampled_from(["越高越好", "越低越好"]))


@settings(max_examples=300, deadline=None)
@given(banded())
def test_bands_working_is_true(case):
    full, value, table, direction = case
    _true(rules.bands(full, {"值": value, "分档": table, "方向": direction}), full)


STEPS = st.one_of(st.integers(1, 20).map(D), st.decimals(min_value=D("0.01"), max_value=D(20), places=2))


@settings(max_examples=500, deadline=None)
@given(TWO_PLACES, ANY, ANY, STEPS, st.decimals(min_value=0, max_value=D(5), places=3),
       st.sampled_from(["不足", "超出"]))
@example(D(5), D(12), D(0), D(5), D(1), "超出").via("days late: 12 over 0, 2 whole steps of 5")
@example(D(5), D(12), D(0), D(5), D(1), "不足").via("the issue's case: no shortfall, warned")
@example(D(15), D(91), D(100), D(3), D(1), "不足").via("3 steps short")
@example(D(2), D(0), D(100), D(3), D(1), "不足").via("more lost than full marks: floored at zero")
@example(D(5), D("2.999"), D(0), D(1), D("0.125"), "超出").via("a step not quite whole")
def test_deduction_working_is_true(full, value, standard, step, each, direction):
    inputs = {"值": value, "标准": standard, "步长": step, "每步扣分": each, "方向": direction}
    _true(rules.deduction(full, inputs), full)


@settings(max_examples=200, deadline=None)
@given(TWO_PLACES, st.integers(0, 30).map(D), st.decimals(min_value=0, max_value=D(5), places=3))
@example(D(2), D(5), D("0.5")).via("more lost than full marks")
def test_deduction_per_problem_working_is_true(full, count, each):
    _true(rules.deduction(full, {"次数": count, "每次扣分": each}), full)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.decimals(min_value=D("0.25"), max_value=D(3), places=2), st.booleans()),
                min_size=1, max_size=5))
def test_key_points_working_is_true(points):
    full = sum(m for m, _ in points)
    listed = [{"point": f"要点{n}", "marks": m, "met": met} for n, (m, met) in enumerate(points)]
    result = rules.key_points(full, {}, {"keypoints": listed})
    _true(result, full, claims=int(sum(met for _, met in points) > 1))
    assert result.score == sum(m for m, met in points if met)


@st.composite
def surveyed(draw):
    full = draw(TWO_PLACES)
    answered = draw(st.integers(1, 500))
    satisfied = draw(st.integers(0, answered))
    how = draw(st.sampled_from(["plain", "锚点", "分档"]))
    inputs = {"对象": "社会公众"}
    if how == "锚点":
        inputs["锚点"] = [(D(60), D(0)), (D(90), full)]
    elif how == "分档":
        inputs["分档"] = [(D(90), full), (D(80), round2(full * D("0.8"))), (D(60), round2(full / 2))]
    return full, satisfied, answered, inputs


@settings(max_examples=300, deadline=None)
@given(surveyed())
def test_satisfaction_working_is_true(case):
    full, satisfied, answered, inputs = case
    _true(rules.satisfaction(full, inputs, {"group_rates": {"社会公众": (satisfied, answered)}}), full)


def test_the_checker_rejects_the_old_false_lines():
    with pytest.raises(AssertionError):
        check("差距 = 0 − 12 = 0，每 5 扣 1 分，扣 0 × 1 = 0 分，得分 = 5 − 0 = 5.00 分")
    with pytest.raises(AssertionError):
        check("功效系数 d = (20 − 6) ÷ (12 − 6) × 40 + 60 = 100.00，得分 = 5 × 100.00% = 5.00 分")
    with pytest.raises(AssertionError):
        check("发现问题 5 项，每项扣 0.5 分，得分 = 2 − 2.5 = 0.00 分")


# ---- directions ---------------------------------------------------------------------------

def test_deduction_for_excess_counts_what_is_over_the_standard():
    result = rules.deduction(D(5), _inputs("值=12; 标准=0; 步长=5; 每步扣分=1; 方向=超出"))
    assert result.score == D("3.00") and not result.notes
    assert result.working == "超出标准 = 12 − 0 = 12，每满 5 扣 1 分，12 共满 2 步，扣 2 × 1 = 2 分，得分 = 5 − 2 = 3.00 分"


def test_deduction_shortfall_against_a_zero_standard_warns():
    result = rules.deduction(D(5), _inputs("值=12; 标准=0; 步长=5; 每步扣分=1"))
    assert result.score == D("5.00") and result.working == "12 未低于标准 0，不扣分，得分 5.00 分"
    assert len(result.notes) == 1 and "方向=超出" in result.notes[0]


def test_deduction_below_zero_says_so():
    result = rules.deduction(D(2), _inputs("次数=5; 每次扣分=0.5"))
    assert result.working == "发现问题 5 项，每项扣 0.5 分，扣 5 × 0.5 = 2.5 分，扣分达到或超过满分 2 分，得 0.00 分"


def test_bands_fewer_is_better():
    table = "分档=0:5, 2:3, 5:1; 方向=越低越好"
    assert rules.bands(D(5), _inputs(f"值=0; {table}")).score == D("5.00")
    assert rules.bands(D(5), _inputs(f"值=3; {table}")).working == "3 ≤ 5，按分档（越低越好）得 1.00 分"
    assert rules.bands(D(5), _inputs(f"值=6; {table}")).working == "6 高于最高档 5，得 0.00 分"


def test_efficacy_cap_is_said_not_hidden():
    result = rules.efficacy(D(5), _inputs("值=20; 满意值=12; 不允许值=6"))
    assert result.working == ("功效系数 d = (20 − 6) ÷ (12 − 6) × 40 + 60 = 153.33，达到或超过 100 按满分计，"
                              "得分 5.00 分")


@pytest.mark.parametrize("rule, text, message", [
    ("扣分", "值=1; 标准=0; 步长=1; 每步扣分=1; 方向=多了", "方向』应为 不足 或 超出"),
    ("分档", "值=1; 分档=1:1, 1:2", "不能重复"),
    ("完成率", "实际=-5; 目标=100", "不能为负数"),
    ("扣分", "次数=1.5; 每次扣分=1", "应为整数"),
])
def test_wrong_direction_or_inputs_are_named(rule, text, message):
    with pytest.raises(RuleError, match=message):
        rules.apply(rule, D(5), _inputs(text), {})


def test_a_key_the_rule_does_not_read_is_an_error():
    with pytest.raises(RuleError, match="『方向』不用于「插值」"):
        rules.apply("插值", D(5), _inputs("值=3; 锚点=0:5, 10:0; 方向=越低越好"), {})


def test_readme_worked_examples_are_what_the_rules_print():
    import re

    from conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### 评分规则", 1)[1].split("\n### ", 1)[0]
    rows = re.findall(r"^\| (\S+) \| ([\d.]+) \| `([^`]*)`[^|]* \| (.+) \|$", section, re.M)
    context = {"group_rates": {"社会公众": (102, 120)}}
    checked = set()
    for rule, full, text, working in rows:
        if rule not in rules.RULES:
            continue
        result = rules.apply(rule, D(full), _inputs(text), context)
        assert result.working == working, rule
        assert check(working) >= 1
        checked.add(rule)
    points = [{"point": "制度健全", "marks": D("0.5"), "met": True}, {"point": "书面验收", "marks": D(1), "met": False}]
    assert rules.key_points(D("1.5"), {}, {"keypoints": points}).working in section
    checked.add("重点得分")
    assert checked == set(rules.RULES)
@pytest.mark.parametrize("text, value", [("实际=400万元; 目标=1", D(4000000)), ("实际=１２３; 目标=1", D(123)),
                                         ("实际=92.5%; 目标=1", D("92.5")), ("实际=1,341; 目标=1", D(1341))])
def test_inputs_use_the_one_number_parser(text, value):
    assert _inputs(text)["实际"] == value


@pytest.mark.parametrize("text, words", [("值=0,5", "含义不明确"), ("值=1,4", "每三位一组"), ("值=1e999999999", "超出可处理的范围"),
                                         ("值=inf", "不是有限的数字")])
def test_inputs_that_are_not_usable_numbers_say_why(text, words):
    with pytest.raises(RuleError) as err:
        _inputs(text)
    assert words in str(err.value) and "数据名称" not in str(err.value)


def test_deduction_with_value_and_standard_reversed_warns():
    """值=0; 标准=12 (12 days late written as the standard) printed 「低于标准 = 12 − 0 = 12」 silently."""
    reversed_ = rules.apply("扣分", D(5), {"值": D(0), "标准": D(12), "步长": D(1), "每步扣分": D("0.5")}, {})
    assert len(reversed_.notes) == 1 and "写反" in reversed_.notes[0] and "方向=超出" in reversed_.notes[0]
    within = rules.apply("扣分", D(5), {"值": D(2), "标准": D(5), "步长": D(1), "每步扣分": D(1), "方向": "超出"}, {})
    assert within.score == D("5.00") and "请确认方向" in within.notes[0]
    above = rules.apply("扣分", D(5), {"值": D(120), "标准": D(100), "步长": D(1), "每步扣分": D(1)}, {})
    assert "方向=超出" in above.notes[0]


def test_deduction_per_count_names_what_was_counted():
    """「群众投诉 12 件，每件扣 0.5 分」, not 「发现问题 12 项」, when the rule names them."""
    named = rules.apply("扣分", D(10), {"次数": D(12), "每次扣分": D("0.5"), "名称": "群众投诉", "单位": "件"}, {})
    assert named.working.startswith("群众投诉 12 件，每件扣 0.5 分，扣 12 × 0.5 = 6 分")
    with pytest.raises(RuleError, match="量词"):
        rules.apply("扣分", D(10), {"次数": D(1), "每次扣分": D(1), "单位": "很长的单位"}, {})
    with pytest.raises(RuleError, match="只用于按次数扣分"):
        rules.apply("扣分", D(10), {"值": D(1), "标准": D(0), "步长": D(1), "每步扣分": D(1), "名称": "投诉"}, {})
