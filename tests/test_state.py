"""The bot's state (bot/state.py): one typed object, loaded once from the settings table,
changed through its methods only, read by every reader; older databases keep working."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from loguru import logger

from bot import messages as m
from bot.app import App
from bot.dbpeek import stored_settings
from bot.models import PostContent
from bot.settings import Settings
from bot.state import BotState, Destination, Key, LastError, stored_destinations
from bot.store import Store
from bot.timefmt import format_duration, format_local, format_short
from tests.conftest import SATURDAY_EVENING, BotFactory, Clock
from tests.fakes import GROUPS, FakeTransport

WIB = ZoneInfo("Asia/Jakarta")
WITA = ZoneInfo("Asia/Makassar")
WIT = ZoneInfo("Asia/Jayapura")


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = await Store.open(tmp_path / "bot.db")
    yield opened
    await opened.close()


def rows(db_path: Path) -> dict[str, str]:
    """The settings table as another process reads it."""
    return stored_settings(db_path)


@contextlib.contextmanager
def logged(level: str = "INFO") -> Iterator[list[str]]:
    lines: list[str] = []
    sink = logger.add(lambda message: lines.append(str(message)), level=level)
    try:
        yield lines
    finally:
        logger.remove(sink)


# --- loading, writing through ------------------------------------------------------------


async def test_a_new_database_has_the_configured_zone_and_nothing_else(store: Store):
    state = await BotState.load(store, WIT)
    assert state.timezone == WIT
    assert state.destinations == []
    assert state.last_error is None


async def test_changes_write_through_and_a_second_load_reads_them(store: Store, tmp_path: Path):
    state = await BotState.load(store, WIB)
    at = datetime(2026, 11, 21, 13, 5, tzinfo=UTC)
    await state.set_timezone(WITA)
    await state.set_destinations([GROUPS[2], Destination(GROUPS[0].jid, GROUPS[0].name)])
    await state.record_error("post #3: grup tidak ditemukan", at)

    assert rows(tmp_path / "bot.db") == {
        Key.TIMEZONE: "Asia/Makassar",
        Key.DESTINATIONS: json.dumps(
            [[GROUPS[2].jid, "Alumni SMA"], [GROUPS[0].jid, "Grup Demo A"]]
        ),
        Key.LAST_ERROR: "post #3: grup tidak ditemukan",
        Key.LAST_ERROR_AT: "2026-11-21T13:05:00.000000Z",
    }
    again = await BotState.load(store, WIB)
    assert again.timezone == WITA
    assert again.destinations == [
        Destination(GROUPS[2].jid, "Alumni SMA"),
        Destination(GROUPS[0].jid, "Grup Demo A"),
    ]
    assert again.last_error == LastError("post #3: grup tidak ditemukan", at)


async def test_destinations_are_a_copy_changed_only_through_the_state(store: Store):
    state = await BotState.load(store, WIB)
    await state.set_destinations([GROUPS[0]])
    state.destinations.append(Destination("x@g.us", "X"))
    assert state.destinations == [Destination(GROUPS[0].jid, "Grup Demo A")]
    jid, name = state.destinations[0]  # unpacks as (jid, name)
    assert (jid, name) == (GROUPS[0].jid, "Grup Demo A")


async def test_a_refused_write_changes_nothing_but_the_last_error_is_kept_in_memory(
    store: Store, monkeypatch: pytest.MonkeyPatch
):
    state = await BotState.load(store, WIB)

    async def disk_full(values: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(store, "set_settings", disk_full)
    with pytest.raises(sqlite3.OperationalError):
        await state.set_timezone(WITA)
    with pytest.raises(sqlite3.OperationalError):
        await state.set_destinations([GROUPS[0]])
    at = datetime(2026, 11, 21, 13, 0, tzinfo=UTC)
    with pytest.raises(sqlite3.OperationalError):
        await state.record_error("penyimpanan: disk penuh", at)
    assert state.timezone == WIB and state.destinations == []
    assert state.last_error == LastError("penyimpanan: disk penuh", at)


# --- older databases: their rows spelled as an older bot wrote them ---------------------------


async def test_an_old_single_destination_becomes_a_list_of_one_and_goes_when_set_again(
    store: Store, tmp_path: Path
):
    await store.set_settings({"destination": GROUPS[1].jid, "destination_name": "Grup Demo B"})
    state = await BotState.load(store, WIB)
    assert state.destinations == [Destination(GROUPS[1].jid, "Grup Demo B")]

    await state.set_destinations([GROUPS[0], GROUPS[1]])
    saved = rows(tmp_path / "bot.db")
    assert "destination" not in saved and "destination_name" not in saved
    assert stored_destinations(saved) == [
        Destination(GROUPS[0].jid, "Grup Demo A"),
        Destination(GROUPS[1].jid, "Grup Demo B"),
    ]


async def test_an_old_destination_without_a_name_shows_its_jid(store: Store):
    await store.set_settings({"destination": GROUPS[1].jid})
    state = await BotState.load(store, WIB)
    assert state.destinations == [Destination(GROUPS[1].jid, GROUPS[1].jid)]


async def test_an_old_local_last_error_time_still_shows_as_written(store: Store):
    await store.set_settings({"last_error": "post #1: gagal", "last_error_at": "Sab 21 Nov 20:00"})
    state = await BotState.load(store, WITA)
    assert state.last_error == LastError("post #1: gagal", None, "Sab 21 Nov 20:00")
    assert state.last_error.shown(WITA) == "post #1: gagal (Sab 21 Nov 20:00)"


async def test_unreadable_saved_values_fall_back_and_are_logged(store: Store):
    await store.set_settings({Key.TIMEZONE: "Mars/Olympus", Key.DESTINATIONS: "{not json"})
    with logged("WARNING") as lines:
        state = await BotState.load(store, WIB)
    assert state.timezone == WIB
    assert state.destinations == []
    assert len(lines) == 2
    assert "stored timezone 'Mars/Olympus' unknown; using Asia/Jakarta" in lines[0]
    assert "stored destinations unreadable ('{not json'); none chosen" in lines[1]


def test_the_last_error_is_shown_in_the_zone_asked_for():
    error = LastError("post #2: gagal", datetime(2026, 11, 21, 13, 0, tzinfo=UTC))
    assert error.shown(WIB) == "post #2: gagal (Sab 21 Nov 20:00)"
    assert error.shown(WITA) == "post #2: gagal (Sab 21 Nov 21:00)"


# --- every reader reads the one state ------------------------------------------------------


async def test_after_zona_status_shows_every_time_in_the_new_zone(start_bot: BotFactory):
    clock = Clock(SATURDAY_EVENING)
    bot = await start_bot(clock=clock)
    await bot.say("/tujuan 2")
    await bot.say("/jadwal besok 08:00 Halo")
    await bot.app.record_error("post #9: grup tidak ditemukan")
    clock.advance(minutes=30)

    await bot.say("/zona WITA")
    reply = await bot.say("/status")
    started = bot.services.started_at
    uptime = format_duration(timedelta(minutes=30))
    assert f"Aktif sejak: {format_local(started, WITA)} ({uptime})" in reply
    assert "WITA" in format_local(started, WITA)
    assert "Zona waktu: Asia/Makassar (WITA)" in reply
    due = datetime(2026, 11, 22, 1, 0, tzinfo=UTC)  # 08:00 WIB, as typed before the change
    assert f"Berikutnya: #1 {format_local(due, WITA)} -> Grup Demo A" in reply
    assert (
        f"Error terakhir: post #9: grup tidak ditemukan ({format_short(SATURDAY_EVENING, WITA)})"
        in reply
    )
    assert "WIB" not in reply
    assert bot.services.tz == WITA == bot.app.state.timezone


async def test_the_scheduler_and_the_missed_summary_follow_the_zone(start_bot: BotFactory):
    clock = Clock(SATURDAY_EVENING)
    bot = await start_bot(clock=clock)
    await bot.say("/zona WIT")
    app = bot.app
    post = await app.store.add_post(
        SATURDAY_EVENING + timedelta(hours=1),
        PostContent("Telat"),
        [Destination(GROUPS[0].jid, "Grup Demo A")],
    )
    await app._missed([post])
    notice = await app.store.unsent_notices()
    assert f"#{post.id} {format_short(post.due_at, WIT)} -> Grup Demo A" in notice[-1][1]
    assert format_short(post.due_at, WIT) != format_short(post.due_at, WIB)


async def test_a_restart_keeps_zone_and_groups_and_logs_the_zone(start_bot: BotFactory):
    first = await start_bot(clock=Clock(SATURDAY_EVENING))
    await first.say("/zona WITA")
    await first.say("/tujuan 3, 1")
    await first.app.stop()

    with logged() as seen:
        second = await start_bot(clock=Clock(SATURDAY_EVENING))
    assert second.app.state.timezone == WITA
    assert [g.name for g in second.app.state.destinations] == ["Grup Demo B", "Alumni SMA"]
    assert any("ready" in line and "timezone Asia/Makassar" in line for line in seen)
    assert "Tujuan: Grup Demo B, Alumni SMA" in await second.say("/status")


async def test_status_without_destinations_says_how_to_choose(start_bot: BotFactory):
    bot = await start_bot(clock=Clock(SATURDAY_EVENING))
    assert f"Tujuan: {m.NO_DESTINATION}" in await bot.say("/status")


def test_app_state_is_there_only_once_started(settings: Settings):
    app = App(settings, FakeTransport())
    with pytest.raises(AssertionError):
        _ = app.state
