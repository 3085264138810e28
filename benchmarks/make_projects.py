"""Generate N valid synthetic projects (params/ and data/) for benchmarks and tests.

Indicator trees, weights, scores, budgets and texts vary from project to project (fixed
seed: the same N gives the same projects); every second project is the next year of the
one before, under the same name, for the portfolio's year-on-year view. Every project
passes ``jixiao check`` and has the 年度总体目标 of the self-assessment form. The section
notebooks analyse dimensions A, B and C, so every tree has those three level-1 codes.

    python benchmarks/make_projects.py N [--out DIR] [--seed S]
"""

import argparse
import random
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import yaml

DISTRICTS = ["浦东新区", "黄浦区", "徐汇区", "长宁区", "静安区", "普陀区", "虹口区", "杨浦区", "闵行区", "宝山区"]
SUBJECTS = ["社区养老服务", "智慧城市运维", "公共文化配送", "中小学课后服务", "河道长效管理", "垃圾分类推进",
            "老旧小区改造", "就业援助", "食品安全抽检", "公共法律服务", "体育场馆开放", "数字档案建设"]
DIMENSIONS = {
    "A": [("项目决策", ["项目立项", "绩效目标", "资金投入"])],
    "B": [("项目管理", ["资金管理", "组织实施", "制度执行"]), ("项目过程", ["资金管理", "组织实施"])],
    "C": [("项目绩效", ["项目产出", "项目效益", "满意度"]), ("产出与效益", ["产出数量", "产出质量", "社会效益"])],
}
INDICATORS = ["立项依据充分性", "立项程序规范性", "绩效目标合理性", "绩效指标明确性", "预算编制科学性",
              "资金分配合理性", "资金到位率", "预算执行率", "资金使用合规性", "管理制度健全性",
              "制度执行有效性", "项目质量可控性", "实际完成率", "完成及时性", "质量达标率", "成本节约率",
              "社会效益", "可持续影响", "服务对象满意度", "信息公开及时性"]
LINES = ["人员经费", "设备购置", "场地租赁", "宣传推广", "第三方服务", "系统运维", "培训会务", "专家咨询"]
GRADES = [None, [{"min": 90, "label": "优秀"}, {"min": 80, "label": "良好"}, {"min": 60, "label": "合格"},
                 {"min": 0, "label": "不合格"}]]
HALF = Decimal("0.5")


def split(total: Decimal, parts: int, step: Decimal, rng: random.Random) -> list[Decimal]:
    """``parts`` positive multiples of ``step`` summing to ``total``."""
    units = int(total / step)
    parts = max(1, min(parts, units))
    cuts = sorted(rng.sample(range(1, units), parts - 1)) if parts > 1 else []
    bounds = [0, *cuts, units]
    return [(bounds[i + 1] - bounds[i]) * step for i in range(parts)]


def two_places(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def framework(rng: random.Random) -> tuple[dict, list[list[str]]]:
    """A three-level tree with A/B/C dimensions, and its indicator rows."""
    weights = {"A": Decimal(rng.choice([10, 15, 20])), "B": Decimal(rng.choice([20, 25, 30]))}
    weights["C"] = 100 - weights["A"] - weights["B"]
    dims, rows = [], []
    names = rng.sample(INDICATORS, len(INDICATORS))
    for code in "ABC":
        dim_name, group_names = rng.choice(DIMENSIONS[code])
        groups = []
        group_weights = split(weights[code], rng.randint(1, len(group_names)), Decimal(1), rng)
        for g, group_weight in enumerate(group_weights, start=1):
            group_code = f"{code}{g}"
            groups.append({"code": group_code, "name": group_names[g - 1]})
            for n, top in enumerate(split(group_weight, rng.randint(1, 4), HALF, rng), start=1):
                name = names.pop() if names else f"补充指标{len(rows) + 1}"
                score = min(top, two_places(float(top) * rng.uniform(0.55, 1.0)))
                if rng.random() < 0.35:
                    score = top
                reason = "符合评价标准，不扣分。" if score == top else "部分评价要点未达标，酌情扣分。"
                rows.append([code, group_code, f"{group_code}{n:02d}", name, str(top), str(score), reason])
        dims.append({"code": code, "name": dim_name, "weight": int(weights[code]), "groups": groups})
    tree = {"name": rng.choice(["abc-2020", "district-abc", "shanghai-abc"]), "dimensions": dims}
    grades = rng.choice(GRADES)
    if grades:
        tree["grades"] = grades
    return tree, rows


def write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    def cell(value) -> str:
        text = str(value)
        return f'"{text}"' if "," in text else text

    lines = [",".join(header)] + [",".join(cell(v) for v in row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def project(n: int, rng: random.Random, out: Path, previous: dict | None) -> dict:
    """Write params/synthetic-NNN.yaml and data/synthetic-NNN/; return what the next year reuses."""
    stem = f"synthetic-{n:03d}"
    if previous:
        district, subject, year = previous["district"], previous["subject"], previous["year"] + 1
    else:
        district, subject, year = rng.choice(DISTRICTS), rng.choice(SUBJECTS), rng.choice([2021, 2022, 2023])
    data = out / "data" / stem
    (data / "texts").mkdir(parents=True, exist_ok=True)
    tree, indicators = framework(rng)

    total = Decimal(rng.randrange(500, 20000)) * 1000
    amounts = split(total / 1000, rng.randint(2, 6), Decimal(1), rng)
    lines = [[i, name, str(a * 1000)] for i, (name, a) in enumerate(zip(rng.sample(LINES, len(amounts)), amounts), 1)]
    spent = (total * Decimal(str(rng.uniform(0.8, 1.0)))).quantize(Decimal(1))
    first = (total * Decimal(rng.choice(["0.6", "0.7", "0.8", "1"]))).quantize(Decimal(1))
    receipts = [{"date": f"{year}-{rng.randint(2, 6):02d}", "amount": int(first)}]
    if first < total:
        receipts.append({"date": f"{year}-{rng.randint(8, 11):02d}", "amount": int(total - first)})

    inline = n % 2 == 0  # half the projects keep analyses in the sheet, half in analysis.md
    header = ["一级指标", "二级指标", "指标编码", "三级指标", "满分值", "评分值", "评分理由"]
    analyses = {row[2]: f"{row[3]}方面，评价组查阅了{subject}项目的相关资料并进行现场核查。{row[6]}"
                for row in indicators}
    if inline:
        write_csv(data / "indicators.csv", header + ["分析"], [row + [analyses[row[2]]] for row in indicators])
    else:
        write_csv(data / "indicators.csv", header, indicators)
        (data / "analysis.md").write_text("".join(f"## {c}\n\n{t}\n\n" for c, t in analyses.items()), encoding="utf-8")
    write_csv(data / "budget_lines.csv", ["序号", "子项目名称", "预算金额"], lines)
    tables = {"indicators": "indicators.csv", "budget_lines": "budget_lines.csv"}
    if rng.random() < 0.6:
        write_csv(data / "targets.csv", ["分解目标", "绩效指标", "目标值", "实际值"], [
            ["产出目标", "服务覆盖人数", f"{rng.randint(1, 9)}万人次", f"{rng.randint(1, 9)}万人次"],
            ["产出目标", "完成及时率", "100%", f"{rng.randint(85, 100)}%"],
            ["效益目标", "服务对象满意度", "≥85%", f"{rng.randint(80, 98)}%"],
        ])
        tables["targets"] = "targets.csv"
    if rng.random() < 0.5:
        write_csv(data / "surveys.csv", ["调查对象", "满意度"],
                  [["服务对象", round(rng.uniform(78, 98), 2)], ["实施单位", round(rng.uniform(78, 98), 2)]])
        tables["surveys"] = "surveys.csv"
    (data / "texts" / "background.md").write_text(
        f"为推进{district}{subject}工作，{year}年安排专项资金{{{{ budget.total }}}}。", encoding="utf-8")

    params = {
        "project": {
            "name": f"{year}年{district}{subject}专项",
            "year": year,
            "implementing_unit": f"{district}{subject}服务中心",
            "competent_department": f"{district}{rng.choice(['民政局', '发展和改革委员会', '财政局', '城市管理局'])}",
            "commissioning_unit": f"{district}财政局",
            "evaluator": rng.choice(["上海某某绩效评价有限公司", "某某会计师事务所", "某某工程咨询有限公司"]),
            "report_date": date(year + 1, rng.randint(3, 9), rng.randint(1, 28)),
            "period": f"{year}年1月至{year}年12月",
        },
        "budget": {"total": int(total), "spent": int(spent), "category": "部门项目支出",
                   "source": "区级财政资金", "receipts": receipts},
        "evaluation": {"methods": [{"name": "比较法", "description": "将实际完成情况与绩效目标进行比较。"},
                                   {"name": "公众评判法", "description": "通过问卷调查了解服务对象的满意度。"}]},
        "framework": tree,
        "data_dir": f"../data/{stem}",
        "data": tables,
        "texts": {
            "background": "texts/background.md",
            "content": f"项目主要内容包括{'、'.join(r[1] for r in lines)}等，预算执行率{{{{ rates.execution.value }}}}。",
            "goals": f"通过实施{subject}项目，提升{district}公共服务水平和群众满意度。",
            "conclusion": "项目总得分 {{ total }} 分，评价等级为“{{ grade }}”，其中项目决策得分率 {{ dimensions.A.rate }}。",
            "achievements": f"项目按计划推进{subject}相关工作，完成了年度主要任务。",
            "problems": "### 预算编制\n\n部分预算科目测算依据不够充分。\n\n### 过程管理\n\n个别环节台账记录不完整。",
            "suggestions": "1. 细化预算测算依据。\n2. 加强过程资料归档。",
            "annual_goal": f"按期完成{subject}年度任务，**服务对象满意度**不低于 85%，预算执行率不低于 90%。",
            "annual_result": "完成年度主要任务，预算执行率 {{ rates.execution.value }}，总得分 {{ total }} 分。",
        },
    }
    (out / "params").mkdir(parents=True, exist_ok=True)
    (out / "params" / f"{stem}.yaml").write_text(
        yaml.safe_dump(params, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return {"district": district, "subject": subject, "year": year}


def make_projects(count: int, out: Path, seed: int = 2024) -> list[Path]:
    """Write ``count`` projects under ``out``; return their parameter files."""
    rng = random.Random(seed)
    previous = None
    for n in range(1, count + 1):
        made = project(n, rng, out, previous if n % 2 == 0 else None)
        previous = made
    return [out / "params" / f"synthetic-{n:03d}.yaml" for n in range(1, count + 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description="生成 N 个合成的绩效评价项目（参数文件与数据表）")
    parser.add_argument("count", type=int, help="项目个数")
    parser.add_argument("--out", type=Path, default=Path("."), help="输出根目录，写入其中的 params/ 与 data/")
    parser.add_argument("--seed", type=int, default=2024, help="随机种子（默认 2024）")
    args = parser.parse_args()
    for path in make_projects(args.count, args.out, args.seed):
        print(path)


if __name__ == "__main__":
    main()
