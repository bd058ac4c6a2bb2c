"""The token patterns of the grammar, built from the word tables in bot.timeparse.lexicon.

Phrases are folded to lower case first (bot.timeparse.scan.fold), so no pattern needs
re.IGNORECASE. Alternations list longer words first, so that one never stops at a prefix
("thu" inside "thursday").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from fractions import Fraction

from bot.timeparse import lexicon as lx
from bot.timeparse.scan import END, H, rx


def alt(words: Iterable[str]) -> str:
    """An alternation of `words`; a space in a word matches any run of spaces or tabs."""
    ordered = sorted(set(words), key=len, reverse=True)
    return "|".join(f"{H}+".join(map(re.escape, word.split(" "))) for word in ordered)


def key(text: str) -> str:
    """'Malam   hari' as matched (folded) -> 'malam hari': the form the tables use."""
    return " ".join(text.split())


def _numbers() -> dict[str, int]:
    words = {**lx.ONES, **lx.NUMBER_WORDS}
    for word, n in lx.ONES.items():
        if n == 1:
            continue
        words[f"{word} {lx.TEENS_WORD}"] = 10 + n
        words[f"{word} {lx.TENS_WORD}"] = 10 * n
        for unit, u in lx.ONES.items():
            words[f"{word} {lx.TENS_WORD} {unit}"] = 10 * n + u
    return words


NUMBERS = _numbers()
NUM = rf"[0-9]{{1,2}}|{alt(NUMBERS)}"  # a small number, in digits or words


def number(text: str) -> int:
    return int(text) if text.isdigit() else NUMBERS[key(text)]


PART_RX = alt([*lx.PART_WORDS, *(f"{w} {lx.PART_SUFFIX}" for w in lx.PART_WORDS if " " not in w)])
RE_PART = rx(rf"(?P<p>{PART_RX})")


def part_key(text: str) -> str:
    """'Malam  hari' -> 'malam'; 'mlm' -> 'malam'; 'evening' -> 'malam'."""
    words = key(text)
    if words not in lx.PART_WORDS:
        words = words.rsplit(" ", 1)[0]
    return lx.PART_WORDS[words]


WEEKDAY_RX = alt(lx.WEEKDAYS)
MONTH_RX = alt(lx.MONTHS)
UNIT_RX = alt(lx.UNITS)
DAY_UNITS = frozenset(word for word, seconds in lx.UNITS.items() if seconds % 86400 == 0)
TGL = rf"(?:(?P<tgl>{alt(lx.DATE_PREFIXES)}){H}*)?"

# Amounts of time: "2 jam", "1,5 jam", "satu setengah jam", "1 jam setengah", "setengah jam",
# "sejam". A fraction after the unit is not one before a number ("2 jam setengah 8").
# "1,5 jam", "1.5 jam": one decimal digit after a full stop ("1.30 jam" is not read)
_DECIMAL = rf"[0-9]{{1,5}}(?:,[0-9]{{1,2}}|\.[0-9](?![0-9]))?|{alt(NUMBERS)}"
_FRACTION_RX = alt(lx.FRACTION_WORDS)
_TAIL = rf"(?:{H}+(?P<tail>{_FRACTION_RX})(?!{H}+(?:{NUM}){END}))?"
_AMOUNT = (
    rf"(?:(?:{_DECIMAL})(?:{H}+(?:{_FRACTION_RX}))?{H}*(?:{UNIT_RX})"
    rf"{_TAIL.replace('?P<tail>', '')}"
    rf"|(?:{_FRACTION_RX}){H}+(?:{UNIT_RX})|{alt(lx.ONE_WORD_AMOUNTS)}){END}"
)
AMOUNTS = rf"(?P<parts>{_AMOUNT}(?:{H}+(?:(?:{alt(lx.AND_WORDS)}){H}+)?{_AMOUNT})*)"
RE_AMOUNT = re.compile(
    rf"(?P<n>{_DECIMAL})(?:{H}+(?P<half>{_FRACTION_RX}))?{H}*"
    rf"(?P<unit>{UNIT_RX}){_TAIL}{END}|(?P<frac>{_FRACTION_RX}){H}+"
    rf"(?P<funit>{UNIT_RX}){END}|(?P<one>{alt(lx.ONE_WORD_AMOUNTS)}){END}"
)


def amounts(text: str) -> tuple[int, bool]:
    """'1 jam 30 menit' -> (5400, False); the flag: every unit is whole days or weeks."""
    total = Fraction(0)
    days_only = True
    for mt in RE_AMOUNT.finditer(text):
        if mt["one"]:
            seconds = lx.ONE_WORD_AMOUNTS[key(mt["one"])]
            total += seconds
            days_only &= seconds % 86400 == 0
            continue
        unit = mt["unit"] or mt["funit"]
        days_only &= unit in DAY_UNITS
        if mt["frac"]:
            value = Fraction(*lx.FRACTION_WORDS[key(mt["frac"])])
        else:
            n = mt["n"]
            value = Fraction(n.replace(",", ".")) if n[0].isdigit() else Fraction(number(n))
            for half in (mt["half"], mt["tail"]):
                if half:
                    value += Fraction(*lx.FRACTION_WORDS[key(half)])
        total += value * lx.UNITS[unit]
    return round(total), days_only
