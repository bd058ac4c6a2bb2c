"""/antrian lists the pending posts, soonest first, paged; /batal cancels one."""

from __future__ import annotations

from bot import messages as m
from bot.context import Command, Context, UserError
from bot.models import PostStatus
from bot.repeat import RepeatRule
from bot.timefmt import format_local, format_short
from handlers.common import page_count, parse_post_id, preview, requested_page

PAGE_SIZE = 10


async def show_queue(ctx: Context) -> None:
    page = requested_page(ctx.args, "antrian")
    total = (await ctx.store.counts())[PostStatus.PENDING]
    if total == 0:
        await ctx.reply(m.QUEUE_EMPTY)
        return
    pages = page_count(page, total, PAGE_SIZE)
    posts = await ctx.store.pending_page(PAGE_SIZE, (page - 1) * PAGE_SIZE)
    tz = ctx.services.tz
    lines = [m.QUEUE_HEADER.format(total=total, page=page, pages=pages)]
    for post in posts:
        lines.append(f"#{post.id} {format_short(post.due_at, tz)} -> {post.destination_name}")
        lines.append(f"   {preview(post)}")
    if page < pages:
        lines.append(m.QUEUE_MORE.format(next=page + 1))
    await ctx.reply("\n".join(lines))


async def cancel(ctx: Context) -> None:
    post_id = parse_post_id(ctx.args, "batal")
    post = await ctx.store.get_post(post_id)
    if post is None:
        raise UserError(m.POST_NOT_FOUND.format(id=post_id))
    if not await ctx.store.transition(post_id, PostStatus.CANCELLED,
                                      expect=PostStatus.PENDING, reason="cancelled by owner"):
        current = await ctx.store.get_post(post_id)
        status = current.status if current else post.status
        raise UserError(m.CANNOT_CANCEL.format(id=post_id, status=m.STATUS_NAMES[status]))
    ctx.services.queue_changed()
    reply = m.CANCELLED.format(id=post_id, when=format_local(post.due_at, ctx.services.tz),
                               dest=post.destination_name)
    if post.repeat_rule:
        rule = RepeatRule.from_text(post.repeat_rule).describe()
        reply += "\n" + m.SERIES_STOPPED.format(id=post.series_id or post.id, rule=rule)
    await ctx.reply(reply)


COMMANDS = [
    Command("antrian", ("queue",), show_queue),
    Command("batal", ("cancel",), cancel),
]
