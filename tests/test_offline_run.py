"""`python -m bot run` with no network at all: it must stay up, back off, stay cheap, not leak."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.netns import ROOT, cpu_seconds, fds, rss_kb, unshare_prefix

WATCH_S = 30.0
UNSHARE, WHY_NOT = unshare_prefix("-n")

pytestmark = pytest.mark.skipif(UNSHARE is None, reason=f"`unshare -n` is not available: {WHY_NOT}")


def test_offline_bot_stays_up_backs_off_and_does_not_leak(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("JADWAL_")}
    env |= {
        "PYTHONPATH": str(ROOT),
        "JADWAL_RECONNECT_INITIAL_S": "1",
        "JADWAL_RECONNECT_MAX_S": "8",
    }
    data = tmp_path / "data"
    log = tmp_path / "stdout.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [*(UNSHARE or []), sys.executable, "-m", "bot", "run", "--data-dir", str(data)],
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=tmp_path,
            env=env,
        )
        try:
            time.sleep(5)  # imports, first attempts
            assert proc.poll() is None, log.read_text()
            cpu0, rss0, fds0, t0 = (
                cpu_seconds(proc.pid),
                rss_kb(proc.pid),
                fds(proc.pid),
                time.monotonic(),
            )
            time.sleep(WATCH_S - 5)
            assert proc.poll() is None, log.read_text()
            cpu1, rss1, fds1, t1 = (
                cpu_seconds(proc.pid),
                rss_kb(proc.pid),
                fds(proc.pid),
                time.monotonic(),
            )
            health = subprocess.run(
                [sys.executable, "-m", "bot", "health", "--data-dir", str(data)],
                capture_output=True,
                text=True,
                cwd=tmp_path,
                env=env,
                check=False,
            )
        finally:
            proc.send_signal(signal.SIGTERM)
            code = proc.wait(timeout=20)
    output = log.read_text()
    delays = [float(d) for d in re.findall(r"attempt \d+ failed, next in ([\d.]+) s", output)]
    cpu_share = (cpu1 - cpu0) / (t1 - t0)
    print(
        f"offline run: attempts {len(delays)}, delays {delays}, cpu {cpu_share:.3%}, "
        f"rss {rss0} -> {rss1} kB, fds {fds0} -> {fds1}"
    )
    assert code == 0, output[-2000:]
    assert len(delays) >= 4
    assert delays[:3] == sorted(delays[:3]) and delays[2] > delays[0]  # backing off
    assert max(delays) <= 8 + 1  # capped (+ jitter)
    assert "cannot resolve web.whatsapp.com" in output
    assert cpu_share < 0.02
    assert fds1 <= fds0
    assert rss1 - rss0 < 2048  # kB
    assert health.returncode == 1 and "not connected" in health.stdout
    assert (data.stat().st_mode & 0o777) == 0o700
    assert (data / "bot.db").stat().st_mode & 0o777 == 0o600
    # Every file the bot created (no session.db yet: offline, no connect is attempted).
    modes = {str(p.relative_to(data)): p.stat().st_mode & 0o777 for p in data.rglob("*")}
    assert {"bot.lock", "heartbeat.json", "logs/jadwal-bot.log"} <= modes.keys()
    assert all(
        mode == (0o700 if (data / name).is_dir() else 0o600) for name, mode in modes.items()
    ), modes
