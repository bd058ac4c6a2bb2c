"""BENCHMARKS.md holds the `python -m bench` table and, below it, the last soak result."""

from __future__ import annotations

from pathlib import Path

SOAK_HEADING = "## Soak test"


def soak_section(path: Path) -> str:
    """The soak section of an existing BENCHMARKS.md ('' if none)."""
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    start = text.find(SOAK_HEADING)
    return text[start:].rstrip() + "\n" if start >= 0 else ""


def write(path: Path, benchmarks: str | None = None, soak: str | None = None) -> None:
    """Rewrite one part of BENCHMARKS.md and keep the other."""
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    start = text.find(SOAK_HEADING)
    current_bench = (text[:start] if start >= 0 else text).rstrip() + "\n"
    current_soak = soak_section(path)
    parts = [benchmarks if benchmarks is not None else current_bench,
             soak if soak is not None else current_soak]
    path.write_text("\n".join(p.rstrip() + "\n" for p in parts if p.strip()), encoding="utf-8")
