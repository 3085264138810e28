"""The page on which each heading of a rendered PDF starts, as the page shows it (its
numbering: I, II in the contents, 1, 2 … in the body), read from the PDF's bookmarks and
page labels. The Word file's contents store these numbers (docx_finish)."""

import re
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import PyPdfError

SPACE = re.compile(r"[\s\u3000\u2060]+")


def squeeze(text: str) -> str:
    """A heading's text without spaces, for matching it between formats."""
    return SPACE.sub("", text)


def heading_pages(pdf: Path) -> list[tuple[str, str]]:
    """(heading text without spaces, page label) of every bookmark, in document order;
    empty when the PDF cannot be read."""
    try:
        reader = PdfReader(str(pdf))
        labels = reader.page_labels
        found: list[tuple[str, str]] = []

        def walk(items) -> None:
            for item in items:
                if isinstance(item, list):
                    walk(item)
                    continue
                page = reader.get_destination_page_number(item)
                label = labels[page] if 0 <= page < len(labels) else str(page + 1)
                found.append((squeeze(item.title), _plain(label)))

        walk(reader.outline)
        return found
    except (OSError, PyPdfError, KeyError, ValueError):  # the contents are then left without page numbers
        return []


def _plain(label: str) -> str:
    """「— 3 —」 → 「3」: the number alone, for the contents."""
    return label.replace("—", "").strip()
