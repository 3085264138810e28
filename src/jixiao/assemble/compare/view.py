"""修订对照.html: the new report's text with the differences highlighted (insertions green and
underlined, deletions red and struck through), preceded by the 变动情况 table; one file, no script."""

from html import escape

from .changes import HEADER, Change
from .tracked import Step, _cells, paragraph_text
from .words import diff

STYLE = """body{font-family:"FangSong","STFangsong","Noto Serif CJK SC",serif;max-width:50em;margin:2em auto;
line-height:1.8;padding:0 1em}ins{background:#d9f5dd;color:#0a5c1c;text-decoration:underline}
del{background:#fbe1e1;color:#9b1c1c}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #999;
padding:.2em .5em;vertical-align:top}p.changed,tr.changed{outline:2px solid #f0c040}.summary{font-size:.95em}
h1{font-size:1.4em}.legend{color:#555}"""


def _pieces(old: str, new: str) -> str:
    if old == new:
        return escape(new).replace("\n", "<br>")
    out = []
    for kind, text in diff(old, new):
        text = escape(text).replace("\n", "<br>")
        out.append(text if kind == "=" else f"<{'ins' if kind == '+' else 'del'}>{text}</{'ins' if kind == '+' else 'del'}>")
    return "".join(out)


def _tag(step: Step) -> str:
    style = (step.new or step.old).style
    return f"h{min(int(style[-1]) + 1, 6)}" if style.startswith("Heading") and style[-1:].isdigit() else "p"


def _paragraph(step: Step) -> str:
    old = paragraph_text(step.old.el) if step.old else ""
    new = paragraph_text(step.new.el) if step.new else ""
    tag = _tag(step)
    changed = ' class="changed"' if step.kind != "same" else ""
    if not old and not new:
        return ""
    return f"<{tag}{changed}>{_pieces(old, new)}</{tag}>"


def _cell_texts(block) -> list[list[str]]:
    return [["\n".join(paragraph_text(p) for p in cell) for cell in row] for row in _cells(block.el)] if block else []


def _table(step: Step) -> str:
    old, new = _cell_texts(step.old), _cell_texts(step.new)
    if step.kind == "edit":
        rows = [[_pieces(o, n) for o, n in zip(orow, nrow)] for orow, nrow in zip(old, new)]
    else:
        rows = [[_pieces(o if step.kind != "ins" else "", n if step.kind != "del" else "") for o, n in
                 zip(orow, nrow)] for orow, nrow in zip(old or new, new or old)]
    marked = ' class="changed"'
    body = "".join(f"<tr{marked if any('<ins>' in c or '<del>' in c for c in row) else ''}>"
                   + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table>{body}</table>"


def changes_table(changes: list[Change]) -> str:
    if not changes:
        return "<p>两个版本的得分、得分率和评价等级都相同。</p>"
    head = "".join(f"<th>{escape(h)}</th>" for h in HEADER)
    rows = "".join("<tr>" + "".join(f"<td>{escape(v)}</td>" for v in (c.item, c.old, c.new, c.why)) + "</tr>"
                   for c in changes)
    return f'<table class="summary"><tr>{head}</tr>{rows}</table>'


def page(title: str, subtitle: str, steps: list[Step], changes: list[Change]) -> str:
    blocks = [(_paragraph(s) if (s.new or s.old).kind == "p" else _table(s)) for s in steps]
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f"<style>{STYLE}</style></head><body><h1>{escape(title)}</h1><p class=\"legend\">{escape(subtitle)}"
            "　<ins>插入的文字</ins>　<del>删除的文字</del></p><h2>变动情况</h2>"
            f"{changes_table(changes)}<h2>修订对照</h2>{''.join(blocks)}</body></html>\n")
