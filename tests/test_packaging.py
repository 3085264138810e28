"""`pip install .` (not only -e) gives a working jixiao: notebooks, outlines, frameworks and
templates travel as package data, so a project folder (params/, data/) is all a run needs."""

import os
import shutil
import subprocess
import sys
import zipfile

from conftest import EXAMPLE, ROOT, copy_example


def test_wheel_runs_a_project_without_a_checkout(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(ROOT),
                    "-w", str(tmp_path / "dist")], check=True, capture_output=True, timeout=300)
    (wheel,) = (tmp_path / "dist").glob("jixiao-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for shipped in ("jixiao/notebooks/01_overview.ipynb", "jixiao/notebooks/outlines/third-party.yml",
                    "jixiao/inputs/frameworks/national-2020.yaml", "jixiao/assemble/render/templates/report.html"):
        assert shipped in names, shipped
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site), str(wheel)],
                   check=True, capture_output=True, timeout=300)
    project = tmp_path / "project"
    params = copy_example(project)
    assert not (project / "notebooks").exists()
    env = dict(os.environ, PYTHONPATH=str(site))
    probe = subprocess.run([sys.executable, "-c", "import jixiao, jixiao.config as c; print(jixiao.__file__); "
                            "print(c.template_notebooks())"], env=env, cwd=project, capture_output=True, text=True)
    assert probe.stdout.splitlines() == [str(site / "jixiao" / "__init__.py"), str(site / "jixiao" / "notebooks")]
    done = subprocess.run([sys.executable, "-m", "jixiao.cli", "run", str(params), "--to", "html", "--engine", "builtin"],
                          env=env, cwd=project, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    output = project / "output" / EXAMPLE
    assert "90.71" in (output / "summary.json").read_text(encoding="utf-8")
    assert (output / "notebooks" / "04_analysis.ipynb").is_file()
    shutil.rmtree(site)
