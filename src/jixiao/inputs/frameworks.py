"""Indicator frameworks shipped as data (``frameworks/*.yaml``), selectable by name.

A framework file holds the level-1 dimensions with weights, their level-2 groups, the
level-3 indicators with full marks and scoring standards, grade bands and weight
constraints. An indicator marked ``percent_scale: true`` is a weighted criterion: the
analyst gives it a 百分制得分 (0–100) and its score is that × its full marks ÷ 100
(``jixiao new`` writes the formula into the scoring sheet). A parameter file may name one (``framework: {name: national-2020}``) and
override its grades or weights.
"""

import copy
from functools import cache
from importlib import resources

import yaml

from ..errors import InputError
from .params import DEFAULT_GRADES, Constraint, Dimension, Framework, Grade, RateDefinition

FOLDER = resources.files("jixiao.inputs") / "frameworks"


def names() -> list[str]:
    return sorted(p.name.removesuffix(".yaml") for p in FOLDER.iterdir() if p.name.endswith(".yaml"))


def load(name: str) -> dict:
    """The raw framework definition; unknown names list the shipped ones."""
    return copy.deepcopy(_shipped(name))


@cache
def _shipped(name: str) -> dict:
    """A shipped framework, read once (package data: libyaml's loader where there is one)."""
    path = FOLDER / f"{name}.yaml"
    if not path.is_file():
        raise InputError(f"没有名为『{name}』的指标框架，可选：{'、'.join(names())}")
    return yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def tree(raw: dict) -> list[dict]:
    """Dimensions and groups without the indicator lists, as the parameter file writes them."""
    return [
        {"code": d["code"], "name": d["name"], "weight": d["weight"],
         "groups": [{"code": g["code"], "name": g["name"]} for g in d["groups"]]}
        for d in raw["dimensions"]
    ]


def indicators(raw: dict) -> list[dict]:
    """Level-3 indicators with their parents, in order."""
    return [
        {"level1": d["code"], "level2": g["code"], **i}
        for d in raw["dimensions"] for g in d["groups"] for i in g["indicators"]
    ]


# The budget rates a report states (一（一）2.) when a framework defines none.
DEFAULT_RATES = {
    "execution": {"name": "预算执行率", "of": "budget.spent", "over": "budget.total"},
    "receipt": {"name": "资金到位率", "of": "budget.received", "over": "budget.total"},
}


def resolve(framework: Framework, source: str) -> Framework:
    """Fill what the parameter file left out from the shipped framework of that name."""
    shipped = _shipped(framework.name) if framework.name in names() else None  # only read here
    if shipped is None and framework.dimensions is None:
        raise InputError(f"{source}：framework 没有写 dimensions，且没有名为『{framework.name}』的内置框架"
                         f"（可选：{'、'.join(names())}）")
    dims = framework.dimensions or [Dimension.model_validate(d) for d in tree(shipped)]
    grades = framework.grades or ([Grade.model_validate(g) for g in shipped["grades"]] if shipped else DEFAULT_GRADES)
    constraints = framework.constraints
    if constraints is None:
        constraints = [Constraint.model_validate(c) for c in shipped.get("constraints", [])] if shipped else []
    outline = framework.outline or (shipped or {}).get("outline")
    # the parameter file's rates replace the framework's one by one; the others keep their definition
    rates = {k: RateDefinition.model_validate(v) for k, v in ((shipped or {}).get("rates") or DEFAULT_RATES).items()}
    rates |= framework.rates or {}
    return Framework(name=framework.name, dimensions=dims, grades=grades, constraints=constraints, outline=outline,
                     rates=rates)
