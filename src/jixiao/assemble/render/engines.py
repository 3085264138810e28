"""Which engine renders: ``--engine auto`` takes Quarto when a ``quarto`` command is on PATH
and fit for the formats asked for, else the built-in engine."""

from ... import fonts
from . import quarto

NAMES = {"quarto": "Quarto", "builtin": "内置引擎（pandoc + Typst）"}


def choose(requested: str, formats: list[str]) -> tuple[str, str]:
    """(engine, why) for ``--engine requested`` and the formats to render."""
    if requested != "auto":
        return requested, "按 --engine 指定"
    found = quarto.inspect()
    if found["path"] is None:
        return "builtin", "未找到 quarto 命令"
    unfit = [found["unfit"][fmt] for fmt in formats if fmt in found["unfit"]]
    if unfit:
        return "builtin", f"已安装的 Quarto 不能使用：{unfit[0]}"
    return "quarto", "系统装有可用的 Quarto"


def describe() -> list[str]:
    """The lines ``jixiao check`` prints about the engines and the fonts each format uses."""
    found = quarto.inspect()
    engine, why = choose("auto", list(quarto.TARGETS))
    lines = [f"渲染引擎：--engine auto 将使用 {NAMES[engine]}（{why}）"]
    if found["path"] is None:
        return lines + fonts.describe()
    version = quarto.version_text(found["version"])
    lines.append(f"Quarto：{found['path']}，版本 {version}，自带 Typst {quarto.version_text(found['typst'])}")
    for fmt, reason in found["unfit"].items():
        lines.append(f"  ⚠ Quarto 不能生成 {quarto.FORMAT_NAMES[fmt]}：{reason}；请升级 Quarto，或用 --engine builtin")
    return lines + fonts.describe()
