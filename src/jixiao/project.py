"""A project: the validated parameter file, its data tables, scorecard and texts.

``load_project(path)`` is what ``jixiao check``, ``jixiao run`` and every section
notebook call; it either returns a complete project or raises ``InputError``
listing every problem found.
"""

import difflib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from .inputs import frameworks
from .errors import InputError
from .scoring.evidence import apply_rules, flag
from .inputs.params import TOP_LEVEL_KEYS, Params, read_yaml, validate_params
from .numeric import fixed2, month_text, share, thousands, trimmed, unrounded, wan
from .scoring.tree import Indicator, Scorecard, build_scorecard, score_text
from .scoring.rules import MANUAL
from .inputs.tables import SPECS, Row, read_table
from .inputs.files import read_text_file
from .inputs.texts import TEXT_KEYS, fill, read_text, split_sections

ANALYSIS_FILE = "analysis.md"


@dataclass
class Project:
    params: Params
    source: str
    data_dir: Path
    tables: dict[str, list[Row]]
    card: Scorecard
    texts: dict[str, str]
    analyses: dict[str, str]
    warnings: list[str]
    previous: "Project | None" = None

    @property
    def info(self):
        return self.params.project

    def table(self, name: str) -> list[Row]:
        return self.tables.get(name, [])

    def has(self, name: str) -> bool:
        return bool(self.tables.get(name))


PENDING = "待填写"


def load_project(path, with_previous: bool = True) -> Project:
    """Read, validate and assemble the project described by a parameter file."""
    path = Path(path)
    return project_from_mapping(read_yaml(path), path.parent, str(path), with_previous)


def project_from_mapping(raw: dict, base_dir: Path, source: str, with_previous: bool = True) -> Project:
    params = validate_params(raw, source)
    params.framework = frameworks.resolve(params.framework, source)
    data_dir = (Path(base_dir) / params.data_dir).resolve()
    if not data_dir.is_dir():
        raise InputError(f"{source}：data_dir 指向的数据目录 {data_dir} 不存在，请检查路径")
    problems = []
    tables = _read_tables(params, data_dir, source, problems)
    if problems:
        raise InputError(problems)
    indicators = [_indicator(r, problems) for r in tables["indicators"]]
    warnings = []
    apply_rules(indicators, params, tables, problems, warnings)
    card, tree_problems = build_scorecard(params.framework, indicators, source)
    problems += tree_problems
    problems += _check_budget(params, tables, source)
    problems += _check_surveys(tables)
    if problems:
        raise InputError(problems)
    values = _placeholder_values(params, tables, card)
    texts = _load_texts(params, data_dir, source, values, problems)
    analyses = _load_analyses(card, data_dir, values, problems)
    if problems:
        raise InputError(problems)
    warnings += _pending(params, texts, analyses, source)
    if params.budget.total == 0:
        warnings.append(f"{source}：budget.total 为 0，预算信息待填写")
    previous = _previous(params, Path(base_dir), source) if with_previous and params.previous else None
    return Project(params, source, data_dir, tables, card, texts, analyses, warnings, previous)


def _previous(params: Params, base_dir: Path, source: str) -> "Project":
    path = base_dir / params.previous
    try:
        return load_project(path, with_previous=False)
    except InputError as exc:
        raise InputError([f"{source}：previous 指向的上年项目 {path} 有误："] + exc.messages) from None


def _pending(params: Params, texts: dict, analyses: dict, source: str) -> list[str]:
    """Places still holding the 待填写 placeholders that `jixiao new` writes."""
    places = [f"project.{k}" for k, v in params.project.model_dump().items() if PENDING in str(v)]
    places += [f"texts.{k}" for k, v in texts.items() if PENDING in v]
    places += [f"{code} 的分析" for code, v in analyses.items() if PENDING in v]
    if not places:
        return []
    shown = "、".join(places[:8]) + (f" 等 {len(places)} 处" if len(places) > 8 else "")
    return [f"{source}：仍有待填写的内容：{shown}"]


def _indicator(row: Row, problems: list) -> Indicator:
    applicable = flag(row.na)
    if applicable is None:
        problems.append(f"{row.source} 第 {row.line} 行：『不适用』应填 是 或留空，而不是『{row.na}』")
    return Indicator(row.code, row.name, row.level1, row.level2, row.max, row.score, row.reason,
                     row.analysis or "", row.source, row.line, rule=row.rule or MANUAL, inputs=row.inputs,
                     applicable=not applicable)


def _read_tables(params: Params, data_dir: Path, source: str, problems: list) -> dict:
    tables = {}
    for name, spec in SPECS.items():
        if spec.required and name not in params.data:
            problems.append(f"{source}：data 中缺少必需的表『{name}』（{spec.title}），请写上其文件名")
    for name, ref in params.data.items():
        spec = SPECS.get(name)
        if spec is None:
            close = difflib.get_close_matches(name, SPECS, n=1)
            hint = f"是否想写『{close[0]}』？" if close else f"可用的表：{'、'.join(SPECS)}"
            problems.append(f"{source}：data 中未知的表『{name}』，{hint}")
            continue
        file, sheet = (ref, None) if isinstance(ref, str) else (ref.file, ref.sheet)
        table_path = data_dir / file
        try:
            rows = read_table(spec, table_path, sheet)
        except InputError as exc:
            problems.extend(exc.messages)
            continue
        tables[name] = rows
    return tables


def _check_budget(params: Params, tables: dict, source: str) -> list[str]:
    lines = tables["budget_lines"]
    total = sum((r.amount for r in lines), Decimal(0))
    if total != params.budget.total:
        return [f"{lines[0].source if lines else source}：预算明细合计 {unrounded(total)} 元，与参数文件 budget.total {unrounded(params.budget.total)} 元不一致，请核对"]
    return []


def _check_surveys(tables: dict) -> list[str]:
    return [
        f"{r.source} 第 {r.line} 行：满意度 {r.rate} 应在 0 到 100 之间（以百分数填写，不带 % 号）"
        for r in tables.get("surveys", [])
        if not 0 <= r.rate <= 100
    ]


def _placeholder_values(params: Params, tables: dict, card: Scorecard) -> dict:
    values = {f"facts.{k}": v for k, v in params.facts.items()}
    values |= {"total": fixed2(card.total), "grade": card.grade, "rate": f"{fixed2(card.rate)}%"}
    for dim in card.dimensions:
        values |= {
            f"dim.{dim.code}.score": fixed2(dim.score),
            f"dim.{dim.code}.weight": trimmed(dim.weight),
            f"dim.{dim.code}.rate": f"{fixed2(dim.rate)}%",
        }
    for ind in card.indicators:
        values |= {f"score.{ind.code}": score_text(ind), f"max.{ind.code}": trimmed(ind.max)}
    values |= _budget_values(params.budget)
    values |= {"project.name": params.project.name, "project.year": str(params.project.year)}
    for r in tables.get("surveys", []):
        values[f"surveys.{r.group}"] = f"{fixed2(r.rate)}%"
    if "activities" in tables:
        values["activities.count"] = str(len(tables["activities"]))
    if "queries" in tables:
        values["queries.year_total"] = thousands(sum(r.year for r in tables["queries"]))
        values["queries.cumulative_total"] = thousands(sum(r.cumulative for r in tables["queries"]))
    if "staff" in tables:
        values["staff.count"] = str(len(tables["staff"]))
    return values


def _budget_values(b) -> dict:
    received = sum((r.amount for r in b.receipts), Decimal(0))
    return {
        "budget.total_wan": f"{wan(b.total)}万元",
        "budget.spent_wan": f"{wan(b.spent)}万元",
        "budget.exec_rate": share(b.spent, b.total),
        "budget.receipt_count": str(len(b.receipts)),
        "budget.receipt_steps": "，".join(f"{month_text(r.date)}到位{wan(r.amount)}万元" for r in b.receipts),
        "budget.receipt_rate": share(received, b.total),
    }


def _load_texts(params: Params, data_dir: Path, source: str, values: dict, problems: list) -> dict:
    texts = {}
    for key, value in params.texts.items():
        if key not in TEXT_KEYS:
            close = difflib.get_close_matches(key, TEXT_KEYS, n=1)
            hint = f"是否想写『{close[0]}』？" if close else f"可用的键：{'、'.join(TEXT_KEYS)}"
            problems.append(f"{source}：texts 中未知的键『{key}』，{hint}")
            continue
        try:
            raw = read_text(value, data_dir, f"{source} texts.{key}")
            texts[key] = fill(raw, values, f"{source} texts.{key}")
        except InputError as exc:
            problems.extend(exc.messages)
    for key, (title, required) in TEXT_KEYS.items():
        if required and key not in params.texts:
            problems.append(f"{source}：texts 中缺少『{key}』（{title}），请写上文字或 .md 文件名")
    return texts


def _load_analyses(card: Scorecard, data_dir: Path, values: dict, problems: list) -> dict:
    path = data_dir / ANALYSIS_FILE
    sections = split_sections(read_text_file(path)) if path.is_file() else {}
    codes = {i.code for i in card.indicators}
    for code in sections:
        if code not in codes:
            problems.append(f"{path}：『## {code}』不是指标评分表中的指标编码，请改正或删除这一节")
    analyses = {}
    for ind in card.indicators:
        if ind.analysis and sections.get(ind.code):
            problems.append(f"{ind.source} 第 {ind.line} 行：指标 {ind.code} 的分析既写在『分析』列又写在 {path.name} 中，请只保留一处")
            continue
        text = ind.analysis or sections.get(ind.code, "")
        if not text:
            problems.append(f"{ind.source} 第 {ind.line} 行：指标 {ind.code} 缺少分析文字，请填写『分析』列或在 {path} 中加上『## {ind.code}』一节")
            continue
        try:
            analyses[ind.code] = fill(text, values, f"{path}（{ind.code}）")
        except InputError as exc:
            problems.extend(exc.messages)
    return analyses


def raw_from_namespace(namespace: dict) -> dict:
    """The parameter-file keys papermill injected into a notebook's globals."""
    return {k: namespace[k] for k in TOP_LEVEL_KEYS if namespace.get(k) is not None}
