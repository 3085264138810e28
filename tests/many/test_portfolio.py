"""jixiao portfolio over the example and synthetic projects."""

import json
import re
import shutil

from pypdf import PdfReader

from conftest import EXAMPLE, ROOT, jixiao
from jixiao.many.portfolio import band, band_ranges, series_name


def _portfolio(synthetic, *extra):
    paths = synthetic(3)
    root = paths[0].parent.parent
    shutil.copy(ROOT / "params" / f"{EXAMPLE}.yaml", root / "params")
    shutil.copytree(ROOT / "data" / EXAMPLE, root / "data" / EXAMPLE)
    done = jixiao("portfolio", root / "params" / f"{EXAMPLE}.yaml", *paths, *extra, cwd=root)
    assert done.returncode == 0, done.stderr
    return root / "output" / "portfolio"


def test_example_and_three_synthetic_projects(synthetic):
    folder = _portfolio(synthetic)
    data = json.loads((folder / "portfolio.json").read_text(encoding="utf-8"))
    assert data["count"] == 4
    example = data["projects"][0]
    assert (example["project"], example["total"], example["grade"], example["band"]) == (
        "2018年上海市公共信用信息服务中心专项", "90.71", "优秀", "优")
    assert [g["band"] for g in data["grades"]] == ["优", "良", "中", "差"]
    assert sum(g["count"] for g in data["grades"]) == 4
    assert data["grades"][0]["grades"]["优秀"] >= 1  # the framework's own label, counted under 优
    # dimensions grouped by framework: the example's three under its framework's title
    mine = [d for d in data["dimensions"] if d["framework"] == "上海市项目支出绩效评价指标体系（决策、管理、绩效）"]
    assert [(d["code"], d["name"], d["rate"]) for d in mine] == [
        ("A", "项目决策", "92.50%"), ("B", "项目管理", "89.93%"), ("C", "项目绩效", "90.80%")]
    lost = [float(r["lost"]) for r in data["points_lost"]]
    assert lost == sorted(lost, reverse=True)
    # synthetic-002 is the year after synthetic-001, under the same name
    series = data["year_on_year"]
    assert len(series) == 1 and [y["year"] for y in series[0]["years"]][1] == series[0]["years"][0]["year"] + 1
    html = (folder / "portfolio.html").read_text(encoding="utf-8")
    assert "表 1-1" in html and "2018年上海市公共信用信息服务中心专项" in html and "<script" not in html
    assert "统一的四个档次" in html  # the report says how grades were grouped


def test_cover_has_a_title_and_one_plain_date(synthetic):
    folder = _portfolio(synthetic)
    data = json.loads((folder / "portfolio.json").read_text(encoding="utf-8"))
    latest = max(p["report_date"] for p in data["projects"])
    y, m, d = map(int, latest.split("-"))
    cover = re.sub(r"\s+", "", PdfReader(str(folder / "portfolio.pdf")).pages[0].extract_text())
    assert "项目支出绩效评价汇总报告" in cover
    assert cover.endswith(f"{y}年{m}月{d}日") and "最晚者" not in cover and "报告日期为" not in cover
    assert "各项目报告日期" in cover


def test_cover_date_can_be_given(synthetic):
    folder = _portfolio(synthetic, "--date", "2025-03-31")
    reader = PdfReader(str(folder / "portfolio.pdf"))
    assert "2025年3月31日" in re.sub(r"\s+", "", reader.pages[0].extract_text())
    assert reader.metadata["/CreationDate"].startswith("D:20250331")


def test_bad_date_is_explained(example):
    done = jixiao("portfolio", example, "--date", "2025/3/31", cwd=example.parent.parent)
    assert done.returncode == 2 and "日期应写成 YYYY-MM-DD" in done.stderr and "Traceback" not in done.stderr


def test_bands_are_the_common_half_open_ones():
    from decimal import Decimal

    assert [band(Decimal(x)) for x in ("90", "89.995", "80", "60", "59.99")] == ["优", "良", "良", "中", "差"]
    assert band_ranges() == [("优", "90 分及以上"), ("良", "80 分及以上、90 分以下"), ("中", "60 分及以上、80 分以下"),
                             ("差", "60 分以下")]


def test_series_name_drops_the_leading_year():
    assert series_name("2018年上海市公共信用信息服务中心专项") == "上海市公共信用信息服务中心专项"
    assert series_name("2021年度社区养老专项") == "社区养老专项"


def test_invalid_project_is_reported_in_chinese(example):
    text = example.read_text(encoding="utf-8").replace("      weight: 60\n", "      weight: 50\n")
    example.write_text(text, encoding="utf-8")
    done = jixiao("portfolio", example, cwd=example.parent.parent)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "一级指标权重合计为 90" in done.stderr


def test_rates_chart_has_no_title_inside_the_image():
    """图 3-1: what the chart shows is its caption's; the frameworks are told apart by colour
    in a legend under the plot, not by panel titles."""
    from jixiao.many.portfolio import rates_chart

    rows = [{"framework": f, "code": c, "name": n, "rate": r} for f, c, n, r in [
        ("框架甲", "A", "决策", "92.50%"), ("框架甲", "B", "管理", "89.93%"), ("框架乙", "A", "投入", "80.00%")]]
    fig = rates_chart(rows)
    assert [ax.get_title(loc) for ax in fig.axes for loc in ("left", "center", "right")] == [""] * 3
    assert not fig.texts or all(t.get_text() == "" for t in fig.texts)
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["框架甲", "框架乙"]
    assert len(fig.axes) == 1


def test_points_lost_keep_indicator_codes_and_one_decimal_policy(synthetic):
    """表 4-1 names each indicator with its codes in the projects; 满分合计 prints one number of
    decimals in every row; the body ends with the 落款 (Word style Signature, right-aligned)."""
    import docx

    folder = _portfolio(synthetic)
    data = json.loads((folder / "portfolio.json").read_text(encoding="utf-8"))
    markdown = (folder / "portfolio.md").read_text(encoding="utf-8")
    table = markdown.split("表 4-1")[1].split("# 五")[0]
    rows = [[c.strip() for c in line.strip("|").split("|")] for line in table.splitlines() if line.startswith("| ")][1:]
    assert [r[0] for r in rows] == [f"{'、'.join(p['codes'])} {p['indicator']}" for p in data["points_lost"]]
    assert all(re.fullmatch(r"[A-Z]\d+(、[A-Z]\d+)* .+", r[0]) for r in rows)
    assert len({len(r[2].partition(".")[2]) for r in rows}) == 1
    document = docx.Document(str(folder / "portfolio.docx"))
    closing = [p for p in document.paragraphs if p.style.name == "Signature"]
    assert [p.text.split("：")[0] for p in closing] == ["评价机构（盖章）", "报告日期"]
    assert "上海大华工程造价咨询有限公司" in closing[0].text
    reader = PdfReader(str(folder / "portfolio.pdf"))
    last = re.sub(r"\s+", "", reader.pages[-1].extract_text())
    assert "评价机构（盖章）：" in last and last.rstrip("—0123456789").endswith(f"报告日期：{data_date(data)}")


def data_date(data) -> str:
    y, m, d = map(int, max(p["report_date"] for p in data["projects"]).split("-"))
    return f"{y}年{m}月{d}日"
