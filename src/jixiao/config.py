"""Paths and the list of section notebooks: the single source of both."""

from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parents[2]

# Section notebooks in report order: (file stem, what the analyst sees in progress lines).
SECTIONS = [
    ("01_overview", "一、二 项目基本情况与评价工作情况"),
    ("02_conclusion", "三（一）评价结论"),
    ("03_decision", "三（二）项目决策"),
    ("04_management", "三（二）项目管理"),
    ("05_performance", "三（二）项目绩效"),
    ("06_findings", "四、五 经验、问题和建议"),
]

FORMATS = ("html", "pdf", "docx")


def project_root(params_path: Path) -> Path:
    """The folder holding params/, data/ and output/: the parent of params/."""
    params_path = params_path.resolve()
    if params_path.parent.name == "params":
        return params_path.parent.parent
    return Path.cwd()


def notebooks_dir(root: Path) -> Path:
    """The project's own notebooks/ if it has one, else the ones shipped with jixiao."""
    own = root / "notebooks"
    return own if own.is_dir() else PACKAGE_ROOT / "notebooks"


def output_dir(params_path: Path) -> Path:
    return project_root(params_path) / "output" / params_path.stem
