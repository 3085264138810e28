"""Re-computes a printed scoring working from its own numbers.

Every step ``a op b = c`` (÷ × − +, brackets, percentages) is evaluated exactly and compared
with the printed result rounded half up to its printed places (at least two, as the report
rounds); a step without division must print its result exactly (「10 × 99.97% = 9.997，取
10.00 分」, never 「= 10.00 分」); every comparison the text states (≥, 不低于最高锚点, 介于 … 之间, 达到或超过 100% …,
共满 N 步) is checked too. ``check(text)`` returns the number of claims checked and raises
AssertionError naming the first false one.
"""

import math
import re
from fractions import Fraction

NUMBER = r"-?\d[\d,]*(?:\.\d+)?%?"
TOKEN = re.compile(rf"\(|\)|[÷×−+]|{NUMBER}|[^\s()÷×−+]+")
OPERATORS = {"÷", "×", "−", "+"}
CLAUSES = re.compile(r"[，；：。]")
EQUALS = re.compile(r"\s*=\s*")


def value(literal: str) -> Fraction:
    number = Fraction(literal.replace(",", "").rstrip("%"))
    return number / 100 if literal.endswith("%") else number


def places(literal: str) -> int:
    digits = literal.replace(",", "").rstrip("%")
    return len(digits.split(".")[1]) if "." in digits else 0


def half_up(number: Fraction, digits: int) -> Fraction:
    scaled = abs(number) * 10 ** digits
    rounded = math.floor(scaled + Fraction(1, 2))
    return Fraction(rounded if number >= 0 else -rounded, 10 ** digits)


def _arithmetic(token: str) -> bool:
    return token in OPERATORS or token in "()" or re.fullmatch(NUMBER, token) is not None


def evaluate(tokens: list[str]) -> Fraction:
    """Exact value of an expression with the usual precedence."""
    position = 0

    def atom():
        nonlocal position
        token = tokens[position]
        position += 1
        if token == "(":
            result = expression()
            assert tokens[position] == ")", tokens
            position += 1
            return result
        return value(token)

    def term():
        nonlocal position
        result = atom()
        while position < len(tokens) and tokens[position] in "×÷":
            operator = tokens[position]
            position += 1
            right = atom()
            result = result * right if operator == "×" else result / right
        return result

    def expression():
        nonlocal position
        result = term()
        while position < len(tokens) and tokens[position] in "+−":
            operator = tokens[position]
            position += 1
            right = term()
            result = result + right if operator == "+" else result - right
        return result

    result = expression()
    assert position == len(tokens), tokens
    return result


def _well_formed(tokens: list[str]) -> bool:
    if not tokens or tokens[0] in OPERATORS or tokens[-1] in OPERATORS:
        return False
    depth = 0
    for token in tokens:
        depth += (token == "(") - (token == ")")
        if depth < 0:
            return False
    return depth == 0


def _tail(part: str) -> list[str]:
    """The longest well-formed expression ending the text before an equals sign."""
    tokens = TOKEN.findall(part)
    start = len(tokens)
    while start and _arithmetic(tokens[start - 1]):
        start -= 1
    for begin in range(start, len(tokens)):
        if _well_formed(tokens[begin:]):
            return tokens[begin:]
    return []


def _head(part: str) -> list[str]:
    """The longest well-formed expression starting the text after an equals sign."""
    tokens = TOKEN.findall(part)
    end = 0
    while end < len(tokens) and _arithmetic(tokens[end]):
        end += 1
    for stop in range(end, 0, -1):
        if _well_formed(tokens[:stop]):
            return tokens[:stop]
    return []


def _equations(text: str) -> int:
    checked = 0
    for clause in CLAUSES.split(text):
        parts = EQUALS.split(clause)
        for left, right in zip(parts, parts[1:]):
            lhs, rhs = _tail(left), _head(right)
            if not lhs or not rhs or len(lhs) == 1:
                continue
            exact = evaluate(lhs)
            if len(rhs) == 1:
                shown = rhs[0]
                unit = 100 if shown.endswith("%") else 1
                digits = max(places(shown), 2)
                printed = Fraction(shown.replace(",", "").rstrip("%"))
                assert half_up(exact * unit, digits) == printed, f"{' '.join(lhs)} ≠ {shown}：{text}"
                assert "÷" in lhs or exact * unit == printed, f"{' '.join(lhs)} = {shown} 是舍入后的值：{text}"
            else:
                assert exact == evaluate(rhs), f"{' '.join(lhs)} ≠ {' '.join(rhs)}：{text}"
            checked += 1
    return checked


COMPARISONS = [
    (re.compile(rf"({NUMBER}) ≥ ({NUMBER})"), lambda a, b: a >= b),
    (re.compile(rf"({NUMBER}) ≤ ({NUMBER})"), lambda a, b: a <= b),
    (re.compile(rf"({NUMBER}) 不高于最低锚点 ({NUMBER})"), lambda a, b: a <= b),
    (re.compile(rf"({NUMBER}) 不低于最高锚点 ({NUMBER})"), lambda a, b: a >= b),
    (re.compile(rf"({NUMBER}) 低于最低档 ({NUMBER})"), lambda a, b: a < b),
    (re.compile(rf"({NUMBER}) 高于最高档 ({NUMBER})"), lambda a, b: a > b),
    (re.compile(rf"({NUMBER}) 未低于标准 ({NUMBER})"), lambda a, b: a >= b),
    (re.compile(rf"({NUMBER}) 未超过标准 ({NUMBER})"), lambda a, b: a <= b),
]


def _claims(text: str) -> int:
    checked = 0
    for pattern, holds in COMPARISONS:
        for match in pattern.finditer(text):
            numbers = [value(g) for g in match.groups()]
            assert holds(*numbers), f"『{match.group(0)}』不成立：{text}"
            checked += 1
    for match in re.finditer(rf"= ({NUMBER})，达到或超过 100(%?) 按满分计", text):
        shown = Fraction(match.group(1).rstrip("%").replace(",", ""))
        assert shown >= 100, f"『{match.group(0)}』不成立：{text}"
        checked += 1
    for match in re.finditer(rf"= ({NUMBER})，不高于 0 按 0 计", text):
        assert value(match.group(1)) <= 0, f"『{match.group(0)}』不成立：{text}"
        checked += 1
    for match in re.finditer(rf"({NUMBER}) 介于 ({NUMBER})（[^）]*）与 ({NUMBER})（[^）]*）之间", text):
        v, low, high = (value(g) for g in match.groups())
        assert low <= v <= high, f"『{match.group(0)}』不成立：{text}"
        checked += 1
    for match in re.finditer(rf"每满 ({NUMBER}) 扣 ({NUMBER}) 分，({NUMBER}) 共满 (\d+) 步", text):
        step, _, gap, steps = (value(g) for g in match.groups())
        assert steps == math.floor(gap / step), f"『{match.group(0)}』不成立：{text}"
        checked += 1
    for match in re.finditer(rf"= ({NUMBER}) 分，扣分达到或超过满分 ({NUMBER}) 分", text):
        lost, full = (value(g) for g in match.groups())
        assert lost >= full, f"『{match.group(0)}』不成立：{text}"
        checked += 1
    return checked


def check(text: str) -> int:
    """Check every equation and comparison in a working; return how many were checked."""
    return _equations(text) + _claims(text)
