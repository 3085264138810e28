"""Text templates: one Jinja2 syntax, values printed by the report's style and always as text,
and the analyst's texts limited to what cannot hang or reach outside the vocabulary."""

import pytest

from jixiao.errors import InputError
from jixiao.inputs.files import read_text_file
from jixiao.inputs.texts import Templates, split_sections
from jixiao.numeric import Amount, Rate, Score, Style
from jixiao.project.vocabulary import Names

VALUES = {
    "facts": Names("facts", {"a": "16995805", "b": "14846300", "n": "88", "name": "A*B_[x](y)<b>"}),
    "budget": Names("budget", {"total": Amount(4000000)}),
    "total": Score("90.71"),
    "indicators": Names("indicators", {"C101": Names("indicators.C101", {"score": Score("4.4"), "max": 5})}),
    "rate": Rate("92.5"),
}


def render(text, style=Style(), trusted=False):
    return Templates(style).render(text, VALUES, "texts/x.md", trusted=trusted)


def test_placeholders_functions_and_typed_values():
    text = ("归集{{ num(facts.a) }}条，增长{{ growth(facts.a, facts.b) }}；完成率{{ ratio(facts.n, 100) }}，"
            "得分{{ indicators.C101.score }}，预算{{ budget.total }}（{{ budget.total | yuan }}），见{{ ref('budget_lines') }}。")
    assert render(text) == ("归集16,995,805条，增长14.48%；完成率88.00%，得分4.40，预算400.00万元（4,000,000.00元），"
                            "见⟦ref:budget_lines⟧。")


def test_score_style_is_one_rule():
    assert render("{{ indicators.C101.score }} {{ total }} {{ score(5) }}", Style("trimmed")) == "4.4 90.71 5"
    assert render("{{ indicators.C101.score }} {{ total }} {{ score(5) }}", Style("fixed")) == "4.40 90.71 5.00"


def test_values_print_as_text_never_as_markdown():
    assert render("{{ facts.name }}") == r"A\*B\_\[x\](y)\<b\>"


@pytest.mark.parametrize("text, words", [
    ("共{{ facts.missing }}家", ["facts.missing", "不存在"]),
    ("{{ budget.total_wan }}", ["budget.total_wan", "{{ budget.total }}"]),
    ("见{{ref.budget-lines}}", ['ref("budget-lines")']),
    ("{{ x", ["第 1 行", "写法有误"]),
    ("{% for i in range(10) %}{% for j in range(10) %}x{% endfor %}{% endfor %}", ["嵌套循环"]),
    ("{{ 10 ** 10 ** 10 }}", ["算术运算"]),
    ("{% set x = 1 %}", ["赋值"]),
    ("{{ ''.__class__ }}", ["不允许"]),
    ("{{ ratio(1, 0) }}", ["无法计算"]),
    ("{{ month('abc') }}", ["month() 需要 YYYY-MM 或 YYYY-MM-DD", "『abc』"]),
    ("{{ month('2025-13') }}", ["『2025-13』"]),
    ("{{ num(1, 2) }}", ["num(值)"]),
    ("{{ ratio(facts.n) }}", ["ratio(甲, 乙)"]),
    ("{{ facts.n | growth }}", ["growth(本年, 上年)"]),
    ("{{ total }", ["不成对"]),
    ("{% if total %}x", ["{% if %} 缺少对应的 {% endif %}"]),
    ("{% for r in budget.receipts %}x", ["{% endfor %}"]),
    ("{% endif %}", ["不认识的语句『endif』"]),
    ("{{ total | }}", ["『{{ total | }}』"]),
])
def test_problems_name_the_file_and_what_to_write(text, words):
    with pytest.raises(InputError) as err:
        render(text)
    message = err.value.messages[0]
    assert message.startswith("texts/x.md：")
    for word in words:
        assert word in message, message
    for english in ("argument", "literal", "lambda", "expected", "template", "Jinja", "unknown tag"):
        assert english not in message, message  # Python's and Jinja2's own messages are English


@pytest.mark.parametrize("text, name", [
    ("{{ facts.n | center(999999999) }}", "center"),
    ("{{ '%999999999d' | format(1) }}", "format"),
    ("{{ facts.name | replace('', facts.name) | replace('', facts.name) }}", "replace"),
    ("{{ facts | map('center', 999999999) | list }}", "map"),
    ("{{ facts.n.center(999999999) }}", "方法调用"),
    ("{{ lipsum(999999) }}", "lipsum"),
    ("{{ cycler }}", "cycler"),
    ("{{ self }}", "self"),
    ("{{ facts.n | xmlattr }}", "xmlattr"),
])
def test_texts_call_only_the_report_functions_and_bounded_filters(text, name):
    """Padding, repeating, formatting to a width, methods of values and Jinja2's own globals could
    fill memory from one line of text or print Python internals: each is refused by name."""
    with pytest.raises(InputError) as err:
        render(text)
    assert f"『{name}』" in err.value.messages[0] and "num" in err.value.messages[0]


def test_texts_may_use_the_bounded_filters():
    assert render("{{ facts.n | length }}，{{ facts.missing | default('无') }}，{{ facts.name | lower }}") == r"2，无，a\*b\_\[x\](y)\<b\>"


def test_a_filter_failing_at_run_time_is_an_input_error():
    with pytest.raises(InputError) as err:
        render("{{ facts | selectattr('n', 'no_such_test') | list }}")
    assert err.value.messages[0].startswith("texts/x.md：")


def test_texts_may_loop_once_over_the_data():
    values = dict(VALUES, budget=Names("budget", {"receipts": [Names("r", {"date": "2018年8月"}),
                                                               Names("r", {"date": "2018年11月"})]}))
    text = '{% for r in budget.receipts %}{{ r.date }}{{ "、" if not loop.last }}{% endfor %}'
    assert Templates(Style()).render(text, values, "x") == "2018年8月、2018年11月"


def test_notebook_templates_may_use_statements():
    assert render("{% set x = 2 %}{{ x * 3 }}", trusted=True) == "6"


def test_split_sections_by_code():
    assert split_sections("## A101\n\n甲\n\n## A102\n乙\n") == {"A101": "甲", "A102": "乙"}


def test_texts_in_gbk_are_read(tmp_path):
    path = tmp_path / "t.md"
    path.write_bytes("项目背景".encode("gbk"))
    assert read_text_file(path) == "项目背景"


def test_last_years_values_without_a_last_year_say_so():
    """``{{ previous.total }}`` in a project without ``previous``: not 「名称『total』不存在」 but why."""
    with pytest.raises(InputError) as err:
        Templates(Style()).render("上年{{ previous.total }}分", {**VALUES, "previous": None}, "texts/x.md")
    assert "『previous.total』" in err.value.messages[0] and "没有写 previous" in err.value.messages[0]
    assert Templates(Style()).render("{% if previous %}上年{{ previous.total }}分{% endif %}",
                                     {**VALUES, "previous": None}, "texts/x.md") == ""


# ---------------------------------------------------------------- placeholders that multiply

@pytest.mark.parametrize("text", [
    # the reviewed payload: join's separator is itself a join, nested
    "{{ facts.name | list | join(facts.name | list | join(facts.name | list | join(facts.name | list | join("
    "facts.name | list | join(facts.name))))) }}",
    # variants: the separator from a longer list, join over a sorted list, a loop of joins
    "{{ facts.name | list | sort | join(facts.name | list | unique | join(facts.name | list | join("
    "facts.name | list | join(facts.name | list | join(facts.name | list | join('一二三')))))) }}",
    "{% for r in rows %}{{ r | list | join(r | list | join(r | list | join(r))) }}{% endfor %}",
    "{{ facts.name | list | join(facts.name | list | reverse | join(facts.name | list | join(facts.name | upper | "
    "list | join(facts.name | lower | list | join(facts.name | title))))) }}",
])
def test_placeholders_that_multiply_are_refused_before_they_grow(text):
    """A placeholder's output is measured before it is built: a nested join is an input error naming
    the text, in well under a second, never a MemoryError."""
    import time

    values = dict(VALUES, rows=["长" * 60] * 50)
    started = time.perf_counter()
    with pytest.raises(InputError) as err:
        Templates(Style()).render(text, values, "texts/x.md")
    assert time.perf_counter() - started < 2
    assert err.value.messages[0].startswith("texts/x.md：") and "过大" in err.value.messages[0]


def test_a_text_that_fills_past_the_text_limit_is_refused(monkeypatch):
    from jixiao import limits

    monkeypatch.setattr(limits, "TEXT_CHARS", 1000)
    values = dict(VALUES, rows=["字" * 300] * 10)
    with pytest.raises(InputError) as err:
        Templates(Style()).render("{% for r in rows %}{{ r }}{% endfor %}", values, "texts/x.md")
    assert "超过 1,000 个字符" in err.value.messages[0]


# ---------------------------------------------------------------- only values print

@pytest.mark.parametrize("text", [
    "{{ budget.total.as_tuple }}", "{{ facts }}", "{{ indicators.C101 }}", "{{ facts | string }}",
    "{{ facts | upper }}", "{{ facts.keys }}", "{{ budget.total.quantize }}", "{{ facts.name | list }}",
    "{{ indicators | list | join('、') }}",
])
def test_methods_and_containers_never_print(text):
    """Python's form of a method (``<built-in method … at 0x…>``) or of a mapping (``Names(…)``)
    would be unreadable and make runs differ: each is an input error."""
    with pytest.raises(InputError) as err:
        render(text)
    assert err.value.messages[0].startswith("texts/x.md：")
    assert "0x" not in err.value.messages[0] and "Names(" not in err.value.messages[0]


@pytest.mark.parametrize("name", ["dictsort", "items"])
def test_filters_that_only_worked_on_python_mappings_are_not_offered(name):
    with pytest.raises(InputError) as err:
        render(f"{{{{ facts | {name} | first }}}}")
    assert f"『{name}』" in err.value.messages[0]


@pytest.mark.parametrize("text", ["{{ " + "(" * 3000 + "1" + ")" * 3000 + " }}",
                                  "{{ facts.n" + " | default(facts.n" * 1000 + ")" * 1000 + " }}",
                                  "{% if facts %}" * 500 + "x" + "{% endif %}" * 500])
def test_placeholders_nested_too_deep_are_input_errors(text):
    with pytest.raises(InputError) as err:
        render(text)
    assert err.value.messages[0].startswith("texts/x.md：") and "嵌套过深" in err.value.messages[0]
