"""``jixiao compare``: what changed between two versions of a report, written to
``output/<项目>/修订对照/``: 修订对照.docx (tracked changes), 修订对照.html (highlighted) and
变动情况.csv (every changed score, rate and grade with the input that changed)."""

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

from ...config import output_dir
from ...errors import InputError
from ...inputs.params import read_yaml
from .. import cache
from ..output import project_lock
from ..versions import COMPARISONS, CURRENT, folder_of
from .changes import HEADER, Change, changes
from .sources import Sources
from .tracked import track
from .view import page

DOCX, HTML, TABLE = "修订对照.docx", "修订对照.html", "变动情况.csv"


@dataclass
class Comparison:
    old: str
    new: str
    folder: Path
    changes: list[Change]
    edits: int
    stale: bool = False  # the current report was made from other inputs than the files as they are now

    def lines(self) -> list[str]:
        out = [f"✓ {self.old} → {self.new}：{self.edits} 处文字修订，{len(self.changes)} 项得分变动 → {self.folder}"]
        if self.stale:
            out.append("  ⚠ 当前报告生成之后输入又有改动：变动原因按现在的文件给出；请先 jixiao run 再比较")
        for c in self.changes:
            out.append(f"  - {c.item}：{c.old} → {c.new}（{c.why}）")
        return out


def _summary(folder: Path, name: str) -> dict:
    try:
        return json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise InputError(f"版本『{name}』中没有可读的 summary.json（{folder}）") from None


def _author(sources: Sources, raw: dict) -> str:
    """The evaluator (评价机构) as the new version's parameter file names it; the implementing
    unit for a self-assessment."""
    info = (sources.raw or raw).get("project") or {}
    return str(info.get("evaluator") or info.get("implementing_unit") or "jixiao")


def _as_text(value) -> str:
    """A cell Excel and WPS show as typed: text from the inputs that starts like a formula
    (=, +, @, or - not before a digit) is kept as text by a leading apostrophe."""
    value = str(value)
    if value[:1] in ("=", "+", "@", "\t", "\r") or (value[:1] == "-" and not value[1:2].isdigit()):
        return "'" + value
    return value


def _csv(rows: list[Change]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows([tuple(_as_text(v) for v in (c.item, c.old, c.new, c.why)) for c in rows])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # Excel opens a BOM-marked CSV as UTF-8


def compare_versions(params_path: Path, old: str, new: str = CURRENT) -> Comparison:
    params_path = Path(params_path)
    final = output_dir(params_path)
    if old == new:
        raise InputError(f"旧版本和新版本都是『{old}』；请给出两个不同的版本（jixiao versions {params_path} 列出已保存的版本）")
    old_folder, new_folder = folder_of(final, old), folder_of(final, new)
    for folder, name in ((old_folder, old), (new_folder, new)):
        if not (folder / "report.docx").is_file():
            raise InputError(f"版本『{name}』中没有 report.docx（{folder}）；请用包含 docx 的格式重新生成并保存该版本")
    raw = read_yaml(params_path)
    old_sources = Sources.of(old_folder, old == CURRENT, params_path, raw)
    new_sources = Sources.of(new_folder, new == CURRENT, params_path, raw)
    new_summary = _summary(new_folder, new)
    rows = changes(_summary(old_folder, old), new_summary, old_sources, new_sources)
    target = final / COMPARISONS / f"{old}→{new}"
    with project_lock(final):
        target.mkdir(parents=True, exist_ok=True)
        date = f"{new_summary.get('report_date') or '2000-01-01'}T00:00:00Z"
        partial = target / f".{DOCX}.partial"
        steps = track(old_folder / "report.docx", new_folder / "report.docx", partial,
                      _author(new_sources, raw), date)
        partial.replace(target / DOCX)
        title = f"{new_summary.get('project', '')} 修订对照"
        html = page(title, f"旧版本：{old}　新版本：{new}", steps, rows)
        for name, data in ((HTML, html.encode("utf-8")), (TABLE, _csv(rows))):
            (target / f".{name}.partial").write_bytes(data)
            (target / f".{name}.partial").replace(target / name)
    return Comparison(old, new, target, rows, sum(1 for s in steps if s.kind != "same"),
                      CURRENT in (old, new) and _stale(final, params_path))


def _stale(final: Path, params_path: Path) -> bool:
    """Whether output/<项目>/ was made from other inputs (parameter file, data, notebooks) than the present ones."""
    try:
        stored = json.loads((final / cache.RECORD).read_text(encoding="utf-8"))["inputs"]
        now = cache.fingerprint(params_path, "builtin")
        return any(stored.get(key) != now.get(key) for key in ("params", "data", "previous", "notebooks"))
    except (OSError, ValueError, KeyError, TypeError):
        return False
