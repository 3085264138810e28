"""The 变动情况 rows: changed scores, rates and grades from two summaries, each indicator's reason
the input cells that differ (its scoring-table row, the parameter keys and table rows its rule
names), levels above explained by the indicators below; nothing read outside the project."""

from jixiao.assemble.compare.changes import changes
from jixiao.assemble.compare.sources import Sources

INDICATORS = ("一级指标,二级指标,指标编码,三级指标,满分值,评分值,评分方法,评分参数,评分理由\n"
              "A,A1,A101,立项,40,{a},手工,,理由\n"
              "B,B1,B101,完成,60,,完成率,实际=facts.done; 目标=queries.year_total,\n")
QUERIES = "查询主体,本年查询次数,累计查询次数\n政府部门,{q},900\n"


def _version(folder, a="30", done=80, queries="100"):
    data = folder / "数据"
    data.mkdir(parents=True)
    (data / "indicators.csv").write_text(INDICATORS.format(a=a), encoding="utf-8")
    (data / "queries.csv").write_text(QUERIES.format(q=queries), encoding="utf-8")
    params = folder / "参数文件.yaml"
    params.write_text(f"data_dir: ../data/p\ndata: {{indicators: indicators.csv, queries: queries.csv}}\n"
                      f"facts: {{done: {done}}}\n", encoding="utf-8")
    return Sources(params, data, "params/p.yaml", "data/p")


def _summary(a, b, total, grade):
    return {"total": total, "rate": f"{total}%", "grade": grade,
            "dimensions": [{"code": "A", "name": "决策", "score": a, "rate": "x"},
                           {"code": "B", "name": "绩效", "score": b, "rate": "y"}],
            "groups": [],
            "indicators": [{"code": "A101", "name": "立项", "score": a, "level1": {"code": "A"}, "level2": {"code": "A1"}},
                           {"code": "B101", "name": "完成", "score": b, "level1": {"code": "B"}, "level2": {"code": "B1"}}]}


def test_each_changed_score_names_the_input_cell(tmp_path):
    old = _version(tmp_path / "old")
    new = _version(tmp_path / "new", a="35", done=90, queries="100")
    rows = changes(_summary("30", "48", "78.00", "中"), _summary("35", "54", "89.00", "良"), old, new)
    by_item = {r.item: r for r in rows}
    assert by_item["A101 立项（得分）"].why == "data/p/indicators.csv 第 2 行「评分值」列：30 → 35"
    assert by_item["B101 完成（得分）"].why == "params/p.yaml 键 facts.done：80 → 90"
    assert by_item["B 绩效（得分）"].why == "下级指标得分变动：B101 48 → 54"
    assert [r.item for r in rows][-3:] == ["总分", "总得分率", "评价等级"]
    assert by_item["评价等级"].old == "中" and by_item["评价等级"].new == "良"


def test_a_table_named_by_a_rule_gives_its_changed_row(tmp_path):
    old = _version(tmp_path / "old")
    new = _version(tmp_path / "new", queries="120")
    rows = changes(_summary("30", "48", "78.00", "中"), _summary("30", "40", "70.00", "中"), old, new)
    assert rows[0].why == "data/p/queries.csv 第 2 行「本年查询次数」列：100 → 120"


def test_without_kept_inputs_the_reason_says_so(tmp_path):
    old = Sources(None, None, "params/p.yaml", "data/p")
    new = _version(tmp_path / "new")
    rows = changes(_summary("30", "48", "78.00", "中"), _summary("35", "48", "83.00", "良"), old, new)
    assert rows[0].why == "旧版本没有保存输入，无法指出变动的输入"


def test_a_kept_table_file_outside_its_copy_is_not_read(tmp_path):
    old = _version(tmp_path / "old")
    new = _version(tmp_path / "new", a="35")
    (tmp_path / "outside.csv").write_text(INDICATORS.format(a="99"), encoding="utf-8")
    new.params.write_text("data: {indicators: ../../outside.csv}\n", encoding="utf-8")
    tampered = Sources(new.params, new.data, "params/p.yaml", "data/p")
    assert tampered.table("indicators") is None
