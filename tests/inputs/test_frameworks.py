from decimal import Decimal

import pytest

from conftest import FRAMEWORK_WEIGHTS
from jixiao.inputs import frameworks
from jixiao.errors import InputError
from jixiao.inputs.params import Framework



@pytest.mark.parametrize("name", sorted(FRAMEWORK_WEIGHTS))
def test_shipped_framework_is_consistent(name):
    raw = frameworks.load(name)
    weights = {d["code"]: d["weight"] for d in raw["dimensions"]}
    assert weights == FRAMEWORK_WEIGHTS[name]
    for dim in raw["dimensions"]:
        leaves = sum(Decimal(str(i["max"])) for g in dim["groups"] for i in g["indicators"])
        assert leaves == dim["weight"], (name, dim["code"])
    codes = [i["code"] for i in frameworks.indicators(raw)]
    assert len(codes) == len(set(codes))


def test_names_and_unknown_name():
    assert frameworks.names() == sorted(FRAMEWORK_WEIGHTS)
    with pytest.raises(InputError) as err:
        frameworks.load("national-2021")
    assert "national-2020" in err.value.messages[0]


def test_national_indicators_follow_the_2020_annex():
    names = [i["name"] for i in frameworks.indicators(frameworks.load("national-2020"))]
    for name in ("立项依据充分性", "资金到位率", "预算执行率", "实际完成率", "质量达标率", "完成及时性",
                 "成本节约率", "服务对象满意度"):
        assert name in names


def test_resolve_by_name_with_overridden_grades():
    resolved = frameworks.resolve(Framework(name="national-2020", grades=[{"min": 85, "label": "好"},
                                                                          {"min": 0, "label": "差"}]), "p.yaml")
    assert [d.code for d in resolved.dimensions] == ["A", "B", "C", "D"]
    assert [g.label for g in resolved.grades] == ["好", "差"]
    assert resolved.constraints[0].codes == ["C", "D"] and resolved.constraints[0].min == 60


def test_ifi_loan_criteria_are_weighted_percent_scores():
    raw = frameworks.load("ifi-loan-2019")
    assert [(d["name"], d["weight"]) for d in raw["dimensions"]] == [("相关性", 20), ("效率", 50), ("效果", 20),
                                                                    ("可持续性", 10)]
    assert all(i["percent_scale"] for i in frameworks.indicators(raw))
    assert [g["label"] for g in raw["grades"]] == ["实施非常顺利", "实施比较顺利", "实施不太顺利", "实施不顺利"]
    text = (frameworks.FOLDER / "ifi-loan-2019.yaml").read_text(encoding="utf-8")
    assert "财国合〔2019〕18号" in text and "未能核实" in text


@pytest.mark.parametrize("name", sorted(FRAMEWORK_WEIGHTS))
def test_each_shipped_framework_names_its_outline_and_defines_its_budget_rates_once(name):
    raw = frameworks.load(name)
    assert raw.get("outline") in ("third-party", "self-assessment")
    rates = raw.get("rates") or {}
    assert set(rates) == {"execution", "receipt"}
    assert rates["execution"]["name"] == "预算执行率" and rates["receipt"]["name"] == "资金到位率"


def test_a_parameter_file_may_redefine_one_rate_and_keep_the_other():
    resolved = frameworks.resolve(Framework(name="national-2020", rates={
        "execution": {"name": "资金执行率", "of": "budget.spent", "over": "budget.total"}}), "p.yaml")
    assert (resolved.rates["execution"].name, resolved.rates["execution"].over) == ("资金执行率", "budget.total")
    assert (resolved.rates["receipt"].name, resolved.rates["receipt"].over) == ("资金到位率", "budget.total")


@pytest.mark.parametrize("name", sorted(FRAMEWORK_WEIGHTS))
def test_a_standard_is_for_the_reader_and_a_hint_for_the_analyst(name):
    """The 评分标准 is printed in the report's annex: no data names or advice on how to fill the sheet."""
    for ind in frameworks.indicators(frameworks.load(name)):
        assert set(ind) <= {"level1", "level2", "code", "name", "max", "standard", "hint", "percent_scale"}, ind
        for word in ("可选评分方法", "评分参数", "budget.", "facts.", "百分制得分」列"):
            assert word not in ind.get("standard", ""), (ind["code"], word)
