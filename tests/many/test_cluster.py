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
        assert len(list((folder / "notebooks").glob("*.ipynb"))) == 7
    again = jixiao("run", *paths, "--to", "html", "--engine", "builtin", cwd=root)
    assert again.stdout.count("未变化，跳过") == 4, again.stdout


def test_an_unreachable_scheduler_is_a_clear_failure(example):
    done = jixiao("run", example, "--to", "html", "--cluster", "tcp://127.0.0.1:9", cwd=example.parent.parent)
    assert done.returncode == 2
    assert "无法连接 Dask 集群" in done.stderr and "Traceback" not in done.stderr


# ---------------------------------------------------------------- bundles whose paths leave their folder

import io  # noqa: E402
import os  # noqa: E402
import stat  # noqa: E402
import zipfile  # noqa: E402

from jixiao.many import cluster  # noqa: E402


def _bundle(entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data, mode in entries:
            info = zipfile.ZipInfo(name)
            if mode:
                info.external_attr = mode << 16
            archive.writestr(info, data)
    return buffer.getvalue()


@pytest.mark.parametrize("name, mode", [
    ("../../../tmp/jixiao-escaped.txt", 0), ("/tmp/jixiao-escaped.txt", 0), ("data/x/../../../escaped.txt", 0),
    ("C:/Windows/escaped.txt", 0), ("..\\..\\escaped.txt", 0), ("output/x/report.html", 0),
    ("data/x/link.md", stat.S_IFLNK | 0o777),
])
def test_a_worker_refuses_a_bundle_whose_paths_leave_its_folder(tmp_path, name, mode):
    """Nothing of the bundle is unpacked, nothing is run: an input error naming the entry."""
    bundle = _bundle([("params/x.yaml", b"{}", 0), (name, b"/etc/passwd" if mode else b"escaped", mode)])
    outcome, archive = cluster.task("x", bundle, ["html"], "builtin", False)
    assert outcome.code == 1 and name in outcome.message and "工作目录之外" in outcome.message
    assert archive == b"" and not os.path.exists("/tmp/jixiao-escaped.txt")


def test_a_worker_refuses_a_bundle_that_unpacks_too_large(monkeypatch):
    from jixiao import limits

    monkeypatch.setattr(limits, "BUNDLE_BYTES", 1000)
    outcome, _ = cluster.task("x", _bundle([("data/x/big.csv", b"0" * 2000, 0)]), ["html"], "builtin", False)
    assert outcome.code == 1 and "超过上限" in outcome.message


def test_the_caller_refuses_returned_output_that_leaves_its_folder(tmp_path):
    from jixiao.errors import RunFailure

    (tmp_path / "params").mkdir()
    params = tmp_path / "params" / "x.yaml"
    with pytest.raises(RunFailure) as err:
        cluster.unpack(params, _bundle([("x/report.html", b"ok", 0), ("../../evil.txt", b"x", 0)]), {}, "builtin", ["html"])
    assert "../../evil.txt" in err.value.messages[0]
    assert not (tmp_path / "evil.txt").exists() and not (tmp_path / "output" / "x").exists()


def test_a_bundle_packs_no_link_out_of_the_data_folder_and_no_data_folder_outside(example, tmp_path):
    data = example.parent.parent / "data" / "shanghai-credit-2018"
    (tmp_path / "secret.md").write_text("SECRET", encoding="utf-8")
    (data / "texts" / "leak.md").symlink_to(tmp_path / "secret.md")
    os.mkfifo(data / "pipe")
    names = zipfile.ZipFile(io.BytesIO(cluster.pack(example))).namelist()
    assert "data/shanghai-credit-2018/texts/background.md" in names
    assert not [n for n in names if n.endswith(("leak.md", "pipe"))]
    example.write_text(example.read_text(encoding="utf-8").replace("data_dir: ../data/shanghai-credit-2018",
                                                                   "data_dir: ../../../../../../etc"), encoding="utf-8")
    from jixiao.errors import InputError

    with pytest.raises(InputError) as err:
        cluster.pack(example)
    assert "项目文件夹" in err.value.messages[0]
