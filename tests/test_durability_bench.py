"""bench/durability.py on a tiny run: it measures both settings and rewrites only its section."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bench import durability
from bench import report as bench_report


def test_measures_both_settings_and_keeps_the_rest_of_the_file(tmp_path: Path) -> None:
    rates = asyncio.run(durability.measure(tmp_path, posts=5, runs=1))
    assert set(rates) == {"NORMAL", "FULL"} and all(rate > 0 for rate in rates.values())
    assert not list(tmp_path.iterdir())  # its temp dirs are gone
    report = tmp_path / "BENCHMARKS.md"
    report.write_text("# Benchmarks\n\n| a |\n\n## Soak test\n\n| b |\n", encoding="utf-8")
    bench_report.write_section(report, durability.section(rates, 5, 1, "cmd"))
    first = report.read_text(encoding="utf-8")
    slower = durability.section({"NORMAL": 2.0, "FULL": 1.0}, 5, 1, "cmd")
    bench_report.write_section(report, slower)
    text = report.read_text(encoding="utf-8")
    assert text.startswith("# Benchmarks\n\n| a |\n\n## Soak test\n\n| b |\n")
    assert text.count(durability.HEADING) == 1 and first.count(durability.HEADING) == 1
    assert "| FULL | 1 | 1000.00 |" in text and "FULL costs 500.00 ms more per post" in text


def test_each_writer_keeps_the_other_sections(tmp_path: Path) -> None:
    path = tmp_path / "BENCHMARKS.md"
    path.write_text(
        "# Benchmarks\n\nold table\n\n## Soak test\n\nold soak\n\n"
        "## Durability: synchronous=FULL\n\nold durability\n",
        encoding="utf-8",
    )
    bench_report.write(path, benchmarks="# Benchmarks\n\nnew table\n")
    bench_report.write(path, soak="## Soak test\n\nnew soak\n")
    assert path.read_text(encoding="utf-8") == (
        "# Benchmarks\n\nnew table\n\n## Soak test\n\nnew soak\n\n"
        "## Durability: synchronous=FULL\n\nold durability\n"
    )
    assert bench_report.soak_section(path) == "## Soak test\n\nnew soak\n"
