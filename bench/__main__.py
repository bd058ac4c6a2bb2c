"""python -m bench [--quick]: run every benchmark and write BENCHMARKS.md."""

from __future__ import annotations

import argparse
import asyncio
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

from loguru import logger

from bench import (
    api,
    calendarreply,
    capsburst,
    grouplateness,
    lateness,
    pacing,
    parse,
    replies,
    report,
    resources,
    startup,
)


def _table(rows: list[dict[str, object]]) -> str:
    lines = ["| figure | n | median | p99 | max | unit |", "|---|---|---|---|---|---|"]
    for row in rows:
        cells = [
            f"{row[k]:.2f}" if isinstance(row[k], float) else str(row[k])
            for k in ("median", "p99", "max")
        ]
        lines.append(f"| {row['figure']} | {row['n']} | {' | '.join(cells)} | {row['unit']} |")
    return "\n".join(lines)


async def _all(quick: bool) -> list[dict[str, object]]:
    rows = await replies.run(pending=1_000 if quick else 10_000, rounds=50 if quick else 300)
    rows += await calendarreply.run(pending=1_000 if quick else 10_000, rounds=10 if quick else 50)
    rows += parse.run(rounds=10 if quick else 50)
    rows += await pacing.run(seeds=5 if quick else 20)
    rows += await lateness.run(posts=100 if quick else 1_000, spread_s=5 if quick else 60)
    rows += await grouplateness.run(posts=10 if quick else 50, spread_s=2 if quick else 10)
    rows += await asyncio.to_thread(startup.run, runs=2 if quick else 5)
    rows += await resources.run(quick=quick)
    rows += await api.run(
        pending=1_000 if quick else 10_000,
        requests=100 if quick else 1_000,
        rss_runs=1 if quick else 3,
    )
    # Last: its virtual clock wraps aiosqlite's query calls for the rest of the process.
    rows += await capsburst.run(
        posts=100 if quick else 1_000,
        pending=1_000 if quick else 10_000,
        rounds=50 if quick else 300,
    )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("--output", type=Path, default=Path("BENCHMARKS.md"))
    args = parser.parse_args()
    logger.remove()
    logger.add(sys.stderr, level="WARNING")
    rows = asyncio.run(_all(args.quick))
    command = "python -m bench" + (" --quick" if args.quick else "")
    text = (
        f"# Benchmarks\n\nProduced by `{command}` on {datetime.now(UTC):%Y-%m-%d}, "
        f"Python {platform.python_version()}, {platform.machine()}, "
        f"{platform.system()}; console transport, temp data dir.\n\n{_table(rows)}\n"
    )
    report.write(args.output, benchmarks=text)
    print(text)  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
