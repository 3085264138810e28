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
