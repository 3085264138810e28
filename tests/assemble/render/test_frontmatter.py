"""The front matter keys both engines' templates read."""

from datetime import date

from jixiao.assemble.render import frontmatter


def test_report_date_from_display_text_or_iso():
    assert frontmatter.report_date({"date": "2019年7月1日"}) == date(2019, 7, 1)
    assert frontmatter.report_date({"date": "2019-07-01"}) == date(2019, 7, 1)
    assert frontmatter.report_date({"date-iso": "2020-01-31", "date": "二〇二〇年一月"}) == date(2020, 1, 31)
    assert frontmatter.report_date({"date": "2019年13月1日"}) is None
    assert frontmatter.report_date({}) is None


def test_template_keys_and_timestamp():
    meta = {"project": "某项目", "date": "2019年7月1日"}
    assert frontmatter.template_keys(meta) == {"running-header": "某项目", "date-text": "2019年7月1日",
                                               "date-iso": "2019-07-01"}
    assert frontmatter.timestamp(meta) == 1561939200


def test_evaluator_is_the_author_or_the_cover_field():
    cover = [{"label": "项目名称", "value": "甲"}, {"label": "评价机构", "value": "乙公司"}]
    assert frontmatter.evaluator({"cover": cover}) == "乙公司"
    assert frontmatter.evaluator({"cover": cover, "author": ["丙", "丁"]}) == "丙、丁"
