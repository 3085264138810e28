"""Word differences for Chinese: characters, whole numbers, both sides recoverable."""

from jixiao.assemble.compare.words import diff, tokens


def test_numbers_are_one_token_and_chinese_characters_each_one():
    assert tokens("得分 90.71%，共1,341项") == ["得", "分", " ", "90.71%", "，", "共", "1,341", "项"]


def test_a_changed_number_is_one_replacement_and_an_insertion_only_its_characters():
    assert diff("得分为 4.40 分", "得分为 4.00 分") == [("=", "得分为 "), ("-", "4.40"), ("+", "4.00"), ("=", " 分")]
    assert diff("按计划推进", "按年度计划稳步推进") == [("=", "按"), ("+", "年度"), ("=", "计划"), ("+", "稳步"), ("=", "推进")]


def test_the_pieces_join_to_each_side():
    old, new = "本次评价采用复核分析法，总分 90.71。", "本次评价综合采用复核分析法和问卷，总分 91.2。"
    pieces = diff(old, new)
    assert "".join(t for k, t in pieces if k != "+") == old
    assert "".join(t for k, t in pieces if k != "-") == new
