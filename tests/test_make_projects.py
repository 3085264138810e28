"""benchmarks/make_projects.py: valid, varied and reproducible synthetic projects."""

from jixiao.project import load_project
from make_projects import make_projects


def test_twenty_projects_all_valid_and_varied(tmp_path):
    projects = [load_project(p) for p in make_projects(20, tmp_path)]
    assert len({len(p.card.indicators) for p in projects}) > 5
    assert len({p.params.budget.total for p in projects}) == 20
    assert len({tuple(d.weight for d in p.card.dimensions) for p in projects}) > 3
    assert all([d.code for d in p.card.dimensions] == ["A", "B", "C"] for p in projects)


def test_same_seed_same_projects(tmp_path):
    one = make_projects(3, tmp_path / "one")
    two = make_projects(3, tmp_path / "two")
    for a, b in zip(one, two):
        assert a.read_text(encoding="utf-8") == b.read_text(encoding="utf-8")
        data_a, data_b = a.parent.parent / "data" / a.stem, b.parent.parent / "data" / b.stem
        assert (data_a / "indicators.csv").read_bytes() == (data_b / "indicators.csv").read_bytes()
