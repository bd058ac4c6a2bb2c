"""The defaults README documents for protecting the number, as a bot started with no setting
runs them (the other tests switch them off: tests/quick.py), and how JADWAL_* sets them."""

from __future__ import annotations

import itertools
from datetime import time, timedelta
from pathlib import Path

import pytest

from bot.quiethours import QuietHours
from bot.ratecaps import Caps
from bot.settings import Settings, SettingsError, load_settings
from tests.fakes import OWNER
from tests.protectkit import (
    DEMO_A,
    START,
    ClockedTransport,
    Launcher,
    launcher,
    most_in_any_window,
    queue,
    run_until,
)

__all__ = ["launcher"]  # the fixture

DUE = START + timedelta(minutes=1)  # 20:01:00 WIB, on the minute as the owner types it


def test_the_defaults_are_those_readme_documents():
    settings = Settings()
    assert settings.caps == Caps(5, 100, 800)
    assert (settings.pacing_min_s, settings.pacing_max_s) == (3.0, 6.0)
    assert settings.typing_max_s == 8.0
    assert settings.start_jitter_s == 15.0
    assert settings.late_notice == timedelta(minutes=5)
    assert settings.quiet_hours is None


async def test_a_burst_with_the_defaults_is_jittered_typed_paced_capped_and_all_out(
    launcher: Launcher, tmp_path: Path
):
    bot = await launcher.start(Settings(data_dir=tmp_path / "data", owners=(OWNER,)))
    transport = bot.transport
    assert isinstance(transport, ClockedTransport)
    ids = await queue(bot, DUE, 7, text="Selamat pagi semua, jangan lupa kerja bakti jam 7.")
    await run_until(launcher.clock, lambda: len(transport.post_sends()) == 7, 600)
    sends = transport.post_sends()
    assert [s.post_id for s in sends] == ids
    times = [s.at for s in sends]
    # Jittered: not on the minute, within 15 s of it (and typed for a while after that).
    assert DUE < times[0] <= DUE + timedelta(seconds=15 + 8)
    # Typed before each send, to the post's group.
    assert [(k, chat) for k, chat, _ in transport.timeline] == [
        ("typing", DEMO_A.jid),
        ("sent", DEMO_A.jid),
    ] * 7
    typed_for = [
        (sent.at - typed).total_seconds()
        for (typed, _, _), sent in zip(transport.typing_at, sends, strict=True)
    ]
    assert all(1.0 < s <= 8.0 for s in typed_for), typed_for
    # Paced: at least 3 s between one send and the start of typing the next.
    gaps = [
        (typed - sent.at).total_seconds()
        for sent, (typed, _, _) in zip(sends, transport.typing_at[1:], strict=False)
    ]
    assert all(g >= 3.0 for g in gaps), gaps
    # Capped: five the first minute; the sixth waits for the first to leave it.
    assert most_in_any_window(times, timedelta(minutes=1)) == 5
    assert times[5] >= times[0] + timedelta(minutes=1)
    assert times[4] - times[0] < timedelta(seconds=50)  # the cap, not the pacing, held it
    assert all(b > a for a, b in itertools.pairwise(times))
    assert transport.owner_sends() == []


# --- JADWAL_* ------------------------------------------------------------------------------


def load(**env: str) -> Settings:
    return load_settings({f"JADWAL_{k}": v for k, v in env.items()}, env_file=None)


def problems(**env: str) -> str:
    with pytest.raises(SettingsError) as raised:
        load(**env)
    return "\n".join(raised.value.problems) or str(raised.value)


def test_env_sets_the_caps_and_0_or_off_switches_one_off():
    assert load(MAX_PER_MINUTE="3", MAX_PER_HOUR="off", MAX_PER_DAY="0").caps == Caps(3, 0, 0)
    assert load(MAX_PER_MINUTE="mati").caps == Caps(0, 100, 800)
    assert load(MAX_PER_MINUTE=" ").caps == Caps()


def test_env_sets_quiet_hours_typing_jitter_and_the_late_mark():
    settings = load(
        QUIET_HOURS="21.00-06.00",
        TYPING_MAX_S="2.5",
        START_JITTER_S="0",
        LATE_NOTICE_MINUTES="10",
    )
    assert settings.quiet_hours == QuietHours(time(21), time(6))
    assert settings.typing_max_s == 2.5
    assert settings.start_jitter_s == 0
    assert settings.late_notice == timedelta(minutes=10)
    assert load(QUIET_HOURS="off").quiet_hours is None


def test_bad_values_are_each_named_in_the_error():
    found = problems(
        MAX_PER_MINUTE="-1",
        MAX_PER_HOUR="lima",
        MAX_PER_DAY="2.5",
        QUIET_HOURS="malam",
        TYPING_MAX_S="99",
        START_JITTER_S="x",
        LATE_NOTICE_MINUTES="-3",
    )
    for expected in (
        "JADWAL_MAX_PER_MINUTE='-1'",
        "JADWAL_MAX_PER_HOUR='lima'",
        "JADWAL_MAX_PER_DAY='2.5'",
        "JADWAL_QUIET_HOURS='malam'",
        "JADWAL_TYPING_MAX_S='99'",
        "JADWAL_START_JITTER_S='x'",
        "JADWAL_LATE_NOTICE_MINUTES='-3'",
    ):
        assert expected in found, (expected, found)
