"""Numbers as people type them: the digits 0-9 only."""

from __future__ import annotations


def is_number(word: str) -> bool:
    """Only the digits 0-9: str.isdigit also takes '²', '³' and other scripts' digits ('٣'),
    which int() refuses or reads as a number nobody typed as one."""
    return word.isascii() and word.isdigit()
