"""/antrian lists the pending posts, soonest first, paged (a repeating series once, under its
id); /batal cancels a post or stops a series."""

from __future__ import annotations

from loguru import logger

from bot import messages as m
from bot.context import Command, Context, UserError
from bot.models import PostStatus
from bot.timefmt import format_local, format_short
from handlers.common import page_count, preview, requested_page, rule_words
from handlers.target import Target, find_target

PAGE_SIZE = 10


async def show_queue(ctx: Context) -> None:
    page = requested_page(ctx.args, "antrian")
    posts, total = await ctx.store.queue_page(PAGE_SIZE, (page - 1) * PAGE_SIZE)
    if total == 0:
        await ctx.reply(m.QUEUE_EMPTY)
        return
    pages = page_count(page, total, PAGE_SIZE)
    tz = ctx.services.tz
    lines = [m.QUEUE_HEADER.format(total=total, page=page, pages=pages)]
    for post in posts:
        lines.append(
            f"#{post.series_id or post.id} {format_short(post.due_at, tz)} -> "
            f"{post.destination_name}"
        )
        lines.append(f"   {preview(post, tz)}")
    if page < pages:
        lines.append(m.QUEUE_MORE.format(next=page + 1))
    await ctx.reply("\n".join(lines))


async def cancel(ctx: Context) -> None:
    target = await find_target(ctx, "batal")
    if target.is_series:
        await _stop_series(ctx, target)
        return
    post = target.post
    if not await ctx.store.transition(
        post.id, PostStatus.CANCELLED, expect=PostStatus.PENDING, reason="cancelled by owner"
    ):
        current = await ctx.store.get_post(post.id)
        status = current.status if current else post.status
        raise UserError(m.CANNOT_CANCEL.format(id=post.id, status=m.STATUS_NAMES[status]))
    ctx.services.queue_changed()
    await ctx.reply(
        m.CANCELLED.format(
            id=post.id, when=format_local(post.due_at, ctx.services.tz), dest=post.destination_name
        )
    )


async def _stop_series(ctx: Context, target: Target) -> None:
    stopped = await ctx.store.stop_series(target.id, ctx.services.clock())
    first = await ctx.store.get_post(stopped[0]) if stopped else None
    if first is None:
        raise target.nothing_pending()
    ctx.services.queue_changed()
    logger.info("series #{} stopped: occurrence(s) {} cancelled", target.id, stopped)
    tz = ctx.services.tz
    rule = rule_words(first.repeat_rule, tz) if first.repeat_rule else m.RULE_UNREADABLE
    await ctx.reply(
        m.CANCELLED.format(
            id=target.id, when=format_local(first.due_at, tz), dest=first.destination_name
        )
        + "\n"
        + m.SERIES_STOPPED.format(id=target.id, rule=rule)
    )


COMMANDS = [
    Command("antrian", ("queue",), show_queue),
    Command("batal", ("cancel",), cancel),
]
