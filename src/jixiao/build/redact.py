"""Masking personal data for public release (``jixiao run --redact``): personal names
(the staff table and ``personal_names`` in the parameter file), mobile and landline phone
numbers and ID card numbers, everywhere in the report's text."""

import re

MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")
LANDLINE = re.compile(r"(?<!\d)(0\d{2,3}-?)(\d{3,4})(\d{4})(?!\d)")
ID_CARD = re.compile(r"(?<![\dXx])(\d{3})\d{11}(\d{3}[\dXx])(?![\dXx])")


def mask_name(name: str) -> str:
    """叶东晖 → 叶**: the surname stays, the given name is hidden."""
    return name[0] + "*" * (len(name) - 1)


def personal_names(project) -> list[str]:
    names = {r.name for r in project.table("staff")} | set(project.params.personal_names)
    return sorted((n for n in names if len(n) > 1), key=len, reverse=True)  # longest first


def redact(text: str, names: list[str]) -> str:
    """The text with names, phone numbers and ID numbers masked."""
    text = ID_CARD.sub(lambda m: m.group(1) + "*" * 11 + m.group(2), text)
    text = MOBILE.sub(lambda m: m.group(1) + "****" + m.group(3), text)
    text = LANDLINE.sub(lambda m: m.group(1) + "*" * len(m.group(2)) + m.group(3), text)
    for name in names:
        text = text.replace(name, mask_name(name))
    return text
