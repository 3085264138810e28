"""Content fingerprints: what they cover, and that only content counts."""

import os

from jixiao.build import cache


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
