"""/status: connection, uptime, destination, counts by state, next post, last error."""

from __future__ import annotations

from bot import messages as m
from bot.context import Command, Context
from bot.models import PostStatus
from bot.timefmt import format_duration, format_local, zone_label
from handlers.common import destination


async def status(ctx: Context) -> None:
    services = ctx.services
    store = ctx.store
    tz = services.tz
    now = services.clock()
    counts = await store.counts()
    shown = ", ".join(
        f"{counts[s]} {m.STATUS_NAMES[s]}"
        for s in PostStatus
        if counts[s] or s in (PostStatus.PENDING, PostStatus.SENT)
    )
    upcoming = await store.next_pending()
    target = await destination(store)
    last_error = await store.last_error()  # this run's even if the disk would not take it
    connection = services.connection()
    await ctx.reply(
        m.STATUS_TEXT.format(
            version=services.version,
            connection=connection.description,
            since=format_local(services.started_at, tz),
            uptime=format_duration(now - services.started_at),
            zone=f"{tz.key} ({zone_label(tz, now)})",
            destination=target[1] if target else m.NO_DESTINATION,
            counts=shown,
            next=(
                f"#{upcoming.id} {format_local(upcoming.due_at, tz)} -> {upcoming.destination_name}"
            )
            if upcoming
            else m.NONE,
            last_error=_last_error(last_error),
        )
    )


def _last_error(last: tuple[str, str | None] | None) -> str:
    if last is None:
        return m.NONE
    text, at = last
    return f"{text} ({at})" if at else text


COMMANDS = [Command("status", (), status)]
