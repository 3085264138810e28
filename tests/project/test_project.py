"""load_project's warnings on the example changed one way at a time: what `check` says and the
report would otherwise hide or print unevenly."""

from jixiao.project import load_project


def _replace(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _drop_exhibit(example, line, reference):
    _replace(example, line + "\n", "")
    _replace(example.parent.parent / "data" / "shanghai-credit-2018" / "analysis.md", reference, "")


ACTIVITIES = ("  - {after: C109, table: activities, caption: 信用论坛及系列活动清单}", '，活动清单见{{ ref("activities") }}')


def test_the_example_has_no_warnings(example):
    assert load_project(example).warnings == []


def test_a_listed_table_that_nothing_prints_is_named(example):
    """activities.csv without its exhibit would silently disappear from the report."""
    _drop_exhibit(example, *ACTIVITIES)
    warnings = load_project(example).warnings
    assert len(warnings) == 1, warnings
    assert "data 中的表『activities』（activities.csv）没有哪一章或 exhibits 印出" in warnings[0]
    assert "- {after: 指标编码, table: activities}" in warnings[0]


def test_a_table_shown_as_a_chart_alone_or_read_by_a_rule_is_used(example):
    _drop_exhibit(example, "  - {after: C102, table: queries}", '，按查询主体的分布见{{ ref("queries") }}')  # its chart shows it
    assert load_project(example).warnings == []
    _drop_exhibit(example, *ACTIVITIES)
    indicators = example.parent.parent / "data" / "shanghai-credit-2018" / "indicators.csv"
    text = indicators.read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("B,B4,B401,"))
    cells = row.split(",")
    cells[6:8] = ["完成率", "实际=activities.count; 目标=4"]
    indicators.write_text(text.replace(row, ",".join(cells)), encoding="utf-8")
    assert not any("『activities』" in w for w in load_project(example).warnings)


def test_a_percentage_fact_not_in_two_decimals_is_named(example):
    _replace(example, 'hall_legal_yoy: "11.00%"', 'hall_legal_yoy: "91.5%"')
    _replace(example, 'web_legal_yoy: "63.10%"', 'web_legal_yoy: "63.125%"')
    warnings = load_project(example).warnings
    assert [w.split("：", 1)[1] for w in warnings] == [
        "facts.hall_legal_yoy『91.5%』是百分数而不是两位小数；报告中算出的比率都印两位小数（如 92.50%），"
        "请写作 91.50%，或写成文字（如「约91.5%」）",
        "facts.web_legal_yoy『63.125%』是百分数而不是两位小数；报告中算出的比率都印两位小数（如 92.50%），"
        "请写作 63.13%，或写成文字（如「约63.125%」）"]


GOALS = 'data/shanghai-credit-2018/texts/goals.md'


def test_a_text_citing_a_later_chapters_table_is_named_unless_it_says_where(example):
    """goals.md (chapter 一) cites the targets table that hangs after A202 in chapter 三."""
    goals = example.parent.parent / GOALS
    assert "见第三部分{{ ref(\"targets\") }}" in goals.read_text(encoding="utf-8")
    _replace(goals, "见第三部分{{", "见{{")
    warnings = load_project(example).warnings
    assert len(warnings) == 1 and "texts.goals：引用的『targets』印在后面的第三部分，读到这里时还看不到" in warnings[0], warnings
    _replace(goals, "见{{", "见第二部分{{")
    assert [w.split("texts.goals：")[1] for w in load_project(example).warnings] == [
        "引用『targets』前写的是「第二部分」，而它印在第三部分，请改正"]


def test_an_exhibit_or_a_photo_the_text_never_cites_is_named(example):
    from PIL import Image

    data = example.parent.parent / "data" / "shanghai-credit-2018"
    _replace(data / "analysis.md", ACTIVITIES[1], "")
    (data / "photos").mkdir()
    Image.new("RGB", (8, 4), "red").save(data / "photos" / "hall.png")
    organization = data / "texts" / "organization.md"
    organization.write_text(organization.read_text(encoding="utf-8") + "\n\n![服务大厅](photos/hall.png)\n", encoding="utf-8")
    project = load_project(example)
    assert project.texts["organization"].labels == ["hall"]
    assert [w.split("：", 1)[1] for w in project.warnings] == [
        "exhibits 第 5 项附上的『activities』在正文中没有引用；报告中的表和图都应在文字中提到，"
        "请在 C109 的分析中写「见{{ ref(\"activities\") }}」",
        "图片『hall』在正文中没有引用，请在文字中写「见@fig-hall」"]
    organization.write_text(organization.read_text(encoding="utf-8") + "\n服务大厅见@fig-hall。\n", encoding="utf-8")
    assert len(load_project(example).warnings) == 1
