"""/status: connection, uptime, destination, counts by state, next post, last error; then
what protects the number: a pause, the quiet hours, the send caps, posts held now."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot import messages as m
from bot.context import Command, Context
from bot.models import Post, PostStatus
from bot.store import Store
from bot.timefmt import format_duration, format_local, zone_label
from handlers.protect import protect_lines


async def next_post(store: Store) -> Post | None:
    """The post that goes out next: the soonest pending one, a one-off post or an occurrence
    of a repeating series alike (/status and /zona both name it)."""
    return await store.next_pending()


def next_post_line(post: Post | None, tz: ZoneInfo) -> str:
    """'#3 Minggu, 22 Nov 2026 08:00 WIB -> Grup Demo A', or '-' without one."""
    if post is None:
        return m.NONE
    return f"#{post.id} {format_local(post.due_at, tz)} -> {post.destination_name}"


async def status(ctx: Context) -> None:
    services = ctx.services
    store = ctx.store
    state = services.state
    tz = state.timezone
    now = services.clock()
    counts = await store.counts()
    shown = ", ".join(
        f"{counts[s]} {m.STATUS_NAMES[s]}"
        for s in PostStatus
        if counts[s] or s in (PostStatus.PENDING, PostStatus.SENT)
    )
    upcoming = await next_post(store)
    targets = ", ".join(g.name for g in state.destinations)
    last_error = state.last_error
    connection = services.connection()
    text = m.STATUS_TEXT.format(
        version=services.version,
        connection=connection.description,
        since=format_local(services.started_at, tz),
        uptime=format_duration(now - services.started_at),
        zone=f"{tz.key} ({zone_label(tz, now)})",
        destination=targets or m.NO_DESTINATION,
        counts=shown,
        next=next_post_line(upcoming, tz),
        last_error=last_error.shown(tz) if last_error else m.NONE,
    )
    await ctx.reply("\n".join([text, *await protect_lines(services, now)]))


COMMANDS = [
    Command(
        "status",
        (),
        status,
        usage=m.STATUS_USAGE,
        example=m.STATUS_EXAMPLE,
        summary=m.STATUS_SUMMARY,
    )
]
