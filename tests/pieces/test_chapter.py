"""What the notebooks call (pieces/chapter.py): an analyst's text with a bold lead-in."""

import pytest

from jixiao.inputs.sanitize import Clean
from jixiao.pieces import chapter


@pytest.mark.parametrize("text, shown", [
    ("2018 年，项目按计划推进。\n\n第二段。\n", "**主要结论：**2018 年，项目按计划推进。\n\n第二段。\n"),
    ("- 完成数据归集\n- 建成平台\n", "**主要结论：**\n\n- 完成数据归集\n- 建成平台\n"),
    ("### 总体情况\n\n正文。\n", "**主要结论：**\n\n### 总体情况\n\n正文。\n"),
    ("| 甲 | 乙 |\n|---|---|\n| 1 | 2 |\n", "**主要结论：**\n\n| 甲 | 乙 |\n|---|---|\n| 1 | 2 |\n"),
])
def test_a_lead_opens_the_first_paragraph_or_stands_alone(monkeypatch, text, shown):
    printed = []
    monkeypatch.setattr(chapter.Chapter, "show", lambda self, markdown, kind, **meta: printed.append(markdown))
    project = type("P", (), {"texts": {"conclusion": Clean(text)}})()
    chapter.Chapter(project, for_reader=False).text("conclusion", lead="主要结论：")
    assert printed == [shown]


def test_a_parameter_never_makes_a_chapter_load_a_pickle(tmp_path):
    """A project_file parameter naming a pickle (the earlier handover, or a key injected with
    papermill -f/-p) is ignored: the project reaches a kernel only from the runner, through the engine."""
    import pickle
    import subprocess
    import sys

    from conftest import ROOT, copy_example

    params = copy_example(tmp_path)
    marker = tmp_path / "ran.txt"

    class Evil:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    (tmp_path / "evil.pickle").write_bytes(pickle.dumps(Evil()))
    done = subprocess.run([sys.executable, "-m", "papermill", str(ROOT / "notebooks" / "06_closing.ipynb"),
                           str(tmp_path / "out.ipynb"), "-p", "params_file", str(params),
                           "-p", "project_file", str(tmp_path / "evil.pickle"), "--no-progress-bar"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert not marker.exists()
