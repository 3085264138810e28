"""The ``jixiao`` command: ``run``, ``check``, ``versions``, ``compare``, ``explain``, ``portfolio`` and the rest.
Exit codes: 0 ok, 1 invalid input,
2 failure while running."""

import argparse
import contextlib
import logging
import signal
import sys
import warnings
from datetime import date
from pathlib import Path

# nbformat validates notebooks with jsonschema, which imports rfc3987-syntax when it is installed
# (JupyterLab's extras bring it) only for IRI formats that notebooks never use; building its
# grammars costs 1.3 s at every command. Not imported by this process.
sys.modules.setdefault("rfc3987_syntax", None)

from . import fonts
from .inputs import frameworks
from .config import FORMATS, output_clashes, output_dir
from .errors import InputError, JixiaoError
from .project import code_warnings, load_project
from .numeric import fixed2

INTERRUPTED = 130  # 128 + SIGINT, as shells report a Ctrl-C


FORM = "form"  # the 项目支出绩效自评表: 自评表.xlsx, .docx, .pdf


def _formats(text: str) -> list[str]:
    chosen = [f.strip() for f in text.split(",") if f.strip()]
    if "all" in chosen:
        chosen = [*FORMATS, FORM]
    unknown = [f for f in chosen if f not in (*FORMATS, FORM)]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"不支持的格式：{'、'.join(unknown) or '（空）'}，可选 html、pdf、docx、form（自评表），"
                                         "或 all（全部）")
    return list(dict.fromkeys(chosen))


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应写成 YYYY-MM-DD，如 2019-07-01，而不是「{text}」") from None


def _portfolio_formats(text: str) -> list[str]:
    chosen = _formats(text)
    if FORM in chosen:
        raise argparse.ArgumentTypeError("汇总报告只生成 html、pdf、docx")
    return chosen


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jixiao", description="项目支出绩效评价报告生成工具")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="校验参数并生成报告（HTML、PDF、Word 与 summary.json）")
    run.add_argument("params", nargs="+", help="参数文件，如 params/shanghai-credit-2018.yaml")
    run.add_argument("--to", type=_formats, default=list(FORMATS), help="输出格式，逗号分隔：html、pdf、docx、form（项目支出绩效自评表），all 为全部（默认 html,pdf,docx）")
    run.add_argument("--jobs", type=int, default=1, help="同时处理的项目数（默认 1）")
    run.add_argument("--force", action="store_true", help="即使参数、数据、笔记本和程序都未变化也重新生成")
    run.add_argument("--cluster", metavar="ADDRESS",
                     help="在 Dask 集群上运行，如 tcp://10.0.0.5:8786（需安装 jixiao[cluster]）")
    run.add_argument("--engine", choices=["auto", "quarto", "builtin"], default="auto",
                     help="渲染引擎：auto 在装有 Quarto 时用 Quarto，否则用内置引擎")
    run.add_argument("--redact", action="store_true",
                     help="另外生成公开版 public/report.*：遮盖人员姓名、电话号码和身份证号（表格和图表由遮盖后的数据重新生成）")
    run.add_argument("--verbose", action="store_true", help="出错时显示完整的 Python 调用栈")
    run.add_argument("--keep", metavar="名称", help="生成后把本轮的报告和输入另存为版本 output/<项目>/版本/<名称>/，如 征求意见稿")
    run.add_argument("--replace", action="store_true", help="与 --keep 同用：同名版本已存在时替换它")
    check = sub.add_parser("check", help="只校验参数文件和数据表，不生成报告")
    check.add_argument("params", nargs="+")
    check.add_argument("--redact", action="store_true",
                       help="另外列出正文中像人名、但不在人员表或 personal_names 中的词语（公开版不会遮盖它们）")
    new = sub.add_parser("new", help="新建项目：按指标框架生成参数文件和评分表，或复制上年项目")
    new.add_argument("name", help="项目名称（英文或拼音，用作文件名），如 shanghai-credit-2019")
    source = new.add_mutually_exclusive_group(required=True)
    source.add_argument("--framework", help=f"指标框架：{'、'.join(frameworks.names())}")
    source.add_argument("--from", dest="previous", help="上年参数文件，如 params/shanghai-credit-2018.yaml")
    new.add_argument("--year", type=int, help="评价年度（默认上一年；--from 时为上年 +1）")
    new.add_argument("--root", default=".", help="项目根目录（含 params/、data/），默认当前目录")
    preview = sub.add_parser("preview", help="在本机浏览器中预览 HTML 报告，保存笔记本、参数文件或数据后自动更新")
    preview.add_argument("params", help="参数文件，如 params/shanghai-credit-2018.yaml")
    preview.add_argument("--port", type=int, default=8000, help="本机端口（默认 8000）")
    portfolio = sub.add_parser("portfolio", help="多个项目、多个年度的汇总报告（output/portfolio/）")
    portfolio.add_argument("params", nargs="+", help="参数文件，如 params/*.yaml")
    portfolio.add_argument("--to", type=_portfolio_formats, default=["html", "pdf", "docx"],
                           help="输出格式，逗号分隔：html、pdf、docx（默认全部）")
    portfolio.add_argument("--date", type=_iso_date,
                           help="封面日期，YYYY-MM-DD（默认取各项目报告日期中最晚者，并在封面注明）")
    versions = sub.add_parser("versions", help="列出用 run --keep 保存的版本（日期、阶段、总分、评级）")
    versions.add_argument("params", help="参数文件，如 params/shanghai-credit-2018.yaml")
    compare = sub.add_parser("compare", help="比较两个版本：修订对照.docx（修订痕迹）、修订对照.html 和 变动情况.csv")
    compare.add_argument("params", help="参数文件，如 params/shanghai-credit-2018.yaml")
    compare.add_argument("old", help="旧版本名称，如 征求意见稿")
    compare.add_argument("new", nargs="?", default="当前", help="新版本名称（默认「当前」：output/<项目>/ 中的报告）")
    form = sub.add_parser("form", help="项目支出绩效自评表：每个项目写 output/<项目>/自评表.*，或用 --out 写一个部门工作簿")
    form.add_argument("params", nargs="+", help="参数文件，如 params/*.yaml")
    form.add_argument("--out", help="部门工作簿（.xlsx）：每个项目一个工作表，另有「汇总」表，如 部门自评表.xlsx")
    form.add_argument("--jobs", type=int, default=1, help="同时读取的项目数（默认 1）")
    explain = sub.add_parser("explain", help="说明一个三级指标的得分从哪里来：评分方法、输入数据及其来源、计算过程")
    explain.add_argument("params", help="参数文件，如 params/shanghai-credit-2018.yaml")
    explain.add_argument("code", help="三级指标编码，如 C102")
    return parser


def explain(args) -> int:
    from .config import project_root
    from .project.sources import SourceIndex

    try:
        project = load_project(args.params)
        lines = SourceIndex(project, project_root(Path(args.params))).explain(args.code)
    except InputError as exc:
        for message in exc.messages:
            print(f"✗ {message}", file=sys.stderr)
        return 1
    print("\n".join(lines))
    return 0


def form(args) -> int:
    from .form.output import department

    paths = list(dict.fromkeys(args.params))
    if not args.out:
        from .many.batch import run_batch

        outcomes = run_batch(paths, [FORM], "builtin", max(1, args.jobs), force=True)
        for o in outcomes:
            if o.code:
                print(f"✗ {o.path}：{o.status}", file=sys.stderr)
                for line in o.message.splitlines():
                    print(f"  {line}", file=sys.stderr)
        return max(o.code for o in outcomes)
    out = Path(args.out)
    if out.suffix.lower() != ".xlsx":
        print(f"✗ --out 应为 .xlsx 文件（如 部门自评表.xlsx），而不是『{out}』", file=sys.stderr)
        return 1
    try:
        entries = department(paths, out, log=lambda line: print(line, file=sys.stderr), jobs=max(1, args.jobs))
    except OSError as exc:
        print(f"✗ 无法写入 {out}（{exc.strerror or exc}）：文件可能正在 Excel/WPS 中打开，或目录不可写；"
              "原有文件未改动", file=sys.stderr)
        return 2
    valid = [e for e in entries if e.form]
    print(f"✓ 部门自评表：{len(entries)} 个项目（生成 {len(valid)} 个，输入有误 {len(entries) - len(valid)} 个）→ {out}")
    pending = sum(len(e.form.pending) for e in valid)
    if pending:
        print(f"  ⚠ 共 {pending} 处待填写（表中标为「待填写」，「汇总」表「待填写」一列逐项目列出；jixiao check 逐条列出位置）")
    return 0 if len(valid) == len(entries) else 1


def new(args) -> int:
    from .scaffold import new_from_framework, new_from_previous

    root = Path(args.root)
    try:
        if args.framework:
            made = new_from_framework(root, args.name, args.framework, args.year)
        else:
            made = new_from_previous(root, args.name, Path(args.previous))
    except InputError as exc:
        for message in exc.messages:
            print(f"✗ {message}", file=sys.stderr)
        return 1
    print(f"✓ 已生成 {made} 和 {root / 'data' / args.name}/")
    print("  下一步：填写其中所有「待填写」的内容，然后运行 jixiao check 和 jixiao run")
    return 0


def check(paths: list[str], redact: bool = False) -> int:
    from .assemble.render.engines import describe

    for line in describe():
        print(line)
    worst = 0
    clashes = output_clashes(paths)
    for path in paths:
        try:
            output_dir(Path(path))
            if path in clashes:
                raise InputError(clashes[path])
            project = load_project(path)
        except InputError as exc:
            print(f"✗ {path}：发现 {len(exc.messages)} 处问题", file=sys.stderr)
            for message in exc.messages:
                print(f"  - {message}", file=sys.stderr)
            worst = max(worst, 1)
            continue
        card = project.card
        print(f"✓ {path}：{len(card.indicators)} 个三级指标，总分 {fixed2(card.total)}，评级 {card.grade}")
        for warning in project.warnings + code_warnings(project):
            print(f"  ⚠ {warning}")
        _check_form(project)
        if redact:
            from .assemble.redact import unlisted_warnings

            for warning in unlisted_warnings(project):
                print(f"  ⚠ {warning}")
    if fonts.missing():  # the inputs may be right, but run would fail on this machine
        print(f"✗ 本机无法生成报告：{fonts.missing()}", file=sys.stderr)
        worst = max(worst, 2)
    return worst


def _check_form(project) -> None:
    """The self-assessment form's 待填写 cells (or why it cannot be made)."""
    from .form.model import build_form
    from .form.output import pending_lines

    try:
        lines = pending_lines(project, build_form(project))
    except InputError as exc:
        lines = [f"无法生成自评表：{m}" for m in exc.messages]
    for n, line in enumerate(lines):
        print(f"  ⚠ {line}" if n == 0 else f"    - {line}")


def run(args) -> int:
    from .assemble.render import quarto

    if args.engine != "builtin":
        quarto.inspect_ahead()
    from .many.batch import report_failures, run_batch, skip_hint, table

    from .assemble.render.engines import choose

    engine, _ = choose(args.engine, args.to)
    if not args.cluster and fonts.missing():  # charts need it in every format: say so before running
        print(f"✗ {fonts.missing()}", file=sys.stderr)
        return 2
    paths = list(dict.fromkeys(args.params))
    if args.keep and not _keepable(paths, args):
        return 1
    try:
        outcomes = run_batch(paths, args.to, engine, max(1, args.jobs), args.force, args.verbose, args.cluster,
                             redacted=args.redact)
    except JixiaoError as exc:  # the batch as a whole could not start (e.g. no cluster)
        for message in exc.messages:
            print(f"✗ {message}", file=sys.stderr)
        return exc.exit_code
    if args.keep:
        _keep(outcomes, args.keep)
    if len(outcomes) > 1:
        print(table(outcomes))
    if skip_hint(outcomes):
        print(skip_hint(outcomes))
    report_failures(outcomes)
    return max(o.code for o in outcomes)


def _keepable(paths: list[str], args) -> bool:
    """``--keep``: a safe version name, not taken unless ``--replace``; said before anything runs."""
    from .assemble.versions import check_keep

    good = True
    for path in paths:
        try:
            check_keep(Path(path), output_dir(Path(path)), args.keep, args.replace)
        except InputError as exc:
            print(f"✗ {exc.messages[0]}", file=sys.stderr)
            good = False
    return good


def _keep(outcomes, name: str) -> None:
    from .assemble.versions import keep

    for o in outcomes:
        if not o.code:
            folder = keep(Path(o.path), output_dir(Path(o.path)), name)
            print(f"✓ 版本『{name}』已保存 → {folder}")


def versions(args) -> int:
    from .assemble.versions import listed

    try:
        final = output_dir(Path(args.params))
    except InputError as exc:
        print(f"✗ {exc.messages[0]}", file=sys.stderr)
        return 1
    found = listed(final)
    if not found:
        print(f"{args.params}：还没有保存的版本（用 jixiao run {args.params} --keep 征求意见稿 保存）")
        return 0
    from .many.batch import _row
    from .pieces.markdown import width

    head = ["版本", "保存时间", "阶段", "报告日期", "总分", "评级"]
    rows = [[v.name, v.kept.replace("T", " ")[:16], v.stage or "—", v.report_date or "—", v.total or "—",
             v.grade or "—"] for v in found]
    sizes = [max(width(r[i]) for r in [head, *rows]) for i in range(len(head))]
    print(f"{args.params}：{len(found)} 个版本（{final / '版本'}）")
    for row in [head, ["-" * n for n in sizes], *rows]:
        print(_row(row, sizes))
    return 0


def compare(args) -> int:
    from .assemble.compare import compare_versions

    try:
        result = compare_versions(Path(args.params), args.old, args.new)
    except JixiaoError as exc:
        for message in exc.messages:
            print(f"✗ {message}", file=sys.stderr)
        return exc.exit_code
    for line in result.lines():
        print(line)
    return 0


def preview(args) -> int:
    from .serve import preview as serve

    try:
        return serve(Path(args.params), args.port)
    except OSError as exc:
        print(f"✗ 无法在端口 {args.port} 上启动预览（{exc.strerror}），请用 --port 换一个端口", file=sys.stderr)
        return 2


def portfolio(args) -> int:
    from .many.portfolio import write_portfolio

    try:
        folder = write_portfolio(list(dict.fromkeys(args.params)), args.to, args.date)
    except JixiaoError as exc:
        kind = "输入有误" if exc.exit_code == 1 else "运行失败"
        print(f"✗ 汇总报告：{kind}", file=sys.stderr)
        for message in exc.messages:
            print(f"  - {message}", file=sys.stderr)
        return exc.exit_code
    print(f"✓ 汇总报告：{len(args.params)} 个项目 → {folder}")
    return 0


def _interrupted() -> int:
    """Ctrl-C: one line, the kernels stopped, exit 130. The build folder was already moved
    aside by the runner, so output/<名称>/ still holds the previous report."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C during the clean-up changes nothing
    logging.getLogger("asyncio").disabled = True  # nbclient's cancelled cell tasks would print tracebacks
    engine = sys.modules.get("jixiao.assemble.engine")
    if engine is not None:
        with contextlib.suppress(Exception):
            engine.shutdown()
    print("已中断：output/ 中原有的报告未被改动", file=sys.stderr)
    return INTERRUPTED


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    commands = {"check": lambda: check(args.params, args.redact), "new": lambda: new(args), "run": lambda: run(args),
                "portfolio": lambda: portfolio(args), "preview": lambda: preview(args), "form": lambda: form(args),
                "versions": lambda: versions(args), "compare": lambda: compare(args), "explain": lambda: explain(args)}
    # Ctrl-C stops nbclient mid-cell; the cell's coroutine, never awaited, would warn when collected
    warnings.filterwarnings("ignore", message=r"coroutine .* was never awaited", category=RuntimeWarning)
    try:
        return commands[args.command]()
    except KeyboardInterrupt:
        return _interrupted()
    except Exception as exc:  # never a traceback wall for the analyst
        if getattr(args, "verbose", False):
            raise
        print(f"运行时发生意外错误：{type(exc).__name__}: {exc}（加 --verbose 查看详情）", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
