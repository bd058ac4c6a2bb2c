"""/zona sets the timezone times are read and shown in; queued posts keep their moment."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from loguru import logger

from bot import messages as m
from bot.context import Command, Context, UserError
from bot.timefmt import format_local, zone_label

SHORT_NAMES = {"wib": "Asia/Jakarta", "wita": "Asia/Makassar", "wit": "Asia/Jayapura",
               "utc": "UTC"}


async def set_zone(ctx: Context) -> None:
    services = ctx.services
    wanted = ctx.args.strip()
    if not wanted:
        tz = services.tz
        await ctx.reply(m.ZONE_CURRENT.format(zone=tz.key, label=zone_label(tz)) + "\n\n"
                        + m.USAGE["zona"])
        return
    name = SHORT_NAMES.get(wanted.lower(), wanted)
    try:
        tz = ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UserError(m.ZONE_UNKNOWN.format(zone=wanted), "zona") from None
    await ctx.store.set_settings({"timezone": tz.key})
    services.tz = tz
    logger.info("timezone set to {}", tz.key)
    reply = m.ZONE_SET.format(zone=tz.key, label=zone_label(tz))
    upcoming = await ctx.store.next_pending()
    if upcoming is not None:
        reply += "\n" + m.ZONE_NEXT.format(id=upcoming.id,
                                           when=format_local(upcoming.due_at, tz))
    await ctx.reply(reply)


COMMANDS = [Command("zona", ("zone", "timezone"), set_zone)]
