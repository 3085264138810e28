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


# ---------------------------------------------------------------- outlines and notebooks are code

from jixiao.inputs.outline import foreign_notebooks, outline_path  # noqa: E402

OWN = "title: 报告\nkind: 评价\ncover: []\nchapters:\n  - {notebook: NOTEBOOK, title: 章}\n"


@pytest.mark.parametrize("name", ["/abs/o.yml", "../o.yml", "sub/../../o.yml"])
def test_an_own_outline_lives_beside_the_parameter_file(tmp_path, name):
    (tmp_path / "params").mkdir()
    with pytest.raises(InputError) as err:
        outline_path(name, tmp_path / "params", ROOT / "notebooks", "p.yaml（outline）")
    assert err.value.messages[0].startswith("p.yaml（outline）：") and ("之外" in err.value.messages[0]
                                                                   or "绝对路径" in err.value.messages[0])


@pytest.mark.parametrize("notebook", ["/tmp/x.ipynb", "../x.ipynb", "sub/../../x.ipynb", "x.py"])
def test_chapter_notebooks_stay_beside_the_outline(tmp_path, notebook):
    """A chapter cannot name a notebook anywhere on disk: only one beside the outline or the template's."""
    (tmp_path / "x.ipynb").write_text("{}", encoding="utf-8")
    (tmp_path / "params").mkdir()
    outline = tmp_path / "params" / "o.yml"
    outline.write_text(OWN.replace("NOTEBOOK", notebook), encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_outline(outline, ROOT / "notebooks")
    assert "不能写绝对路径或 .." in err.value.messages[0]


def test_a_notebook_linked_from_outside_is_not_found(tmp_path):
    (tmp_path / "x.ipynb").write_text("{}", encoding="utf-8")
    (tmp_path / "params").mkdir()
    (tmp_path / "params" / "evil.ipynb").symlink_to(tmp_path / "x.ipynb")
    outline = tmp_path / "params" / "o.yml"
    outline.write_text(OWN.replace("NOTEBOOK", "evil.ipynb"), encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_outline(outline, ROOT / "notebooks")
    assert "不存在" in err.value.messages[0]


def test_notebooks_that_are_not_the_templates_are_listed(tmp_path):
    """An own notebook, and a copy of a template notebook that was changed, will run code: listed."""
    (tmp_path / "params").mkdir()
    (tmp_path / "params" / "mine.ipynb").write_text("{}", encoding="utf-8")
    changed = (ROOT / "notebooks" / "01_overview.ipynb").read_text(encoding="utf-8").replace("概况", "概况 ", 1)
    (tmp_path / "params" / "01_overview.ipynb").write_text(changed, encoding="utf-8")
    outline = tmp_path / "params" / "o.yml"
    outline.write_text(OWN.replace("NOTEBOOK", "mine.ipynb") + "  - {notebook: 01_overview.ipynb, title: 概况}\n"
                       "  - {notebook: 02_evaluation.ipynb, title: 评价}\n", encoding="utf-8")
    read = read_outline(outline, ROOT / "notebooks")
    assert [p.name for p in foreign_notebooks(read)] == ["mine.ipynb", "01_overview.ipynb"]


def test_check_names_the_notebooks_that_will_run_code(example):
    """check prints them; the project's own warnings (which the chapters see) stay as they were."""
    from conftest import jixiao

    root = example.parent.parent
    import shutil

    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    (root / "notebooks" / "01_overview.ipynb").write_text(
        (ROOT / "notebooks" / "01_overview.ipynb").read_text(encoding="utf-8").replace("概况", "概况 ", 1), encoding="utf-8")
    done = jixiao("check", example)
    assert done.returncode == 0 and "不属于模板的笔记本" in done.stdout and "01_overview.ipynb" in done.stdout
    assert "会在本机执行" in done.stdout
