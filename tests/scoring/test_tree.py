from decimal import Decimal

from conftest import ROOT, golden
from jixiao.inputs.params import DEFAULT_GRADES
from jixiao.project import load_project
from jixiao.scoring.tree import grade_for, printed


def _same_name(reference: str, ours: str) -> bool:
    """The reference's text extraction adds spaces and half-width brackets."""
    return reference.replace(" ", "").replace("(", "（").replace(")", "）") == ours


def test_example_rolls_up_to_the_published_figures():
    figures = printed(load_project(ROOT / "params" / "shanghai-credit-2018.yaml").card)
    assert (figures["total"], figures["grade"], figures["rate"]) == ("90.71", "优秀", "90.71%")
    dims = {d["code"]: (d["weight"], d["score"], d["rate"]) for d in figures["dimensions"]}
    assert dims == {"A": ("10", "9.25", "92.50%"), "B": ("30", "26.98", "89.93%"), "C": ("60", "54.48", "90.80%")}


def test_every_indicator_matches_reference_table_3_2():
    figures = printed(load_project(ROOT / "params" / "shanghai-credit-2018.yaml").card)
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
