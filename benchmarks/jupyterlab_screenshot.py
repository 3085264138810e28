"""What an analyst sees in JupyterLab after Run All: a chapter notebook executed on a copy of the
example (papermill, the jixiao engine: Markdown cells' {eval} values kept in their metadata, as
jupyterlab-myst keeps them), opened in a real JupyterLab with jupyterlab-myst, screenshotted by
headless Chromium; the rendered page's text is checked for the values inside the sentences and
the numbered captions.

    python benchmarks/jupyterlab_screenshot.py [--chapter 03_conclusion] [--out jupyterlab.png]

Needs `pip install -e .[lab]` (JupyterLab with jupyterlab-myst) and Chromium (Debian `chromium`).
"""

import argparse
import html
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import papermill as pm

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from conftest import copy_example  # noqa: E402

EXPECTED = {"03_conclusion": ["总得分为 90.71 分", "表 3-1", "项目评分汇总表", "表 3-2"]}


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    raise SystemExit("需要 Chromium（Debian：apt-get install chromium）")


def capture(chapter: str, out: Path) -> str:
    """Screenshot ``chapter`` as JupyterLab shows it after Run All; return the page's text."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        copy_example(root)
        shutil.copytree(ROOT / "notebooks", root / "notebooks")
        notebook = root / "notebooks" / f"{chapter}.ipynb"
        pm.execute_notebook(str(notebook), str(notebook), cwd=str(root / "notebooks"), progress_bar=False)
        port = _port()
        lab = subprocess.Popen([sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root",
                                f"--port={port}", "--ServerApp.token=", "--ServerApp.password=",
                                "--ServerApp.ip=127.0.0.1", f"--notebook-dir={root}",
                                "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            url = f"http://127.0.0.1:{port}/lab/tree/notebooks/{chapter}.ipynb?reset"
            deadline = time.time() + 60
            while time.time() < deadline:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/api", timeout=2)
                    break
                except OSError:
                    time.sleep(0.5)
            browser = [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                       "--window-size=1280,2400", "--virtual-time-budget=30000", "--run-all-compositor-stages-before-draw"]
            subprocess.run([*browser, f"--screenshot={out}", url], capture_output=True, timeout=180)
            dom = subprocess.run([*browser, "--dump-dom", url], capture_output=True, text=True, timeout=180).stdout
        finally:
            lab.terminate()
            lab.wait(timeout=30)
    return dom


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chapter", default="03_conclusion")
    parser.add_argument("--out", type=Path, default=Path("jupyterlab.png"))
    args = parser.parse_args()
    dom = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", capture(args.chapter, args.out.resolve()))))
    print(f"截图：{args.out}")
    missing = [text for text in EXPECTED.get(args.chapter, []) if text not in dom]
    print("页面中缺少：" + "、".join(missing) if missing else "页面中的数字和表号都已显示：" + "、".join(EXPECTED.get(args.chapter, [])))
    sys.exit(1 if missing else 0)


if __name__ == "__main__":
    main()
