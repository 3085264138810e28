"""jixiao portfolio over the example and synthetic projects."""

import json
import shutil

from conftest import EXAMPLE, ROOT, jixiao
from jixiao.many.portfolio import series_name


def test_example_and_three_synthetic_projects(synthetic):
    paths = synthetic(3)
    root = paths[0].parent.parent
    shutil.copy(ROOT / "params" / f"{EXAMPLE}.yaml", root / "params")
    shutil.copytree(ROOT / "data" / EXAMPLE, root / "data" / EXAMPLE)
    done = jixiao("portfolio", root / "params" / f"{EXAMPLE}.yaml", *paths, cwd=root)
    assert done.returncode == 0, done.stderr
    folder = root / "output" / "portfolio"
    data = json.loads((folder / "portfolio.json").read_text(encoding="utf-8"))
    assert data["count"] == 4
    example = data["projects"][0]
    assert (example["project"], example["total"], example["grade"]) == ("2018年上海市公共信用信息服务中心专项", "90.71", "优秀")
    assert sum(g["count"] for g in data["grades"]) == 4
    assert {d["name"] for d in data["dimensions"]} >= {"项目决策"}
    lost = [float(r["lost"]) for r in data["points_lost"]]
    assert lost == sorted(lost, reverse=True)
    # synthetic-002 is the year after synthetic-001, under the same name
    series = data["year_on_year"]
    assert len(series) == 1 and [y["year"] for y in series[0]["years"]][1] == series[0]["years"][0]["year"] + 1
    html = (folder / "portfolio.html").read_text(encoding="utf-8")
    assert "表 1-1" in html and "2018年上海市公共信用信息服务中心专项" in html and "<script" not in html
    assert (folder / "portfolio.pdf").stat().st_size > 0


def test_series_name_drops_the_leading_year():
    assert series_name("2018年上海市公共信用信息服务中心专项") == "上海市公共信用信息服务中心专项"
    assert series_name("2021年度社区养老专项") == "社区养老专项"


def test_invalid_project_is_reported_in_chinese(example):
    text = example.read_text(encoding="utf-8").replace("      weight: 60\n", "      weight: 50\n")
    example.write_text(text, encoding="utf-8")
    done = jixiao("portfolio", example, cwd=example.parent.parent)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "一级指标权重合计为 90" in done.stderr
