"""A batch on a Dask distributed cluster: one task per project.

Each task receives the project's inputs as a zip (parameter file, data folder, the
project's own notebooks if it has them) and returns its output folder as a zip, so the
workers need no filesystem shared with the caller. The caller unpacks each folder into
its own ``output/<name>/`` and records the inputs' fingerprint there. Workers need the
same jixiao installed (``pip install 'jixiao[cluster]'``).
"""

import io
import re
import shutil
import stat
import threading
import time
import zipfile
from pathlib import Path, PurePosixPath
from tempfile import TemporaryDirectory

import yaml

from .. import limits
from ..assemble import cache
from .batch import FAILED, INVALID, Outcome, run_one
from ..config import output_dir, project_root
from ..errors import InputError, RunFailure
from ..inputs.files import regular_files
from ..inputs.params import read_yaml
from ..assemble.runner import swap_in

BUNDLE_FOLDERS = {"params", "data", "notebooks"}  # what a task's bundle may hold

# One project at a time per worker process: papermill changes the working directory and
# execute.py redirects stderr, both process-wide.
_LOCK = threading.Lock()


def _zip_folder(folder: Path, archive: zipfile.ZipFile, prefix: str) -> None:
    """The folder's regular files inside it: a symlink out of it or a FIFO is not packed."""
    for path in regular_files(folder):
        archive.write(path, f"{prefix}/{path.relative_to(folder.resolve()).as_posix()}")


def check_members(archive: zipfile.ZipFile, folders: set[str], where: str) -> None:
    """Refuse a zip whose entries would land outside the folder it is unpacked in (an absolute path,
    a drive, ``..``, a symlink entry) or outside ``folders``, or that unpacks beyond the limits."""
    entries = archive.infolist()
    if len(entries) > limits.BUNDLE_FILES:
        raise InputError(f"{where}：压缩包有 {len(entries):,} 个文件，超过上限 {limits.BUNDLE_FILES:,}，已拒绝")
    size = 0
    for entry in entries:
        name = entry.filename
        parts = PurePosixPath(name.replace("\\", "/")).parts
        if (not parts or name.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", name) or ".." in parts
                or parts[0] not in folders or stat.S_ISLNK(entry.external_attr >> 16)):
            raise InputError(f"{where}：压缩包中的『{name}』会解压到工作目录之外（或是符号链接），已拒绝整个压缩包")
        size += entry.file_size
    if size > limits.BUNDLE_BYTES:
        raise InputError(f"{where}：压缩包解压后有 {size / limits.MB:.0f} MB，超过上限 {limits.BUNDLE_BYTES / limits.MB:g} MB，已拒绝")


def pack(params_path: Path) -> bytes:
    """The project's inputs laid out as params/<name>.yaml, data/<name>/, notebooks/."""
    raw = read_yaml(params_path)
    if not isinstance(raw.get("data_dir"), str):
        raise InputError(f"{params_path}：缺少必填项『data_dir』，请补上")
    data_dir = (params_path.parent / raw["data_dir"]).resolve()
    root = params_path.parent.resolve().parent
    if not data_dir.is_relative_to(root):  # as load_project refuses it: nothing outside is packed
        raise InputError(f"{params_path}：data_dir『{raw['data_dir']}』指向 {data_dir}，在项目文件夹 {root} 之外；"
                         "数据目录应在项目文件夹之内，如 ../data/<项目名>")
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
        try:
            archive = zipfile.ZipFile(io.BytesIO(bundle))
            check_members(archive, BUNDLE_FOLDERS, f"集群任务 {name}")
        except (InputError, zipfile.BadZipFile) as exc:
            message = "\n".join(exc.messages) if isinstance(exc, InputError) else f"集群任务 {name}：压缩包已损坏"
            return Outcome(name, INVALID, 1, message=message), b""
        archive.extractall(root)
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
    returned = zipfile.ZipFile(io.BytesIO(archive))
    try:
        check_members(returned, {final.name}, f"集群返回的 {final.name} 输出")
    except InputError as exc:
        raise RunFailure(exc.messages) from None
    returned.extractall(staging)
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
                try:
                    unpack(Path(path), archive, fingerprint, engine, formats, redacted)
                except RunFailure as exc:
                    outcome = Outcome(path, FAILED, 2, seconds=outcome.seconds, message="\n".join(exc.messages))
            yield outcome
    finally:
        client.close()
