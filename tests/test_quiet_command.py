"""/senyap: the quiet hours set from chat, kept in the bot's state across a restart, read by
the send gate; and what they refuse: /jadwal, /polling and /ubah into the window (with the
window's end proposed), a repeating post starting in it; /kirim goes but says it waits."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from bot import messages as m
from bot.dbpeek import stored_settings
from bot.models import PostContent, PostStatus
from bot.postresults import QuietTime
from bot.quiethours import QuietHours
from bot.sendgate import HoldKind
from bot.settings import Settings
from bot.state import BotState, Key
from bot.store import Store
from tests.commands import usage
from tests.conftest import SATURDAY_EVENING, Bot, BotFactory, Clock
from tests.fakes import JPEG, make_message

NIGHT = QuietHours(time(21, 0), time(6, 0))
TEN_PM = SATURDAY_EVENING + timedelta(hours=2)  # Saturday 22:00 WIB
SUNDAY_6 = datetime(2026, 11, 21, 23, 0, tzinfo=UTC)  # Sunday 22 Nov 2026 06:00 WIB


async def answer(bot: Bot, text: str, start: str) -> str:
    """The one reply to `text` starting with `start`, among whatever else the owner got
    meanwhile (a notice that posts wait for the quiet hours)."""
    before = len(bot.transport.replies())
    assert bot.app.dispatcher is not None
    await bot.app.dispatcher.dispatch(make_message(text, timestamp=bot.clock()))
    [reply] = [r for r in bot.transport.replies()[before:] if r.startswith(start)]
    return reply


def rows(settings: Settings) -> dict[str, str]:
    return stored_settings(settings.db_path)


async def test_senyap_alone_says_the_quiet_hours_are_off_and_how_to_set_them(bot: Bot):
    assert await bot.say("/senyap") == f"{m.QUIET_OFF_NOW}\n{m.QUIET_TURN_ON}"


async def test_setting_the_window_outside_it_is_kept_and_read_by_the_gate(
    bot: Bot, settings: Settings
):
    reply = await bot.say("/senyap 21:00-06:00")
    assert reply == (
        "Jam tenang diatur: 21:00-06:00 (WIB). Post ke grup yang jatuh di jam itu menunggu "
        "sampai jam tenang selesai.\n" + m.QUIET_NOT_NOW
    )
    assert bot.app.state.quiet_hours == NIGHT
    assert rows(settings)[Key.QUIET_HOURS] == "21:00-06:00"
    gate = bot.services.gate
    assert gate.hold_for_post(SATURDAY_EVENING) is None  # 20:00: outside
    hold = gate.hold_for_post(TEN_PM)
    assert hold is not None and (hold.kind, hold.until) == (HoldKind.QUIET, SUNDAY_6)


async def test_inside_the_window_senyap_says_it_is_quiet_now_and_until_when(
    start_bot: BotFactory,
):
    bot = await start_bot(clock=Clock(TEN_PM))
    set_reply = await bot.say("/senyap 21.00-06.00")
    assert set_reply.endswith("\nSekarang jam tenang, sampai 06:00.")
    assert await bot.say("/senyap") == (
        "Jam tenang: 21:00-06:00 (WIB). Post ke grup yang jatuh di jam itu menunggu sampai "
        "jam tenang selesai.\nSekarang jam tenang, sampai 06:00.\n" + m.QUIET_CHANGE
    )


async def test_the_quiet_hours_are_shown_in_the_bots_zone(start_bot: BotFactory):
    bot = await start_bot(clock=Clock(TEN_PM))  # 23:00 WITA
    await bot.say("/zona WITA")
    await bot.say("/senyap 23-7")
    reply = await bot.say("/senyap")
    assert reply.startswith("Jam tenang: 23:00-07:00 (WITA).")
    assert "\nSekarang jam tenang, sampai 07:00.\n" in reply


async def test_mati_and_off_turn_them_off(bot: Bot, settings: Settings):
    for word in ("mati", "off", "OFF"):
        await bot.say("/senyap 21:00-06:00")
        assert await bot.say(f"/senyap {word}") == m.QUIET_TURNED_OFF
        assert bot.app.state.quiet_hours is None
        assert rows(settings)[Key.QUIET_HOURS] == "off"
        assert bot.services.gate.hold_for_post(TEN_PM) is None


async def test_quiet_is_an_alias(bot: Bot):
    await bot.say("/quiet 22-5")
    assert bot.app.state.quiet_hours == QuietHours(time(22), time(5))


async def test_unreadable_input_is_refused_with_an_example_and_changes_nothing(
    bot: Bot, settings: Settings
):
    await bot.say("/senyap 21:00-06:00")
    for raw in ("25-6", "21:00-21:00", "malam", "21:00 06:00"):
        reply = await bot.say(f"/senyap {raw}")
        assert reply == m.BAD_USAGE.format(
            reason=m.QUIET_BAD.format(raw=raw), usage=usage("senyap")
        ), raw
        assert "Contoh: /senyap 21:00-06:00" in reply
    assert bot.app.state.quiet_hours == NIGHT
    assert rows(settings)[Key.QUIET_HOURS] == "21:00-06:00"


# --- kept across a restart; the setting is only the start value ---------------------------


async def test_the_window_set_in_chat_survives_a_restart(start_bot: BotFactory):
    bot = await start_bot(clock=Clock(SATURDAY_EVENING))
    await bot.say("/senyap 21:00-06:00")
    await bot.app.stop()
    again = await start_bot(clock=Clock(TEN_PM))
    assert again.app.state.quiet_hours == NIGHT
    assert (await again.say("/senyap")).startswith("Jam tenang: 21:00-06:00 (WIB).")
    hold = again.services.gate.hold_for_post(TEN_PM)
    assert hold is not None and hold.kind is HoldKind.QUIET


async def test_the_setting_is_the_start_value_and_a_stored_off_wins_over_it(
    start_bot: BotFactory, settings: Settings
):
    configured = replace(settings, quiet_hours=QuietHours(time(22), time(5)))
    bot = await start_bot(clock=Clock(SATURDAY_EVENING), settings_=configured)
    assert bot.app.state.quiet_hours == QuietHours(time(22), time(5))
    assert Key.QUIET_HOURS not in rows(settings)  # nothing stored until the owner sets it
    await bot.say("/senyap mati")
    await bot.app.stop()
    again = await start_bot(clock=Clock(TEN_PM), settings_=configured)
    assert again.app.state.quiet_hours is None
    assert again.services.gate.hold_for_post(TEN_PM + timedelta(hours=1)) is None


async def test_an_unreadable_stored_window_falls_back_to_the_setting(tmp_path: Path):
    store = await Store.open(tmp_path / "bot.db")
    try:
        await store.set_settings({Key.QUIET_HOURS: "sometimes"})
        state = await BotState.load(store, Settings().timezone, NIGHT)
        assert state.quiet_hours == NIGHT
        await state.set_quiet_hours(None)
        assert (await BotState.load(store, Settings().timezone, NIGHT)).quiet_hours is None
    finally:
        await store.close()


# --- what the quiet hours refuse ----------------------------------------------------------


async def test_jadwal_into_the_window_proposes_its_end_and_ya_queues_it_there(
    bot_with_target: Bot,
):
    bot = bot_with_target
    await bot.say("/senyap 21:00-06:00")
    reply = await bot.say("/jadwal 22:30 Selamat malam")
    assert reply == (
        "Waktu itu (Sabtu, 21 Nov 2026 22:30 WIB) masuk jam tenang (21:00-06:00); post ke "
        "grup tidak dikirim di jam tenang (ubah dengan /senyap). Maksudnya Minggu, 22 Nov "
        "2026 06:00 WIB?\n" + m.PROPOSAL_HINT
    )
    assert await bot.app.store.all_posts() == []
    accepted = await bot.say("ya")
    assert accepted.startswith("#1 terjadwal Minggu, 22 Nov 2026 06:00 WIB -> Grup Demo A")
    [post] = await bot.app.store.all_posts()
    assert (post.due_at, post.text, post.status) == (
        SUNDAY_6,
        "Selamat malam",
        PostStatus.PENDING,
    )


async def test_the_refusal_is_the_post_service_rule_for_every_caller(bot_with_target: Bot):
    await bot_with_target.say("/senyap 21:00-06:00")
    posts = bot_with_target.services.posts
    try:
        await posts.add(TEN_PM, PostContent("x"), [("g@g.us", "G")])
    except QuietTime as quiet:
        assert (quiet.when, quiet.window, quiet.until) == (TEN_PM, NIGHT, SUNDAY_6)
    else:
        raise AssertionError("queued inside the quiet hours")
    # the window's end itself is outside it
    post = await posts.add(SUNDAY_6, PostContent("x"), [("g@g.us", "G")])
    assert post.due_at == SUNDAY_6


async def test_polling_into_the_window_is_refused_likewise(bot_with_target: Bot):
    bot = bot_with_target
    await bot.say("/senyap 21:00-06:00")
    reply = await bot.say("/polling 23:00 Makan di mana? | Bakso | Soto")
    assert "Maksudnya Minggu, 22 Nov 2026 06:00 WIB?" in reply
    assert await bot.app.store.all_posts() == []
    await bot.say("ya")
    [post] = await bot.app.store.all_posts()
    assert post.due_at == SUNDAY_6 and post.poll is not None


async def test_a_repeating_post_starting_in_the_window_is_refused_without_a_proposal(
    bot_with_target: Bot,
):
    bot = bot_with_target
    await bot.say("/senyap 21:00-06:00")
    reply = await bot.say("/jadwal setiap hari 22:00 Selamat malam")
    assert reply == m.QUIET_REFUSED_REPEAT.format(
        when="Sabtu, 21 Nov 2026 22:00 WIB", window="21:00-06:00"
    )
    assert "/senyap" in reply
    assert await bot.say("/ya") == m.PROPOSAL_NONE
    assert await bot.app.store.all_posts() == []
    # outside the window it is queued as usual
    assert (await bot.say("/jadwal setiap hari 20:30 Selamat sore")).startswith("#1 terjadwal")


async def test_a_time_outside_the_window_is_queued_as_before(bot_with_target: Bot):
    await bot_with_target.say("/senyap 21:00-06:00")
    reply = await bot_with_target.say("/jadwal 20:30 Rapat")
    assert reply.startswith("#1 terjadwal Sabtu, 21 Nov 2026 20:30 WIB")


async def test_ubah_into_the_window_proposes_its_end(bot_with_target: Bot):
    bot = bot_with_target
    await bot.say("/jadwal besok 08:00 Rapat")
    await bot.say("/senyap 21:00-06:00")
    reply = await bot.say("/ubah 1 23:00")
    assert reply.startswith("Waktu itu (Sabtu, 21 Nov 2026 23:00 WIB) masuk jam tenang")
    assert reply.endswith("Maksudnya Minggu, 22 Nov 2026 06:00 WIB?\n" + m.PROPOSAL_HINT)
    [post] = await bot.app.store.all_posts()
    assert post.due_at == datetime(2026, 11, 22, 1, 0, tzinfo=UTC)  # not moved
    moved = await bot.say("ya")
    assert moved.startswith("#1 dipindah ke Minggu, 22 Nov 2026 06:00 WIB")
    [post] = await bot.app.store.all_posts()
    assert post.due_at == SUNDAY_6


async def test_kirim_during_the_window_sends_but_says_it_waits(start_bot: BotFactory):
    bot = await start_bot(clock=Clock(SATURDAY_EVENING))
    await bot.say("/tujuan Grup Demo A")
    await bot.say("/jadwal besok 08:00 Rapat")
    await bot.say("/senyap 21:00-06:00")
    assert isinstance(bot.clock, Clock)
    bot.clock.advance(hours=2)  # 22:00: quiet
    # The held post's notice to the owner may come in between: find the reply among them.
    reply = await answer(bot, "/kirim 1", "#1 ")
    assert reply == (
        m.SENDING_NOW.format(id=1, dest="Grup Demo A")
        + "\nPost ke grup sedang ditahan (jam tenang sampai 06:00); post ini dikirim setelahnya."
    )
    [post] = await bot.app.store.all_posts()
    assert post.due_at == TEN_PM


async def test_kirim_outside_the_window_says_nothing_of_it(bot_with_target: Bot):
    await bot_with_target.say("/jadwal besok 08:00 Rapat")
    await bot_with_target.say("/senyap 21:00-06:00")
    reply = await answer(bot_with_target, "/kirim 1", "#1 ")
    assert reply == m.SENDING_NOW.format(id=1, dest="Grup Demo A")


async def test_a_photo_post_into_the_window_is_refused_before_the_photo_is_saved(
    bot_with_target: Bot, settings: Settings
):
    await bot_with_target.say("/senyap 21:00-06:00")
    message = make_message("/jadwal 23:00 Foto malam", image=JPEG, timestamp=SATURDAY_EVENING)
    reply = await bot_with_target.send(message)
    assert "Maksudnya Minggu, 22 Nov 2026 06:00 WIB?" in reply
    saved = list(settings.media_dir.iterdir()) if settings.media_dir.exists() else []
    assert saved == []
    await bot_with_target.say("ya")
    [post] = await bot_with_target.app.store.all_posts()
    assert post.due_at == SUNDAY_6 and post.media_path is not None
