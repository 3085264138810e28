"""Section notebooks: committed clean, and each runs alone with plain papermill -f."""

import json
import subprocess
import sys

import nbformat
import pytest

from conftest import ROOT
from jixiao.config import SECTIONS

NOTEBOOKS = [ROOT / "notebooks" / f"{stem}.ipynb" for stem, _ in SECTIONS]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_without_outputs_and_with_tags(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert all(not c.get("outputs") and not c.get("execution_count") for c in nb["cells"])
    tags = [c["metadata"].get("tags", []) for c in nb["cells"]]
    assert tags[0] == ["notebook-only"] and nb["cells"][0]["cell_type"] == "markdown"
    assert ["parameters"] in tags


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_runs_alone_with_plain_papermill(path, example, tmp_path):
    out = tmp_path / "out.ipynb"
    done = subprocess.run([sys.executable, "-m", "papermill", str(path), str(out), "-f", str(example),
                           "--no-progress-bar"], cwd=example.parent.parent, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    nb = nbformat.read(out, as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("text/markdown" in o.get("data", {}) for o in outputs)
