"""/status on protecting the number (a pause, the quiet hours, the send caps and their use,
the due posts a hold keeps waiting), and /lanjut lifting a pause."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot import messages as m
from bot.models import PostContent
from bot.ratecaps import Caps
from bot.restriction import Pause, Signal
from bot.settings import Settings
from tests.conftest import SATURDAY_EVENING, Bot, BotFactory, Clock
from tests.fakes import make_message

TEN_PM = SATURDAY_EVENING + timedelta(hours=2)  # Saturday 22:00 WIB
GROUP = ("120363000000000001@g.us", "Grup Demo A")


def rate_limited(now_: Clock, minutes: int = 15) -> Pause:
    now = now_()
    return Pause(Signal.RATE_LIMITED, now, now + timedelta(minutes=minutes), 0, "error 429")


async def answer(bot: Bot, text: str, start: str) -> str:
    """The one reply to `text` starting with `start`, among whatever else the owner got
    meanwhile (a notice that posts wait)."""
    before = len(bot.transport.replies())
    assert bot.app.dispatcher is not None
    await bot.app.dispatcher.dispatch(make_message(text, timestamp=bot.clock()))
    [reply] = [r for r in bot.transport.replies()[before:] if r.startswith(start)]
    return reply


def tail(status: str) -> list[str]:
    """The lines after the last error line: those on protecting the number."""
    lines = status.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Error terakhir:"))
    return lines[start + 1 :]


async def due_post(bot: Bot, minutes_ago: int) -> None:
    now = bot.clock()
    when = now - timedelta(minutes=minutes_ago)
    await bot.app.store.add_post(when, PostContent("Halo"), [GROUP], now=when)


async def test_with_nothing_set_only_the_caps_line_is_added_and_says_off(bot: Bot):
    assert tail(await bot.say("/status")) == ["Batas kirim: mati"]


async def test_the_caps_in_force_are_shown_with_their_use(
    start_bot: BotFactory, settings: Settings
):
    clock = Clock(SATURDAY_EVENING)
    bot = await start_bot(clock=clock, settings_=replace(settings, caps=Caps(5, 100, 800)))
    gate = bot.services.gate
    for _ in range(3):
        gate.sent(clock())
    clock.advance(minutes=2)
    gate.sent(clock())
    assert tail(await bot.say("/status")) == [
        "Batas kirim: 1/5 per menit, 4/100 per jam, 4/800 per hari"
    ]


async def test_a_cap_off_is_left_out(start_bot: BotFactory, settings: Settings):
    bot = await start_bot(
        clock=Clock(SATURDAY_EVENING), settings_=replace(settings, caps=Caps(0, 20, 0))
    )
    assert tail(await bot.say("/status")) == ["Batas kirim: 0/20 per jam"]


async def test_quiet_hours_outside_and_inside_the_window(start_bot: BotFactory):
    clock = Clock(SATURDAY_EVENING)
    bot = await start_bot(clock=clock)
    await bot.say("/senyap 21:00-06:00")
    assert tail(await bot.say("/status")) == ["Jam tenang: 21:00-06:00", "Batas kirim: mati"]
    clock.advance(hours=2)
    assert tail(await bot.say("/status")) == [
        "Jam tenang: 21:00-06:00, sekarang jam tenang sampai 06:00",
        "Batas kirim: mati",
    ]


async def test_a_pause_comes_first_with_its_reason_and_end_and_how_to_lift_it(
    start_bot: BotFactory,
):
    clock = Clock(TEN_PM)
    bot = await start_bot(clock=clock)
    await bot.say("/senyap 21:00-06:00")
    bot.services.gate.restore(rate_limited(clock), clock())
    await due_post(bot, 5)
    await due_post(bot, 1)
    status = await answer(bot, "/status", "jadwal-bot")
    assert tail(status) == [
        "Pengiriman DIJEDA: WhatsApp membatasi laju kiriman (kode 429), sampai Sab 21 Nov "
        "22:15. /lanjut untuk melanjutkan.",
        "Jam tenang: 21:00-06:00, sekarang jam tenang sampai 06:00",
        "Batas kirim: mati",
        "Menunggu: 2 post jatuh tempo (dijeda sampai Sab 21 Nov 22:15)",
    ]


async def test_posts_waiting_for_the_quiet_hours_are_counted(start_bot: BotFactory):
    clock = Clock(TEN_PM)
    bot = await start_bot(clock=clock)
    await bot.say("/senyap 21:00-06:00")
    await due_post(bot, 10)
    status = await answer(bot, "/status", "jadwal-bot")
    assert tail(status)[-1] == "Menunggu: 1 post jatuh tempo (jam tenang sampai 06:00)"


async def test_posts_waiting_for_a_full_cap_are_counted(start_bot: BotFactory, settings: Settings):
    clock = Clock(SATURDAY_EVENING)
    bot = await start_bot(clock=clock, settings_=replace(settings, caps=Caps(2, 0, 0)))
    gate = bot.services.gate
    gate.sent(clock())
    gate.sent(clock())
    await due_post(bot, 0)
    status = await answer(bot, "/status", "jadwal-bot")
    assert tail(status) == [
        "Batas kirim: 2/2 per menit",
        "Menunggu: 1 post jatuh tempo (batas 2 per menit penuh sampai 20:01)",
    ]


async def test_a_hold_without_due_posts_adds_no_waiting_line(start_bot: BotFactory):
    clock = Clock(TEN_PM)
    bot = await start_bot(clock=clock)
    bot.services.gate.restore(rate_limited(clock), clock())
    lines = tail(await bot.say("/status"))
    assert len(lines) == 2 and lines[0].startswith("Pengiriman DIJEDA:")
    assert not any(line.startswith("Menunggu:") for line in lines)


# --- /lanjut -----------------------------------------------------------------------------


async def test_lanjut_lifts_the_pause_and_says_what_was_lifted(start_bot: BotFactory):
    clock = Clock(SATURDAY_EVENING)
    bot = await start_bot(clock=clock)
    gate = bot.services.gate
    gate.restore(rate_limited(clock), clock())
    reply = await bot.say("/lanjut")
    assert reply == m.RESUMED.format(reason=m.PAUSE_REASONS["rate_limited"])
    assert gate.guard.active(clock()) is None
    assert not any(line.startswith("Pengiriman DIJEDA") for line in tail(await bot.say("/status")))
    # nothing left to lift
    assert await bot.say("/resume") == m.NOT_PAUSED


async def test_lanjut_without_a_pause_says_sending_is_not_paused(bot: Bot):
    assert await bot.say("/lanjut") == m.NOT_PAUSED


async def test_lanjut_in_the_quiet_hours_says_posts_still_wait_for_them(start_bot: BotFactory):
    clock = Clock(TEN_PM)
    bot = await start_bot(clock=clock)
    await bot.say("/senyap 21:00-06:00")
    bot.services.gate.restore(rate_limited(clock, minutes=60), clock())
    reply = await bot.say("/lanjut")
    assert reply == (
        m.RESUMED.format(reason=m.PAUSE_REASONS["rate_limited"])
        + "\nPost ke grup tetap ditahan: jam tenang sampai 06:00."
    )


async def test_a_pause_that_ran_out_is_not_lifted_again(start_bot: BotFactory):
    clock = Clock(SATURDAY_EVENING)
    bot = await start_bot(clock=clock)
    bot.services.gate.restore(rate_limited(clock), clock())
    clock.advance(minutes=16)
    assert await bot.say("/lanjut") == m.NOT_PAUSED
