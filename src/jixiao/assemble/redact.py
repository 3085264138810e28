"""Masking personal data for public release (``jixiao run --redact``).

The public copy is built from redacted *inputs*: ``public_inputs`` writes a copy of the
parameter file (every string value), the data tables (every text cell), the texts and
``analysis.md`` (and the same for the ``previous`` project) with personal names, phone
numbers and ID numbers masked; the normal pipeline then runs on that copy, so tables and
charts are drawn from masked data. ``scrub_markdown`` is a last pass over the stitched
document for anything a notebook typed itself.

A mask keeps the display width of what it hides (``＊`` for a Chinese character, ``×`` for a
digit or letter), is plain text in Markdown, and never shifts a grid-table row. Names are
found however they are written: split by line breaks, spaces (also full-width) or
zero-width characters. ``unlisted_names`` lists words in the texts that look like names
but are not listed, for the analyst to add.
"""

import csv
import io
import re
import shutil
import unicodedata
from pathlib import Path

import yaml

from ..config import project_root
from ..errors import InputError
from ..inputs.files import read_text_file, regular_files
from ..inputs.params import read_yaml
from ..inputs.tables import SPECS
from ..project import ANALYSIS_FILE

WIDE_MASK, NARROW_MASK = "＊", "×"
# What may stand between the characters of a name in a text: line breaks and spaces of any
# width (invisible characters are gone before matching, see ``normalized``).
GAP = r"[\s\u00ad\u180e\u200b-\u200f\u2060-\u2064\ufeff]*"
# In a name also Markdown's inline marks (**叶**东晖, a hard-wrapped quote 叶东\n> 晖): they are
# kept as they are, only the characters of the name are masked.
NAME_GAP = r"[\s*_~^`\\>]*"
# Unicode's default-ignorable code points (DerivedCoreProperties.txt): shown as nothing, so a name
# or a number written with them looks the same and must be found the same.
IGNORABLE = re.compile("[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
                       "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8\U0001bca0-\U0001bca3"
                       "\U0001d173-\U0001d17a\U000e0000-\U000e0fff]")
DASHES = "-‐‑‒–—―−﹣－"
DASH = "[" + re.escape(DASHES) + "]"
SEP = rf"(?:[ .·]|{DASH}|\s{{1,2}}|[ ]?{DASH}[ ]?)?"  # between groups of digits, after normalizing
DATE8 = r"(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
DATE6 = r"\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
EDGE_BEFORE, EDGE_AFTER = r"(?<![\dXx])(?<!\d\.)", r"(?![\dXx])(?!\.\d)"
# Hidden: the group named ``hide``; the first three and the last digits stay, as is customary.
ID_18 = re.compile(rf"{EDGE_BEFORE}\d{{3}}(?P<hide>\d{{3}}{SEP}{DATE8}){SEP}\d{{3}}[\dXx]{EDGE_AFTER}")
ID_15 = re.compile(rf"{EDGE_BEFORE}\d{{3}}(?P<hide>\d{{3}}{SEP}{DATE6}){SEP}\d{{3}}{EDGE_AFTER}")
PLUS86 = rf"(?:\(?\+?86\)?(?:[ ]|{DASH})*)?"
MOBILE = re.compile(rf"{EDGE_BEFORE}{PLUS86}1[3-9]\d{SEP}(?P<hide>\d{{4}}){SEP}\d{{4}}{EDGE_AFTER}")
MOBILE_434 = re.compile(rf"{EDGE_BEFORE}{PLUS86}1[3-9]\d(?P<hide>\d{SEP}\d{{3}}){SEP}\d{{4}}{EDGE_AFTER}")  # 1380 013 8000
AREA = r"(?:0(?:10|2\d)|0[3-9]\d{2})"  # 010 and 02x have three digits, the others four
LANDLINE = re.compile(
    rf"{EDGE_BEFORE}(?:\+?86(?:[ ]|{DASH})*\(?0?[1-9]\d{{1,2}}\)?|\(\s*{AREA}\s*\)|{AREA})(?:[ .]|{DASH})*"
    rf"(?:(?P<hide>\d{{3,4}}){SEP}\d{{4}}|(?P<hide2>\d{{3}})\d{SEP}\d{{3}}){EDGE_AFTER}")  # 8888 888 too
NUMBERS = (ID_18, ID_15, MOBILE, MOBILE_434, LANDLINE)  # longest first: an ID's digits are not also a phone number
_GAP_CHAR = re.compile(r"[\s*_~^`\\>]")


def _fold(ch: str) -> str:
    """One character as matching sees it: compatibility forms folded (full-width digits, CJK
    compatibility ideographs, ideographic space), accents and other combining marks dropped,
    default-ignorable and format characters (bidi controls, joiners, variation selectors) gone."""
    if IGNORABLE.match(ch) or unicodedata.category(ch) == "Cf":
        return ""
    decomposed = unicodedata.normalize("NFKD", ch)
    kept = "".join(c for c in decomposed if unicodedata.category(c) not in ("Mn", "Me", "Cf") and not IGNORABLE.match(c))
    return unicodedata.normalize("NFC", kept)


def normalized(text: str) -> tuple[str, list[int]]:
    """``text`` folded for matching (``_fold``), and for each folded character the index of the
    original character it comes from, so a match in the folded text masks the original."""
    folded, origin = [], []
    for index, ch in enumerate(text):
        for piece in _fold(ch):
            folded.append(piece)
            origin.append(index)
    return "".join(folded), origin


def _hidden(ch: str) -> str:
    """One character's mask: the same display width; a gap, a dash or an invisible character is not shown."""
    if _GAP_CHAR.fullmatch(ch) or ch in DASHES or ch in ".·":
        return ch
    if IGNORABLE.match(ch) or unicodedata.category(ch) in ("Cf", "Mn", "Me"):
        return ""
    return WIDE_MASK if unicodedata.east_asian_width(ch) in "WF" else NARROW_MASK


def _mask(text: str) -> str:
    """Each character hidden by one of the same display width; gaps and separators kept."""
    return "".join(_hidden(ch) for ch in text)


def mask_name(name: str) -> str:
    """叶东晖 → 叶＊＊: the surname stays, the given name is hidden."""
    return name[0] + _mask(name[1:])


def _spans(text: str, names: list[str]) -> list[tuple[int, int]]:
    """Original-text spans to mask: the hidden digits of ID and phone numbers, and each listed
    name but its first character, all found in the normalized text."""
    folded, origin = normalized(text)
    taken, hidden = [], []
    for pattern in NUMBERS:
        for match in pattern.finditer(folded):
            if not any(a < match.end() and match.start() < b for a, b in taken):
                taken.append(match.span())
                hidden.append(match.span("hide") if match["hide"] is not None else match.span("hide2"))
    for name in names:
        for match in _name_pattern(name).finditer(folded):
            hidden.append((match.start() + 1, match.end()))
    spans = []
    for start, end in hidden:
        if start >= end:
            continue
        # from just after the character before (invisible ones between are hidden too) to the last
        spans.append((origin[start - 1] + 1 if start else origin[start], origin[end - 1] + 1))
    return spans


def _name_pattern(name: str) -> re.Pattern:
    bare = normalized(name)[0]
    body = NAME_GAP.join(re.escape(ch) for ch in bare)
    latin_start = bare[0].isascii() and bare[0].isalpha()
    latin_end = bare[-1].isascii() and bare[-1].isalpha()
    return re.compile(("(?<![A-Za-z])" if latin_start else "") + body + ("(?![A-Za-z])" if latin_end else ""),
                      re.IGNORECASE)


def redact(text: str, names: list[str]) -> str:
    """The text with names, phone numbers and ID numbers masked, however they are written:
    matched on the normalized text, masked in the original."""
    chars = list(text)
    for start, end in _spans(text, names):
        for index in range(start, end):
            chars[index] = _hidden(text[index])
    return "".join(chars)


def disguised_names(text: str, names: list[str]) -> list[str]:
    """Listed names that ``text`` writes so that they match only after normalizing (an invisible
    character inside, a lookalike compatibility ideograph): masked all the same, but worth fixing."""
    return [name for name in names
            if _name_pattern(name).search(normalized(text)[0])
            and not re.search(NAME_GAP.join(re.escape(ch) for ch in name), text, re.IGNORECASE)]


def _bare(name: str) -> str:
    return re.sub(r"\s+", "", normalized(str(name))[0])


def personal_names(project) -> list[str]:
    """Names to mask: the staff table and ``personal_names``, of this project and of the
    ``previous`` one; longest first, so 欧阳娜娜 is masked before 欧阳."""
    names = set()
    for p in filter(None, (project, project.previous)):
        names |= {_bare(r.name) for r in p.table("staff")} | {_bare(n) for n in p.params.personal_names}
    return sorted((n for n in names if len(n) > 1), key=lambda n: (-len(n), n))


# ---------------------------------------------------------------- the redacted copy of the inputs

PATH_KEYS = {"data_dir", "data", "previous"}
TEXT_FILE_SUFFIXES = {".csv", ".xlsx", ".xlsm", ".xls", ".md", ".txt", ".doc", ".docx", ".json", ".yaml", ".yml",
                      ".pdf", ".ppt", ".pptx"}  # not copied unless the parameter file names them
TABLES = "_tables"


def _is_text_file(value) -> bool:
    """A ``texts`` value naming a .md file (as ``inputs.texts.read_text`` decides)."""
    return isinstance(value, str) and value.strip().endswith(".md") and "\n" not in value.strip()


def _redact_tree(value, names):
    if isinstance(value, str):
        return redact(value, names)
    if isinstance(value, list):
        return [_redact_tree(v, names) for v in value]
    if isinstance(value, dict):
        return {k: _redact_tree(v, names) for k, v in value.items()}
    return value  # numbers are amounts and counts: a phone number in a number is masked in the text pass


def _table_csv(name: str, rows, names: list[str]) -> str:
    """A table as CSV with its declared headers, text cells masked."""
    spec = SPECS[name]
    extra = list(dict.fromkeys(q for r in rows for q in r.get(spec.extra, {}))) if spec.extra else []
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([c.header for c in spec.columns] + [redact(q, names) for q in extra])
    for row in rows:
        cells = ["" if row.get(c.key) is None else redact(row[c.key], names) if c.kind == "text" else str(row[c.key])
                 for c in spec.columns]
        writer.writerow(cells + [redact(row[spec.extra].get(q, ""), names) for q in extra])
    return buffer.getvalue()


def _own_table_csv(rows, names: list[str]) -> str:
    """A table of the project's own as CSV with its headers, every cell masked."""
    headers = list(dict.fromkeys(h for r in rows for h in r))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([redact(h, names) for h in headers])
    for row in rows:
        writer.writerow(["" if row.get(h) is None else redact(str(row[h]), names) for h in headers])
    return buffer.getvalue()


def _write_project(project, params_path: Path, raw: dict, params_out: Path, names: list[str]) -> None:
    """One project's redacted parameter file at ``params_out`` and its data beside it."""
    data_out = params_out.parent.parent / "data" / params_out.stem
    data_out.mkdir(parents=True)
    copy = {k: (v if k in PATH_KEYS else _redact_tree(v, names)) for k, v in raw.items()}
    if isinstance(raw.get("framework"), dict) and "name" in raw["framework"]:
        copy["framework"]["name"] = raw["framework"]["name"]  # a shipped framework is looked up by it
    copy["data_dir"] = f"../data/{params_out.stem}"
    copy["data"] = {name: f"{TABLES}/{name}.csv" for name in [*project.tables, *project.own_tables]}
    (data_out / TABLES).mkdir()
    for name, rows in project.tables.items():
        (data_out / TABLES / f"{name}.csv").write_text(_table_csv(name, rows, names), encoding="utf-8")
    for name, rows in project.own_tables.items():
        (data_out / TABLES / f"{name}.csv").write_text(_own_table_csv(rows, names), encoding="utf-8")
    written = {TABLES}
    texts = {}
    for key, value in (raw.get("texts") or {}).items():
        if _is_text_file(value):
            texts[key] = value
            target = data_out / value.strip()
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(redact(read_text_file(project.data_dir / value.strip()), names), encoding="utf-8")
            written.add(value.strip())
        else:
            texts[key] = redact(value, names) if isinstance(value, str) else value
    if texts:
        copy["texts"] = texts
    analysis = project.data_dir / ANALYSIS_FILE
    if analysis.is_file():
        (data_out / ANALYSIS_FILE).write_text(redact(read_text_file(analysis), names), encoding="utf-8")
        written.add(ANALYSIS_FILE)
    copied: dict[str, Path] = {}
    for path in regular_files(project.data_dir):  # images and other files the texts may show, as they are
        relative = path.relative_to(project.data_dir)
        if (relative.as_posix() not in written and relative.parts[0] != TABLES
                and path.suffix.lower() not in TEXT_FILE_SUFFIXES):
            # under the name the masked texts use for it (叶东晖现场.png → 叶＊＊现场.png)
            masked = redact(relative.as_posix(), names)
            if masked in copied:
                raise InputError(f"{project.data_dir}：文件『{copied[masked].relative_to(project.data_dir)}』和"
                                 f"『{relative}』的名称遮盖人名后相同（{masked}），公开版无法区分，请把其中一个改名")
            copied[masked] = path
            (data_out / masked).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, data_out / masked)
    params_out.parent.mkdir(parents=True, exist_ok=True)
    params_out.write_text(yaml.safe_dump(copy, allow_unicode=True, sort_keys=False), encoding="utf-8")


def public_inputs(project, params_path: Path, raw: dict, folder: Path, names: list[str]) -> Path:
    """Write the redacted copy of a project's inputs into ``folder`` (``params/``, ``data/``,
    its own ``notebooks/``, the ``previous`` project under ``previous/``); return the copy's
    parameter file, which the normal pipeline runs on for the public report."""
    params_path = Path(params_path)
    target = folder / "params" / params_path.stem
    copy = dict(raw)
    if project.previous is not None:
        previous_path = params_path.parent / raw["previous"]
        previous_out = folder / "previous" / "params" / f"{previous_path.stem}.yaml"
        _write_project(project.previous, previous_path, read_yaml(previous_path), previous_out, names)
        copy["previous"] = f"../previous/params/{previous_path.stem}.yaml"
    params_out = target.with_suffix(".yaml")
    _write_project(project, params_path, copy, params_out, names)
    own = project_root(params_path) / "notebooks"
    if own.is_dir():
        shutil.copytree(own, folder / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    return params_out


def scrub_markdown(source: Path, names: list[str]) -> None:
    """The last pass over the stitched public document: whatever a notebook typed itself."""
    source.write_text(redact(source.read_text(encoding="utf-8"), names), encoding="utf-8")


# ---------------------------------------------------------------- names nobody listed

# Common Chinese surnames (single and compound): a candidate must start with one.
SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟"
    "谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛"
    "邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路"
    "游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟"
    "应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳"
    "谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普"
    "阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀"
    "衣信展阴昝智幸奉植衡富尧闭由"
) | {"欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "令狐", "宇文", "夏侯", "轩辕",
     "端木", "司徒", "西门", "独孤", "南宫", "万俟", "闻人", "澹台", "公冶", "申屠", "太叔", "钟离", "宗政", "濮阳",
     "淳于", "单于", "呼延"}
# Surnames that are far more often a function word or a place word at the start of a two-character word.
FUNCTION_FIRST = set("和于与向由从在将把被给对为以及同跟比自按经但而并或又也都就才只还再更最很不没要会能可应是有上下"
                     "中内外前后时年月日等各每全本其此这那")
PLACE_NEXT = set("区县市省镇乡村路街道号楼")  # 闵行 + 区
NOT_A_NAME_END = set("区县市省镇乡村路街道号楼办局委厅处科室部院校所站队会组团社司厂店馆园场台网报刊书法案规制证表单业"
                     "体性化度率行")  # 徐汇区, 文明办, 万里行
RARE = 20  # a dictionary word tagged as a name and rarer than this is taken for a person (王建国 12, 齐备 173)


def _looks_like_name(word: str, following: str, frequency: dict) -> bool:
    """A word the tagger calls a name (``nr``), checked against what Chinese names look like."""
    if not 2 <= len(word) <= 4 or frequency.get(word, 0) > RARE:
        return False
    compound = len(word) >= 3 and word[:2] in SURNAMES
    if not compound and (word[0] not in SURNAMES or len(word) == 4):
        return False
    if len(word) == 2 and word[0] in FUNCTION_FIRST:
        return False
    return word[-1] not in NOT_A_NAME_END and following[:1] not in PLACE_NEXT


def _sources(project) -> list[tuple[str, str]]:
    """The texts a reader of the report reads, with where each comes from."""
    sources = [(f"texts.{k}", v.text) for k, v in project.texts.items()]
    sources += [(f"{code} 的分析", v.text) for code, v in project.analyses.items()]
    sources += [(f"{i.code} 的评分理由", i.reason or "") for i in project.card.indicators]
    sources += [(f"project.{k}", v) for k, v in project.params.project.model_dump().items() if isinstance(v, str)]
    return sources


def disguised_warnings(project) -> list[str]:
    """Listed names written with invisible or lookalike characters: masked in the public copy all
    the same, but the internal report shows them so, and search or a reader's copy may not find them."""
    names = personal_names(project)
    found: dict[str, list[str]] = {}
    for where, text in _sources(project):
        for name in disguised_names(text, names):
            found.setdefault(name, []).append(where)
    return [f"{project.source}：人名『{name}』在 {'、'.join(places[:3])} 中夹有不可见字符或形近的兼容字符，"
            "只有规范化后才与人员表一致；公开版照样遮盖，但建议在原文中改正（重新输入这个名字）"
            for name, places in sorted(found.items())]


def unlisted_names(project) -> list[tuple[str, list[str]]]:
    """Words in the texts, indicator analyses and scoring reasons that jieba's part-of-speech
    tagger reads as a person's name (``nr``), that look like one (``_looks_like_name``: a common
    surname first, rare or unknown to jieba's dictionary, no place or office ending), and that
    are not in ``staff`` or ``personal_names``: (name, where) pairs, for the analyst to judge."""
    import logging

    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    listed = set(personal_names(project))
    found: dict[str, list[str]] = {}
    sources = _sources(project)
    for where, text in sources:
        words = list(jieba.posseg.cut(text))
        for n, word in enumerate(words):
            following = words[n + 1].word if n + 1 < len(words) else ""
            if (word.flag == "nr" and word.word not in listed
                    and _looks_like_name(word.word, following, jieba.dt.FREQ)):
                found.setdefault(word.word, [])
                if where not in found[word.word]:
                    found[word.word].append(where)
    return sorted(found.items())


def unlisted_warnings(project) -> list[str]:
    """``unlisted_names`` as lines the analyst can act on."""
    found = unlisted_names(project)
    if not found:
        return disguised_warnings(project)
    shown = "、".join(f"{name}（{'、'.join(places[:2])}）" for name, places in found[:20])
    return [f"{project.source}：以下词语可能是人名，但不在人员表（staff）或 personal_names 中，公开版不会遮盖：{shown}"
            f"{f' 等 {len(found)} 个' if len(found) > 20 else ''}；如是人名，请加入 personal_names"] + disguised_warnings(project)
