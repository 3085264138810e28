"""Build step beside pyproject.toml: ship the repository's notebooks/ (the chapters analysts
edit, with their outlines) inside the package as jixiao/notebooks, so an installed jixiao (a Dask
worker, a colleague's machine) needs no checkout. Editable installs read notebooks/ directly."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithNotebooks(build_py):
    def run(self):
        super().run()
        source = Path(__file__).resolve().parent / "notebooks"
        target = Path(self.build_lib) / "jixiao" / "notebooks"
        shutil.copytree(source, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))


setup(cmdclass={"build_py": BuildWithNotebooks})
