"""``jixiao preview``: the HTML report served on localhost, rebuilt whenever a notebook, the
parameter file or a data file is saved (watched with ``watchfiles``; a save made while a rebuild
runs is seen when it ends, never lost). The page reloads itself when a new build is ready; an
input problem shows as a page listing the messages until it is fixed. Only the served copy
carries the reload script; nothing is published from the preview folder.
"""

import html
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .assemble.preview import Preview
from .config import output_dir
from .errors import JixiaoError

DEBOUNCE_MS = 200  # saves closer together than this are one change
RELOAD = """<script>
(function () {{ var seen = "{version}";
  setInterval(function () {{ fetch("/version").then(function (r) {{ return r.text(); }})
    .then(function (v) {{ if (v !== seen) location.reload(); }}).catch(function () {{}}); }}, 500); }})();
</script>"""


class State:
    """What the server shows: the build's version, the report, or the problems of the last try."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.version = 0
        self.problems: list[str] = []
        self.lock = threading.Lock()

    def page(self) -> bytes:
        with self.lock:
            version, problems = self.version, list(self.problems)
        script = RELOAD.format(version=version)
        if problems:
            items = "".join(f"<li>{html.escape(p)}</li>" for p in problems)
            body = f"<h1>预览未更新：请先改正以下问题</h1><ul>{items}</ul>"
            return f"<!DOCTYPE html><meta charset='utf-8'><body>{body}{script}</body>".encode()
        report = (self.folder / "report.html").read_text(encoding="utf-8")
        return report.replace("</body>", script + "</body>", 1).encode()

    def done(self, problems: list[str]) -> None:
        with self.lock:
            self.version += 1
            self.problems = problems


LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def local_host(header: str | None, port: int) -> bool:
    """Whether a request's ``Host:`` names this machine's preview: 127.0.0.1 or localhost, on the
    preview's port. Any other name is a page of another site reaching 127.0.0.1 by DNS rebinding."""
    host = (header or "").strip().lower()
    name, _, given = host.partition(":")  # an IPv6 literal ([::1]) is not ours: the preview binds 127.0.0.1
    return name.rstrip(".") in LOCAL_HOSTS and (not given or given == str(port))


def _handler(state: State):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            if not local_host(self.headers.get("Host"), self.server.server_address[1]):
                self.send_error(403, "Preview answers only http://127.0.0.1 and http://localhost")
                return
            if self.path == "/version":
                body, kind = str(state.version).encode(), "text/plain"
            elif self.path in ("/", "/index.html", "/report.html"):
                body, kind = state.page(), "text/html; charset=utf-8"
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args):
            pass

    return Handler


def _stamps(paths: list[Path]) -> dict[Path, tuple]:
    stamps = {}
    for path in paths:
        try:
            info = path.stat()
            stamps[path] = (info.st_mtime_ns, info.st_size)
        except OSError:
            stamps[path] = None
    return stamps


def _folders(paths: list[Path]) -> list[Path]:
    return sorted({p.parent for p in paths if p.parent.is_dir()})


def watch(builder: Preview, rebuild, stop, before: dict) -> None:
    """Call ``rebuild`` after every change of the watched files until ``stop`` is set. The files'
    stamps are taken before each rebuild, so a save during it makes the next one (the same when
    the file system's events are missed: the stamps are compared at least every second)."""
    import watchfiles

    while not stop.is_set():
        folders = _folders(builder.watched())
        for _changes in watchfiles.watch(*folders, stop_event=stop, debounce=DEBOUNCE_MS, step=50,
                                         rust_timeout=1000, yield_on_timeout=True):
            now = _stamps(builder.watched())
            if now != before:
                before = now
                rebuild()
            if _folders(builder.watched()) != folders:
                break  # a new folder to watch (a text file moved, another outline)


def _rebuild(preview: Preview, state: State, log) -> None:
    started = time.perf_counter()
    try:
        again = preview.build()
    except JixiaoError as exc:
        state.done(exc.messages)
        log(f"✗ 预览未更新，页面列出了问题（{len(exc.messages)} 处）")
        return
    except Exception as exc:  # the preview keeps running; the page says what went wrong
        state.done([f"运行时发生意外错误：{type(exc).__name__}: {exc}"])
        log(f"✗ 预览未更新：{type(exc).__name__}: {exc}")
        return
    state.done([])
    log(f"✓ 已更新（重新执行：{'、'.join(again) or '无'}）{time.perf_counter() - started:.1f} 秒")


def preview(params_path: Path, port: int, log=print, stop: threading.Event | None = None) -> int:
    """Build, serve and rebuild on every save until Ctrl-C (or until ``stop`` is set)."""
    folder = output_dir(params_path).parent / f".preview-{params_path.stem}"
    builder = Preview(params_path, folder, log)
    state = State(folder)
    before = _stamps(builder.watched())
    _rebuild(builder, state, log)
    server = ThreadingHTTPServer(("127.0.0.1", port), _handler(state))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    log(f"预览地址：http://127.0.0.1:{server.server_address[1]}/ （保存笔记本、参数文件或数据后自动更新；Ctrl-C 结束）")
    try:
        watch(builder, lambda: _rebuild(builder, state, log), stop or threading.Event(), before)
    except KeyboardInterrupt:
        log("预览已结束")
    finally:
        server.shutdown()
    return 0
