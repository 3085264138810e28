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
