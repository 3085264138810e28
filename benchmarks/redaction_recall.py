"""Redaction recall on a generated corpus: listed names, mobile and landline numbers and ID numbers
written the ways analysts' texts write them (spaces, line breaks, Markdown marks, dash variants,
dots, full-width digits) and the ways copy and paste disguises them (bidi isolates and overrides,
joiners, variation selectors, the Hangul filler, CJK compatibility ideographs). Prints recall per
kind, every leak, the figures wrongly masked, and the time per corpus (median and spread of rounds).

    python benchmarks/redaction_recall.py [--rounds 5]

A listed name that leaks is a failure (exit 1): the corpus must show zero.
"""

import argparse
import random
import re
import statistics
import sys
import time
import unicodedata

from jixiao.assemble.redact import normalized, redact

NAMES = ["叶东晖", "沈慧云", "马臻", "欧阳娜娜", "李立", "金林", "梁乐", "吕良", "司马相如", "龙凌"]
INVISIBLE = {
    "bidi-isolate": "\u2066", "bidi-isolate-first": "\u2068", "bidi-pop": "\u2069", "bidi-embed": "\u202a",
    "bidi-override": "\u202e", "lrm": "\u200e", "cgj": "\u034f", "vs16": "\ufe0f", "vs-ideographic": "\U000e0101",
    "hangul-filler": "\u3164", "zwsp": "\u200b", "zwj": "\u200d", "word-joiner": "\u2060", "soft-hyphen": "\u00ad",
    "bom": "\ufeff", "arabic-mark": "\u061c",
}
GAPS = {"space": " ", "ideographic-space": "\u3000", "line-break": "\n", "crlf": "\r\n", "nbsp": "\u00a0"}
# CJK compatibility ideographs (U+F900–FAFF) by the unified character NFKC reads them as
COMPAT = {unicodedata.normalize("NFKC", chr(c)): chr(c) for c in range(0xF900, 0xFB00)
          if len(unicodedata.normalize("NFKC", chr(c))) == 1 and unicodedata.normalize("NFKC", chr(c)) != chr(c)}
CONTEXTS = ["项目负责人{}，", "经访谈{}同志表示，", "（联系人：{}）", "| {} | 组长 |", "**{}**负责统筹。", "据{}介绍"]
MOBILES = ["13800138000", "15912345678", "18621234567", "17755501234"]
LANDLINES = [("021", "61234567"), ("010", "82345678"), ("0571", "8888888"), ("0755", "23456789")]
IDS = ["310105198001011234", "11010519491231002X", "440305200012310017"]
DASHES = ["-", "‐", "‑", "‒", "–", "—", "―", "−", "﹣", "－"]
FIGURES = ["金额 16995805.25 元", "138.0013", "3.1415926535", "2018.08.01", "1,380,013,800", "第 2019 号",
           "15,676,396 次", "92.50%", "400.00万元", "2019-07-01", "v1.3.8.0013.8000", "0.5", "4000000",
           "沪财绩〔2019〕12号", "满意度 95.60 分", "12.5 1234 5678"]


def _spread(text: str, piece: str) -> str:
    return piece.join(text)


def name_variants() -> list[tuple[str, str, str]]:
    """(kind, listed name, written) for every name in every disguise."""
    cases = []
    for name in NAMES:
        cases.append(("plain", name, name))
        cases += [(f"gap:{k}", name, _spread(name, g)) for k, g in GAPS.items()]
        cases += [(f"invisible:{k}", name, _spread(name, ch)) for k, ch in INVISIBLE.items()]
        cases.append(("bidi-wrapped", name, f"\u202e{name}\u202c"))
        cases.append(("markdown", name, f"**{name[0]}**{name[1:]}"))
        cases.append(("fullwidth-and-zw", name, "\u3000".join(name[:-1]) + "\u200b" + name[-1]))
        if any(ch in COMPAT for ch in name):
            cases.append(("compat-ideograph", name, "".join(COMPAT.get(ch, ch) for ch in name)))
    return cases


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in text)


def number_variants() -> list[tuple[str, str, str]]:
    """(kind, digits, written) for phones and ID numbers in their written forms."""
    cases = []
    for m in MOBILES:
        a, b, c = m[:3], m[3:7], m[7:]
        cases += [("mobile:plain", m, m), ("mobile:+86", m, f"+86 {a} {b} {c}"), ("mobile:(+86)", m, f"(+86){m}"),
                  ("mobile:dot", m, f"{a}.{b}.{c}"), ("mobile:4-3-4", m, f"{m[:4]} {m[4:7]} {m[7:]}"),
                  ("mobile:fullwidth", m, _fullwidth(m)), ("mobile:zw", m, "\u200b".join([a, b, c])),
                  ("mobile:bidi", m, f"{a}\u2066{b}\u2069{c}"), ("mobile:spaced-dash", m, f"{a} - {b} - {c}")]
        cases += [(f"mobile:dash{d}", m, f"{a}{d}{b}{d}{c}") for d in DASHES]
    for area, local in LANDLINES:
        digits = area + local
        cases += [("landline:plain", digits, f"{area}{local}"), ("landline:brackets", digits, f"({area}){local}"),
                  ("landline:fullwidth-brackets", digits, f"（{area}）{local[:4]} {local[4:]}"),
                  ("landline:+86", digits, f"+86 {area[1:]} {local}"), ("landline:fullwidth", digits, _fullwidth(f"{area}-{local}"))]
        cases += [(f"landline:dash{d}", digits, f"{area}{d}{local}") for d in DASHES]
    for number in IDS:
        cases += [("id:plain", number, number), ("id:spaced", number, f"{number[:6]} {number[6:14]} {number[14:]}"),
                  ("id:fullwidth", number, _fullwidth(number)), ("id:zw", number, "\u200b".join(number))]
    return cases


def leaks(rng: random.Random) -> tuple[dict, list[str], list[str], int]:
    """Recall per kind, the leaked cases, the figures masked by mistake, and the number of cases."""
    found: dict[str, list[bool]] = {}
    leaked = []
    names = name_variants()
    for kind, name, written in names:
        text = rng.choice(CONTEXTS).format(written)
        folded = re.sub(r"\s", "", normalized(redact(text, NAMES))[0])
        ok = name not in folded and name[1:] not in folded
        found.setdefault("name:" + kind.split(":")[0], []).append(ok)
        if not ok:
            leaked.append(f"姓名 {kind}: {text!r}")
    numbers = number_variants()
    for kind, digits, written in numbers:
        text = f"联系电话：{written}。"
        shown = re.sub(r"\D", "", normalized(redact(text, []))[0])
        ok = digits not in shown
        found.setdefault(kind.split(":")[0], []).append(ok)
        if not ok:
            leaked.append(f"号码 {kind}: {text!r}")
    wrong = [f for f in FIGURES if redact(f, []) != f]
    return found, leaked, wrong, len(names) + len(numbers)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    seconds = []
    for round_ in range(args.rounds):
        started = time.perf_counter()
        found, leaked, wrong, total = leaks(random.Random(round_))
        seconds.append(time.perf_counter() - started)
    print(f"语料：{total} 个写法（人名 {len(name_variants())}，号码 {len(number_variants())}），{len(FIGURES)} 个非号码数字")
    for kind, oks in sorted(found.items()):
        print(f"  {kind:10s} 召回 {sum(oks)}/{len(oks)} = {sum(oks) / len(oks):.2%}")
    print(f"  误遮盖的数字：{len(wrong)}/{len(FIGURES)} {wrong if wrong else ''}")
    print(f"  每轮用时：中位数 {statistics.median(seconds) * 1000:.1f} ms，"
          f"范围 {min(seconds) * 1000:.1f}–{max(seconds) * 1000:.1f} ms（{args.rounds} 轮）")
    for line in leaked:
        print(f"  泄露：{line}")
    names_leaked = [line for line in leaked if line.startswith("姓名")]
    return 1 if names_leaked or leaked else 0


if __name__ == "__main__":
    sys.exit(main())
