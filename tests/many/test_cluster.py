"""--cluster: a batch through a local Dask scheduler and two workers on loopback."""

import json

import pytest

from conftest import jixiao

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def scheduler():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        yield cluster.scheduler_address


def test_batch_runs_on_the_cluster_and_comes_back(scheduler, synthetic):
    paths = synthetic(2)
    root = paths[0].parent.parent
    done = jixiao("run", *paths, "--to", "html", "--engine", "builtin", "--cluster", scheduler, cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    for path in paths:
        folder = root / "output" / path.stem
        summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
        assert f"{path.stem}.yaml：完成  {summary['total']} {summary['grade']}" in done.stdout
        assert (folder / "report.html").stat().st_size > 0
        assert len(list((folder / "notebooks").glob("*.ipynb"))) == 6
    again = jixiao("run", *paths, "--to", "html", "--engine", "builtin", cwd=root)
    assert again.stdout.count("未变化，跳过") == 4, again.stdout


def test_an_unreachable_scheduler_is_a_clear_failure(example):
    done = jixiao("run", example, "--to", "html", "--cluster", "tcp://127.0.0.1:9", cwd=example.parent.parent)
    assert done.returncode == 2
    assert "无法连接 Dask 集群" in done.stderr and "Traceback" not in done.stderr
