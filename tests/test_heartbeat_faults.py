"""A heartbeat file that cannot be written (a full disk, say) is logged once in one line, and
once when it is written again: not a traceback every interval."""

from __future__ import annotations

import asyncio
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from loguru import logger

from bot import health
from bot.health import HEARTBEAT_FILE, heartbeat
from bot.transport.base import ConnectionState
from tests.fakes import eventually

INTERVAL_S = 0.01


def leftovers(directory: Path) -> list[Path]:
    return list(directory.glob("*.part"))


async def test_a_heartbeat_that_cannot_be_written_is_logged_once_and_its_recovery_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / HEARTBEAT_FILE
    path.mkdir()  # a directory in its place: every write fails, after the temp file is written
    (path / "x").touch()
    attempts: list[bool] = []
    real_write = health.write_heartbeat

    def counted(*args: object) -> None:
        try:
            real_write(*args)  # type: ignore[arg-type]
        except OSError:
            attempts.append(False)
            raise
        attempts.append(True)

    monkeypatch.setattr(health, "write_heartbeat", counted)
    records: list[tuple[str, str, bool]] = []
    sink = logger.add(
        lambda message: records.append(
            (
                message.record["level"].name,
                message.record["message"],
                message.record["exception"] is not None,
            )
        ),
        level="DEBUG",
    )
    beating = asyncio.create_task(
        heartbeat(path, lambda: ConnectionState(True, "terhubung"), interval_s=INTERVAL_S)
    )
    try:
        await eventually(lambda: len(attempts) >= 20)
        failed = [(level, text, traced) for level, text, traced in records if "heartbeat" in text]
        assert len(failed) == 1, failed
        level, text, traced = failed[0]
        assert level == "WARNING" and not traced and "\n" not in text
        assert str(path) in text and "Is a directory" in text
        assert leftovers(tmp_path) == []  # no half-written file left per try

        shutil.rmtree(path)
        await eventually(lambda: path.is_file())
        await eventually(lambda: len(attempts) >= attempts.index(True) + 5)
    finally:
        beating.cancel()
        await asyncio.gather(beating, return_exceptions=True)
        logger.remove(sink)
    lines = [(level, text) for level, text, _ in records if "heartbeat" in text]
    failures = attempts.index(True)
    assert lines[1:] == [
        ("INFO", f"the heartbeat file {path} is written again (after {failures} failed writes)")
    ]
    assert health.check(path, datetime.now(UTC)) is None
