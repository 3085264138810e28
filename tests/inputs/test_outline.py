"""The report's outline: a project's own outline file is checked like the parameter file."""

import pytest

from conftest import ROOT
from jixiao.errors import InputError
from jixiao.inputs.outline import read_outline

TEMPLATES = ROOT / "notebooks"


@pytest.mark.parametrize("old, new", [("title: ", "title: 报告{{< env HOME >}}"),
                                      ("{label: 项目名称", "{label: '项目{{% meta title %}}'")])
def test_an_own_outline_cannot_put_quarto_shortcodes_on_the_cover(tmp_path, old, new):
    """Its title and cover labels reach the metadata, where Quarto expands shortcodes even escaped."""
    text = (TEMPLATES / "outlines" / "third-party.yml").read_text(encoding="utf-8")
    assert old in text
    own = tmp_path / "mine.yml"
    own.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_outline(own, TEMPLATES)
    assert str(own) in err.value.messages[0] and "{{<" in err.value.messages[0]


def test_the_shipped_outlines_are_read():
    for name in ("third-party", "self-assessment"):
        assert read_outline(TEMPLATES / "outlines" / f"{name}.yml", TEMPLATES).chapters
