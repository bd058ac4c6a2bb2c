"""What `PRAGMA synchronous=FULL` costs on this disk: `python -m bench.durability [--write]`.

bot.db runs in WAL mode with synchronous=FULL, so that the commit "claimed for sending"
survives an OS crash or a power cut (with NORMAL the last commits may be rolled back, and the
post sent again). Each delivery commits twice around the send: pending -> sending (the claim)
and sending -> sent (the record). This measures those two commits per post, through the real
Store, with FULL and with NORMAL, in a temp dir on the disk of `--dir` (default: the current
directory, where data/ normally is). Runs alternate between the two settings, and the median
run of each is reported. `--write` puts the result in BENCHMARKS.md under its own heading.
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from loguru import logger

from bench import report
from bot.models import PostContent, PostStatus
from bot.store import Store

HEADING = "## Durability: synchronous=FULL"
MODES = ("NORMAL", "FULL")
SEND_INTERVAL_S = 3.0  # the shortest default pause between two posts (JADWAL_PACING_MIN_S)


async def _round_trips(directory: Path, mode: str, posts: int) -> float:
    """Claim + record round trips per second with `mode`."""
    store = await Store.open(directory / "bot.db")
    try:
        await store._db.execute(f"PRAGMA synchronous={mode}")
        now = datetime.now(UTC)
        ids = [
            (
                await store.add_post(
                    now + timedelta(seconds=i), PostContent("x"), [("g@g.us", "Grup")], now=now
                )
            ).id
            for i in range(posts)
        ]
        began = time.perf_counter()
        for post_id in ids:
            await store.move(post_id, PostStatus.SENDING, expect=PostStatus.PENDING)
            await store.move(post_id, PostStatus.SENT, expect=PostStatus.SENDING)
        return posts / (time.perf_counter() - began)
    finally:
        await store.close()


async def measure(base: Path, posts: int, runs: int) -> dict[str, float]:
    rates: dict[str, list[float]] = {mode: [] for mode in MODES}
    for run in range(runs):
        for mode in MODES:
            with tempfile.TemporaryDirectory(dir=base, prefix=".bench-sync-") as tmp:
                rates[mode].append(await _round_trips(Path(tmp), mode, posts))
            logger.info("run {} {}: {:.0f}/s", run + 1, mode, rates[mode][-1])
    return {mode: statistics.median(values) for mode, values in rates.items()}


def section(rates: dict[str, float], posts: int, runs: int, command: str) -> str:
    extra_ms = 1000 / rates["FULL"] - 1000 / rates["NORMAL"]
    share = extra_ms / (SEND_INTERVAL_S * 1000) * 100
    rows = "\n".join(f"| {mode} | {rates[mode]:.0f} | {1000 / rates[mode]:.2f} |" for mode in MODES)
    return (
        f"{HEADING}\n\n`{command}` on {datetime.now(UTC):%Y-%m-%d}, Python "
        f"{platform.python_version()}, {platform.machine()}: {posts} posts claimed and "
        f"recorded sent (two commits each) through the real Store, median of {runs} runs "
        "per setting, temp dir on the disk of the working directory.\n\n"
        "| synchronous | claim+record round trips/s | ms per post |\n|---|---|---|\n"
        f"{rows}\n\nFULL costs {extra_ms:.2f} ms more per post "
        f"({rates['NORMAL'] / rates['FULL']:.1f}x NORMAL's time); against the shortest "
        f"default pause between posts ({SEND_INTERVAL_S:g} s) that is {share:.3f} % of "
        "the time.\n"
    )


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.durability")
    parser.add_argument("--posts", type=int, default=300)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--dir",
        type=Path,
        default=Path("."),
        help="measure on the disk holding this directory (default: .)",
    )
    parser.add_argument("--write", action="store_true", help="record it in BENCHMARKS.md")
    args = parser.parse_args()
    logger.remove()
    logger.add(sys.stderr, level="INFO", format="{message}", filter={"bot": "WARNING"})
    rates = asyncio.run(measure(args.dir, args.posts, args.runs))
    text = section(rates, args.posts, args.runs, "python -m bench.durability")
    print(text)  # noqa: T201
    if args.write:
        report.write_section(Path("BENCHMARKS.md"), text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
