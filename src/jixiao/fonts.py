"""The report's typography, one for every format, and the fonts that carry it on this machine.

The specification (GB/T 9704 roles where the reference report is silent; sizes in 号):

| role | family | size |
| --- | --- | --- |
| body | 仿宋 | 小四 (12 pt), lines 22 pt apart |
| level-1 heading (bold), captions, table header, cover title | 黑体 | 三号 (16 pt); cover title 二号 |
| level-2 heading | 楷体 (bold) | 四号 (14 pt) |
| level-3 and lower headings | 黑体 (bold) | 小四 (12 pt) |
| tables | 仿宋 | 五号 (10.5 pt), single spacing |
| running header, page number | 仿宋 | 小五 (9 pt) / 四号 (14 pt) 「— 1 —」 |
| Latin letters and digits | Times New Roman | as the text around them |

Word names the Windows fonts (仿宋_GB2312, 黑体, 楷体_GB2312, Times New Roman; the font table
gives each its alternate name, which Word, WPS and LibreOffice substitute). The PDF embeds the
first font of each chain found on this machine (FALLBACKS: Windows, macOS, then free fonts on
Linux); the HTML lists the same chain in CSS and the reader's browser picks. Where no 仿宋 or
楷体 is installed, 仿宋 falls back to a Song (serif) face and 楷体 to the 黑体 face.

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

# Sizes in 号, in points.
HAO = {"二号": 22, "小二": 18, "三号": 16, "小三": 15, "四号": 14, "小四": 12, "五号": 10.5, "小五": 9}
# role → (family role, size in 号, bold)
ROLES = {
    "body": ("仿宋", "小四", False),
    "title": ("黑体", "二号", True),
    "heading1": ("黑体", "三号", True),
    "heading2": ("楷体", "四号", True),
    "heading3": ("黑体", "小四", True),
    "table": ("仿宋", "五号", False),
    "caption": ("黑体", "五号", False),
    "header": ("仿宋", "小五", False),
    "page-number": ("仿宋", "四号", False),
}
LINE_PITCH = 22  # points between the baselines of body lines (固定值 22 磅)
# The name Word is given for each family role, and its alternate name.
WORD_NAMES = {"仿宋": ("仿宋_GB2312", "仿宋"), "黑体": ("黑体", "SimHei"), "楷体": ("楷体_GB2312", "楷体"),
              "latin": ("Times New Roman", "Times New Roman")}
# The family chain per role, per system, as CSS and jixiao check name it.
FALLBACKS = {
    "仿宋": {"Windows": ["仿宋_GB2312", "FangSong"], "macOS": ["STFangsong"],
             "Linux": ["Noto Serif CJK SC", "Source Han Serif SC"]},
    "黑体": {"Windows": ["SimHei", "Microsoft YaHei"], "macOS": ["STHeiti", "PingFang SC"],
             "Linux": ["Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei"]},
    "楷体": {"Windows": ["KaiTi_GB2312", "KaiTi"], "macOS": ["STKaiti"], "Linux": ["AR PL UKai CN"]},
    "latin": {"Windows": ["Times New Roman"], "macOS": ["Times New Roman", "Times"],
              "Linux": ["Liberation Serif", "TeX Gyre Termes", "Nimbus Roman"]},
}

# File name → family name, in order of preference (the PDF's fonts).
SERIF = {
    "simfang.ttf": "FangSong",
    "STFANGSO.TTF": "STFangsong",
    "simsun.ttc": "SimSun",
    "NotoSerifCJK-Regular.ttc": "Noto Serif CJK SC",
    "NotoSerifCJKsc-Regular.otf": "Noto Serif CJK SC",
    "SourceHanSerifSC-Regular.otf": "Source Han Serif SC",
}
KAI = {
    "simkai.ttf": "KaiTi",
    "STKAITI.TTF": "STKaiti",
    "ukai.ttc": "AR PL UKai CN",
}
LATIN = {
    "times.ttf": "Times New Roman",
    "Times New Roman.ttf": "Times New Roman",
    "LiberationSerif-Regular.ttf": "Liberation Serif",
    "texgyretermes-regular.otf": "TeX Gyre Termes",
    "NimbusRoman-Regular.otf": "Nimbus Roman",
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


def kai() -> tuple[str, Path] | None:
    """(family, file) of the 楷体 font for level-2 headings; the 黑体 face where none is installed."""
    return _pick(KAI) or sans()


def latin() -> tuple[str, Path] | None:
    """(family, file) of the Times-like font for Latin letters and digits, or None (the CJK
    font's own Latin glyphs)."""
    return _pick(LATIN)


def metadata() -> dict:
    """The chosen families and the sizes in points as document metadata, which the Typst
    template reads."""
    return {"serif-fonts": [f[0] for f in [serif()] if f], "sans-fonts": [f[0] for f in [sans()] if f],
            "kai-fonts": [f[0] for f in [kai()] if f], "latin-fonts": [f[0] for f in [latin()] if f],
            "type-sizes": {role: str(HAO[size]) for role, (_, size, _) in ROLES.items()},
            "line-pitch": str(LINE_PITCH)}


def font_dirs() -> list[str]:
    """Folders holding the chosen fonts, for Typst's font search."""
    return sorted({str(p.parent) for _, p in filter(None, (serif(), sans(), kai(), latin()))})


def css_stack(role: str) -> str:
    """A CSS font-family list for a family role: every system's chain, then the generic family."""
    generic = "sans-serif" if role == "黑体" else "serif"
    names = [name for system in ("Windows", "macOS", "Linux") for name in FALLBACKS[role][system]]
    return ", ".join(f'"{name}"' for name in dict.fromkeys(names)) + f", {generic}"


def describe() -> list[str]:
    """The lines ``jixiao check`` prints: which fonts each format uses on this machine."""
    def name(found):
        return found[0] if found else "无"

    body, heading, kaiti, latin_font = serif(), sans(), kai(), latin()
    word = "、".join(WORD_NAMES[r][0] for r in ("仿宋", "黑体", "楷体", "latin"))
    return [
        f"字体（PDF，本机嵌入）：正文和表格 {name(body)}，一级标题 {name(heading)}，二级标题 {name(kaiti)}，"
        f"西文和数字 {name(latin_font) if latin_font else '中文字体自带的西文字形'}",
        f"字体（Word）：指定 {word}；未安装时 Word、WPS、LibreOffice 按替代名换用本机字体",
        "字体（HTML）：按字体列表由浏览器选用，先 Windows 字体，再 macOS 字体，再 Noto CJK 等开源字体",
    ]


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
