"""The parameter file: its schema and its validation, with messages in Chinese."""

import difflib
import re
import unicodedata
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import PydanticCustomError

from .. import limits
from ..errors import InputError
from ..numeric import NotANumber, NumberError, parse_amount, parse_number
from .files import check_size, decode, clean_text

# Numbers in the parameter file are read like numbers in tables (200万元, 1,341, 92.5%).
Number = Annotated[Decimal, BeforeValidator(parse_number)]
Amount = Annotated[Decimal, BeforeValidator(parse_amount)]  # cannot be negative


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


CHINESE_DATE = re.compile(r"\s*(\d{4})\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?\s*")


def iso_date(value):
    """2019年7月1日 → 2019-07-01, 2018年8月 → 2018-08; anything else unchanged."""
    if isinstance(value, str):
        value = unicodedata.normalize("NFKC", value)
        match = CHINESE_DATE.fullmatch(value)
        if match:
            return "-".join(f"{int(p):02d}" if n else p for n, p in enumerate(match.groups()) if p)
    return value


PENDING = "待填写"  # what `jixiao new` writes where the analyst still has to fill in


def date_or_pending(value):
    """A report date (2019-07-01, 2019年7月1日) or the 待填写 marker, nothing else."""
    if isinstance(value, date):
        return value
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if text == PENDING:
        return PENDING
    try:
        return date.fromisoformat(iso_date(text))
    except ValueError:
        raise PydanticCustomError("date_parsing", "not a date") from None


def no_shortcode(value):
    """Text for the cover and the running header: Quarto expands ``{{< … >}}`` in the document's
    metadata even when escaped (``{{< env HOME >}}`` prints a variable of the analyst's machine,
    an unknown one stops the run), so such text is refused."""
    if isinstance(value, str) and re.search(r"\{\{[<%]", value):
        raise PydanticCustomError("shortcode", "不能含 {{< 或 {{%（Quarto 的短代码，会被展开成本机的内容），请删去")
    return value


class ProjectInfo(Strict):
    name: str = Field(description="项目名称")
    year: int = Field(description="评价年度")
    implementing_unit: str = Field(description="项目单位（实施单位）")
    competent_department: str = Field(description="主管部门")
    commissioning_unit: str | None = Field(default=None, description="委托单位（第三方评价的封面需要）")
    evaluator: str | None = Field(default=None, description="评价机构（第三方评价的封面需要）")
    report_date: date | Literal[PENDING] = Field(description="报告日期；待填写 时可以校验，不能发布")
    period: str = Field(description="项目实施周期")

    _date_or_pending = field_validator("report_date", mode="plain")(date_or_pending)
    _no_shortcode = field_validator("*", mode="after")(no_shortcode)

    @property
    def dated(self) -> bool:
        return self.report_date != PENDING


class Receipt(Strict):
    date: str = Field(description="到位日期，YYYY-MM 或 YYYY-MM-DD")
    amount: Amount = Field(description="到位金额（元）")

    @field_validator("date", mode="before")
    @classmethod
    def _month_or_day(cls, value):
        value = iso_date(str(value))
        if not re.fullmatch(r"\d{4}-\d{1,2}(-\d{1,2})?", value):
            raise ValueError("日期格式应为 2018-08、2018-08-15 或 2018年8月")
        return value


class Fund(Strict):
    """One source of the project's money, as the 项目支出绩效自评表 lists it (元)."""

    initial: Amount = Field(default=Decimal(0), description="年初预算数（元）")
    total: Amount = Field(default=Decimal(0), description="全年预算数（元）")
    spent: Amount = Field(default=Decimal(0), description="全年执行数（元）")


class Funds(Strict):
    """The 其中 rows of the self-assessment form; a source left out is 0."""

    appropriation: Fund = Field(default_factory=Fund, description="当年财政拨款")
    carryover: Fund = Field(default_factory=Fund, description="上年结转资金")
    other: Fund = Field(default_factory=Fund, description="其他资金")


class Budget(Strict):
    total: Amount = Field(description="项目预算（元）")
    spent: Amount = Field(description="实际支出（元）")
    category: str = Field(description="预算科目或列支渠道")
    source: str = Field(description="资金来源")
    receipts: list[Receipt] = Field(default_factory=list, description="资金到位记录")
    initial: Amount | None = Field(default=None, description="年初预算数（元），自评表用")
    funds: Funds | None = Field(default=None, description="资金来源构成（当年财政拨款、上年结转资金、其他资金），自评表用")


class Method(Strict):
    name: str
    description: str


class Evaluation(Strict):
    methods: list[Method] = Field(description="评价方法")
    period: str | None = Field(default=None, description="评价工作期间")


class Group(Strict):
    code: str
    name: str
    weight: Number | None = None


class Dimension(Strict):
    code: str
    name: str
    weight: Number
    groups: list[Group]


class Grade(Strict):
    min: Number
    label: str


DEFAULT_GRADES = [
    Grade(min=Decimal(90), label="优"),
    Grade(min=Decimal(80), label="良"),
    Grade(min=Decimal(60), label="中"),
    Grade(min=Decimal(0), label="差"),
]


class Constraint(Strict):
    codes: list[str] = Field(description="一级指标编码")
    min: Number = Field(description="这些一级指标权重合计的下限")
    label: str


class RateDefinition(Strict):
    name: str = Field(description="比率名称，如 预算执行率")
    of: str = Field(description="分子：budget.spent、budget.received 或 budget.total")
    over: str = Field(description="分母：同上")


class Framework(Strict):
    name: str
    dimensions: list[Dimension] | None = None
    grades: list[Grade] | None = None
    constraints: list[Constraint] | None = None
    outline: str | None = Field(default=None, description="报告提纲：内置提纲名或提纲文件")
    rates: dict[str, RateDefinition] | None = Field(default=None, description="预算比率的定义")


class Exhibit(Strict):
    after: str = Field(description="附在哪个三级指标的分析之后（指标编码）")
    table: str | None = Field(default=None, description="数据表名：附上该表")
    chart: str | None = Field(default=None, description="数据表名：附上该表的图")
    caption: str | None = Field(default=None, description="表题或图题（可省略，用笔记本中的默认标题）")


class ReportStyle(Strict):
    scores: str = Field(default="fixed", description="得分的小数位：fixed 两位小数；trimmed 去掉末尾的 0")

    @field_validator("scores")
    @classmethod
    def _known(cls, value):
        if value not in ("fixed", "trimmed"):
            raise ValueError("应为 fixed（两位小数）或 trimmed（去掉末尾的 0）")
        return value


class TableFile(Strict):
    file: str
    sheet: str | None = None


STAGES = ("征求意见稿", "送审稿", "终稿")  # review rounds; every stage but the last is marked on the pages
FINAL = STAGES[-1]


def stage_name(value):
    """One of STAGES (a missing key is the final report)."""
    text = unicodedata.normalize("NFKC", str(value)).strip() if value is not None else FINAL
    if text not in STAGES:
        raise PydanticCustomError("stage", f"应为 {'、'.join(STAGES)} 之一（评审阶段；不写即终稿）")
    return text


class Params(Strict):
    project: ProjectInfo
    stage: str = Field(default=FINAL, description="评审阶段：征求意见稿、送审稿 或 终稿（默认）")
    budget: Budget
    evaluation: Evaluation
    framework: Framework
    data_dir: str = Field(description="数据目录，相对于参数文件所在目录")
    data: dict[str, str | TableFile]
    texts: dict[str, str] = Field(default_factory=dict)
    facts: dict[str, str | int | float] = Field(default_factory=dict)
    previous: str | None = Field(default=None, description="上年参数文件，相对于本参数文件所在目录")
    personal_names: list[str] = Field(default_factory=list, description="公开版中需要遮盖的人名")
    outline: str | None = Field(default=None, description="报告提纲：内置提纲名，或相对于参数文件的提纲文件")
    style: ReportStyle = Field(default_factory=ReportStyle, description="数字的印法")
    exhibits: list[Exhibit] = Field(default_factory=list, description="附在指标分析之后的表和图")

    _stage = field_validator("stage", mode="plain")(stage_name)


TOP_LEVEL_KEYS = tuple(Params.model_fields)

_TYPE_WORDS = {
    "string_type": "应为文本",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "decimal_parsing": "应为数字",
    "decimal_type": "应为数字",
    "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）",
    "date_parsing": "应为日期（YYYY-MM-DD）",
    "date_type": "应为日期（YYYY-MM-DD）",
    "list_type": "应为列表",
    "dict_type": "应为键值映射",
    "model_type": "应为键值映射",
}


def _key_path(loc) -> str:
    parts = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item + 1}]")
        elif item in ("str", "TableFile", "int", "float"):
            continue
        else:
            parts.append(("." if parts else "") + str(item))
    return "".join(parts)


def _nearest(loc, model=Params) -> list[str]:
    """Valid keys at the place of an unknown key, for a suggestion."""
    current = model
    for item in loc[:-1]:
        if isinstance(item, int) or current is None:
            continue
        field = current.model_fields.get(item)
        if field is None:
            return []
        annotation = field.annotation
        args = getattr(annotation, "__args__", ())
        candidates = [a for a in (annotation, *args) if isinstance(a, type) and issubclass(a, BaseModel)]
        current = candidates[0] if candidates else None
    return list(current.model_fields) if current else []


def describe_errors(exc: ValidationError, source: str) -> list[str]:
    """Translate pydantic's errors into one Chinese sentence each."""
    messages = []
    for err in exc.errors():
        key = _key_path(err["loc"])
        kind = err["type"]
        if kind == "missing":
            text = f"缺少必填项『{key}』，请补上"
        elif kind == "extra_forbidden":
            valid = _nearest(err["loc"])
            close = difflib.get_close_matches(str(err["loc"][-1]), valid, n=1)
            hint = f"，是否想写『{close[0]}』？" if close else f"；可用的键：{'、'.join(valid)}"
            text = f"未知的键『{key}』{hint}"
        elif kind == "value_error" and isinstance(err.get("ctx", {}).get("error"), NumberError):
            reason = err["ctx"]["error"]
            text = f"『{key}』的值 {err.get('input')!r} " + ("应为数字" if isinstance(reason, NotANumber) else str(reason))
        elif kind in _TYPE_WORDS:
            text = f"『{key}』的值 {err.get('input')!r} {_TYPE_WORDS[kind]}"
        else:
            text = f"『{key}』的值 {err.get('input')!r} 不正确：{err['msg']}"
        messages.append(f"{source}：{text}")
    return messages


class _TooLarge(yaml.YAMLError):
    """The document nests too deeply or expands (through aliases) to too many nodes."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class _Limited:
    """Safe YAML with dates left as text, so a bad date is reported by key, not by PyYAML;
    nesting is limited while composing (a thousand levels would exhaust the stack)."""

    depth = 0

    def compose_node(self, parent, index):
        self.depth += 1
        try:
            if self.depth > limits.YAML_DEPTH:
                mark = self.peek_event().start_mark
                raise _TooLarge(f"第 {mark.line + 1} 行：列表或映射嵌套超过 {limits.YAML_DEPTH} 层")
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def construct_mapping(self, node, deep=False):
        """A key written twice in one mapping is an error (YAML would keep the last one silently)."""
        if isinstance(node, yaml.MappingNode):
            seen = {}
            for key_node, _ in node.value:
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = key_node.value
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"键『{key}』重复（第 {seen[key] + 1} 行已写过），请删去或合并其中一个",
                        key_node.start_mark)
                seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep)


class _Loader(_Limited, yaml.SafeLoader):
    """PyYAML's own reader and parser: the reference, and the messages for a file that fails."""


try:
    from yaml.cyaml import CParser
except ImportError:  # PyYAML built without libyaml: its own parser alone
    CParser = None
LOADERS = [_Loader]

if CParser is not None:
    class _FastLoader(_Limited, yaml.composer.Composer, CParser, yaml.constructor.SafeConstructor,
                      yaml.resolver.Resolver):
        """libyaml's reader and parser (several times faster) under the same composer, limits and
        constructors; a file it cannot read is read again by ``_Loader`` for PyYAML's messages."""

        def __init__(self, stream):
            CParser.__init__(self, stream)
            yaml.composer.Composer.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)

    LOADERS.insert(0, _FastLoader)


def _no_binary(loader, node):
    raise yaml.constructor.ConstructorError(None, None, "不支持 !!binary（二进制值），请写成文字", node.start_mark)


for _loader in LOADERS:
    _loader.add_constructor("tag:yaml.org,2002:str",
                            lambda loader, node: clean_text(yaml.SafeLoader.construct_yaml_str(loader, node)))  # "\x01"
    _loader.add_constructor("tag:yaml.org,2002:binary", _no_binary)  # bytes would pass as text, uncleaned
    _loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


def _expanded_size(node, sizes: dict, depth: int = 0) -> int:
    """Nodes in the document once every alias is expanded (an alias is the same node object,
    so ten aliases of ten aliases of … cost little to count but a billion to build)."""
    if depth > limits.YAML_DEPTH:
        raise _TooLarge(f"别名展开后嵌套超过 {limits.YAML_DEPTH} 层（或别名引用了自身）")
    known = sizes.get(id(node))
    if known is not None:
        return known
    size = 1
    if isinstance(node, yaml.SequenceNode):
        children = node.value
    elif isinstance(node, yaml.MappingNode):
        children = [part for pair in node.value for part in pair]
    else:
        children = []
    for child in children:
        size += _expanded_size(child, sizes, depth + 1)
        if size > limits.YAML_NODES:
            break
    sizes[id(node)] = size
    if size > limits.YAML_NODES:
        raise _TooLarge(f"展开别名（&…/*…）后超过 {limits.YAML_NODES:,} 项")
    return size


def load_yaml_text(text: str):
    """Safe YAML within the limits of nesting and alias expansion: read by libyaml, and by
    PyYAML when libyaml finds a problem (its messages are the ones the analyst sees)."""
    *fast, reference = LOADERS
    for kind in fast:
        try:
            return _load(kind, text)
        except yaml.YAMLError:
            pass
    return _load(reference, text)


def _load(kind, text: str):
    loader = kind(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _expanded_size(node, {})
        return loader.construct_document(node)
    finally:
        loader.dispose()


def read_yaml(path: Path) -> dict:
    """Read a parameter file safely; syntax errors name line and column."""
    if not path.is_file():
        raise InputError(f"{path}：参数文件不存在，请检查路径")
    check_size(path, limits.PARAMS_BYTES, "参数文件")
    try:
        raw = load_yaml_text(decode(path.read_bytes(), path, "参数文件"))
    except _TooLarge as exc:
        raise InputError(f"{path}：{exc.message}（见 README「输入限制」），请简化参数文件") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"第 {mark.line + 1} 行第 {mark.column + 1} 列" if mark else ""
        if "重复" in str(exc.problem):
            raise InputError(f"{path}：{where}：{exc.problem}") from None
        raise InputError(f"{path}：YAML 语法错误，{where}：{exc.problem}，请检查缩进、冒号和引号") from None
    except yaml.YAMLError as exc:
        raise InputError(f"{path}：无法读取参数文件（{exc}），请检查 YAML 格式") from None
    if not isinstance(raw, dict):
        raise InputError(f"{path}：参数文件应为键值映射（project:、budget: …），当前内容不是")
    return raw


def publishable(params: Params, source: str) -> None:
    """Refuse to publish a report whose date is still 待填写 (``jixiao check`` only lists it)."""
    if not params.project.dated:
        raise InputError(f"{source}：project.report_date 仍是「{PENDING}」，报告日期印在封面和落款上，"
                         "请填写实际日期（如 2019-07-01 或 2019年7月1日）后再生成报告")


def validate_params(raw: dict, source: str) -> Params:
    """Validate the raw mapping; raise InputError listing every problem."""
    try:
        return Params.model_validate(raw)
    except ValidationError as exc:
        raise InputError(describe_errors(exc, source)) from None
