"""Soak test, on demand (not in CI): `python -m bench.soak [--minutes 10]`.

The console bot runs as a subprocess (`python -m bot console`) for N minutes with pacing off
(JADWAL_PACING_MIN_S=0, JADWAL_PACING_MAX_S=0: under the default 3-6 s pacing a post every
second would only pile up). One pre-created post falls due every second, and a command
arrives on its stdin every 100 ms (/status, /antrian, /jadwal dalam 2 jam x, in turn).
RSS, open fds and threads are sampled from /proc every 10 s. At the end stdin is closed (the
bot stops on end of input) and the outbox (data/outbox.jsonl, every delivery) is checked
against the database: each due post delivered exactly once and marked sent, each command
answered once, each /jadwal queued.
Prints a block to paste into BENCHMARKS.md; exits 1 if a check failed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import platform
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench import report
from bench.harness import summary
from bench.procs import (
    LOG_NAME,
    OWNER_CHAT,
    Tail,
    bot_command,
    bot_env,
    cpu_seconds,
    fd_count,
    prepare_data_dir,
    rss_kb,
    stopped_at_exit,
    thread_count,
    wait_for,
)
from bot.timefmt import from_utc_text
from tests.quick import QUICK_ENV

COMMANDS = ("/status", "/antrian", "/jadwal dalam 2 jam x")
LEAD_S = 3.0  # the first post falls due this long after the data dir is prepared
SAMPLE_EVERY_S = 10.0
FINISH_S = 30.0  # how long to wait after the last due post for it to be delivered


@dataclass
class Sample:
    at_s: float
    rss_kb: int
    fds: int
    threads: int


@dataclass
class SoakResult:
    minutes: float
    posts_due: int = 0
    delivered_once: int = 0
    lost: list[int] = field(default_factory=list)
    duplicated: list[int] = field(default_factory=list)
    not_marked_sent: list[int] = field(default_factory=list)
    commands: int = 0
    replies: int = 0
    scheduled: int = 0  # /jadwal commands sent
    queued: int = 0  # posts those commands created
    lateness_ms: list[float] = field(default_factory=list)
    samples: list[Sample] = field(default_factory=list)
    cpu_share: float = 0.0
    max_command_lag_ms: float = 0.0
    exit_code: int | None = None

    @property
    def ok(self) -> bool:
        return (
            not self.lost
            and not self.duplicated
            and not self.not_marked_sent
            and self.delivered_once == self.posts_due
            and self.replies == self.commands
            and self.queued == self.scheduled
            and self.exit_code == 0
        )


def _verify(result: SoakResult, data: Path, ids: list[int]) -> None:
    records = [
        json.loads(line)
        for line in (data / "outbox.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    delivered = Counter(r["post_id"] for r in records if r["post_id"] is not None)
    result.replies = sum(1 for r in records if r["post_id"] is None and r["chat"] == OWNER_CHAT)
    with contextlib.closing(sqlite3.connect(data / "bot.db")) as db:
        rows = db.execute("SELECT id, status, due_at FROM posts").fetchall()
    status = {post_id: state for post_id, state, _ in rows}
    due = {post_id: from_utc_text(due_at) for post_id, _, due_at in rows}
    soak_ids = set(ids)
    result.posts_due = len(ids)
    result.delivered_once = sum(1 for i in ids if delivered[i] == 1)
    result.lost = sorted(i for i in ids if delivered[i] == 0)
    result.duplicated = sorted(i for i, n in delivered.items() if n > 1)
    result.not_marked_sent = sorted(i for i in delivered if status.get(i) != "sent")
    result.not_marked_sent += sorted(
        i for i in ids if status.get(i) != "sent" and i not in delivered
    )
    result.queued = sum(
        1 for i, state in status.items() if i not in soak_ids and state == "pending"
    )
    first_at: dict[int, datetime] = {}
    for record in records:
        if record["post_id"] in soak_ids and record["post_id"] not in first_at:
            first_at[record["post_id"]] = datetime.fromisoformat(record["at"])
    result.lateness_ms = [(at - due[i]).total_seconds() * 1000 for i, at in first_at.items()]


def soak(minutes: float = 10.0, *, interval_s: float = 0.1, progress: bool = False) -> SoakResult:
    result = SoakResult(minutes)
    posts = max(1, round(minutes * 60))
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        first_due = datetime.now(UTC) + timedelta(seconds=LEAD_S)
        ids = prepare_data_dir(
            data, posts, first_due=first_due, step=timedelta(seconds=1), text="soak post {n}"
        )
        last_due = first_due + timedelta(seconds=posts - 1)
        env = bot_env(QUICK_ENV)
        proc = subprocess.Popen(
            bot_command("console", data),
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=tmp,
            env=env,
        )
        with stopped_at_exit(proc):
            assert proc.stdin is not None
            log = Tail(data / LOG_NAME)
            assert wait_for(lambda: any(" ready: " in line for line in log.lines()), 30), (
                "console bot not ready within 30 s"
            )
            start = time.monotonic()
            cpu0 = cpu_seconds(proc.pid)
            next_sample = start
            tick = 0
            stop_at = start + (last_due - datetime.now(UTC)).total_seconds() + 1
            while (now := time.monotonic()) < stop_at:
                if now >= next_sample:
                    result.samples.append(
                        Sample(
                            now - start,
                            rss_kb(proc.pid),
                            fd_count(proc.pid),
                            thread_count(proc.pid),
                        )
                    )
                    next_sample += SAMPLE_EVERY_S
                    if progress:
                        s = result.samples[-1]
                        print(  # noqa: T201
                            f"  {s.at_s:6.0f} s  rss {s.rss_kb / 1024:6.1f} MB  fds "
                            f"{s.fds}  threads {s.threads}",
                            file=sys.stderr,
                            flush=True,
                        )
                due_at = start + tick * interval_s
                if now >= due_at:
                    command = COMMANDS[tick % len(COMMANDS)]
                    proc.stdin.write(command.encode() + b"\n")
                    proc.stdin.flush()
                    result.commands += 1
                    result.scheduled += command.startswith("/jadwal")
                    result.max_command_lag_ms = max(
                        result.max_command_lag_ms, (now - due_at) * 1000
                    )
                    tick += 1
                time.sleep(max(0.0, min(due_at + interval_s, next_sample) - time.monotonic()))
            outbox = data / "outbox.jsonl"
            last_id = str(ids[-1])
            wait_for(
                lambda: f'"post_id": {last_id}}}' in outbox.read_text(encoding="utf-8"),
                FINISH_S,
                poll=0.2,
            )
            end = time.monotonic()
            result.samples.append(
                Sample(end - start, rss_kb(proc.pid), fd_count(proc.pid), thread_count(proc.pid))
            )
            result.cpu_share = (cpu_seconds(proc.pid) - cpu0) / (end - start) * 100
            proc.stdin.close()  # end of input: the bot answers what it has, then stops
            result.exit_code = proc.wait(timeout=60)
        _verify(result, data, ids)
    return result


def _mb(kb: int) -> str:
    return f"{kb / 1024:.1f}"


def result_block(result: SoakResult, command: str) -> str:
    rss = [s.rss_kb for s in result.samples]
    fds = [s.fds for s in result.samples]
    threads = [s.threads for s in result.samples]
    minute = next((s for s in result.samples if s.at_s >= 60), result.samples[0])
    late = summary(result.lateness_ms) if result.lateness_ms else None
    late_text = f"{late['median']:.1f} / {late['p99']:.1f} / {late['max']:.1f}" if late else "-"

    def ids(values: list[int]) -> str:
        return f"{len(values)}" + (
            f" ({', '.join(f'#{i}' for i in values[:10])})" if values else ""
        )

    lines = [
        "## Soak test",
        "",
        f"`{command}` on {datetime.now(UTC):%Y-%m-%d}, Python {platform.python_version()}, "
        f"{platform.machine()}: the console bot as a subprocess for {result.minutes:g} min, "
        f"pacing off, one post falling due every second and a command every 100 ms on its "
        f"stdin ({', '.join(COMMANDS)}, in turn); RSS and fds from /proc every "
        f"{SAMPLE_EVERY_S:.0f} s.",
        "",
        "| figure | value |",
        "|---|---|",
        f"| posts due / delivered exactly once | {result.posts_due} / {result.delivered_once} |",
        f"| lost / duplicated / delivered but not marked sent | {ids(result.lost)} / "
        f"{ids(result.duplicated)} / {ids(result.not_marked_sent)} |",
        f"| commands sent / replies | {result.commands} / {result.replies} |",
        f"| /jadwal sent / posts queued by them | {result.scheduled} / {result.queued} |",
        f"| lateness of due posts, median / p99 / max | {late_text} ms |",
        f"| RSS first / after 1 min / last / max | {_mb(rss[0])} / {_mb(minute.rss_kb)} / "
        f"{_mb(rss[-1])} / {_mb(max(rss))} MB |",
        f"| open fds first / last / max | {fds[0]} / {fds[-1]} / {max(fds)} |",
        f"| threads first / last / max | {threads[0]} / {threads[-1]} / {max(threads)} |",
        f"| CPU share over the run | {result.cpu_share:.1f} % |",
        f"| largest delay writing a command (load on the driver) | "
        f"{result.max_command_lag_ms:.0f} ms |",
        f"| exit code on end of input | {result.exit_code} |",
        f"| result | {'PASS' if result.ok else 'FAIL'} |",
    ]
    return "\n".join(lines) + "\n"


def run(minutes: float = 10.0) -> list[dict[str, object]]:
    """The soak as benchmark rows (for `python -m bench`, if wanted)."""
    result = soak(minutes)
    assert result.ok, result_block(result, f"python -m bench.soak --minutes {minutes:g}")
    rss = [s.rss_kb / 1024 for s in result.samples]
    fds = [float(s.fds) for s in result.samples]
    return [
        {
            "figure": f"soak {minutes:g} min: lateness of due posts (one per second, commands "
            "every 100 ms)",
            "unit": "ms",
            **summary(result.lateness_ms),
        },
        {
            "figure": f"soak {minutes:g} min: RSS growth, first sample -> last "
            f"({rss[0]:.1f} -> {rss[-1]:.1f} MB, max {max(rss):.1f})",
            "unit": "MB",
            **summary([rss[-1] - rss[0]]),
        },
        {
            "figure": f"soak {minutes:g} min: open fds, last - first ({fds[0]:.0f} -> "
            f"{fds[-1]:.0f}, median {statistics.median(fds):.0f})",
            "unit": "fds",
            **summary([fds[-1] - fds[0]]),
        },
    ]


def main() -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.soak", description="soak test of the console bot (not for CI)"
    )
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    parser.add_argument(
        "--write", action="store_true", help="record the result in BENCHMARKS.md (its soak section)"
    )
    args = parser.parse_args()
    from loguru import logger

    logger.remove()
    logger.add(sys.stderr, level="WARNING")
    command = "python -m bench.soak" + (
        f" --minutes {args.minutes:g}" if args.minutes != 10 else ""
    )
    result = soak(args.minutes, progress=not args.quiet)
    block = result_block(result, command)
    print(block)  # noqa: T201
    if args.write:
        report.write(Path("BENCHMARKS.md"), soak=block)
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
