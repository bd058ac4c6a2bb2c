"""BENCHMARKS.md: the `python -m bench` table on top, then one `## ` section per other run
(soak, durability). Each writer replaces its own part and keeps every other one."""

from __future__ import annotations

from pathlib import Path

SOAK_HEADING = "## Soak test"


def _parts(text: str) -> tuple[str, list[str]]:
    """The text before the first `## ` heading, and each section from its heading on."""
    pieces = ("\n" + text).split("\n## ")
    head = pieces[0].lstrip("\n")
    return head, ["## " + piece for piece in pieces[1:]]


def _join(head: str, sections: list[str]) -> str:
    return "\n".join(p.rstrip() + "\n" for p in [head, *sections] if p.strip())


def soak_section(path: Path) -> str:
    """The soak section of an existing BENCHMARKS.md ('' if none)."""
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    found = [s for s in _parts(text)[1] if s.startswith(SOAK_HEADING)]
    return found[0].rstrip() + "\n" if found else ""


def write_section(path: Path, section: str) -> None:
    """Replace the section with `section`'s heading (its first line), or add it at the end."""
    heading = section.split("\n", 1)[0]
    if not heading.startswith("## "):
        raise ValueError(f"a section starts with a '## ' heading, not {heading!r}")
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    head, sections = _parts(text)
    index = next((i for i, s in enumerate(sections) if s.split("\n", 1)[0] == heading), None)
    if index is None:
        sections.append(section)
    else:
        sections[index] = section
    path.write_text(_join(head, sections), encoding="utf-8")


def write(path: Path, benchmarks: str | None = None, soak: str | None = None) -> None:
    """Rewrite the top table and/or the soak section, keeping every other section."""
    if benchmarks is not None:
        text = path.read_text(encoding="utf-8") if path.is_file() else ""
        path.write_text(_join(benchmarks, _parts(text)[1]), encoding="utf-8")
    if soak is not None:
        write_section(path, soak)
