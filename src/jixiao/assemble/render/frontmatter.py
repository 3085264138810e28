"""The stitched document's front matter, and the keys both engines' templates read.

The stitcher writes ``project`` (the running header) and ``date`` (display text such as
2019年7月1日). Quarto reserves ``project`` for its own configuration and parses ``date`` as a
date (「Invalid Date」), so the templates read ``running-header``, ``date-text`` and
``date-iso`` instead, which both engines are given.
"""

import re
from datetime import date, datetime, timezone
from pathlib import Path

import yaml

from ...markup import unescape

CHINESE_DATE = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$")


def read(source: Path) -> dict:
    """The YAML metadata block of a Markdown document ({} when it has none)."""
    text = source.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        return {}
    return yaml.safe_load(text.split("---\n", 2)[1]) or {}


def toc_title(meta: dict) -> str:
    """The contents' title as every format sets it: two characters a full-width space apart (目　录)."""
    title = str(meta.get("toc-title") or "目录")
    return "\u3000".join(title) if len(title) == 2 else title


def body(source: Path) -> str:
    """The document without its metadata block."""
    text = source.read_text(encoding="utf-8")
    return text.split("---\n", 2)[2] if text.startswith("---\n") else text


def report_date(meta: dict) -> date | None:
    """The report date: ``date-iso`` if given, else the display text 2019年7月1日 or 2019-07-01."""
    for key in ("date-iso", "date"):
        value = meta.get(key)
        if isinstance(value, date):
            return value
        if not isinstance(value, str):
            continue
        found = CHINESE_DATE.match(value)
        try:
            if found:
                return date(*map(int, found.groups()))
            return date.fromisoformat(value.strip())
        except ValueError:
            continue
    return None


def template_keys(meta: dict) -> dict:
    """The keys the templates read: running header, date as printed, ISO date."""
    day = report_date(meta)
    keys = {"running-header": str(meta.get("running-header") or meta.get("project") or ""),
            "date-text": str(meta.get("date-text") or meta.get("date") or "")}
    if day is not None:
        keys["date-iso"] = day.isoformat()
    if meta.get("stage"):  # a review stage before the final report: watermark (the header already says it)
        keys["stage"] = str(meta["stage"])
    return keys


def plain_keys(meta: dict) -> dict:
    """``template_keys`` as plain text, for what does not read Markdown: pandoc's ``-M`` values
    (literal strings), the CSS running header, Word's header, cover and properties."""
    return {key: unescape(value) for key, value in template_keys(meta).items()}


def timestamp(meta: dict) -> int | None:
    """The report date as seconds since 1970 (midnight UTC), SOURCE_DATE_EPOCH-style."""
    day = report_date(meta)
    if day is None:
        return None
    return int(datetime(day.year, day.month, day.day, tzinfo=timezone.utc).timestamp())


def evaluator(meta: dict) -> str:
    """The report's author as plain text: ``author`` if given, else the cover's 评价机构 field."""
    if meta.get("author"):
        author = meta["author"]
        return unescape("、".join(map(str, author)) if isinstance(author, list) else str(author))
    return next((unescape(f.get("value", "")) for f in meta.get("cover", []) if unescape(f.get("label")) == "评价机构"), "")
