"""The data names texts and sentence templates read (vocabulary.py)."""

from framework_projects import OWN, write_project
from jixiao.project import load_project


def test_responses_have_their_count_beside_each_groups_rate(tmp_path):
    """The README lists 表名.count for every data table: the answer table too, next to the
    satisfaction rate of each group surveyed."""
    project = load_project(write_project(tmp_path, OWN))
    responses = project.values["responses"]
    assert responses["count"] == len(project.table("responses")) > 0
    assert responses["社会公众"] > 0  # a Rate, printed as a percentage in texts
