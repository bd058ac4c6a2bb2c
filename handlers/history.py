"""/kirim sends now, /ulang retries, /riwayat lists what happened, /lihat shows one post (or a
repeating series: its rule, its next occurrence and the past ones)."""

from __future__ import annotations

from bot import messages as m
from bot.context import Command, Context, UserError
from bot.models import Post, PostStatus
from bot.timefmt import format_local, format_short
from handlers.common import page_count, parse_post_id, preview, requested_page, rule_words
from handlers.target import Target, find_target

PAGE_SIZE = 10
SERIES_SHOWN = 10  # past occurrences listed by /lihat
RETRYABLE = (PostStatus.FAILED, PostStatus.MISSED, PostStatus.UNCERTAIN)


async def _post(ctx: Context, usage_of: str) -> Post:
    post_id = parse_post_id(ctx.args, usage_of)
    post = await ctx.store.get_post(post_id)
    if post is None:
        raise UserError(m.POST_NOT_FOUND.format(id=post_id))
    return post


async def send_now(ctx: Context) -> None:
    target = await find_target(ctx, "kirim")
    post = target.post
    if target.is_series:  # a series' id: its next occurrence
        coming = target.coming
        if not coming:
            raise target.nothing_pending()
        post = coming[0]
    if post.status in RETRYABLE:
        raise UserError(m.USE_RETRY.format(id=post.id, status=m.STATUS_NAMES[post.status]))
    now = ctx.services.clock()
    if not await ctx.store.reschedule(post.id, now, "sent now by owner", now=now):
        raise UserError(m.CANNOT_SEND_NOW.format(id=post.id, status=m.STATUS_NAMES[post.status]))
    ctx.services.queue_changed()
    await ctx.reply(m.SENDING_NOW.format(id=target.id, dest=post.destination_name))


async def retry(ctx: Context) -> None:
    post = await _post(ctx, "ulang")
    if post.status not in RETRYABLE:
        raise UserError(m.CANNOT_RETRY.format(id=post.id, status=m.STATUS_NAMES[post.status]))
    now = ctx.services.clock()
    if not await ctx.store.transition(
        post.id, PostStatus.PENDING, expect=RETRYABLE, reason="retry by owner", due_at=now, now=now
    ):
        raise UserError(m.CANNOT_RETRY.format(id=post.id, status=m.STATUS_NAMES[post.status]))
    ctx.services.queue_changed()
    await ctx.reply(m.RETRYING.format(id=post.id, dest=post.destination_name))


async def history(ctx: Context) -> None:
    page = requested_page(ctx.args, "riwayat")
    posts, total = await ctx.store.history_page(PAGE_SIZE, (page - 1) * PAGE_SIZE)
    if total == 0:
        await ctx.reply(m.HISTORY_EMPTY)
        return
    pages = page_count(page, total, PAGE_SIZE)
    tz = ctx.services.tz
    lines = [m.HISTORY_HEADER.format(total=total, page=page, pages=pages)]
    for post in posts:
        when = format_short(post.sent_at or post.due_at, tz)
        series = (
            m.HISTORY_SERIES.format(id=post.series_id)
            if post.series_id not in (None, post.id)
            else ""
        )
        lines.append(
            f"#{post.id}{series} {m.STATUS_NAMES[post.status]} {when} -> {post.destination_name}"
        )
        detail = preview(post, tz)
        if post.status is not PostStatus.SENT and post.last_error:
            detail += f" ({post.last_error})"
        lines.append(f"   {detail}")
    if page < pages:
        lines.append(m.HISTORY_MORE.format(next=page + 1))
    await ctx.reply("\n".join(lines))


async def show(ctx: Context) -> None:
    target = await find_target(ctx, "lihat")
    if target.is_series:
        await _show_series(ctx, target)
        return
    post = target.post
    tz = ctx.services.tz
    await _show_content(ctx, post)
    lines = [
        m.SHOW_HEADER.format(
            id=post.id,
            status=m.STATUS_NAMES[post.status],
            when=format_local(post.due_at, tz),
            dest=post.destination_name,
        )
    ]
    if post.sent_at:
        lines.append(m.SHOW_SENT.format(when=format_local(post.sent_at, tz)))
    if post.last_error and post.status is not PostStatus.SENT:
        lines.append(m.SHOW_ERROR.format(reason=post.last_error))
    lines.append(m.SHOW_EVENTS)
    for at, before, after, reason in (await ctx.store.events(post.id))[-10:]:
        move = (
            f"{m.STATUS_NAMES.get(before or '', '-')} -> {m.STATUS_NAMES[after]}"
            if before != after
            else m.STATUS_NAMES[after]
        )
        said = m.EVENT_REASONS.get(reason or "", reason)
        if said and said.startswith("waiting for the connection"):
            said = m.EVENT_WAITING
        lines.append(f"  {format_short(at, tz)} {move}" + (f" ({said})" if said else ""))
    await ctx.reply("\n".join(lines))


async def _show_series(ctx: Context, target: Target) -> None:
    """The post as its next occurrence will look, the rule, then every occurrence so far."""
    tz = ctx.services.tz
    coming = target.coming
    shown = coming[0] if coming else target.latest
    await _show_content(ctx, shown)
    rule = rule_words(shown.repeat_rule, tz) if shown.repeat_rule else m.RULE_UNREADABLE
    lines = [m.SERIES_HEADER.format(id=target.id, rule=rule, dest=shown.destination_name)]
    if coming:
        lines.append(
            m.SERIES_NEXT.format(
                when=format_local(shown.due_at, tz), ordinal=target.ordinal(shown), post=shown.id
            )
        )
    elif shown.status is PostStatus.CANCELLED:
        lines.append(m.SERIES_ALREADY_STOPPED.format(id=target.id))
    else:
        lines.append(m.SERIES_NEXT_SOON)
    past = [p for p in target.occurrences if p.status is not PostStatus.PENDING]
    if past:
        lines.append(m.SERIES_PAST)
        if len(past) > SERIES_SHOWN:
            lines.append(m.SERIES_EARLIER.format(count=len(past) - SERIES_SHOWN))
        for post in past[-SERIES_SHOWN:]:
            line = (
                f"  {target.ordinal(post)} {m.STATUS_NAMES[post.status]} "
                f"{format_short(post.due_at, tz)}"
            )  # the occurrence it was
            if post.last_error and post.status is not PostStatus.SENT:
                line += f" ({post.last_error})"
            if post.status in RETRYABLE:
                line += m.SERIES_RETRY.format(post=post.id)
            lines.append(line)
    await ctx.reply("\n".join(lines))


async def _show_content(ctx: Context, post: Post) -> None:
    """The post as it will be (or was) sent: its photo with the caption, or its text."""
    if post.media_path:
        image = ctx.services.media.path(post.media_path)
        if image.is_file():
            await ctx.reply_image(image, post.text)
        else:
            await ctx.reply(m.PHOTO_GONE)
    elif post.text:
        await ctx.reply(post.text)


COMMANDS = [
    Command("kirim", ("send",), send_now),
    Command("ulang", ("retry",), retry),
    Command("riwayat", ("history",), history),
    Command("lihat", ("show", "view"), show),
]
