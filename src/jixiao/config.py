"""Paths: where the template's notebooks and outlines are, and where a project's output goes."""

from pathlib import Path

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


def output_dir(params_path: Path) -> Path:
    return project_root(params_path) / "output" / params_path.stem
