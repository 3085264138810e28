"""A project: the validated parameter file, its data tables, scorecard, outline, vocabulary
and texts.

``load_project(path)`` validates once and either returns a complete project or raises
``InputError`` listing every problem found. ``jixiao run`` hands the result to the chapter
notebooks as a file (``save``/``load``), so they never validate again.
"""

import difflib
import os
import pickle
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from ..config import DEFAULT_OUTLINE, notebooks_dir, project_root
from ..errors import InputError
from ..inputs import frameworks
from ..inputs.chart_style import STYLE_FILE, read_chart_style
from ..inputs.chapters import chapter_numbers, named_tables, notebook_problems, read_asks
from ..inputs.comments import review_comments
from ..inputs.files import bidi_warnings, inside
from ..inputs.outline import Outline, foreign_notebooks, outline_path, read_outline
from ..inputs.params import TOP_LEVEL_KEYS, Params, read_yaml, validate_params
from ..inputs.sanitize import Clean, sanitize
from ..inputs.tables import SPECS, Row, read_own_table, read_table
from ..inputs.texts import Templates, read_text, split_sections
from ..markup import PLACE, REFER, at_refs, chinese
from ..numeric import SCORE_STYLE, Style, fixed2, parse_number, unrounded
from ..scoring.evidence import apply_rules, flag, group_rates
from ..scoring.rules import MANUAL
from ..scoring.tree import Indicator, Scorecard, build_scorecard
from .vocabulary import BUDGET_WORDS, Names, evidence, numbers, report, scores

ANALYSIS_FILE = "analysis.md"
OWN_NAME = re.compile(r"[A-Za-z_\u4e00-\u9fff][\w]*")
PENDING = "待填写"
# Texts any project may have, whatever its outline: the 年度总体目标 of the self-assessment form.
FORM_TEXTS = {"annual_goal": "年度总体目标：预期目标", "annual_result": "年度总体目标：实际完成情况"}


@dataclass
class Project:
    params: Params
    source: str
    base_dir: Path
    data_dir: Path
    tables: dict[str, list[Row]]
    card: Scorecard
    outline: Outline
    style: Style
    values: Names
    texts: dict[str, Clean]
    analyses: dict[str, Clean]
    warnings: list[str] = field(default_factory=list)
    previous: "Project | None" = None
    pending: list[str] = field(default_factory=list)  # places still 待填写: check lists them, run refuses
    own_tables: dict[str, list[Row]] = field(default_factory=dict)  # data: tables beyond the known ones

    def frame(self, name: str):
        """A table of the parameter file's ``data:`` as a pandas DataFrame, by name: a table of the
        project's own with its headers as columns, a known one with its declared columns."""
        import pandas as pd

        if name in self.own_tables:
            rows = self.own_tables[name]
            return pd.DataFrame([dict(r) for r in rows]) if rows else pd.DataFrame()
        if name in SPECS:
            spec = SPECS[name]
            columns = [c for c in spec.columns if any(r.get(c.key) not in (None, "") for r in self.table(name))]
            return pd.DataFrame([[r.get(c.key) for c in columns] for r in self.table(name)],
                                columns=[c.header for c in columns])
        known = [*self.own_tables, *(n for n in SPECS if n in self.tables)]
        raise InputError(f"{self.source}：data 中没有名为『{name}』的表；已有的表：{'、'.join(known)}")

    @property
    def info(self):
        return self.params.project

    @property
    def templates(self) -> Templates:
        return Templates(self.style)

    @property
    def review_notes(self) -> list[str]:
        """What the report's 附：评分复核说明 says: the warnings a reader of the report should know,
        without file locations or advice to the analyst (those are for ``jixiao check``)."""
        return [w.report for w in self.warnings if getattr(w, "report", None)]

    def table(self, name: str) -> list[Row]:
        return self.tables.get(name, [])

    def has(self, name: str) -> bool:
        return bool(self.tables.get(name))

    def save(self, path: Path) -> None:
        """Write the validated project for the chapter notebooks of this run."""
        Path(path).write_bytes(pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL))


def load(path: Path) -> Project:
    """The project ``Project.save`` wrote (a file of this run's own build folder)."""
    return pickle.loads(Path(path).read_bytes())  # noqa: S301 - written by this run, never by the analyst


def load_project(path, with_previous: bool = True) -> Project:
    """Read, validate and assemble the project described by a parameter file."""
    path = Path(path)
    project = project_from_mapping(read_yaml(path), path.parent, str(path), with_previous)
    project.warnings[:0] = bidi_warnings(path)
    return project


def project_from_mapping(raw: dict, base_dir: Path, source: str, with_previous: bool = True) -> Project:
    scored = _scored(raw, base_dir, source)
    params, tables, own_tables, outline, style = (scored.params, scored.tables, scored.own_tables, scored.outline,
                                                  scored.style)
    previous = _previous(params, scored.base_dir, source) if with_previous and params.previous else None
    values = _values(scored, previous)
    problems = notebook_problems([c.notebook for c in outline.chapters], values,
                                 set(tables) | set(own_tables), Templates(style), frozenset(SPECS) | {"previous"})
    if problems:
        raise InputError(problems)
    texts, analyses, forward = _texts(params, outline, scored.card, scored.data_dir, values, Templates(style), source)
    pending = _pending(params, texts, analyses)
    warnings = scored.warnings + forward + _period_of_another_year(params, source)
    warnings += _percent_facts(params, source)
    warnings += _unprinted_tables(params, outline, scored.card, source)
    if pending:
        # every place: `run` refuses while any is left and sends the analyst here for the list
        count = f"（共 {len(pending)} 处）" if len(pending) > 1 else ""
        warnings.append(f"{source}：仍有待填写的内容：{'、'.join(pending)}{count}")
    warnings += [f"{source}：data 中的『{name}』不是内置的表，按项目自己的表读取（表头即列名）；"
                 f"如果想写的是内置的『{close[0]}』，请改正表名"
                 for name in own_tables for close in [difflib.get_close_matches(name, SPECS, n=1, cutoff=0.75)] if close]
    return Project(params, source, scored.base_dir, scored.data_dir, tables, scored.card, outline, style, values,
                   texts, analyses, warnings, previous, pending, own_tables)


@dataclass
class _Scored:
    """A project validated and scored: everything before its values, texts and last year's project."""

    params: Params
    base_dir: Path
    data_dir: Path
    tables: dict[str, list[Row]]
    own_tables: dict[str, list[Row]]
    outline: Outline
    card: Scorecard
    style: Style
    known: dict
    warnings: list[str]


def _scored(raw: dict, base_dir: Path, source: str) -> _Scored:
    params = validate_params(raw, source)
    params.framework = frameworks.resolve(params.framework, source)
    base_dir = Path(base_dir).resolve()
    data_dir = _data_dir(params, base_dir, source)
    problems = _check_rates(params, source)
    tables, own_tables = _read_tables(params, data_dir, source, problems)
    if os.path.lexists(data_dir / STYLE_FILE):
        try:
            read_chart_style(inside(data_dir, STYLE_FILE, "图表样式文件", source))
        except InputError as exc:
            problems.extend(exc.messages)
    outline = _outline(params, base_dir, source, problems)
    if problems:
        raise InputError(problems)
    indicators = [_indicator(r, problems) for r in tables["indicators"]]
    answers = group_rates(tables.get("responses", []), problems)
    known = evidence(params, tables, answers)
    warnings = []
    style = Style(params.style.scores)
    readable, unusable = numbers(known)
    in_style = SCORE_STYLE.set(style.scores)  # the rules' working prints scores as the report does
    try:
        apply_rules(indicators, readable, answers, tables, problems, warnings, unusable)
    finally:
        SCORE_STYLE.reset(in_style)
    card, tree_problems = build_scorecard(params.framework, indicators, source)
    problems += tree_problems
    warnings += card.notes
    problems += _check_rate_names(params, card)
    problems += _check_budget(params, tables, source)
    problems += _check_surveys(tables, card)
    problems += _check_exhibits(params, tables, card, source)
    problems += _check_cover(params, outline, source)
    comment_problems, comment_warnings = review_comments(tables.get("comments", []), params.stage)
    problems += comment_problems
    warnings += comment_warnings
    if problems:
        raise InputError(problems)
    return _Scored(params, base_dir, data_dir, tables, own_tables, outline, card, style, known, warnings)


def _values(scored: _Scored, previous: "Project | None") -> Names:
    return Names("", scored.known | scores(scored.card) | {"report": report(scored.outline),
                                                           "previous": previous.values if previous else None})


def form_draft(path) -> tuple[Project, dict[str, tuple[str, str]]]:
    """What the self-assessment form needs of a parameter file, validated and scored as
    ``load_project`` does it, with its messages: the project without its report's texts and
    analyses, and the form's texts (FORM_TEXTS) rendered but not yet made safe, as ``sanitize``
    takes them (the caller sanitizes them, many projects at once, and sets ``Project.texts``).
    Last year's project is read only when a form text names ``previous``, the chapters only
    when one refers to a table or figure."""
    path = Path(path)
    source = str(path)
    scored = _scored(read_yaml(path), path.parent, source)
    params, data_dir = scored.params, scored.data_dir
    keys = [key for key in params.texts if key in FORM_TEXTS]
    written, failed = {}, {}
    for key in keys:
        where = f"{source} texts.{key}"
        try:
            written[key] = (read_text(params.texts[key], data_dir, where), where)
        except InputError as exc:
            failed[key] = exc.messages
    wanted = params.previous and any("previous" in text for text, _ in written.values())
    previous = _previous(params, scored.base_dir, source) if wanted else None
    values, templates = _values(scored, previous), Templates(scored.style)
    raw = {}
    for key, (text, where) in written.items():
        try:
            raw[key] = (at_refs(templates.render(text, values, where)), where)
        except InputError as exc:
            failed[key] = exc.messages
    problems = [message for key in keys for message in failed.get(key, [])]
    if any(REFER.search(text) for text, _ in raw.values()):
        problems += _unknown_labels(params, scored.outline, raw.values())
    if problems:
        raise InputError(problems)
    project = Project(params, source, scored.base_dir, data_dir, scored.tables, scored.card, scored.outline,
                      scored.style, values, {}, {}, scored.warnings, previous, [], scored.own_tables)
    return project, raw


def _data_dir(params: Params, base_dir: Path, source: str) -> Path:
    """The data folder: inside the project folder that holds the parameter file's folder
    (``params/../data/<name>``), so a parameter file cannot make a report of another folder."""
    root = base_dir.parent
    data_dir = (base_dir / params.data_dir).resolve()
    if not data_dir.is_relative_to(root):
        raise InputError(f"{source}：data_dir『{params.data_dir}』指向 {data_dir}，在项目文件夹 {root} 之外；"
                         "数据目录应在项目文件夹之内，如 ../data/<项目名>")
    if not data_dir.is_dir():
        raise InputError(f"{source}：data_dir 指向的数据目录 {data_dir} 不存在，请检查路径")
    return data_dir


def _outline(params: Params, base_dir: Path, source: str, problems: list) -> Outline | None:
    templates = notebooks_dir(project_root(base_dir / "x.yaml"))
    choice = params.outline or params.framework.outline or DEFAULT_OUTLINE
    where = f"{source}（outline）" if params.outline else source
    try:
        return read_outline(outline_path(choice, base_dir, templates, where), templates)
    except InputError as exc:
        problems.extend(exc.messages)
        return None


def code_warnings(project: "Project") -> list[str]:
    """Notebooks that are not the template's: run executes them, so check names each one (kept
    out of ``warnings``, which the chapters see: editing a notebook must not re-run the others)."""
    foreign = foreign_notebooks(project.outline)
    source = project.source
    if not foreign:
        return []
    return [f"{source}：报告将运行 {len(foreign)} 个不属于模板的笔记本：{'、'.join(map(str, foreign))}。"
            "笔记本是代码，会在本机执行（可读写文件、联网）；请确认其内容和来源可信后再运行 jixiao run"]


def _previous(params: Params, base_dir: Path, source: str) -> Project:
    path = base_dir / params.previous
    if not path.resolve().is_relative_to(base_dir.parent):
        raise InputError(f"{source}：previous『{params.previous}』指向项目文件夹 {base_dir.parent} 之外；"
                         "上年项目的参数文件应在同一项目文件夹中，如 ../params/<上年项目>.yaml")
    try:
        return load_project(path, with_previous=False)
    except InputError as exc:
        raise InputError([f"{source}：previous 指向的上年项目 {path} 有误："] + exc.messages) from None


def _period_of_another_year(params: Params, source: str) -> list[str]:
    """A warning when project.period names years but not the evaluated one (last year's, copied)."""
    period = str(params.project.period or "")
    years = re.findall(r"(?<!\d)(\d{4})(?=\s*年)", period)
    if not years or str(params.project.year) in years:
        return []
    return [f"{source}：project.period「{period}」不含评价年度 {params.project.year} 年，是否沿用了上年的实施期间？"]


PERCENT_OFF_POLICY = re.compile(r"\s*[+-]?\d[\d,]*\.(\d|\d{3,})\s*[%％]\s*")


def _percent_facts(params: Params, source: str) -> list[str]:
    """A fact typed as a percentage with one decimal or more than two (91.5%): the report prints
    every rate it computes with two (92.50%), so side by side the fact reads as another precision.
    Whole percentages (100%, 54%) are targets and round figures, left alone."""
    warnings = []
    for key, value in params.facts.items():
        match = PERCENT_OFF_POLICY.fullmatch(str(value)) if isinstance(value, str) else None
        if match:
            two = f"{fixed2(parse_number(value))}%"
            warnings.append(f"{source}：facts.{key}『{value}』是百分数而不是两位小数；报告中算出的比率都印两位小数"
                            f"（如 92.50%），请写作 {two}，或写成文字（如「约{value}」）")
    return warnings


READ_BY_RULE = {"keypoints": "重点得分", "responses": "满意度"}  # tables a scoring rule reads whole


def _unprinted_tables(params: Params, outline: Outline, card: Scorecard, source: str) -> list[str]:
    """A table listed under ``data`` that no chapter prints (its name in a chapter's code, as
    ``tables.data_table(P, "budget_lines")`` or ``C.data("x")``), no exhibit shows and no
    scoring rule reads: it would silently not be in the report."""
    used = named_tables([c.notebook for c in outline.chapters]) | {"indicators"}
    used |= {e.table or e.chart for e in params.exhibits}
    used |= {name for name, rule in READ_BY_RULE.items() if any(i.rule == rule for i in card.indicators)}
    inputs = " ".join(i.inputs or "" for i in card.indicators)
    warnings = []
    for name, ref in params.data.items():
        if name in used or re.search(rf"(?<![\w.]){re.escape(name)}\.", inputs):
            continue
        file = ref if isinstance(ref, str) else ref.file
        warnings.append(f"{source}：data 中的表『{name}』（{file}）没有哪一章或 exhibits 印出，也没有评分规则用到，"
                        f"报告中不会出现：要附在某个指标的分析之后，请在 exhibits 中写 - {{after: 指标编码, table: {name}}}；"
                        "不需要时请从 data 中删去")
    return warnings


def _pending(params: Params, texts: dict, analyses: dict) -> list[str]:
    """Places still holding the 待填写 placeholders that `jixiao new` writes (a budget of 0 too)."""
    places = [f"project.{k}" for k, v in params.project.model_dump().items() if PENDING in str(v)]
    places += [f"budget.{k}" for k in ("category", "source") if PENDING in getattr(params.budget, k)]
    places += ["budget.total（为 0）"] if params.budget.total == 0 else []
    places += [f"texts.{k}" for k, v in texts.items() if PENDING in v.text]
    places += [f"{code} 的分析" for code, v in analyses.items() if PENDING in v.text]
    return places


def _indicator(row: Row, problems: list) -> Indicator:
    applicable = flag(row.na)
    if applicable is None:
        problems.append(f"{row.source} 第 {row.line} 行：『不适用』应填 是 或留空，而不是『{row.na}』")
    return Indicator(row.code, row.name, row.level1, row.level2, row.max, row.score, row.reason,
                     row.analysis or "", row.source, row.line, rule=row.rule or MANUAL, inputs=row.inputs,
                     applicable=not applicable, criterion=row.get("criterion"))


def _read_tables(params: Params, data_dir: Path, source: str, problems: list) -> tuple[dict, dict]:
    """The known tables by their specs, and the project's own tables (any other name) as they are."""
    tables, own = {}, {}
    for name, spec in SPECS.items():
        if spec.required and name not in params.data:
            problems.append(f"{source}：data 中缺少必需的表『{name}』（{spec.title}），请写上其文件名")
    for name, ref in params.data.items():
        file, sheet = (ref, None) if isinstance(ref, str) else (ref.file, ref.sheet)
        if not OWN_NAME.fullmatch(name):
            problems.append(f"{source}：data 中的表名『{name}』只能由字母、数字和 _ 组成，且不以数字开头（笔记本用它取表）")
            continue
        typo = difflib.get_close_matches(name, [n for n in SPECS if n not in params.data], n=1, cutoff=0.85)
        if name not in SPECS and typo:
            problems.append(f"{source}：data 中的『{name}』不是内置的表，是否想写『{typo[0]}』（{SPECS[typo[0]].title}）？"
                            "项目自己的表请用与内置表名不相近的名字")
            continue
        try:
            if name in SPECS:
                path = inside(data_dir, file, f"{SPECS[name].title}文件", f"{source} data.{name}")
                tables[name] = read_table(SPECS[name], path, sheet)
            else:
                own[name] = read_own_table(name, inside(data_dir, file, "数据表文件", f"{source} data.{name}"), sheet)
        except InputError as exc:
            problems.extend(exc.messages)
    return tables, own


def _check_rates(params: Params, source: str) -> list[str]:
    """Each budget rate divides two amounts the report knows."""
    *some, last = BUDGET_WORDS
    return [f"{source}：framework.rates.{key} 的 {side}『{name}』不是已知的金额，应为 {'、'.join(some)} 或 {last}"
            for key, rate in params.framework.rates.items() for side, name in (("of", rate.of), ("over", rate.over))
            if name not in BUDGET_WORDS]


def _check_rate_names(params: Params, card: Scorecard) -> list[str]:
    """One name, one formula: an indicator named like a budget rate of the report (预算执行率) and
    scored by 完成率 on budget amounts must divide the same amounts as the rate's definition."""
    problems = []
    rates = {rate.name: rate for rate in params.framework.rates.values()}
    for ind in card.indicators:
        rate = rates.get(ind.name.strip())
        if rate is None or ind.rule != "完成率":
            continue
        names = dict(part.split("=", 1) for part in ind.inputs.replace("；", ";").replace(" ", "").split(";") if "=" in part)
        used = (names.get("实际"), names.get("目标"))
        if all(n in BUDGET_WORDS for n in used) and used != (rate.of, rate.over):
            formula = " ÷ ".join(BUDGET_WORDS[n] for n in used)
            defined = f"{BUDGET_WORDS[rate.of]} ÷ {BUDGET_WORDS[rate.over]}"
            problems.append(
                f"{ind.source} 第 {ind.line} 行（指标 {ind.code}）：{ind.name}按 {formula} 计算，而报告中的{rate.name}定义为 "
                f"{defined}（framework.rates），同一名称只能有一个口径：请改用 实际={rate.of}; 目标={rate.over}，"
                f"或把指标改名（如 资金执行率），或在参数文件 framework.rates 中改写定义")
    return problems


def _check_budget(params: Params, tables: dict, source: str) -> list[str]:
    lines = tables["budget_lines"]
    total = sum((r.amount for r in lines), Decimal(0))
    problems = []
    if total != params.budget.total:
        problems.append(f"{lines[0].source if lines else source}：预算明细合计 {unrounded(total)} 元，与参数文件 budget.total "
                        f"{unrounded(params.budget.total)} 元不一致，请核对")
    return problems + _check_funds(params.budget, source)


def _check_funds(budget, source: str) -> list[str]:
    """The sources of the money (budget.funds) add up to the project's figures."""
    if budget.funds is None:
        return []
    funds = (budget.funds.appropriation, budget.funds.carryover, budget.funds.other)
    wholes = [("total", "全年预算数", budget.total), ("spent", "全年执行数", budget.spent),
              ("initial", "年初预算数", budget.initial)]
    problems = []
    for key, label, whole in wholes:
        parts = sum((getattr(f, key) for f in funds), Decimal(0))
        if whole is not None and parts != whole:
            problems.append(f"{source}：budget.funds 各来源的 {key}（{label}）合计 {unrounded(parts)} 元，与 budget.{key} "
                            f"{unrounded(whole)} 元不一致，请核对（当年财政拨款 + 上年结转资金 + 其他资金 = 年度资金总额）")
    return problems


def _check_surveys(tables: dict, card: Scorecard) -> list[str]:
    codes = {i.code for i in card.indicators}
    rows = tables.get("surveys", [])
    return [
        f"{r.source} 第 {r.line} 行：满意度 {r.rate} 应在 0 到 100 之间（以百分数填写，不带 % 号）"
        for r in rows if not 0 <= r.rate <= 100
    ] + [
        f"{r.source} 第 {r.line} 行：『指标编码』『{r.indicator}』不是指标评分表中的三级指标编码，请改正或留空"
        for r in rows if r.indicator and r.indicator not in codes
    ]


def exhibit_label(exhibit) -> str:
    """The label of a table or chart attached to an indicator: the table's name, or <name>-chart."""
    return exhibit.table if exhibit.table else f"{exhibit.chart}-chart"


def _check_exhibits(params: Params, tables: dict, card: Scorecard, source: str) -> list[str]:
    codes = {i.code for i in card.indicators}
    problems, seen = [], set()
    for n, exhibit in enumerate(params.exhibits, start=1):
        where = f"{source}：exhibits 第 {n} 项"
        if (exhibit.table is None) == (exhibit.chart is None):
            problems.append(f"{where} 应写 table 或 chart 中的一个（数据表名）")
            continue
        name = exhibit.table or exhibit.chart
        if exhibit.after not in codes:
            problems.append(f"{where} 的 after『{exhibit.after}』不是指标评分表中的三级指标编码")
        if name not in tables:
            problems.append(f"{where}：数据表『{name}』不在参数文件 data 中，请先列出它的文件")
        elif exhibit.chart and not SPECS[name].charted:
            charted = [n for n, spec in SPECS.items() if spec.charted]
            problems.append(f"{where}：数据表『{name}』没有可画的图；可画图的表：{'、'.join(charted)}")
        label = exhibit_label(exhibit)
        if label in seen:
            problems.append(f"{where}：『{label}』已附在别处，同一张表或图只能出现一次")
        seen.add(label)
    return problems


def _check_cover(params: Params, outline: Outline, source: str) -> list[str]:
    """Every cover field the outline asks for must be filled in the parameter file."""
    info = params.project.model_dump()
    problems = []
    for label, name in outline.cover:
        key = name.removeprefix("project.")
        if not name.startswith("project.") or key not in info:
            problems.append(f"{outline.source}：封面字段『{label}』的取值『{name}』应为 project 下的键，如 project.name")
        elif info[key] in (None, ""):
            problems.append(f"{source}：报告提纲的封面需要『{label}』，请在参数文件 project 中填写 {key}")
    return problems


def _texts(params: Params, outline: Outline, card: Scorecard, data_dir: Path, values: Names,
           templates: Templates, source: str) -> tuple[dict, dict]:
    """The narrative texts and indicator analyses, rendered and made safe."""
    asks = read_asks([c.notebook for c in outline.chapters])
    problems, raw = [], {}
    for n, exhibit in enumerate(params.exhibits, start=1):  # a label twice stopped the run at numbering
        if exhibit_label(exhibit) in asks.labels:
            problems.append(f"{source}：exhibits 第 {n} 项：『{exhibit_label(exhibit)}』已是报告某一章中的表或图，"
                            f"同一张表或图只能出现一次，请删去这一项")
    for key, value in params.texts.items():
        where = f"{source} texts.{key}"
        if key not in asks.texts and key not in FORM_TEXTS:
            close = difflib.get_close_matches(key, [*asks.texts, *FORM_TEXTS], n=1)
            hint = f"是否想写『{close[0]}』？" if close else f"报告各章使用的文字：{'、'.join(asks.texts)}"
            problems.append(f"{source}：texts 中的『{key}』没有哪一章使用，{hint}")
            continue
        try:
            raw[("text", key)] = (at_refs(templates.render(read_text(value, data_dir, where), values, where)), where)
        except InputError as exc:
            problems.extend(exc.messages)
    for key, required in asks.texts.items():
        if required and key not in params.texts:
            problems.append(f"{source}：texts 中缺少『{key}』，这段文字必须填写（写上文字或 .md 文件名）")
    path = data_dir / ANALYSIS_FILE
    sections = split_sections(read_text(ANALYSIS_FILE, data_dir, str(path))) if os.path.lexists(path) else {}
    codes = {i.code for i in card.indicators}
    problems += [f"{path}：『## {code}』不是指标评分表中的指标编码，请改正或删除这一节" for code in sections if code not in codes]
    for ind in card.indicators:
        if ind.analysis and sections.get(ind.code):
            problems.append(f"{ind.source} 第 {ind.line} 行：指标 {ind.code} 的分析既写在『分析』列又写在 {path.name} 中，请只保留一处")
            continue
        text = ind.analysis or sections.get(ind.code, "")
        if not text:
            problems.append(f"{ind.source} 第 {ind.line} 行：指标 {ind.code} 缺少分析文字，请填写『分析』列或在 {path} 中加上『## {ind.code}』一节")
            continue
        where = f"{path}（{ind.code}）" if sections.get(ind.code) else f"{ind.source} 第 {ind.line} 行（{ind.code} 的分析）"
        try:
            raw[("analysis", ind.code)] = (at_refs(templates.render(text, values, where)), where)
        except InputError as exc:
            problems.extend(exc.messages)
    if problems:
        raise InputError(problems)
    clean = sanitize({f"{kind}:{key}": pair for (kind, key), pair in raw.items()}, data_dir)
    labels = asks.labels | {exhibit_label(e) for e in params.exhibits}
    for (kind, key), (_, where) in raw.items():
        problems += [f"{where}：图片的文件名『{label}』与报告中的表或图标签相同，请给图片文件改名"
                     for label in clean[f"{kind}:{key}"].labels if label in labels]
    labels |= {label for c in clean.values() for label in c.labels}
    for label, where in asks.refs:
        if label not in labels:
            problems.append(f"{where}：引用的表或图『{label}』没有哪一章或 exhibits 印出（提纲中没有印它的笔记本？）；"
                            f"可引用的标签：{'、'.join(sorted(labels))}")
    for text, where in raw.values():
        for label in REFER.findall(text):
            if label not in labels:
                problems.append(f"{where}：引用的表或图『{label}』不存在；可引用的标签：{'、'.join(sorted(labels))}")
    if problems:
        raise InputError(problems)
    texts = {key: clean[f"text:{key}"] for kind, key in raw if kind == "text"}
    analyses = {key: clean[f"analysis:{key}"] for kind, key in raw if kind == "analysis"}
    cited = {label for text, _ in raw.values() for label in REFER.findall(text)} | {label for label, _ in asks.refs}
    uncited = [f"{source}：exhibits 第 {n} 项附上的『{exhibit_label(e)}』在正文中没有引用；报告中的表和图都应在文字中提到，"
               f"请在 {e.after} 的分析中写「见{{{{ ref(\"{exhibit_label(e)}\") }}}}」"
               for n, e in enumerate(params.exhibits, start=1) if exhibit_label(e) not in cited]
    uncited += [f"{where}：图片『{label}』在正文中没有引用，请在文字中写「见@fig-{label}」"
                for (kind, key), (_, where) in raw.items() for label in clean[f"{kind}:{key}"].labels if label not in cited]
    return texts, analyses, _forward_references(params, outline, raw) + uncited


def _forward_references(params: Params, outline: Outline, raw: dict) -> list[str]:
    """A text citing a table or figure that a later chapter prints: the report names that chapter
    (「第三部分表 3-5」), and the analyst hears of it, with the text and the label."""
    places = chapter_numbers([c.notebook for c in outline.chapters])
    for exhibit in params.exhibits:
        if ("exhibits", "") in places:
            places.setdefault(("label", exhibit_label(exhibit)), places[("exhibits", "")])
    warnings = []
    for (kind, key), (text, where) in raw.items():
        here = places.get(("text", key) if kind == "text" else ("analysis", ""))
        for match in REFER.finditer(text):
            label, there = match.group(1), places.get(("label", match.group(1)))
            named = PLACE.search(text[:match.start()])
            if not (here and there and there > here) or named and named.group(1) == chinese(there):
                continue
            part = f"第{chinese(there)}部分"
            if named:
                warnings.append(f"{where}：引用『{label}』前写的是「{named.group(0).strip()}」，而它印在{part}，请改正")
            else:
                warnings.append(f"{where}：引用的『{label}』印在后面的{part}，读到这里时还看不到；报告在编号前加上「{part}」"
                                f"（如「见{part}表 {there}-1」）。请在引用前写明「{part}」，或改写这句，不再引用它")
    return warnings


def _unknown_labels(params: Params, outline: Outline, texts, asks=None) -> list[str]:
    """A reference in a text (``@tbl-x``) to a table or figure the report does not have."""
    asks = asks or read_asks([c.notebook for c in outline.chapters])
    labels = asks.labels | {exhibit_label(e) for e in params.exhibits}
    return [f"{where}：引用的表或图『{label}』不存在；可引用的标签：{'、'.join(sorted(labels))}"
            for text, where in texts for label in REFER.findall(text) if label not in labels]


def raw_from_namespace(namespace: dict) -> dict:
    """The parameter-file keys papermill injected into a notebook's globals (``papermill -f``)."""
    return {k: namespace[k] for k in TOP_LEVEL_KEYS if namespace.get(k) is not None}

