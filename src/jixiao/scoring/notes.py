"""Warnings found while scoring. ``jixiao check`` prints each with its place in the project's
files and the advice to the analyst; the report's 附：评分复核说明 prints only what a reader of
the report should know (a typed score that the rule overrode, a dimension left out), without
file locations or advice."""


class Note(str):
    """A warning as ``jixiao check`` prints it: ``where：text；advice``. ``report`` is the sentence
    the report prints (``text`` by default, another sentence when given, or None: analyst only)."""

    def __new__(cls, where: str, text: str, advice: str = "", report: str | bool = True):
        note = super().__new__(cls, f"{where}：{text}" + (f"；{advice}" if advice else ""))
        note.parts = (where, text, advice, report)
        note.report = text if report is True else (report or None)
        return note

    def __getnewargs__(self):
        return self.parts
