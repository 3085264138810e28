"""Content fingerprints: what they cover, and that only content counts."""

import os
import shutil

from conftest import ROOT
from jixiao import fonts
from jixiao.assemble import cache


def test_covers_the_files_the_project_names(example):
    names = set(cache.input_files(example))
    assert {"indicators.csv", "budget_lines.csv", "analysis.md", "texts/background.md"} <= names


def test_content_changes_the_hash_and_touching_does_not(example):
    data = example.parent.parent / "data" / "shanghai-credit-2018"
    before = cache.fingerprint(example)["hash"]
    os.utime(data / "staff.csv", (1, 1))
    assert cache.fingerprint(example)["hash"] == before
    with open(data / "texts" / "problems.md", "a", encoding="utf-8") as f:
        f.write("\n补充一句。\n")
    assert cache.fingerprint(example)["hash"] != before


def test_nothing_is_up_to_date_without_an_output_folder(example):
    assert cache.up_to_date(example, "builtin", ["html"]) is None


def test_an_unreadable_parameter_file_names_no_files(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("project: [\n", encoding="utf-8")
    assert cache.input_files(broken) == {}


def _with_previous(example):
    """A 2019 project whose `previous` is the example (2018), sharing nothing else."""
    root = example.parent.parent
    shutil.copytree(root / "data" / "shanghai-credit-2018", root / "data" / "shanghai-credit-2019")
    current = example.parent / "shanghai-credit-2019.yaml"
    text = example.read_text(encoding="utf-8").replace("../data/shanghai-credit-2018", "../data/shanghai-credit-2019")
    current.write_text(text + "\nprevious: shanghai-credit-2018.yaml\n", encoding="utf-8")
    return current


def test_the_previous_projects_parameter_file_and_data_count(example):
    current = _with_previous(example)
    before = cache.fingerprint(current)["hash"]
    example.write_text(example.read_text(encoding="utf-8").replace("spent: 4000000", "spent: 3900000"),
                       encoding="utf-8")
    after_params = cache.fingerprint(current)["hash"]
    assert after_params != before
    scores = example.parent.parent / "data" / "shanghai-credit-2018" / "indicators.csv"
    scores.write_text(scores.read_text(encoding="utf-8").replace(",4.4,", ",4.3,", 1), encoding="utf-8")
    assert cache.fingerprint(current)["hash"] != after_params


def test_every_file_of_the_data_folder_counts(example):
    before = cache.fingerprint(example)["hash"]
    (example.parent.parent / "data" / "shanghai-credit-2018" / "photo.png").write_bytes(b"\x89PNG")
    assert cache.fingerprint(example)["hash"] != before


def test_the_notebooks_folder_counts_outline_included(example):
    own = example.parent.parent / "notebooks"
    shutil.copytree(ROOT / "notebooks", own)
    before = cache.fingerprint(example)["hash"]
    (own / "outline.yml").write_text("chapters: []\n", encoding="utf-8")
    assert cache.fingerprint(example)["hash"] != before


def test_fonts_and_renderer_versions_count(example, monkeypatch):
    parts = cache.fingerprint(example)
    assert set(parts["renderers"]) == {"pandoc", "typst"} and parts["fonts"]
    monkeypatch.setattr(fonts, "sans", lambda: ("SimHei", ROOT / "README.md"))
    assert cache.fingerprint(example)["hash"] != parts["hash"]
    monkeypatch.setattr(cache, "renderer_versions", lambda engine: {"quarto": "9.9"})
    assert cache.fingerprint(example, "quarto")["renderers"] == {"quarto": "9.9"}


def test_the_whole_package_counts():
    assert (cache.PACKAGE / "numeric.py").is_file() and (cache.PACKAGE / "assemble" / "cache.py").is_file()
