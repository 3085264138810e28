"""The inputs of one version, as ``jixiao compare`` reads them to say why a figure changed:
the kept copy under 版本/<名称>/输入/ (or, for the current report, the project's own files),
and the cells that differ between two of them (file, row, column, old, new)."""

import re
from dataclasses import dataclass
from pathlib import Path

from ...errors import InputError
from ...inputs.params import read_yaml
from ...inputs.tables import SPECS, Row, read_own_table, read_table
from ..versions import DATA_COPY, INPUTS, PARAMS_COPY

NAME = re.compile(r"([A-Za-z_]\w*)\.([\w\u4e00-\u9fff]+)")  # facts.key, budget.spent, surveys.社会公众


@dataclass(frozen=True)
class Cell:
    """One input that differs: where (file as the project names it, row or key, column) and the values."""

    file: str
    where: str
    old: str
    new: str

    def text(self) -> str:
        return f"{self.file} {self.where}：{self.old or '（空）'} → {self.new or '（空）'}"


class Sources:
    """A version's parameter file and data folder, shown under the project's own file names."""

    def __init__(self, params: Path | None, data: Path | None, shown_params: str, shown_data: str):
        self.params, self.data = params, data
        self.shown_params, self.shown_data = shown_params, shown_data
        try:
            self.raw = read_yaml(params) if params and params.is_file() else None
        except InputError:
            self.raw = None
        self._tables: dict[str, list[Row] | None] = {}

    @classmethod
    def of(cls, folder: Path, current: bool, params_path: Path, raw: dict | None) -> "Sources":
        """A kept version's inputs (``current``: the project's own files); ``raw`` is the project's
        parameter file as read now, which names the data folder the report shows."""
        root = params_path.resolve().parent.parent
        try:
            data_dir = (params_path.parent / raw["data_dir"]).resolve()
        except (KeyError, TypeError):
            data_dir = None
        if data_dir is not None and not data_dir.is_relative_to(root):  # never read outside the project
            data_dir = None
        shown_data = data_dir.relative_to(root).as_posix() if data_dir is not None else "data"
        shown_params = f"{params_path.parent.name}/{params_path.name}"
        if current:
            return cls(params_path, data_dir, shown_params, shown_data)
        kept = folder / INPUTS
        if not (kept / PARAMS_COPY).is_file():
            return cls(None, None, shown_params, shown_data)
        return cls(kept / PARAMS_COPY, kept / DATA_COPY, shown_params, shown_data)

    @property
    def kept(self) -> bool:
        return self.raw is not None

    def table_ref(self, name: str) -> tuple[str, str | None] | None:
        ref = ((self.raw or {}).get("data") or {}).get(name)
        if isinstance(ref, str):
            return ref, None
        if isinstance(ref, dict) and isinstance(ref.get("file"), str):
            return ref["file"], ref.get("sheet")
        return None

    def table(self, name: str) -> list[Row] | None:
        """The rows of table ``name`` as the kept file holds them; None if it cannot be read."""
        if name not in self._tables:
            ref = self.table_ref(name)
            rows = None
            if ref and self.data is not None:
                path = self.data / ref[0]
                if path.resolve().is_relative_to(self.data.resolve()) and path.is_file():
                    try:
                        rows = (read_table(SPECS[name], path, ref[1]) if name in SPECS
                                else read_own_table(name, path, ref[1]))
                    except InputError:
                        rows = None
            self._tables[name] = rows
        return self._tables[name]

    def shown_file(self, name: str) -> str:
        ref = self.table_ref(name)
        return f"{self.shown_data}/{ref[0]}" if ref else name

    def value(self, key: str):
        """The parameter file's value at a dotted key (facts.records_2018), or None."""
        node = self.raw
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
        return node


def _headers(name: str) -> dict[str, str]:
    spec = SPECS.get(name)
    return {c.key: c.header for c in spec.columns} if spec else {}


def _text(value) -> str:
    return "" if value is None else str(value)


def row_cells(old: Sources, new: Sources, name: str, old_row: Row | None, new_row: Row | None) -> list[Cell]:
    """The cells that differ between two rows of table ``name`` (a row added or removed as one cell)."""
    shown = new.shown_file(name)
    if old_row is None or new_row is None:
        row = new_row if old_row is None else old_row
        label = "新增" if old_row is None else "删除"
        return [Cell(shown, f"第 {row.line} 行（{label}的行）", "" if old_row is None else "（整行）",
                     "（整行）" if old_row is None else "")]
    headers = _headers(name)
    keys = [k for k in dict.fromkeys([*new_row, *old_row]) if not isinstance(new_row.get(k, old_row.get(k)), dict)]
    return [Cell(shown, f"第 {new_row.line} 行「{headers.get(k, k)}」列", _text(old_row.get(k)), _text(new_row.get(k)))
            for k in keys if _text(old_row.get(k)) != _text(new_row.get(k))]


def table_cells(old: Sources, new: Sources, name: str, match=None) -> list[Cell]:
    """Every differing cell of table ``name`` (rows in order; ``match`` picks rows)."""
    before, after = old.table(name), new.table(name)
    if before is None or after is None:
        return []
    pick = match or (lambda row: True)
    before, after = [r for r in before if pick(r)], [r for r in after if pick(r)]
    cells = []
    for n in range(max(len(before), len(after))):
        cells += row_cells(old, new, name, before[n] if n < len(before) else None, after[n] if n < len(after) else None)
    return cells


def param_cells(old: Sources, new: Sources, key: str) -> list[Cell]:
    if _text(old.value(key)) == _text(new.value(key)):
        return []
    return [Cell(new.shown_params, f"键 {key}", _text(old.value(key)), _text(new.value(key)))]


def named_cells(old: Sources, new: Sources, text: str) -> list[Cell]:
    """The inputs behind the data names a rule's 评分参数 uses (facts.x, budget.spent, queries.year_total …)."""
    cells = []
    for table, item in NAME.findall(text or ""):
        if table in ("facts",):
            cells += param_cells(old, new, f"facts.{item}")
        elif table == "budget":
            cells += param_cells(old, new, "budget.receipts" if item == "received" else f"budget.{item}")
        elif old.table_ref(table) or new.table_ref(table):
            cells += table_cells(old, new, table)
    return list(dict.fromkeys(cells))


def indicator_cells(old: Sources, new: Sources, code: str) -> list[Cell]:
    """Why indicator ``code`` may have changed: its row in the scoring table, the inputs its rule
    names, its key points and survey answers."""
    def find(rows):
        return next((r for r in rows or [] if _text(r.get("code")) == code), None)

    before, after = find(old.table("indicators")), find(new.table("indicators"))
    if before is None and after is None:
        return []
    cells = row_cells(old, new, "indicators", before, after)
    for row in filter(None, (before, after)):
        cells += named_cells(old, new, _text(row.get("inputs")))
        group = re.search(r"对象\s*=\s*([^;；]+)", _text(row.get("inputs")))
        if group:
            cells += table_cells(old, new, "responses", lambda r, g=group.group(1).strip(): _text(r.get("group")) == g)
    cells += table_cells(old, new, "keypoints", lambda r: _text(r.get("code")) == code)
    return list(dict.fromkeys(cells))
