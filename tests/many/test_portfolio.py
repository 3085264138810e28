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
