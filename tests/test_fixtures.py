"""Inputs as analysts really have them: each file in fixtures/cases breaks or bends the
minimal project in one named way; `jixiao check` must accept it or refuse it with a Chinese
message naming the place and what to do, never a traceback."""

import csv
import shutil
from pathlib import Path

import pytest
from openpyxl import Workbook

from conftest import ROOT, jixiao

FIXTURES = ROOT / "tests" / "fixtures"
MINIMAL = FIXTURES / "minimal"

# case file → (exit code, fragments that the output must contain)
CASES = {
    "yaml_syntax_error__params.yaml": (1, ["YAML 语法错误", "第 5 行第 20 列", "缩进"]),
    "unknown_key_nearest__params.yaml": (1, ["未知的键『project.evalutor』", "是否想写『evaluator』"]),
    "unknown_top_level_key__params.yaml": (1, ["未知的键『fact』", "是否想写『facts』"]),
    "wrong_type_year__params.yaml": (1, ["『project.year』", "应为整数"]),
    "missing_required_name__params.yaml": (1, ["缺少必填项『project.name』"]),
    "invalid_report_date__params.yaml": (1, ["『project.report_date』", "应为日期"]),
    "not_a_mapping__params.yaml": (1, ["参数文件应为键值映射"]),
    "weights_not_100__params.yaml": (1, ["一级指标权重合计为 90，应为 100"]),
    "group_weight_mismatch__params.yaml": (1, ["二级指标『A1 立项』权重为 30", "三级指标满分值合计为 40"]),
    "unknown_table_name__params.yaml": (1, ["data 中的『survey』不是内置的表", "是否想写『surveys』"]),
    "missing_data_file__params.yaml": (1, ["satisfaction.csv", "满意度调查表文件不存在", "data.surveys"]),
    "missing_data_dir__params.yaml": (1, ["data_dir", "nowhere", "不存在"]),
    "unknown_text_key__params.yaml": (1, ["texts 中的『backgroud』没有哪一章使用", "是否想写『background』"]),
    "unknown_framework__params.yaml": (1, ["national-2021", "national-2020"]),
    "outcome_weight_too_low__params.yaml": (1, ["绩效指标权重（B）为 60，应不低于 70"]),
    "bad_receipt_date__params.yaml": (1, ["『budget.receipts[1].date』", "日期格式"]),
    "sheet_missing__params.yaml": (1, ["找不到工作表『评分』", "Sheet"]),
    "chinese_dates__params.yaml": (0, ["总分 90.00"]),
    "unknown_stage__params.yaml": (1, ["『stage』的值 '初稿'", "征求意见稿、送审稿、终稿"]),
    "duplicate_codes__indicators.csv": (1, ["第 5 行（指标 B101）", "与第 3 行重复"]),
    "score_above_max__indicators.csv": (1, ["第 2 行（指标 A101）", "评分值 45 超出范围", "满分值 40"]),
    "negative_score__indicators.csv": (1, ["第 2 行（指标 A101）", "评分值 -1 超出范围"]),
    "three_decimals__indicators.csv": (1, ["指标 A101", "超过两位小数"]),
    "parent_missing__indicators.csv": (1, ["指标 A101", "二级指标『A9』在参数文件 framework 中不存在"]),
    "wrong_level1_for_parent__indicators.csv": (1, ["二级指标『A1』属于一级指标『A』", "本行写的是『B』"]),
    "score_not_a_number__indicators.csv": (1, ["第 2 行", "『评分值』的值『三十六』不是数字"]),
    "missing_column__indicators.csv": (1, ["缺少列『满分值』"]),
    "empty_code_cell__indicators.csv": (1, ["第 2 行", "『指标编码』为空"]),
    "unknown_rule__indicators.csv": (1, ["指标 B101", "评分方法『完成度』不存在", "可选"]),
    "rule_input_missing__indicators.csv": (1, ["指标 B101", "缺少评分参数：目标"]),
    "rule_input_unknown_name__indicators.csv": (1, ["指标 B101", "facts.plan"]),
    "manual_without_reason__indicators.csv": (1, ["指标 A101", "『评分理由』"]),
    "missing_analysis__indicators.csv": (1, ["指标 A101 缺少分析文字"]),
    "unknown_placeholder__indicators.csv": (1, ["facts.finished", "占位符"]),
    "not_applicable_bad_flag__indicators.csv": (1, ["第 2 行", "『不适用』应填 是 或留空", "也许"]),
    "fullwidth_digits__indicators.csv": (0, ["总分 90.00"]),
    "not_an_excel_file__indicators.xlsx": (1, ["无法打开 Excel 文件"]),
    "budget_mismatch__budget_lines.csv": (1, ["预算明细合计 900000.00 元", "budget.total 1000000.00 元不一致"]),
    "amount_not_a_number__budget_lines.csv": (1, ["第 3 行", "『预算金额』的值『四十万』不是数字"]),
    "empty_file__budget_lines.csv": (1, ["预算明细表是空的"]),
    "undecodable_bytes__budget_lines.csv": (1, ["无法识别文件编码", "UTF-8 或 GBK"]),
    "gbk_encoded__budget_lines.csv": (0, ["总分 90.00"]),
    "gb18030_encoded__budget_lines.csv": (0, ["总分 90.00"]),
    "utf8_bom__budget_lines.csv": (0, ["总分 90.00"]),
    "numbers_with_units__budget_lines.csv": (0, ["总分 90.00"]),
    "title_row_and_trailing_blanks__budget_lines.csv": (0, ["总分 90.00"]),
    "percent_sign__surveys.csv": (0, ["总分 90.00"]),
    "rate_out_of_range__surveys.csv": (1, ["第 2 行", "满意度 190.5 应在 0 到 100 之间"]),
    "unknown_indicator_code__surveys.csv": (1, ["第 2 行", "『指标编码』『B109』不是指标评分表中的三级指标编码"]),
    "rate_unknown_amount__params.yaml": (1, ["framework.rates.execution", "budget.paid", "应为 budget.total、budget.spent 或 budget.received"]),
    "rate_with_a_second_formula__indicators.csv": (1, ["第 3 行（指标 B101）", "实际支出 ÷ 实际到位资金",
                                                      "预算执行率定义为 实际支出 ÷ 项目预算", "资金执行率"]),
    # numbers: one parser everywhere (tables, rule inputs, the parameter file), sane ranges only
    "amounts_as_typed__params.yaml": (0, ["总分 90.00"]),
    "thousands_in_rule_input__indicators.csv": (0, ["总分 90.00"]),
    "excel_float_artefacts__indicators.xlsx": (0, ["总分 90.00"]),
    "decimal_comma_score__indicators.csv": (1, ["第 2 行", "『评分值』的值『0,5』含义不明确", "小数点"]),
    "fullwidth_decimal_comma_score__indicators.csv": (1, ["第 2 行", "『评分值』的值『0，5』含义不明确"]),
    "ambiguous_comma_in_rule_input__indicators.csv": (1, ["指标 B101", "『实际』的值『1,4』含义不明确", "每三位一组"]),
    "decimal_comma_fact_used_by_rule__params.yaml": (1, ["指标 B101", "facts.done 的值『4,5』含义不明确"]),
    "huge_number_used_by_rule__params.yaml": (1, ["指标 B101", "facts.planned", "超出可处理的范围"]),
    "huge_number_in_placeholder__params.yaml": (1, ["texts.background", "占位符无法计算", "超出可处理的范围"]),
    "infinite_budget__params.yaml": (1, ["『budget.total』", "不是有限的数字"]),
    "infinite_amount__budget_lines.csv": (1, ["第 3 行", "『预算金额』的值『inf』不是有限的数字"]),
    "nan_weight__params.yaml": (1, ["『framework.dimensions[1].weight』", "不是有限的数字"]),
    "negative_budget__params.yaml": (1, ["『budget.spent』", "是负数"]),
    "negative_receipt__params.yaml": (1, ["『budget.receipts[1].amount』", "是负数"]),
    "negative_amount__budget_lines.csv": (1, ["第 3 行", "『预算金额』的值『-400000』是负数"]),
    "budget_mismatch_beyond_cents__budget_lines.csv": (1, ["预算明细合计 1000000.001 元", "budget.total 1000000.00 元"]),
    # inputs that hung or exhausted memory: refused within the limits of README「输入限制」
    "alias_bomb__params.yaml": (1, ["展开别名", "100,000 项", "输入限制"]),
    "deeply_nested__params.yaml": (1, ["第 48 行", "嵌套超过 50 层"]),
    "stray_value_cell_at_xfd1048576__indicators.xlsx": (1, ["第 1048576 行 XFD 列", "误填的单元格"]),
    "stray_empty_cell_at_xfd1048576__indicators.xlsx": (0, ["总分 90.00"]),
    # what run failed on (a chart crash) is found by check: names that label rows must be unique
    "duplicate_budget_line_names__budget_lines.csv": (1, ["第 3 行", "『子项目名称』『设备购置』与第 2 行重复"]),
    "duplicate_survey_groups__surveys.csv": (1, ["第 3 行", "『调查对象』『服务对象』与第 2 行重复"]),
    # texts in the encodings analysts save them in
    "gbk_encoded__background.md": (0, ["总分 90.00"]),
    "undecodable_bytes__background.md": (1, ["background.md", "无法识别文件编码", "UTF-8 或 GBK"]),
}


def _project(tmp_path: Path) -> Path:
    shutil.copytree(MINIMAL, tmp_path, dirs_exist_ok=True)
    return tmp_path / "params" / "minimal.yaml"


def _csv_to_xlsx(csv_path: Path, xlsx_path: Path, title=None, merged_header=False) -> None:
    book = Workbook()
    sheet = book.active
    with open(csv_path, encoding="utf-8") as f:
        rows = list(csv.reader(f))
    if title:
        sheet.append([title])
    if merged_header:  # a header cell spanning two rows, Excel-style
        sheet.append(rows[0])
        sheet.append([""] * len(rows[0]))
        top = sheet.max_row - 1
        for col in range(1, len(rows[0]) + 1):
            sheet.merge_cells(start_row=top, end_row=top + 1, start_column=col, end_column=col)
    else:
        sheet.append(rows[0])
    for row in rows[1:]:
        sheet.append(row)
    book.save(xlsx_path)


def test_every_case_file_is_listed():
    assert sorted(p.name for p in (FIXTURES / "cases").iterdir()) == sorted(CASES)
    assert len(CASES) >= 25


@pytest.mark.parametrize("case", sorted(CASES))
def test_case(case, tmp_path):
    params = _project(tmp_path)
    data = tmp_path / "data" / "minimal"
    target = case.split("__", 1)[1]
    source = FIXTURES / "cases" / case
    if target == "params.yaml":
        shutil.copy(source, params)
        if "indicators.xlsx" in params.read_text(encoding="utf-8"):
            _csv_to_xlsx(data / "indicators.csv", data / "indicators.xlsx")
    else:
        shutil.copy(source, data / target)
        text = params.read_text(encoding="utf-8")
        if target.endswith(".xlsx"):
            params.write_text(text.replace("indicators.csv", target), encoding="utf-8")
        if target.endswith(".md"):  # a text file: the parameter file names it
            params.write_text(text.replace("background: 为检验工具而设的项目。", f"background: {target}"),
                              encoding="utf-8")
    expected_code, fragments = CASES[case]
    done = jixiao("check", params, timeout=60)  # hostile inputs must not hang
    output = done.stdout + done.stderr
    assert done.returncode == expected_code, output
    assert "Traceback" not in output
    for fragment in fragments:
        assert fragment in output, f"{fragment!r} not in:\n{output}"


@pytest.mark.parametrize("layout", ["title_row", "merged_header"])
def test_excel_as_analysts_keep_it(layout, tmp_path):
    params = _project(tmp_path)
    data = tmp_path / "data" / "minimal"
    _csv_to_xlsx(data / "indicators.csv", data / "indicators.xlsx",
                 title="2020年指标评分表" if layout == "title_row" else None,
                 merged_header=layout == "merged_header")
    params.write_text(params.read_text(encoding="utf-8").replace("indicators.csv", "indicators.xlsx"),
                      encoding="utf-8")
    done = jixiao("check", params)
    assert done.returncode == 0, done.stderr
    assert "总分 90.00" in done.stdout
