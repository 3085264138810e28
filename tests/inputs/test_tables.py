from decimal import Decimal

import pytest
from openpyxl import Workbook

from jixiao.errors import InputError
from jixiao.inputs.tables import SPECS, read_table


def _write_xlsx(path, rows, title="Sheet"):
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    book.save(path)


def test_csv_in_gbk_with_separators(tmp_path):
    path = tmp_path / "queries.csv"
    path.write_bytes("查询主体,本年查询次数,累计查询次数\n政府部门,\"10,093,122\",18408740\n\n".encode("gbk"))
    rows = read_table(SPECS["queries"], path)
    assert rows[0].year == 10093122 and rows[0].line == 2 and len(rows) == 1


def test_xlsx_reads_numbers_and_sheet(tmp_path):
    path = tmp_path / "budget.xlsx"
    _write_xlsx(path, [["序号", "子项目名称", "预算金额"], [1, "数据归集", 600000], [2, "数据整理", 480000.5]], "预算")
    rows = read_table(SPECS["budget_lines"], path, "预算")
    assert [r.amount for r in rows] == [Decimal(600000), Decimal("480000.5")]


def test_missing_sheet_is_named(tmp_path):
    path = tmp_path / "budget.xlsx"
    _write_xlsx(path, [["序号", "子项目名称", "预算金额"]])
    with pytest.raises(InputError) as err:
        read_table(SPECS["budget_lines"], path, "预算表")
    assert "找不到工作表『预算表』" in err.value.messages[0] and "Sheet" in err.value.messages[0]


def test_missing_column_and_bad_number_name_the_place(tmp_path):
    path = tmp_path / "indicators.csv"
    path.write_text("一级指标,二级指标,指标编码,三级指标,评分值\nA,A1,A101,x,1.5\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_table(SPECS["indicators"], path)
    assert "缺少列『满分值』" in err.value.messages[0]
    path.write_text("一级指标,二级指标,指标编码,三级指标,满分值,评分值\nA,A1,A101,x,1.5,一分\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_table(SPECS["indicators"], path)
    assert "第 2 行" in err.value.messages[0] and "『评分值』的值『一分』不是数字" in err.value.messages[0]


def test_missing_file_is_named(tmp_path):
    with pytest.raises(InputError) as err:
        read_table(SPECS["staff"], tmp_path / "staff.csv")
    assert "staff.csv" in err.value.messages[0] and "不存在" in err.value.messages[0]
