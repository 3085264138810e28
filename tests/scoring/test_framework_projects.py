"""The scoring model on a complete synthetic project for every shipped framework: every rule,
a 不适用 indicator, a wholly 不适用 group and a zero-score group (framework_projects.py)."""

from decimal import Decimal

import pytest

from conftest import jixiao
from framework_projects import OWN, special_groups, write_project
from jixiao.inputs import frameworks
from jixiao.numeric import fixed2
from jixiao.project import load_project
from jixiao.scoring.rules import RULE_NAMES
from jixiao.scoring.tree import printed
from working import check

NAMES = frameworks.names() + [OWN]  # the shipped frameworks and one of a project's own


@pytest.fixture(params=NAMES)
def framework_project(request, tmp_path):
    return request.param, write_project(tmp_path, request.param)


def test_every_shipped_framework_has_a_project():
    assert "ifi-loan-2019" in NAMES and len(NAMES) >= 4


def test_the_project_uses_everything(framework_project):
    name, params = framework_project
    card = load_project(params).card
    assert {i.rule for i in card.indicators} == set(RULE_NAMES)
    assert any(i.weighted for i in card.indicators)
    na_group, zero_group = special_groups(name)
    groups = {g.code: g for g in card.groups}
    assert not groups[na_group].applicable and groups[na_group].indicators
    assert groups[zero_group].applicable and groups[zero_group].score == 0
    assert any(g.applicable and g.not_applicable for g in card.groups), "a 不适用 indicator in an applicable group"
    scored = [i for i in card.indicators if i.applicable and i.level2 != zero_group]
    assert all(0 < i.score < i.max for i in scored if i.rule != "重点得分" or i.score)


def test_check_passes(framework_project):
    _, params = framework_project
    done = jixiao("check", params)
    assert done.returncode == 0, done.stderr
    assert "待填写" not in done.stdout


def test_roll_ups_add_up_and_rates_are_score_over_the_printed_maximum(framework_project):
    _, params = framework_project
    card = load_project(params).card
    for group in card.groups:
        assert group.score == sum(i.score for i in group.indicators if i.applicable)
        assert group.applicable_weight == sum(i.max for i in group.indicators if i.applicable)
    for dim in card.dimensions:
        assert dim.score == sum(g.score for g in dim.groups)
        assert dim.applicable_weight == sum(g.applicable_weight for g in dim.groups)
    figures = printed(card)
    nodes = figures["dimensions"] + figures["groups"]
    for node in nodes:
        if node["score"] == "不适用":
            assert node["rate"] == "不适用" and node["applicable_weight"] == "0"
        else:
            rate = Decimal(node["score"]) * 100 / Decimal(node["applicable_weight"])
            assert node["rate"] == f"{fixed2(rate)}%", node
    for dim in figures["dimensions"]:
        groups = [g for g in figures["groups"] if g["level1"]["code"] == dim["code"]]
        applicable = [Decimal(g["score"]) for g in groups if g["score"] != "不适用"]
        assert dim["score"] == ("不适用" if not applicable else fixed2(sum(applicable)))
    dims = [Decimal(d["score"]) for d in figures["dimensions"] if d["score"] != "不适用"]
    assert figures["raw_total"] == fixed2(sum(dims))
    assert figures["applicable_weight"] == fixed2(sum(Decimal(d["applicable_weight"]) for d in figures["dimensions"])).rstrip("0").rstrip(".")
    assert figures["rescaled"]
    total = Decimal(figures["raw_total"]) * Decimal(figures["weight"]) / Decimal(figures["applicable_weight"])
    assert figures["total"] == fixed2(total)
    indicators = [i for i in figures["indicators"] if i["score"] != "不适用"]
    assert figures["raw_total"] == fixed2(sum(Decimal(i["score"]) for i in indicators))


def test_every_working_is_true_arithmetic(framework_project):
    _, params = framework_project
    project = load_project(params)
    worked = [i for i in project.card.indicators if i.working]
    assert {i.rule for i in worked} == set(RULE_NAMES)
    for ind in worked:
        assert ind.working.endswith(f"{project.style.score(ind.score)} 分"), ind.working
        check(ind.working)
