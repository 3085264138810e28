"""Paths: where the template's notebooks and outlines are, and where a project's output goes."""

import re
from pathlib import Path

from .errors import InputError

PACKAGE = Path(__file__).resolve().parent
CHECKOUT = PACKAGE.parents[1]  # the repository root when running from a source checkout

FORMATS = ("html", "pdf", "docx")
DEFAULT_OUTLINE = "third-party"


def template_notebooks() -> Path:
    """The template's chapter notebooks: the checkout's top-level notebooks/ (the ones analysts
    edit), or the copy shipped inside the installed package."""
    checkout = CHECKOUT / "notebooks"
    if (CHECKOUT / "pyproject.toml").is_file() and checkout.is_dir():
        return checkout
    return PACKAGE / "notebooks"


def project_root(params_path: Path) -> Path:
    """The folder holding params/, data/ and output/: the parent of params/."""
    params_path = params_path.resolve()
    if params_path.parent.name == "params":
        return params_path.parent.parent
    return Path.cwd()


def notebooks_dir(root: Path) -> Path:
    """The project root's own notebooks/ if it has one (a copy of the template), else the template's."""
    own = root / "notebooks"
    return own if own.is_dir() else template_notebooks()


# Names Windows keeps for devices (also with an extension); the portfolio report's own folder.
DEVICES = {"con", "prn", "aux", "nul", *(f"com{n}" for n in range(10)), *(f"lpt{n}" for n in range(10))}
PORTFOLIO = "portfolio"
UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
NAME_LENGTH = 100


def output_name_problem(stem: str) -> str | None:
    """Why a parameter file's name cannot name its output folder ``output/<name>/``, or None."""
    if not stem.strip() or stem.startswith("."):
        return "不能为空，也不能以「.」开头（output/ 中以「.」开头的是生成过程中的临时目录）"
    if UNSAFE.search(stem):
        return '不能含有 \\ / : * ? " < > | 或控制字符'
    if stem != stem.rstrip(" ."):
        return "不能以空格或「.」结尾"
    if stem.split(".")[0].strip().casefold() in DEVICES or stem.casefold() == PORTFOLIO:
        return "是保留名称（Windows 设备名 CON、NUL、COM1 等，或汇总报告的 portfolio）"
    if stem.casefold().endswith(".failed"):
        return "不能以 .failed 结尾（output/ 中保存失败运行的目录用这个名称）"
    if len(stem) > NAME_LENGTH:
        return f"过长（最多 {NAME_LENGTH} 个字符）"
    return None


def output_dir(params_path: Path) -> Path:
    """``output/<name>/`` for ``params/<name>.yaml``; a name that cannot make a safe folder
    is an input error."""
    params_path = Path(params_path)
    problem = output_name_problem(params_path.stem)
    if problem:
        raise InputError(f"{params_path}：参数文件名『{params_path.stem}』用作输出目录 output/<名称>/ 的名称，"
                         f"{problem}；请给参数文件改名，如 shanghai-credit-2018.yaml")
    return project_root(params_path) / "output" / params_path.stem


def output_clashes(paths) -> dict[str, str]:
    """Parameter files of one command whose output folders coincide (p.yaml and p.yml), with
    a message each; compared case-insensitively, as Windows and macOS folders are."""
    owners: dict[str, list[str]] = {}
    for path in paths:
        try:
            folder = output_dir(Path(path))
        except InputError:
            continue
        owners.setdefault(str(folder.resolve()).casefold(), []).append(str(path))
    return {
        path: f"{path}：与 {'、'.join(p for p in group if p != path)} 的输出目录同为 output/{Path(path).stem}/，"
              "会互相覆盖；请给其中一个参数文件改名"
        for group in owners.values() if len(group) > 1 for path in group
    }
