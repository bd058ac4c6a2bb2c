"""The mention-all marker: `@semua` (or `@all`) in a post's text asks for every member of the
group to be mentioned without listing them (what Indonesian admins call "hidetag").

The marker is taken out of the text; the post then carries a mention of each member in its
context info (waE2E ContextInfo.mentionedJID), which WhatsApp shows as a notification to each
member while the text shows no names.

The marker is a word of its own, but punctuation may be attached to it: `@semua!`, `@all.`,
`(@semua)`, `"@semua",`. A word that only starts or ends with it is no marker: `@semuanya`,
`admin@semua.id`, `@semua-nya`.
"""

from __future__ import annotations

import re

MARKERS = ("@semua", "@all")
_PAIRS = {"(": ")", "[": "]", "{": "}", '"': '"', "'": "'", "\u201c": "\u201d", "\u2018": "\u2019"}
_SENTENCE = ".,!?;:\u2026"  # \u2026: the ellipsis character
_OPENERS = re.escape("".join(_PAIRS))
_AFTER = re.escape("".join(_PAIRS.values()) + _SENTENCE)
_MARKER = re.compile(
    rf"(?<!\S)(?P<open>[{_OPENERS}]*)@(?:semua|all)(?P<tail>[{_AFTER}]*)(?!\S)", re.IGNORECASE
)


def split_mention_all(text: str) -> tuple[str, bool]:
    """'@semua Rapat jam 8' -> ('Rapat jam 8', True); a text without the marker is kept as it
    is. A marker alone on a line takes its line with it; elsewhere only the word goes, and
    the spaces around it become one.

    Its punctuation, so that what is left reads as a sentence:
    - brackets and quotes around the marker alone go with it: 'Rapat (@semua)' -> 'Rapat';
    - at the start of a line its punctuation goes too: '@semua! Rapat' -> 'Rapat';
    - elsewhere it stays, in place of any right before the marker: 'Rapat besok @semua.' ->
      'Rapat besok.', 'Halo @semua, rapat' -> 'Halo, rapat', 'Halo, @semua! Rapat' ->
      'Halo! Rapat'.
    """
    if not _MARKER.search(text):
        return text, False
    lines = []
    for line in text.split("\n"):
        if not _MARKER.search(line):
            lines.append(line)
            continue
        if kept := _without_markers(line):
            lines.append(kept)
    return "\n".join(lines).strip("\n"), True


def drop_leading(text: str) -> str:
    """`text` without the markers that come before its first other word: '@semua! besok
    08:00 Rapat' -> 'besok 08:00 Rapat' (so that the words after them are read as if the
    markers were not there)."""
    while (found := _MARKER.match(rest := text.lstrip())) and not _unpaired(found)[0]:
        text = rest[found.end() :]
    return text


def _unpaired(found: re.Match[str]) -> tuple[str, str]:
    """The marker's opening brackets and quotes that it does not close, and what follows it
    (its punctuation, with the closing ones it does close taken out)."""
    opened, tail = "", found["tail"]
    for char in reversed(found["open"]):
        at = tail.find(_PAIRS[char])
        if at < 0:
            opened = char + opened
        else:
            tail = tail[:at] + tail[at + 1 :]
    return opened, tail


def _without_markers(line: str) -> str:
    kept = ""
    attach = False  # a bracket the marker opened and left open goes with the next word
    end = 0
    for found in _MARKER.finditer(line):
        piece = line[end : found.start()]
        kept += piece.lstrip() if attach else piece
        opened, tail = _unpaired(found)
        before = kept.rstrip()
        if not before:  # the start of the line: nothing for its punctuation to close
            tail = ""
        elif any(c in _SENTENCE for c in tail):
            before = before.rstrip(_SENTENCE)
        kept = before + tail + " " + opened
        attach = bool(opened)
        end = found.end()
    rest = line[end:]
    kept += rest.lstrip() if attach else rest
    return " ".join(kept.split())
