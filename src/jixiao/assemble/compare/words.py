"""Text differences suited to Chinese: each CJK character is a token, a run of Latin letters
and digits (with its decimal point, thousands commas and percent sign) is one token, so
``4.40`` → ``4.00`` is one replaced number and a changed sentence is a change of characters."""

import re
from difflib import SequenceMatcher

TOKEN = re.compile(r"[0-9A-Za-z]+(?:[.,:/][0-9A-Za-z]+)*%?|\s+|.", re.S)


def tokens(text: str) -> list[str]:
    return TOKEN.findall(text)


def diff(old: str, new: str) -> list[tuple[str, str]]:
    """(kind, text) pieces in order, kind ``=``, ``-`` (only in old) or ``+`` (only in new);
    the ``=`` and ``+`` pieces join to ``new``, the ``=`` and ``-`` pieces to ``old``."""
    a, b = tokens(old), tokens(new)
    pieces = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(("=", "".join(b[j1:j2])))
            continue
        if i2 > i1:
            pieces.append(("-", "".join(a[i1:i2])))
        if j2 > j1:
            pieces.append(("+", "".join(b[j1:j2])))
    return pieces
