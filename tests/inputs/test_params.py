import pytest
import yaml

from jixiao.errors import InputError
from jixiao.inputs.params import read_yaml, validate_params


def _raw(example):
    return yaml.safe_load(example.read_text(encoding="utf-8"))


def test_example_is_valid(example):
    params = validate_params(_raw(example), "p.yaml")
    assert params.project.report_date.isoformat() == "2019-07-01"
    assert [d.code for d in params.framework.dimensions] == ["A", "B", "C"]


def test_unknown_key_suggests_the_nearest(example):
    raw = _raw(example)
    raw["project"]["implementing_unt"] = raw["project"].pop("implementing_unit")
    with pytest.raises(InputError) as err:
        validate_params(raw, "p.yaml")
    text = "\n".join(err.value.messages)
    assert "未知的键『project.implementing_unt』" in text and "是否想写『implementing_unit』" in text
    assert "缺少必填项『project.implementing_unit』" in text


def test_wrong_type_names_key_and_value(example):
    raw = _raw(example)
    raw["budget"]["total"] = "四百万"
    with pytest.raises(InputError) as err:
        validate_params(raw, "p.yaml")
    assert "『budget.total』的值 '四百万' 应为数字" in err.value.messages[0]


def test_yaml_syntax_error_names_line_and_column(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("project:\n  name: x\n  year: [2018\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_yaml(bad)
    assert "YAML 语法错误" in err.value.messages[0] and "第 4 行" in err.value.messages[0]


def test_report_date_may_be_pending_but_nothing_else(example):
    from jixiao.inputs.params import publishable

    raw = _raw(example)
    raw["project"]["report_date"] = "待填写"
    params = validate_params(raw, "p.yaml")
    assert params.project.report_date == "待填写" and not params.project.dated
    with pytest.raises(InputError, match="report_date 仍是「待填写」"):
        publishable(params, "p.yaml")
    raw["project"]["report_date"] = "下个月"
    with pytest.raises(InputError) as err:
        validate_params(raw, "p.yaml")
    assert err.value.messages == ["p.yaml：『project.report_date』的值 '下个月' 应为日期（YYYY-MM-DD）"]
@pytest.mark.parametrize("key", ["name", "evaluator", "implementing_unit", "period"])
def test_cover_fields_cannot_hold_quarto_shortcodes(example, key):
    """Quarto expands {{< env … >}} in the metadata even when escaped: the cover would print a
    variable of the analyst's machine, and an unknown shortcode stops the run."""
    raw = _raw(example)
    raw["project"][key] = "专项{{< env HOME >}}"
    with pytest.raises(InputError) as err:
        validate_params(raw, "p.yaml")
    assert err.value.messages[0].startswith(f"p.yaml：『project.{key}』的值") and "{{<" in err.value.messages[0]
    raw["project"][key] = "专项{{% meta title %}}"
    with pytest.raises(InputError):
        validate_params(raw, "p.yaml")


def test_binary_yaml_values_are_refused_with_their_line(tmp_path):
    """!!binary gave bytes that pass as text without the cleaning every other string gets."""
    path = tmp_path / "p.yaml"
    path.write_text("project:\n  evaluator: !!binary AQID\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_yaml(path)
    assert "第 2 行" in err.value.messages[0] and "!!binary" in err.value.messages[0]


def test_amounts_read_like_table_numbers(example):
    raw = _raw(example)
    raw["budget"]["total"] = "400万元"
    raw["budget"]["receipts"][0]["amount"] = "3,200,000"
    params = validate_params(raw, "p.yaml")
    assert params.budget.total == 4000000 and params.budget.receipts[0].amount == 3200000


def test_yaml_within_limits_is_read_and_aliases_still_work(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("base: &b {a: 1}\nother: *b\n", encoding="utf-8")
    assert read_yaml(path) == {"base": {"a": 1}, "other": {"a": 1}}


def test_a_parameter_file_over_the_size_limit_is_refused(tmp_path):
    from jixiao import limits

    path = tmp_path / "p.yaml"
    path.write_text("facts:\n" + "".join(f"  k{n}: {'x' * 60}\n" for n in range(limits.PARAMS_BYTES // 60)),
                    encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_yaml(path)
    assert "参数文件有" in err.value.messages[0] and "超过上限 1 MB" in err.value.messages[0]


def test_a_gbk_parameter_file_is_read(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_bytes("project: {name: 测试}\n".encode("gbk"))
    assert read_yaml(path) == {"project": {"name": "测试"}}
