"""Memory, CPU and file handles of the bot over time, measured from /proc.

- idle RSS of `python -m bot run` (neonize loaded) under `unshare -n`, empty data dir;
- RSS growth over 10,000 deliveries on the console transport, in process (after a warm-up);
- CPU share of the idle console bot (10,000 pending, nothing due) and of `python -m bot run`
  with the network down (backoff 1 s .. 8 s);
- file handles and RSS of `python -m bot run` under `unshare -n` after 300 failed attempts
  (backoff 0.01 .. 0.02 s): the probe fails at DNS, so neonize's connect() is never called;
- the same after failed neonize connects, which is what the probe saves: a standalone child
  (`python -m bench.resources --connect-leak`) runs the real reconnect loop on the real
  WhatsAppTransport with a probe that always passes, under `unshare -n`, with the failed-connect
  ceiling at 300, and must exit with code 75 (bot.exitcodes.RESTART).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import re
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bench.harness import BenchBot, summary
from bench.procs import (
    LOG_NAME,
    Tail,
    bot_env,
    bot_process,
    can_unshare,
    cpu_seconds,
    fd_count,
    prepare_data_dir,
    rss_kb,
    status_kb,
    thread_count,
    wait_for,
)
from bot import exitcodes
from bot.models import PostContent
from bot.transport.console import DEMO_GROUPS

Row = dict[str, object]


def _row(figure: str, unit: str, value: float) -> Row:
    return {"figure": figure, "unit": unit, **summary([value])}


def _row_of(figure: str, unit: str, samples: list[float]) -> Row:
    return {"figure": figure, "unit": unit, **summary(samples)}


# --- 2. idle RSS of `python -m bot run` -------------------------------------------------


def idle_rss_run(settle_s: float = 10.0) -> list[Row]:
    """VmRSS of `python -m bot run` (neonize loaded, backing off, network down) after settle_s."""
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        with bot_process("run", data, offline=True) as proc:
            time.sleep(settle_s)
            assert proc.poll() is None, f"`bot run` exited with {proc.returncode}"
            rss = rss_kb(proc.pid) / 1024
            anon = status_kb(proc.pid, "RssAnon") / 1024
            threads = thread_count(proc.pid)
        return [
            _row(
                f"RSS of `python -m bot run` idle (neonize loaded, {settle_s:.0f} s after "
                f"start, under `unshare -n`; {anon:.1f} MB anonymous, {threads} threads)",
                "MB",
                rss,
            )
        ]


# --- 3. RSS growth over deliveries ------------------------------------------------------


async def _deliver(bot: BenchBot, posts: int, batch: int) -> None:
    """Queue `posts` posts due now, `batch` at a time, and wait until each batch is out."""
    group = DEMO_GROUPS[0]
    assert bot.app.services is not None
    done = 0
    while done < posts:
        size = min(batch, posts - done)
        before = len(bot.transport.handed)
        now = datetime.now(UTC)
        for n in range(size):
            await bot.app.store.add_post(
                now - timedelta(milliseconds=size - n),
                PostContent(f"rss post {done + n}"),
                [(group.jid, group.name)],
            )
        bot.app.services.queue_changed()
        deadline = time.monotonic() + 60
        while len(bot.transport.handed) < before + size:
            assert time.monotonic() < deadline, "deliveries stalled"
            await asyncio.sleep(0.02)
        done += size
        # The harness keeps every send and the console's printed output in memory: drop them,
        # they are the benchmark's own bookkeeping, not the bot's.
        bot.transport.handed.clear()
        bot.transport.drain_output()


def _settled_rss_kb() -> int:
    gc.collect()
    return rss_kb()


async def delivery_rss(posts: int = 10_000, warmup: int = 1_000, batch: int = 500) -> list[Row]:
    """RSS of this process (a console bot in it) after `warmup` deliveries and after `posts`
    more; the bot's queue, store and scheduler are the real ones, pacing off."""
    with tempfile.TemporaryDirectory() as tmp:
        bot = await BenchBot.start(Path(tmp) / "data")
        try:
            await _deliver(bot, warmup, batch)
            start_kb = _settled_rss_kb()
            began = time.perf_counter()
            await _deliver(bot, posts, batch)
            elapsed = time.perf_counter() - began
            end_kb = _settled_rss_kb()
            counts = await bot.app.store.counts()
        finally:
            await bot.app.stop()
        sent = sum(v for k, v in counts.items() if str(k) == "sent")
        assert sent == warmup + posts, f"{sent} sent of {warmup + posts}"
        return [
            _row(
                f"RSS growth over {posts:,} deliveries after {warmup:,} warm-up, console "
                f"bot in process, pacing off ({start_kb / 1024:.1f} -> "
                f"{end_kb / 1024:.1f} MB; {posts / elapsed:.0f} posts/s)",
                "MB",
                (end_kb - start_kb) / 1024,
            )
        ]


# --- 4. CPU while idle and while the network is down ------------------------------------


def idle_cpu(window_s: float = 60.0, pending: int = 10_000, settle_s: float = 5.0) -> list[Row]:
    """CPU share of the console bot with nothing due, and of `python -m bot run` backing off
    with no network; both run side by side over the same window."""
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        console_data = Path(tmp) / "console" / "data"
        prepare_data_dir(console_data, pending)  # first post due in two days
        console = stack.enter_context(
            bot_process("console", console_data, offline=False, stdin=subprocess.PIPE)
        )
        offline = None
        if can_unshare():
            offline_data = Path(tmp) / "offline" / "data"
            offline_data.parent.mkdir()
            offline = stack.enter_context(
                bot_process(
                    "run",
                    offline_data,
                    offline=True,
                    env={"JADWAL_RECONNECT_INITIAL_S": "1", "JADWAL_RECONNECT_MAX_S": "8"},
                )
            )
        time.sleep(settle_s)
        procs = [p for p in (console, offline) if p is not None]
        for proc in procs:
            assert proc.poll() is None, f"{proc.args!r} exited with {proc.returncode}"
        before = {p.pid: (cpu_seconds(p.pid), time.monotonic()) for p in procs}
        time.sleep(window_s)
        shares = {}
        for proc in procs:
            cpu0, t0 = before[proc.pid]
            shares[proc.pid] = (cpu_seconds(proc.pid) - cpu0) / (time.monotonic() - t0) * 100
            assert proc.poll() is None, f"{proc.args!r} exited with {proc.returncode}"
        rows.append(
            _row(
                f"CPU while idle, `python -m bot console`, {pending:,} pending, "
                f"nothing due, over {window_s:.0f} s",
                "%",
                shares[console.pid],
            )
        )
        if offline is not None:
            log = (offline_data / LOG_NAME).read_text(encoding="utf-8", errors="replace")
            attempts = len(re.findall(r"attempt \d+ failed", log))
            rows.append(
                _row(
                    f"CPU while the network is down, `python -m bot run` under "
                    f"`unshare -n`, backoff 1-8 s ({attempts} attempts), over "
                    f"{window_s:.0f} s",
                    "%",
                    shares[offline.pid],
                )
            )
        assert console.stdin is not None
        console.stdin.close()
    return rows


# --- 5. file handles after failed connect attempts --------------------------------------

_ATTEMPT = re.compile(r"attempt (\d+) failed")


def failed_attempts(attempts: int = 300, early: int = 10) -> list[Row]:
    """fds and RSS of `python -m bot run` under `unshare -n` at attempt `early` and at
    attempt >= `attempts`, backoff shortened to 0.01-0.02 s. The probe fails at DNS, so
    these attempts never reach neonize's connect()."""
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        log = Tail(data / LOG_NAME)
        last = [0]

        def reached(n: int) -> bool:
            for line in log.lines():
                if match := _ATTEMPT.search(line):
                    last[0] = int(match[1])
            return last[0] >= n

        env = {
            "JADWAL_RECONNECT_INITIAL_S": "0.01",
            "JADWAL_RECONNECT_MAX_S": "0.02",
            "JADWAL_MAX_FAILED_CONNECTS": "1000",
        }
        with bot_process("run", data, offline=True, env=env) as proc:
            assert wait_for(lambda: reached(early), 60, poll=0.001), "no early attempts"
            at_early = (last[0], fd_count(proc.pid), rss_kb(proc.pid))
            assert wait_for(lambda: reached(attempts), 120, poll=0.01), (
                f"fewer than {attempts} attempts in 120 s"
            )
            at_end = (last[0], fd_count(proc.pid), rss_kb(proc.pid))
            assert proc.poll() is None, f"`bot run` exited with {proc.returncode}"
        text = (data / LOG_NAME).read_text(encoding="utf-8", errors="replace")
        assert "cannot resolve web.whatsapp.com" in text
        return [
            _row(
                f"open fds of `python -m bot run`, network down, at attempt {at_early[0]} "
                f"-> at attempt {at_end[0]} (probe fails, connect never called): "
                f"{at_early[1]} -> {at_end[1]}",
                "fds",
                at_end[1] - at_early[1],
            ),
            _row(
                f"RSS of the same, attempt {at_early[0]} -> {at_end[0]}: "
                f"{at_early[2] / 1024:.1f} -> {at_end[2] / 1024:.1f} MB",
                "MB",
                (at_end[2] - at_early[2]) / 1024,
            ),
        ]


async def _connect_leak_child(data_dir: Path, connects: int) -> dict[str, object]:
    """Child side: the real reconnect loop on the real transport, probe always passing."""
    from loguru import logger

    from bot.transport.whatsapp.reconnect import ReconnectPolicy
    from bot.transport.whatsapp.transport import WhatsAppTransport

    logger.remove()
    logger.add(sys.stderr, level="ERROR")

    async def reachable() -> str | None:
        return None

    async def ignore(_: object) -> None:
        return None

    marks = sorted({1, 10, connects // 3, 2 * connects // 3})
    samples: list[dict[str, int]] = []

    def sample() -> None:
        failed = transport.status.failed_connects
        samples.append(
            {"connects": failed, "fds": fd_count(), "rss_kb": rss_kb(), "threads": thread_count()}
        )

    policy = ReconnectPolicy(initial=0.01, cap=0.02, max_failed_connects=connects)
    transport = WhatsAppTransport(
        data_dir, ZoneInfo("Asia/Jakarta"), policy=policy, probe=reachable
    )
    began = time.monotonic()
    await transport.start(ignore)
    closed = asyncio.ensure_future(transport.wait_closed())
    while not closed.done():
        if marks and transport.status.failed_connects >= marks[0]:
            marks.pop(0)
            sample()
        await asyncio.sleep(0.002)
    sample()
    code = closed.result()
    await transport.stop()
    return {"code": code, "samples": samples, "seconds": time.monotonic() - began}


def connect_leak(connects: int = 300) -> list[Row]:
    """fds and RSS after 10 and after `connects` failed neonize connects (probe passing)."""
    with tempfile.TemporaryDirectory() as tmp:
        result = Path(tmp) / "result.json"
        proc = subprocess.run(
            [
                "unshare",
                "-n",
                sys.executable,
                "-m",
                "bench.resources",
                "--connect-leak",
                str(Path(tmp) / "data"),
                str(result),
                "--connects",
                str(connects),
            ],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            cwd=tmp,
            env=bot_env(),
            timeout=600,
            check=False,
        )
        assert result.exists(), f"child exited {proc.returncode}: {proc.stderr[-2000:]!r}"
        report = json.loads(result.read_text())
        assert proc.returncode == report["code"], (proc.returncode, report["code"])
        samples = report["samples"]
        early = next(s for s in samples if s["connects"] >= 10)
        end = samples[-1]
        per = max(end["connects"] - early["connects"], 1)
        code = proc.returncode
        verdict = "RESTART" if code == exitcodes.RESTART else "NOT the restart code"
        return [
            _row(
                f"open fds after failed neonize connects (probe passing, network down), "
                f"connect {early['connects']} -> {end['connects']}: {early['fds']} -> "
                f"{end['fds']}; exit code {code} ({verdict}) at the ceiling of {connects}",
                "fds",
                end["fds"] - early["fds"],
            ),
            _row(
                f"RSS of the same, connect {early['connects']} -> {end['connects']}: "
                f"{early['rss_kb'] / 1024:.1f} -> {end['rss_kb'] / 1024:.1f} MB "
                f"({(end['rss_kb'] - early['rss_kb']) / per:.0f} kB per failed connect)",
                "MB",
                (end["rss_kb"] - early["rss_kb"]) / 1024,
            ),
        ]


# --- all --------------------------------------------------------------------------------


async def run(quick: bool = False) -> list[Row]:
    rows = await delivery_rss(posts=2_000 if quick else 10_000, warmup=500 if quick else 1_000)
    rows += idle_cpu(window_s=10 if quick else 60)
    if can_unshare():
        rows += idle_rss_run(settle_s=10)
        rows += failed_attempts(attempts=100 if quick else 300)
        rows += connect_leak(connects=100 if quick else 300)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.resources")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument(
        "--connect-leak",
        nargs=2,
        metavar=("DATA_DIR", "RESULT_JSON"),
        help="child mode: fail neonize connects until the ceiling (run it under `unshare -n`)",
    )
    parser.add_argument("--connects", type=int, default=300)
    args = parser.parse_args()
    if args.connect_leak:
        data_dir, result = map(Path, args.connect_leak)
        data_dir.mkdir(parents=True, exist_ok=True)
        report = asyncio.run(_connect_leak_child(data_dir, args.connects))
        result.write_text(json.dumps(report))
        code = report["code"]
        assert isinstance(code, int)
        return code
    from loguru import logger

    logger.remove()
    logger.add(sys.stderr, level="WARNING")
    for row in asyncio.run(run(args.quick)):
        print(row)  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
