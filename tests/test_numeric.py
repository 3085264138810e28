from decimal import Decimal

from jixiao.numeric import fixed2, growth, month_text, percent, round2, thousands, trimmed, wan, yuan


def test_half_up_where_float_round_fails():
    assert round(82.675, 2) == 82.67  # the float pitfall this module exists for
    assert fixed2("82.675") == "82.68"
    assert round2(Decimal("0.125")) == Decimal("0.13")
    assert fixed2(2.675) == "2.68"


def test_formats_as_reports_print_them():
    assert trimmed("4.40") == "4.4"
    assert trimmed("5.00") == "5"
    assert trimmed("0.75") == "0.75"
    assert percent(Decimal("9.25"), 10) == "92.50%"
    assert percent("26.98", 30) == "89.93%"
    assert percent(15676396, 2000000) == "783.82%"
    assert growth(16995805, 14846300) == "14.48%"
    assert growth(43256, 39796) == "8.69%"
    assert thousands(15676396) == "15,676,396"
    assert wan(4000000) == "400.00"
    assert yuan(600000) == "600,000.00"
    assert month_text("2018-08") == "2018年8月"
    assert month_text("2019-07-01") == "2019年7月1日"
