"""Start to ready with a large pending queue, imports included: a fresh process each run.

console: `python -m bot console` with "/status" written to its stdin at once; ready is the
moment its reply lands in data/outbox.jsonl (the queue is loaded, the scheduler armed and the
first command answered). The log line "jadwal-bot ... ready" is timed as well.
run: `python -m bot run` under `unshare -n` (neonize and its Go library loaded; no network,
so WhatsApp is never reached); ready is the log line "jadwal-bot ... ready".
Each run starts from its own copy of the prepared data dir, so every start finds the same
10,000 pending posts and no run inherits another's WAL or outbox.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.harness import summary
from bench.procs import (
    LOG_NAME,
    Tail,
    bot_command,
    bot_env,
    can_unshare,
    owner_replies,
    prepare_data_dir,
    stopped_at_exit,
    wait_for,
)

TIMEOUT_S = 30.0


def _ready_logged(tail: Tail) -> bool:
    return any(" ready: " in line and "jadwal-bot" in line for line in tail.lines())


def console_start_ms(template: Path, work: Path) -> tuple[float, float]:
    """(ms to the /status reply, ms to the ready log line) for one fresh console process."""
    data = work / "data"
    shutil.rmtree(data, ignore_errors=True)
    shutil.copytree(template, data)
    outbox, log = Tail(data / "outbox.jsonl"), Tail(data / LOG_NAME)
    replied: list[float] = []
    logged: list[float] = []

    def both_seen() -> bool:
        now = time.perf_counter()
        if not logged and _ready_logged(log):
            logged.append(now)
        if not replied and owner_replies(outbox.lines()):
            replied.append(now)
        return bool(replied and logged)

    start = time.perf_counter()
    proc = subprocess.Popen(
        bot_command("console", data),
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=work,
        env=bot_env(),
    )
    with stopped_at_exit(proc):
        assert proc.stdin is not None
        proc.stdin.write(b"/status\n")
        proc.stdin.flush()
        seen = wait_for(both_seen, TIMEOUT_S, poll=0.002)
        proc.stdin.close()  # end of input: the console bot stops
        code = proc.wait(timeout=TIMEOUT_S)
    assert seen is not None, f"console bot not ready within {TIMEOUT_S} s"
    assert code == 0, f"console bot exited with {code}"
    return (replied[0] - start) * 1000, (logged[0] - start) * 1000


def run_start_ms(template: Path, work: Path) -> float:
    """ms to the ready log line for one fresh `python -m bot run` under `unshare -n`."""
    data = work / "data"
    shutil.rmtree(data, ignore_errors=True)
    shutil.copytree(template, data)
    log = Tail(data / LOG_NAME)
    start = time.perf_counter()
    proc = subprocess.Popen(
        bot_command("run", data, offline=True),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=work,
        env=bot_env(),
    )
    with stopped_at_exit(proc):
        seen = wait_for(lambda: _ready_logged(log), TIMEOUT_S, poll=0.002)
        proc.terminate()
        code = proc.wait(timeout=TIMEOUT_S)
    assert seen is not None, f"`bot run` not ready within {TIMEOUT_S} s"
    assert code == 0, f"`bot run` exited with {code} on SIGTERM"
    return (seen - start) * 1000


def run(pending: int = 10_000, runs: int = 5, whatsapp: bool = True) -> list[dict[str, object]]:
    with tempfile.TemporaryDirectory() as tmp:
        template = Path(tmp) / "template"
        prepare_data_dir(template, pending)
        work = Path(tmp) / "work"
        work.mkdir()
        console_start_ms(template, work)  # warm-up: page cache, .pyc files
        reply_ms: list[float] = []
        ready_ms: list[float] = []
        for _ in range(runs):
            reply, ready = console_start_ms(template, work)
            reply_ms.append(reply)
            ready_ms.append(ready)
        rows: list[dict[str, object]] = [
            {
                "figure": f"start to ready, `python -m bot console`, {pending:,} pending "
                "(spawn -> first /status reply in outbox)",
                "unit": "ms",
                **summary(reply_ms),
            },
            {
                "figure": f"start to ready, `python -m bot console`, {pending:,} pending "
                '(spawn -> "ready" log line)',
                "unit": "ms",
                **summary(ready_ms),
            },
        ]
        if whatsapp and can_unshare():
            run_start_ms(template, work)  # warm-up
            samples = [run_start_ms(template, work) for _ in range(runs)]
            rows.append(
                {
                    "figure": f"start to ready, `python -m bot run` (neonize) under "
                    f'`unshare -n`, {pending:,} pending (spawn -> "ready" '
                    "log line)",
                    "unit": "ms",
                    **summary(samples),
                }
            )
        return rows


def main() -> int:
    from loguru import logger

    logger.remove()
    logger.add(sys.stderr, level="WARNING")
    quick = "--quick" in sys.argv[1:]
    for row in run(runs=2 if quick else 5):
        print(row)  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
