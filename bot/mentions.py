"""The mention-all marker: `@semua` (or `@all`) in a post's text asks for every member of the
group to be mentioned without listing them (what Indonesian admins call "hidetag").

The marker is taken out of the text; the post then carries a mention of each member in its
context info (waE2E ContextInfo.mentionedJID), which WhatsApp shows as a notification to each
member while the text shows no names.
"""

from __future__ import annotations

import re

MARKERS = ("@semua", "@all")
_MARKER = re.compile(r"(?<!\S)@(?:semua|all)(?!\S)", re.IGNORECASE)


def split_mention_all(text: str) -> tuple[str, bool]:
    """'@semua Rapat jam 8' -> ('Rapat jam 8', True); a text without the marker is kept as it
    is. A marker alone on a line takes its line with it; elsewhere only the word goes."""
    if not _MARKER.search(text):
        return text, False
    lines = []
    for line in text.split("\n"):
        if not _MARKER.search(line):
            lines.append(line)
            continue
        kept = " ".join(_MARKER.sub(" ", line).split())
        if kept:
            lines.append(kept)
    return "\n".join(lines).strip("\n"), True
