"""A screenshot of a figure's source tooltip in headless Chromium, as a reader sees it on hover.

    python benchmarks/provenance_screenshot.py output/shanghai-credit-2018 --figure 90.71 --out tooltip.png

Takes the paragraph or table row of report.html holding the first figure printed as ``--figure`` (or
``--id src-12``), moves the mouse onto it through the DevTools protocol (a real hover, as a reader's
mouse does) and takes the picture; prints whether Chromium sees the figure hovered and the tooltip's
text as it computed it, so the check does not rest on the picture alone.
"""

import argparse
import asyncio
import base64
import json
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

PROBE = ("(() => {{ const e = document.getElementById('{id}'); const r = e.getBoundingClientRect();"
         " return JSON.stringify({{x: r.x + r.width / 2, y: r.y + r.height / 2}}); }})()")
TIP = ("(() => {{ const e = document.getElementById('{id}');"
       " return JSON.stringify({{hovered: e.matches(':hover'), tip: getComputedStyle(e, '::after').content}}); }})()")


def section(page: str, figure_id: str) -> str:
    """The page's head and the figure's paragraph, or its table's caption, header and row: near the
    top, so nothing scrolls (headless screenshots of a scrolled page come out blank)."""
    at = page.index(f'id="{figure_id}"')
    paragraph, table = page.rfind("<p", 0, at), page.rfind("<table", 0, at)
    if table > paragraph and page.find("</table>", table) > at:
        head_end = page.find("</thead>", table)
        head_end = head_end + len("</thead>") if 0 < head_end < at else page.find(">", table) + 1
        row = page.rfind("<tr", 0, at)
        body = page[table:head_end] + "<tbody>" + page[row:page.find("</tr>", at) + len("</tr>")] + "</tbody></table>"
    else:
        body = page[paragraph:page.find("</p>", at) + len("</p>")]
    return (page[:page.index("<body")] + '<body><main style="max-width: 46em; margin: 2em auto">'
            + body + "</main></body></html>")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path, help="output/<项目>/")
    parser.add_argument("--figure", default="90.71", help="the figure's text as printed")
    parser.add_argument("--id", help="the figure's id in provenance.json (src-12), instead of --figure")
    parser.add_argument("--out", type=Path, default=Path("tooltip.png"))
    args = parser.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if chromium is None:
        print("未找到 Chromium", file=sys.stderr)
        return 2
    page = (args.output / "report.html").read_text(encoding="utf-8")
    figure_id = args.id or re.search(r'id="(src-\d+)"[^>]*>' + re.escape(args.figure) + "</span>", page).group(1)
    with tempfile.TemporaryDirectory() as tmp:
        cut = Path(tmp) / "figure.html"
        cut.write_text(section(page, figure_id), encoding="utf-8")
        seen, png = asyncio.run(_hover(chromium, Path(tmp), cut.as_uri(), figure_id))
    args.out.write_bytes(png)
    print(f"{figure_id} → {args.out}（悬停：{'是' if seen['hovered'] else '否'}）")
    print(seen["tip"])
    return 0 if seen["hovered"] and seen["tip"].startswith('"来源：') else 1


async def _hover(chromium: str, tmp: Path, url: str, figure_id: str) -> tuple[dict, bytes]:
    """Open ``url`` in headless Chromium, move the mouse onto the figure, return what Chromium sees and a PNG."""
    from tornado.websocket import websocket_connect

    profile = tmp / "profile"
    browser = subprocess.Popen([chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                                "--window-size=1100,560", "--remote-debugging-port=0", f"--user-data-dir={profile}",
                                "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        port_file = profile / "DevToolsActivePort"
        for _ in range(200):
            if port_file.exists() and len(port_file.read_text().split()) >= 1:
                break
            await asyncio.sleep(0.05)
        port = port_file.read_text().split()[0]
        targets = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/json").read())
        page = next(t for t in targets if t["type"] == "page")
        ws = await websocket_connect(page["webSocketDebuggerUrl"], max_message_size=64 * 1024 * 1024)
        calls = iter(range(1, 10**6))

        async def call(method, **params):
            number = next(calls)
            ws.write_message(json.dumps({"id": number, "method": method, "params": params}))
            while True:
                reply = json.loads(await ws.read_message())
                if reply.get("id") == number:
                    return reply.get("result", {})

        await call("Page.enable")
        await call("Page.navigate", url=url)
        await asyncio.sleep(1.5)
        where = json.loads((await call("Runtime.evaluate", expression=PROBE.format(id=figure_id)))["result"]["value"])
        await call("Input.dispatchMouseEvent", type="mouseMoved", x=where["x"], y=where["y"])
        await asyncio.sleep(0.3)
        seen = json.loads((await call("Runtime.evaluate", expression=TIP.format(id=figure_id)))["result"]["value"])
        shot = await call("Page.captureScreenshot", format="png")
        ws.close()
        return seen, base64.b64decode(shot["data"])
    finally:
        browser.terminate()
        browser.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
