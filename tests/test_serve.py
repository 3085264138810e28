"""`jixiao preview`: the report on localhost, updated after a save, problems shown on the page."""

import re
import threading
import time
import urllib.request

from conftest import copy_example
from jixiao import serve


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


def test_serves_the_report_and_updates_after_a_save(tmp_path, monkeypatch):
    params = copy_example(tmp_path)
    monkeypatch.chdir(tmp_path)
    lines, stop = [], threading.Event()
    thread = threading.Thread(target=serve.preview, args=(params, 0, lines.append, stop), daemon=True)
    thread.start()
    deadline = time.time() + 300
    while not any("预览地址" in line for line in lines) and time.time() < deadline:
        time.sleep(0.2)
    url = re.search(r"http://127\.0\.0\.1:\d+/", next(line for line in lines if "预览地址" in line)).group(0)
    page = _get(url)
    assert "90.71" in page and "fetch(\"/version\")" in page
    assert not (tmp_path / "output" / "shanghai-credit-2018").exists()  # the preview publishes nothing
    version = _get(url + "version")

    params.write_text(params.read_text(encoding="utf-8").replace("total: 4000000", "total: 4000001"), encoding="utf-8")
    deadline = time.time() + 300
    while _get(url + "version") == version and time.time() < deadline:
        time.sleep(0.2)
    assert "预览未更新" in _get(url) and "budget.total" in _get(url)
    stop.set()
    thread.join(timeout=10)
    assert any("预览已结束" in line for line in lines) or not thread.is_alive()


class _SlowBuilder:
    """A preview whose rebuild takes a second, recording what it saw."""

    def __init__(self, path):
        self.path, self.seen, self.started = path, [], threading.Event()

    def watched(self):
        return [self.path]

    def rebuild(self):
        self.seen.append(self.path.read_text(encoding="utf-8"))
        self.started.set()
        time.sleep(1.0)


def test_a_save_made_during_a_rebuild_is_rebuilt_after_it(tmp_path):
    path = tmp_path / "chapter.ipynb"
    path.write_text("v0", encoding="utf-8")
    builder, stop = _SlowBuilder(path), threading.Event()
    before = serve._stamps(builder.watched())
    thread = threading.Thread(target=serve.watch, args=(builder, builder.rebuild, stop, before), daemon=True)
    thread.start()
    time.sleep(0.5)
    path.write_text("v1", encoding="utf-8")
    assert builder.started.wait(10)
    path.write_text("v2", encoding="utf-8")  # two saves 0.5 s apart while the first rebuild runs
    time.sleep(0.5)
    path.write_text("v3 the last edit", encoding="utf-8")
    deadline = time.time() + 15
    while builder.seen[-1] != "v3 the last edit" and time.time() < deadline:
        time.sleep(0.1)
    stop.set()
    thread.join(timeout=10)
    assert builder.seen[0] == "v1" and builder.seen[-1] == "v3 the last edit"


# ---------------------------------------------------------------- DNS rebinding

import http.client  # noqa: E402
from http.server import ThreadingHTTPServer  # noqa: E402

import pytest  # noqa: E402


@pytest.fixture
def server(tmp_path):
    (tmp_path / "report.html").write_text("<html><body>内部版 叶东晖</body></html>", encoding="utf-8")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), serve._handler(serve.State(tmp_path)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield httpd.server_address[1]
    httpd.shutdown()


def _status(port, host, path="/"):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.putrequest("GET", path, skip_host=True)
    if host is not None:
        connection.putheader("Host", host)
    connection.endheaders()
    response = connection.getresponse()
    return response.status, response.read().decode("utf-8", "replace")


@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "127.0.0.1.evil.example", "localhost.evil.example",
                                  "10.0.0.5:{port}", "[::1]:{port}", "127.0.0.1:1", "", None, "localhost:{port}@evil"])
def test_a_page_of_another_site_cannot_read_the_preview(server, host):
    """A rebound DNS name reaches 127.0.0.1 with its own Host header: refused, the report never sent."""
    status, body = _status(server, host.format(port=server) if host else host)
    assert status == 403 and "叶东晖" not in body
    assert _status(server, host.format(port=server) if host else host, "/version")[0] == 403


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LOCALHOST:{port}", "localhost", "127.0.0.1"])
def test_the_preview_answers_its_own_addresses(server, host):
    status, body = _status(server, host.format(port=server))
    assert status == 200 and "叶东晖" in body
