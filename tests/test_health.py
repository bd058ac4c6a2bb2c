"""The heartbeat file and `python -m bot health`."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.health import HEARTBEAT_FILE, check, write_heartbeat
from bot.transport.base import ConnectionState

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 11, 21, 13, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("age_s", "connected", "expected"),
    [
        (5, True, None),
        (5, False, "not connected: terputus"),
        (120, True, "heartbeat is 120 s old"),
    ],
)
def test_check(tmp_path: Path, age_s: int, connected: bool, expected: str | None):
    path = tmp_path / HEARTBEAT_FILE
    write_heartbeat(path, ConnectionState(connected, "terputus"), NOW - timedelta(seconds=age_s))
    problem = check(path, NOW)
    assert problem == expected if expected is None else expected in (problem or "")


def test_check_without_a_heartbeat(tmp_path: Path):
    assert "not running" in (check(tmp_path / HEARTBEAT_FILE, NOW) or "")


@pytest.mark.parametrize(
    ("connected", "code", "said"), [(True, 0, "ok"), (False, 1, "not connected")]
)
def test_health_command(tmp_path: Path, connected: bool, code: int, said: str):
    data = tmp_path / "data"
    data.mkdir()
    write_heartbeat(data / HEARTBEAT_FILE, ConnectionState(connected, "x"), datetime.now(UTC))
    env = {k: v for k, v in os.environ.items() if not k.startswith("JADWAL_")}
    env["PYTHONPATH"] = str(ROOT)
    result = subprocess.run(
        [sys.executable, "-m", "bot", "health", "--data-dir", str(data)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == code and said in result.stdout


async def test_a_stopped_bot_reports_itself_unhealthy(start_bot, settings):
    bot = await start_bot()
    await bot.app.stop()
    assert check(settings.data_dir / HEARTBEAT_FILE, datetime.now(UTC)) == "not connected: berhenti"
