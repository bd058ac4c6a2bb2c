"""/antrian lists the pending posts, soonest first, paged (a repeating series once, under its
id); /batal cancels a post or stops a series."""

from __future__ import annotations

from bot import messages as m
from bot.context import Command, Context
from bot.posts import Cancelled, NotPending, PostService, Target
from bot.timefmt import format_local, format_short
from handlers.common import page_count, preview, requested_page, rule_words
from handlers.schedule import media_not_used
from handlers.target import (
    carried_out,
    find_target,
    group_states,
    names,
    others,
    with_states,
)

PAGE_SIZE = 10


async def show_queue(ctx: Context) -> None:
    page = requested_page(ctx.args, "antrian")
    posts, total = await ctx.store.queue_page(PAGE_SIZE, (page - 1) * PAGE_SIZE)
    if total == 0:
        await ctx.reply(m.QUEUE_EMPTY)
        return
    pages = page_count(page, total, PAGE_SIZE, m.QUEUE_LISTED)
    tz = ctx.services.tz
    lines = [m.QUEUE_HEADER.format(total=total, page=page, pages=pages)]
    for post in posts:
        lines.append(
            f"#{post.series_id or post.id} {format_short(post.due_at, tz)} -> {group_states(post)}"
        )
        lines.append(f"   {preview(post, tz)}")
    if page < pages:
        lines.append(m.QUEUE_MORE.format(next=page + 1))
    await ctx.reply("\n".join(lines))


async def cancel(ctx: Context) -> None:
    target = await find_target(ctx, "batal")
    done = await cancel_target(ctx.services.posts, target)
    tz = ctx.services.tz
    post = done.post
    reply = m.CANCELLED.format(
        id=target.id, when=format_local(post.due_at, tz), dest=names(done.groups)
    )
    if target.is_series:
        rule = rule_words(post.repeat_rule, tz) if post.repeat_rule else m.RULE_UNREADABLE
        reply += "\n" + m.SERIES_STOPPED.format(id=target.id, rule=rule)
    elif kept := others(post, done.groups):  # sent, or being sent, already
        reply += "\n" + m.NOT_CANCELLED.format(groups=with_states(kept))
    await ctx.reply_about(target.id, reply + media_not_used(ctx, m.MEDIA_NOT_USED))


async def cancel_target(posts: PostService, target: Target) -> Cancelled:
    """Cancel the post or stop the series (PostService.cancel); what its state does not allow
    is refused (UserError) as /batal words it."""
    return await carried_out(posts.cancel(target), [(NotPending, m.CANNOT_CANCEL)])


COMMANDS = [
    Command(
        "antrian",
        ("queue",),
        show_queue,
        usage=m.ANTRIAN_USAGE,
        example=m.ANTRIAN_EXAMPLE,
        summary=m.ANTRIAN_SUMMARY,
    ),
    Command(
        "batal",
        ("cancel",),
        cancel,
        usage=m.BATAL_USAGE,
        example=m.BATAL_EXAMPLE,
        summary=m.BATAL_SUMMARY,
        by_reply="",
    ),
]
