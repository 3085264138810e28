"""The 变动情况 table as a CSV file: Excel and WPS show every cell as written, never as a formula."""

import csv
import io

from jixiao.assemble.compare import _csv
from jixiao.assemble.compare.changes import Change


def test_input_text_that_looks_like_a_formula_stays_text():
    rows = [Change("=HYPERLINK(\"http://x\")", "-1", "+cmd|' /C calc'!A0", "@SUM(A1)"),
            Change("C103 宣传", "4.00", "3.50", "indicators.csv 第 26 行「评分值」列：4 → 3.5"),
            Change("-x", "−0.12", "-0.12", "\t=1")]
    read = list(csv.reader(io.StringIO(_csv(rows).decode("utf-8-sig"))))
    assert read[1] == ["'=HYPERLINK(\"http://x\")", "-1", "'+cmd|' /C calc'!A0", "'@SUM(A1)"]
    assert read[2] == ["C103 宣传", "4.00", "3.50", "indicators.csv 第 26 行「评分值」列：4 → 3.5"]
    assert read[3] == ["'-x", "−0.12", "-0.12", "'\t=1"]
