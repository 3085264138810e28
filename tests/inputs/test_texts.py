import pytest

from jixiao.errors import InputError
from jixiao.inputs.texts import fill, split_sections

VALUES = {"facts.a": "16995805", "facts.b": 14846300, "facts.n": "88", "facts.t": 100, "score.C101": "4.4"}


def test_placeholders_and_computed_figures():
    text = "归集{{num(facts.a)}}条，增长{{growth(facts.a, facts.b)}}；完成率{{ratio(facts.n, facts.t)}}，得分{{score.C101}}，见{{ref.budget-lines}}。"
    assert fill(text, VALUES, "x") == "归集16,995,805条，增长14.48%；完成率88.00%，得分4.4，见[[ref:budget-lines]]。"


def test_unknown_placeholder_is_an_input_error():
    with pytest.raises(InputError) as err:
        fill("共{{facts.missing}}家", VALUES, "analysis.md（C101）")
    assert "analysis.md（C101）" in err.value.messages[0] and "facts.missing" in err.value.messages[0]


def test_split_sections_by_code():
    assert split_sections("## A101\n\n甲\n\n## A102\n乙\n") == {"A101": "甲", "A102": "乙"}
