"""The 项目支出绩效自评表 as the report's annex prints it: three Markdown tables (项目资金,
年度总体目标, 绩效指标 with merged levels and the 总分 row) from ``form.model.Form``; the
chapter notebook gives them their captions."""

from ..form.model import Form, rate_text, score_text
from ..markup import escape_keeping_references
from ..numeric import fixed2, trimmed
from .markdown import SPAN, grid_table, pipe_table
from .tables import _spans


def _amount(value) -> str:
    return "待填写" if value is None else f"{value:,.2f}"


def funds(form: Form) -> str:
    """项目资金（万元）: 年度资金总额 and its sources; 分值 and 得分 on the first row only."""
    rows = []
    for n, fund in enumerate(form.funds):
        first = n == 0 and form.budget_max is not None
        known = fund.total is not None and fund.spent is not None
        rows.append([fund.label, _amount(fund.initial), _amount(fund.total), _amount(fund.spent),
                     trimmed(form.budget_max) if first else "—", rate_text(fund.rate) if known else "待填写",
                     score_text(form.budget_score) if first else "—"])
    return pipe_table(["项目资金（万元）", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"], rows,
                      align="lrrrcrc")


def goals(form: Form) -> str:
    """年度总体目标: 预期目标 beside 实际完成情况."""
    return pipe_table(["预期目标", "实际完成情况"], [[escape_keeping_references(form.goal), escape_keeping_references(form.result)]])


def indicators(form: Form) -> str:
    """绩效指标 with the first two levels merged, then 总分 and the grade."""
    level1 = _spans([r.level1 for r in form.rows])
    level2 = _spans([f"{r.level1}\x00{r.level2}" for r in form.rows])
    rows = [[a, b if b is SPAN else r.level2, r.name, r.target, r.actual, trimmed(r.max), score_text(r.score),
             r.deviation.replace("\n", " ")] for a, b, r in zip(level1, level2, form.rows)]
    rows.append(["总分", "", "", "", "", trimmed(form.weight), fixed2(form.total), f"评级：{form.grade}"])
    return grid_table(["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
                       "偏差原因分析及改进措施"], rows, align="lllccccl")
