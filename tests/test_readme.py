"""The README documents every parameter key, table column and text key the code accepts."""

import pytest

from conftest import ROOT
from jixiao.inputs.params import (Budget, Constraint, Dimension, Evaluation, Exhibit, Framework, Group, Params,
                                  ProjectInfo, RateDefinition, ReportStyle)
from jixiao.inputs.tables import SPECS
from jixiao.inputs.chapters import read_asks

README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("model", [Params, ProjectInfo, Budget, Evaluation, Framework, Dimension, Group, Constraint,
                                   Exhibit, ReportStyle, RateDefinition])
def test_parameter_keys_documented(model):
    for key in model.model_fields:
        assert f"`{key}`" in README or f"{key}`" in README, f"{model.__name__}.{key}"


@pytest.mark.parametrize("name", list(SPECS))
def test_tables_and_columns_documented(name):
    section = README.split(f"### `{name}`", 1)
    assert len(section) == 2, name
    body = section[1].split("\n### ", 1)[0]
    for column in SPECS[name].columns:
        assert f"| {column.header} |" in body, f"{name}: {column.header}"


def test_text_keys_of_the_shipped_chapters_documented():
    for key in read_asks(sorted((ROOT / "notebooks").glob("*.ipynb"))).texts:
        assert f"| `{key}` |" in README, key
