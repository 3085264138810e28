"""Chinese fonts: finding them on the system, and installing Noto CJK when allowed.

Run ``python -m jixiao.fonts --ensure`` (``make setup`` does) to make sure a CJK
font exists: as root on Debian/Ubuntu it installs ``fonts-noto-cjk`` through apt;
otherwise it tells the user what to install.
"""

import os
import shutil
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

FONT_DIRS = [
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "~/.local/share/fonts",
    "~/.fonts",
    "/Library/Fonts",
    "/System/Library/Fonts",
    "C:/Windows/Fonts",
]

# File name → family name, in order of preference.
SERIF = {
    "simsun.ttc": "SimSun",
    "simfang.ttf": "FangSong",
    "NotoSerifCJK-Regular.ttc": "Noto Serif CJK SC",
    "NotoSerifCJKsc-Regular.otf": "Noto Serif CJK SC",
    "SourceHanSerifSC-Regular.otf": "Source Han Serif SC",
}
SANS = {
    "simhei.ttf": "SimHei",
    "NotoSansCJK-Regular.ttc": "Noto Sans CJK SC",
    "NotoSansCJKsc-Regular.otf": "Noto Sans CJK SC",
    "SourceHanSansSC-Regular.otf": "Source Han Sans SC",
    "msyh.ttc": "Microsoft YaHei",
    "wqy-microhei.ttc": "WenQuanYi Micro Hei",
    "wqy-zenhei.ttc": "WenQuanYi Zen Hei",
}


@lru_cache(maxsize=1)
def _index() -> dict[str, Path]:
    found = {}
    for root in FONT_DIRS:
        base = Path(os.path.expanduser(root))
        if not base.is_dir():
            continue
        for path in base.rglob("*"):
            if path.suffix.lower() in (".ttf", ".ttc", ".otf"):
                found.setdefault(path.name.lower(), path)
    return found


def _pick(table: dict) -> tuple[str, Path] | None:
    index = _index()
    for name, family in table.items():
        if name.lower() in index:
            return family, index[name.lower()]
    return None


def serif() -> tuple[str, Path] | None:
    """(family, file) of the preferred CJK serif font, or None."""
    return _pick(SERIF) or _pick(SANS)


def sans() -> tuple[str, Path] | None:
    """(family, file) of the preferred CJK sans font, or None."""
    return _pick(SANS) or _pick(SERIF)


def metadata() -> dict:
    """The chosen families as document metadata, which the Typst template reads."""
    return {"serif-fonts": [f[0] for f in [serif()] if f], "sans-fonts": [f[0] for f in [sans()] if f]}


def font_dirs() -> list[str]:
    """Folders holding the chosen CJK fonts, for Typst's font search."""
    return sorted({str(p.parent) for _, p in filter(None, (serif(), sans()))})


MISSING = (
    "未找到中文字体。请安装思源/Noto CJK 字体后重试：\n"
    "  Debian/Ubuntu：sudo apt-get install fonts-noto-cjk\n"
    "  其他系统：安装任一中文字体（宋体 simsun.ttc、黑体 simhei.ttf 或 Noto Sans/Serif CJK）"
)


def missing() -> str | None:
    """The message to show when charts and PDF would have no Chinese font (empty boxes), else
    None. Every format needs one: charts are drawn for HTML and Word too."""
    return None if serif() and sans() else MISSING


def ensure() -> int:
    """Install fonts-noto-cjk through apt when root and no CJK font exists."""
    if sans():
        return 0
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        print("未找到中文字体，正在通过 apt 安装 fonts-noto-cjk …", flush=True)
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)
        done = subprocess.run(["apt-get", "install", "-y", "-qq", "fonts-noto-cjk"], env=env)
        _index.cache_clear()
        if done.returncode == 0 and sans():
            return 0
    print(MISSING, file=sys.stderr)
    return 1


if __name__ == "__main__":
    if "--ensure" in sys.argv:
        sys.exit(ensure())
    print(serif(), sans())
