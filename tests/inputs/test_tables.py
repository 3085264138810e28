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


def test_a_table_over_the_row_limit_is_refused_without_reading_on(tmp_path, monkeypatch):
    from jixiao import limits

    monkeypatch.setattr(limits, "TABLE_ROWS", 50)
    path = tmp_path / "activities.csv"
    path.write_text("序号,活动名称\n" + "".join(f"{n},活动{n}\n" for n in range(1, 52)), encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_table(SPECS["activities"], path)
    assert "活动表超过 50 行" in err.value.messages[0] and "输入限制" in err.value.messages[0]
    path.write_text("序号,活动名称\n" + "".join(f"{n},活动{n}\n" for n in range(1, 51)), encoding="utf-8")
    assert len(read_table(SPECS["activities"], path)) == 50


def test_charted_tables_are_limited_to_what_a_chart_can_show(tmp_path):
    from jixiao import limits

    path = tmp_path / "budget_lines.csv"
    count = limits.TABLE_ROWS_BY_NAME["budget_lines"] + 1
    path.write_text("序号,子项目名称,预算金额\n" + "".join(f"{n},项{n},100\n" for n in range(1, count + 1)),
                    encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_table(SPECS["budget_lines"], path)
    assert f"预算明细表超过 {count - 1} 行" in err.value.messages[0]


def test_survey_answers_may_have_many_more_rows():
    from jixiao import limits

    assert limits.TABLE_ROWS_BY_NAME["responses"] > 10 * limits.TABLE_ROWS


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path, suffix):
    from jixiao import limits

    path = tmp_path / f"queries{suffix}"
    with open(path, "wb") as f:  # sparse: no 20 MB written
        f.truncate(limits.TABLE_BYTES + 1)
    with pytest.raises(InputError) as err:
        read_table(SPECS["queries"], path)
    assert "查询统计表有 20.0 MB，超过上限 20 MB" in err.value.messages[0]


def test_xlsx_reads_only_used_cells_and_keeps_line_numbers(tmp_path):
    path = tmp_path / "budget.xlsx"
    book = Workbook()
    sheet = book.active
    sheet.append(["序号", "子项目名称", "预算金额"])
    sheet.append([1, "数据归集", 600000])
    sheet["A5000"], sheet["B5000"], sheet["C5000"] = 2, "数据整理", 1.0499999999999998
    sheet["XFD1048576"].number_format = "0.00"  # formatted, empty: Excel still stores the cell
    book.save(path)
    rows = read_table(SPECS["budget_lines"], path)
    assert [(r.line, r.name, r.amount) for r in rows] == [(2, "数据归集", 600000), (5000, "数据整理", Decimal("1.05"))]


def test_merged_cells_fill_the_rows_they_cover(tmp_path):
    path = tmp_path / "targets.xlsx"
    book = Workbook()
    sheet = book.active
    sheet.append(["分解目标", "绩效指标", "目标值"])
    sheet.append(["产出目标", "数量", "100"])
    sheet.append([None, "质量", "95%"])
    sheet.merge_cells("A2:A3")
    book.save(path)
    assert [r.goal for r in read_table(SPECS["targets"], path)] == ["产出目标", "产出目标"]


def test_an_xlsx_that_unpacks_too_large_is_refused(tmp_path, monkeypatch):
    from jixiao import limits

    path = tmp_path / "budget.xlsx"
    _write_xlsx(path, [["序号", "子项目名称", "预算金额"], [1, "数据归集", 600000]])
    monkeypatch.setattr(limits, "XLSX_UNPACKED_BYTES", 1000)
    with pytest.raises(InputError) as err:
        read_table(SPECS["budget_lines"], path)
    assert "解压后" in err.value.messages[0]


@pytest.mark.parametrize("name, rows, header", [
    ("budget_lines", ["1,数据归集,600000", "2,数据整理,1", "3,数据归集,2"], "子项目名称"),
    ("queries", ["政府部门,1,2", "社会公众,1,2", "政府部门,3,4"], "查询主体"),
    ("surveys", ["社会公众,90", "社会公众,80"], "调查对象"),
])
def test_rows_that_name_the_same_thing_twice_are_refused(tmp_path, name, rows, header):
    spec = SPECS[name]
    path = tmp_path / f"{name}.csv"
    path.write_text(",".join(c.header for c in spec.columns if c.required) + "\n" + "\n".join(rows) + "\n",
                    encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_table(spec, path)
    assert len(err.value.messages) == 1
    assert f"第 {len(rows) + 1} 行：{spec.title}的『{header}』" in err.value.messages[0]
    assert "与第 2 行重复" in err.value.messages[0]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_table_over_the_cell_limit_is_refused(tmp_path, monkeypatch, suffix):
    from jixiao import limits

    monkeypatch.setattr(limits, "TABLE_CELLS", 100)
    rows = [["调查对象", *(f"问题{n}" for n in range(1, 10))]] + [["社会公众", *([5] * 9)] for _ in range(10)]
    path = tmp_path / f"responses{suffix}"
    if suffix == ".csv":
        path.write_text("\n".join(",".join(map(str, r)) for r in rows), encoding="utf-8")
    else:
        _write_xlsx(path, rows)
    with pytest.raises(InputError) as err:
        read_table(SPECS["responses"], path)
    assert "问卷答卷表超过 100 个单元格" in err.value.messages[0]
