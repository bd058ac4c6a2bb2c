"""/senyap sets the quiet hours, /lanjut lifts a restriction pause; and the words for what
holds posts to groups now (bot.sendgate), which /status, /kirim and /lanjut show."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from loguru import logger

from bot import messages as m
from bot import quiethours
from bot.context import Command, Context, Services, UserError
from bot.postresults import QuietTime
from bot.quiethours import QuietHours
from bot.sendgate import Hold, HoldKind
from bot.timefmt import format_local, format_short, zone_label


def clock_time(moment: datetime, tz: ZoneInfo) -> str:
    """'06:00': a moment's wall clock in zone `tz`."""
    return f"{moment.astimezone(tz):%H:%M}"


def hold_why(hold: Hold, tz: ZoneInfo) -> str:
    """'jam tenang sampai 06:00': why posts to groups wait, and until when."""
    if hold.kind is HoldKind.PAUSE:
        return m.HOLD_WHY["pause"].format(until=format_short(hold.until, tz))
    if hold.kind is HoldKind.QUIET:
        return m.HOLD_WHY["quiet"].format(until=clock_time(hold.until, tz))
    assert hold.cap is not None
    cap = f"{hold.cap.limit} {m.CAP_PERIODS[hold.cap.period.name]}"
    return m.HOLD_WHY["cap"].format(cap=cap, until=clock_time(hold.until, tz))


def quiet_refused(quiet: QuietTime, tz: ZoneInfo) -> str:
    """The refusal of a post queued or moved into the quiet hours, proposing their end."""
    return m.QUIET_REFUSED.format(
        when=format_local(quiet.when, tz),
        window=quiet.window.format(),
        end=format_local(quiet.until, tz),
    )


async def protect_lines(services: Services, now: datetime) -> list[str]:
    """/status's lines on protecting the number, those that apply, in this order: a pause,
    the quiet hours, the send caps with their use, and the due posts a hold keeps waiting."""
    gate = services.gate
    tz = services.tz
    lines = []
    if (pause := gate.guard.active(now)) is not None:
        reason = m.PAUSE_REASONS[pause.signal.value]
        lines.append(m.STATUS_PAUSED.format(reason=reason, until=format_short(pause.until, tz)))
    if (window := services.state.quiet_hours) is not None:
        if window.is_quiet(now, tz):
            until = clock_time(window.window_end(now, tz), tz)
            lines.append(m.STATUS_QUIET_NOW.format(window=window.format(), until=until))
        else:
            lines.append(m.STATUS_QUIET.format(window=window.format()))
    caps = ", ".join(
        m.STATUS_CAP.format(used=used, limit=cap.limit, period=m.CAP_PERIODS[cap.period.name])
        for cap, used in gate.used(now)
    )
    lines.append(m.STATUS_CAPS.format(caps=caps or m.STATUS_CAPS_OFF))
    hold = gate.hold_for_post(now)
    if hold is not None and (count := await services.store.count_due(now)):
        lines.append(m.STATUS_WAITING.format(count=count, why=hold_why(hold, tz)))
    return lines


def _now_line(window: QuietHours, now: datetime, tz: ZoneInfo) -> str:
    if window.is_quiet(now, tz):
        return m.QUIET_NOW.format(until=clock_time(window.window_end(now, tz), tz))
    return m.QUIET_NOT_NOW


async def quiet_hours(ctx: Context) -> None:
    services = ctx.services
    state = services.state
    now = services.clock()
    tz = services.tz
    wanted = ctx.args.strip()
    if not wanted:
        window = state.quiet_hours
        if window is None:
            await ctx.reply(f"{m.QUIET_OFF_NOW}\n{m.QUIET_TURN_ON}")
            return
        shown = m.QUIET_CURRENT.format(window=window.format(), zone=zone_label(tz, now))
        await ctx.reply(f"{shown}\n{_now_line(window, now, tz)}\n{m.QUIET_CHANGE}")
        return
    try:
        window = quiethours.parse(wanted)
    except ValueError:
        raise UserError(m.QUIET_BAD.format(raw=m.echo(wanted)), "senyap") from None
    await state.set_quiet_hours(window)
    services.queue_changed()  # a post held by the old window looks again
    logger.info("quiet hours set to {}", quiethours.format_setting(window))
    if window is None:
        await ctx.reply(m.QUIET_TURNED_OFF)
        return
    shown = m.QUIET_SET.format(window=window.format(), zone=zone_label(tz, now))
    await ctx.reply(f"{shown}\n{_now_line(window, now, tz)}")


async def resume(ctx: Context) -> None:
    services = ctx.services
    now = services.clock()
    lifted = await services.gate.resume(now)
    if lifted is None:
        reply = m.NOT_PAUSED
    else:
        services.queue_changed()
        reply = m.RESUMED.format(reason=m.PAUSE_REASONS[lifted.signal.value])
    if (hold := services.gate.hold_for_post(now)) is not None:
        reply += "\n" + m.STILL_HELD.format(why=hold_why(hold, services.tz))
    await ctx.reply(reply)


COMMANDS = [
    Command(
        "senyap",
        ("quiet",),
        quiet_hours,
        usage=m.SENYAP_USAGE,
        example=m.SENYAP_EXAMPLE,
        summary=m.SENYAP_SUMMARY,
        notes=(m.SENYAP_HOLDS, m.SENYAP_FORMS),
    ),
    Command(
        "lanjut",
        ("resume",),
        resume,
        usage=m.LANJUT_USAGE,
        example=m.LANJUT_EXAMPLE,
        summary=m.LANJUT_SUMMARY,
        notes=(m.LANJUT_WHY,),
    ),
]
