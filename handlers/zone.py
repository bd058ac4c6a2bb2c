"""/zona sets the timezone times are read and shown in; queued posts keep their moment, and
repeating series keep the clock of the zone their rule was written in."""

from __future__ import annotations

from dataclasses import replace
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from loguru import logger

from bot import messages as m
from bot.context import Command, Context, UserError
from bot.models import Post, PostStatus
from bot.repeat import RepeatRule
from bot.timefmt import format_local, zone_label
from handlers.common import rule_words
from handlers.status import next_post, next_post_line

SHORT_NAMES = {"wib": "Asia/Jakarta", "wita": "Asia/Makassar", "wit": "Asia/Jayapura", "utc": "UTC"}
SERIES_LISTED = 5


async def set_zone(ctx: Context) -> None:
    state = ctx.services.state
    wanted = ctx.args.strip()
    if not wanted:
        tz = state.timezone
        await ctx.reply(
            m.ZONE_CURRENT.format(zone=tz.key, label=zone_label(tz)) + "\n\n" + ctx.usage("zona")
        )
        return
    name = SHORT_NAMES.get(wanted.lower(), wanted)
    try:
        tz = ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long for a path
        raise UserError(m.ZONE_UNKNOWN.format(zone=m.echo(wanted)), "zona") from None
    if tz.key != state.timezone.key:
        await _keep_rule_zones(ctx, state.timezone)
    await state.set_timezone(tz)
    logger.info("timezone set to {}", tz.key)
    pending = await ctx.store.posts_with_status(PostStatus.PENDING)
    await ctx.reply(_what_happens(await next_post(ctx.store), pending, tz))


async def _keep_rule_zones(ctx: Context, old: ZoneInfo) -> None:
    """A rule stored before rules kept their zone follows the bot's zone: give it the zone it
    was written in (the one being left), so that its series, too, keeps its moment."""
    now = ctx.services.clock()
    done: set[int] = set()
    for post in await ctx.store.posts_with_status(PostStatus.PENDING):
        if post.series_id is None or post.repeat_rule is None or post.series_id in done:
            continue
        done.add(post.series_id)
        try:
            rule = RepeatRule.from_text(post.repeat_rule)
        except ValueError:
            continue  # the series stops at it anyway (bot.series)
        if rule.zone is None and rule.every_minutes is None:
            await ctx.store.update_series_rule(
                post.series_id, replace(rule, zone=old.key).to_text(), "rule keeps its zone", now
            )
            logger.info(
                "series #{}: rule kept in {} before the zone change", post.series_id, old.key
            )


def _what_happens(upcoming: Post | None, pending: list[Post], tz: ZoneInfo) -> str:
    """The reply: the new zone, then what it means for the queue, shown in the new zone:
    the next post as /status names it, then each repeating series."""
    lines = [m.ZONE_SET.format(zone=tz.key, label=zone_label(tz))]
    if upcoming is not None:
        lines.append(m.ZONE_NEXT.format(next=next_post_line(upcoming, tz)))
    firsts: dict[int, Post] = {}  # each series by its soonest pending occurrence
    for post in pending:
        if post.series_id is not None:
            firsts.setdefault(post.series_id, post)
    series = list(firsts.values())
    if series:
        lines.append(m.ZONE_SERIES)
        for post in series[:SERIES_LISTED]:
            rule = rule_words(post.repeat_rule, tz) if post.repeat_rule else m.RULE_UNREADABLE
            lines.append(
                m.ZONE_SERIES_LINE.format(
                    id=post.series_id, rule=rule, when=format_local(post.due_at, tz)
                )
            )
        if len(series) > SERIES_LISTED:
            lines.append(m.ZONE_SERIES_MORE.format(count=len(series) - SERIES_LISTED))
    return "\n".join(lines)


COMMANDS = [
    Command(
        "zona",
        ("zone", "timezone"),
        set_zone,
        usage=m.ZONA_USAGE,
        example=m.ZONA_EXAMPLE,
        summary=m.ZONA_SUMMARY,
    )
]
