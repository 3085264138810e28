"""A batch on a Dask distributed cluster: one task per project.

Each task receives the project's inputs as a zip (parameter file, data folder, the
project's own notebooks if it has them) and returns its output folder as a zip, so the
workers need no filesystem shared with the caller. The caller unpacks each folder into
its own ``output/<name>/`` and records the inputs' fingerprint there. Workers need the
same jixiao installed (``pip install 'jixiao[cluster]'``).
"""

import io
import shutil
import threading
import time
import zipfile
from pathlib import Path
from tempfile import TemporaryDirectory

import yaml

from ..assemble import cache
from .batch import FAILED, INVALID, Outcome, run_one
from ..config import output_dir, project_root
from ..errors import InputError, RunFailure
from ..inputs.params import read_yaml
from ..assemble.runner import swap_in

# One project at a time per worker process: papermill changes the working directory and
# execute.py redirects stderr, both process-wide.
_LOCK = threading.Lock()


def _zip_folder(folder: Path, archive: zipfile.ZipFile, prefix: str) -> None:
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            archive.write(path, f"{prefix}/{path.relative_to(folder).as_posix()}")


def pack(params_path: Path) -> bytes:
    """The project's inputs laid out as params/<name>.yaml, data/<name>/, notebooks/."""
    raw = read_yaml(params_path)
    if not isinstance(raw.get("data_dir"), str):
        raise InputError(f"{params_path}：缺少必填项『data_dir』，请补上")
    data_dir = params_path.parent / raw["data_dir"]
    name = params_path.stem
    raw["data_dir"] = f"../data/{name}"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"params/{name}.yaml", yaml.safe_dump(raw, allow_unicode=True, sort_keys=False))
        if data_dir.is_dir():
            _zip_folder(data_dir, archive, f"data/{name}")
        own = project_root(params_path) / "notebooks"
        if own.is_dir():
            _zip_folder(own, archive, "notebooks")
    return buffer.getvalue()


def task(name: str, bundle: bytes, formats: list[str], engine: str, verbose: bool,
         redacted: bool = False) -> tuple[Outcome, bytes]:
    """Run on a worker: unpack, run the project, return its outcome and zipped output."""
    with _LOCK, TemporaryDirectory(prefix="jixiao-task-") as tmp:
        root = Path(tmp)
        zipfile.ZipFile(io.BytesIO(bundle)).extractall(root)
        params = root / "params" / f"{name}.yaml"
        outcome = run_one(str(params), formats, engine, verbose, redacted=redacted)
        outcome.message = outcome.message.replace(str(root), "<集群工作节点>")
        if outcome.code:
            return outcome, b""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            _zip_folder(root / "output" / name, archive, name)
        return outcome, buffer.getvalue()


def unpack(params_path: Path, archive: bytes, fingerprint: dict, engine: str, formats: list[str],
           redacted: bool = False) -> None:
    """The returned folder into the caller's output/<name>/, replacing the old one on success."""
    final = output_dir(params_path)
    build = final.parent / f".build-{final.name}"
    staging = final.parent / f".cluster-{final.name}"
    for folder in (build, staging):
        shutil.rmtree(folder, ignore_errors=True)
    zipfile.ZipFile(io.BytesIO(archive)).extractall(staging)
    (staging / final.name).rename(build)
    staging.rmdir()
    cache.write(build, fingerprint, engine, formats, redacted)
    swap_in(build, final)


def _client(address: str):
    try:
        from distributed import Client
    except ImportError:
        raise InputError("使用 --cluster 需要安装 Dask distributed：pip install 'jixiao[cluster]'") from None
    try:
        return Client(address, timeout="10s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise RunFailure(f"无法连接 Dask 集群 {address}：{exc}，请检查地址以及调度器是否已启动") from None


def run_on_cluster(address: str, paths: list[str], formats: list[str], engine: str, verbose: bool,
                   redacted: bool = False):
    """Submit one task per project; yield outcomes as they come back."""
    if not paths:
        return
    from distributed import as_completed

    client = _client(address)
    try:
        futures = {}
        for path in paths:
            params = Path(path)
            started = time.perf_counter()
            fingerprint = cache.fingerprint(params, engine)
            try:
                bundle = pack(params)
            except InputError as exc:
                yield Outcome(path, INVALID, 1, seconds=time.perf_counter() - started,
                              message="\n".join(exc.messages))
                continue
            future = client.submit(task, params.stem, bundle, formats, engine, verbose, redacted, pure=False,
                                   key=f"jixiao-{params.stem}-{time.time_ns()}")
            futures[future] = (path, fingerprint, started)
        for future in as_completed(futures):
            path, fingerprint, started = futures[future]
            try:
                outcome, archive = future.result()
            except Exception as exc:  # a lost worker or an unpicklable result
                yield Outcome(path, FAILED, 2, seconds=time.perf_counter() - started,
                              message=f"集群任务失败：{type(exc).__name__}: {exc}")
                continue
            outcome.path = path
            if not outcome.code:
                unpack(Path(path), archive, fingerprint, engine, formats, redacted)
            yield outcome
    finally:
        client.close()
