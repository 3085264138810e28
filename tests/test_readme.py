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


def test_each_frameworks_budget_rates_are_stated_as_the_framework_defines_them():
    """「报告中的比率」 gives each shipped framework's 预算执行率 and 资金到位率 formula."""
    from jixiao.inputs import frameworks
    from jixiao.project.vocabulary import BUDGET_WORDS

    for key, rate_name in (("execution", "预算执行率"), ("receipt", "资金到位率")):
        row = next(line for line in README.splitlines() if line.startswith(f"| {rate_name} |"))
        definition = row.split("|")[2]
        for name in frameworks.names():
            rate = frameworks.load(name)["rates"][key]
            said = next((part for part in definition.split("；") if f"`{name}`" in part), definition)
            assert f"{BUDGET_WORDS[rate['of']]} ÷ {BUDGET_WORDS[rate['over']]}" in said, (name, key, said)


def test_input_limits_are_documented_as_they_are():
    from jixiao import limits

    section = README.split("## 输入限制", 1)[1].split("\n## ", 1)[0]
    for figure in [f"{limits.PARAMS_BYTES // limits.MB} MB", f"{limits.YAML_DEPTH} 层", f"{limits.YAML_NODES:,} 项",
                   f"{limits.TABLE_BYTES // limits.MB} MB", f"{limits.XLSX_UNPACKED_BYTES // limits.MB} MB",
                   f"{limits.TABLE_COLUMNS} 列", f"{limits.TABLE_CELLS:,} 个单元格",
                   f"指标评分表 {limits.TABLE_ROWS_BY_NAME['indicators']} 行",
                   f"各 {limits.TABLE_ROWS_BY_NAME['budget_lines']} 行",
                   f"问卷答卷表 {limits.TABLE_ROWS_BY_NAME['responses']:,} 行", f"其余表 {limits.TABLE_ROWS:,} 行",
                   f"{limits.TEXT_BYTES // limits.MB} MB", f"10^{limits.NUMBER_MAX_EXPONENT}",
                   f"10^{limits.NUMBER_MIN_EXPONENT}", f"{limits.NUMBER_DIGITS} 位有效数字",
                   f"最多 {limits.TRACED_FIGURES:,} 个数字带来源提示", f"最多搜索 {limits.TRACE_SEARCH_CHARS:,} 字"]:
        assert figure in section, figure
    assert limits.TABLE_ROWS_BY_NAME["budget_lines"] == limits.TABLE_ROWS_BY_NAME["queries"] \
        == limits.TABLE_ROWS_BY_NAME["surveys"]


def test_redaction_is_documented():
    section = README.split("## 公开版（--redact）", 1)[1].split("\n## ", 1)[0]
    for words in ("遮盖什么", "遮盖不了什么", "personal_names", "＊", "×", "身份证", "图片"):
        assert words in section, words


def test_the_trust_model_is_stated():
    """「安全与信任」: what is code, what is data, and what --redact cannot know."""
    section = README.split("## 安全与信任", 1)[1].split("\n## ", 1)[0]
    for words in ["**代码**", "笔记本", "报告提纲", "**数据**", "参数文件", "**`--redact` 不能知道的**", "要审阅的代码",
                  "数据目录之内", "127.0.0.1"]:
        assert words in section, words


def test_the_new_limits_are_documented_as_they_are():
    from jixiao import limits

    section = README.split("## 输入限制", 1)[1].split("\n## ", 1)[0]
    for figure in [f"{limits.PARAGRAPH_CHARS:,} 字", f"{limits.FOOTNOTES} 个脚注", f"{limits.TEXTS_CHARS:,} 字",
                   f"{limits.MARKDOWN_DEPTH} 层", f"{limits.PLACEHOLDER_CHARS:,} 字", f"{limits.TEXT_CHARS:,} 字",
                   f"{limits.TEXT_SECONDS} 秒", f"{limits.RENDER_SECONDS} 秒", f"{limits.SANITIZE_SECONDS} 秒", f"{limits.DATA_FOLDER_BYTES // limits.MB} MB",
                   f"{limits.BUNDLE_BYTES // limits.MB} MB", f"{limits.BUNDLE_FILES:,} 个文件"]:
        assert figure in section, figure


def test_the_explain_example_is_what_explain_prints():
    from jixiao.project import load_project
    from jixiao.project.sources import SourceIndex

    section = README.split("## 数字从哪里来", 1)[1].split("\n## ", 1)[0]
    shown = section.split("$ jixiao explain params/shanghai-credit-2018.yaml C102\n", 1)[1].split("\n```", 1)[0]
    index = SourceIndex(load_project(ROOT / "params" / "shanghai-credit-2018.yaml"), ROOT)
    assert shown == "\n".join(index.explain("C102"))
