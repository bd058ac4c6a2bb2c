"""/kirim sends now, /ulang retries, /riwayat lists what happened, /lihat shows one post (or a
repeating series: its rule, its next occurrence and the past ones)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot import messages as m
from bot.context import Command, Context, UserError
from bot.models import OPEN, RETRYABLE, MediaKind, Post, PostStatus
from bot.posts import NotPending, NotRetryable, PostNotFound, PostService, UseRetry
from bot.timefmt import format_local, format_short
from handlers.common import (
    media_tag,
    page_count,
    poll_of,
    preview,
    requested_page,
    rule_words,
)
from handlers.protect import hold_why
from handlers.target import (
    Target,
    carried_out,
    find_target,
    group_states,
    names,
    ordinal,
    others,
    refused,
    single_post,
    with_states,
)

PAGE_SIZE = 10
SERIES_SHOWN = 10  # past occurrences listed by /lihat


async def send_now(ctx: Context) -> None:
    target = await find_target(ctx, "kirim")
    post = await send_target(ctx.services.posts, target)
    reply = m.SENDING_NOW.format(id=target.id, dest=names(post.with_status(PostStatus.PENDING)))
    if (hold := ctx.services.gate.hold_for_post(ctx.services.clock())) is not None:
        reply += "\n" + m.HELD_NOTE.format(why=hold_why(hold, ctx.services.tz))
    await ctx.reply_about(target.id, reply)


async def send_target(posts: PostService, target: Target) -> Post:
    """Send the post (a series: its next occurrence) now (PostService.send_now); what its
    state does not allow is refused (UserError) as /kirim words it."""
    return await carried_out(
        posts.send_now(target), [(UseRetry, m.USE_RETRY), (NotPending, m.CANNOT_SEND_NOW)]
    )


async def retry(ctx: Context) -> None:
    post_id = await single_post(ctx, "ulang")
    try:
        done = await ctx.services.posts.retry(post_id)
    except PostNotFound:
        raise UserError(m.POST_NOT_FOUND.format(id=post_id)) from None
    except NotRetryable as refusal:
        raise refused(m.CANNOT_RETRY, refusal.post) from None
    reply = m.RETRYING.format(id=post_id, dest=names(done.groups))
    if kept := others(done.post, done.groups):  # they got it already, or will anyway
        reply += "\n" + m.NOT_AGAIN.format(groups=with_states(kept))
    await ctx.reply_about(post_id, reply)


async def history(ctx: Context) -> None:
    page = requested_page(ctx.args, "riwayat")
    posts, total = await ctx.store.history_page(PAGE_SIZE, (page - 1) * PAGE_SIZE)
    if total == 0:
        await ctx.reply(m.HISTORY_EMPTY)
        return
    pages = page_count(page, total, PAGE_SIZE, m.HISTORY_LISTED)
    tz = ctx.services.tz
    lines = [m.HISTORY_HEADER.format(total=total, page=page, pages=pages)]
    for post in posts:
        when = format_short(post.sent_at or post.due_at, tz)
        series = (
            m.HISTORY_SERIES.format(id=post.series_id)
            if post.series_id not in (None, post.id)
            else ""
        )
        # Still waiting in some group: every group with its own state.
        groups = with_states(post.deliveries) if post.status in OPEN else group_states(post)
        lines.append(f"#{post.id}{series} {m.STATUS_NAMES[post.status]} {when} -> {groups}")
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
    await _show_content(ctx, post, post.id)
    lines = [
        m.SHOW_HEADER.format(
            id=post.id,
            status=m.STATUS_NAMES[post.status],
            when=format_local(post.due_at, tz),
            dest=post.destination_name,
        )
    ]
    several = len(post.deliveries) > 1
    if several:
        lines += _group_lines(post, tz)
    else:
        if post.sent_at:
            lines.append(m.SHOW_SENT.format(when=format_local(post.sent_at, tz)))
        if post.last_error and post.status is not PostStatus.SENT:
            lines.append(m.SHOW_ERROR.format(reason=post.last_error))
    lines.append(m.SHOW_EVENTS)
    for event in (await ctx.store.post_events(post.id))[-10:]:
        before, after = event.before, event.after
        move = (
            f"{m.STATUS_NAMES.get(before or '', '-')} -> {m.STATUS_NAMES[after]}"
            if before != after
            else m.STATUS_NAMES[after]
        )
        said = m.EVENT_REASONS.get(event.reason or "", event.reason)
        if said and said.startswith("waiting for the connection"):
            said = m.EVENT_WAITING
        group = f"{event.group}: " if several and event.group else ""
        lines.append(
            f"  {format_short(event.at, tz)} {group}{move}" + (f" ({said})" if said else "")
        )
    await ctx.reply_about(post.id, "\n".join(lines))


def _group_lines(post: Post, tz: ZoneInfo) -> list[str]:
    """Each group with its state, when it got the post, or why not."""
    lines = [m.SHOW_GROUPS]
    for d in post.deliveries:
        line = m.SHOW_GROUP.format(name=d.name, status=m.STATUS_NAMES[d.status])
        if d.sent_at:
            line += m.SHOW_GROUP_AT.format(when=format_short(d.sent_at, tz))
        if d.last_error and d.status is not PostStatus.SENT:
            line += m.SHOW_GROUP_ERROR.format(reason=d.last_error)
        lines.append(line)
    return lines


async def _show_series(ctx: Context, target: Target) -> None:
    """The post as its next occurrence will look, the rule, then every occurrence so far."""
    tz = ctx.services.tz
    coming = target.coming
    shown = coming[0] if coming else target.latest
    await _show_content(ctx, shown, target.id)
    rule = rule_words(shown.repeat_rule, tz) if shown.repeat_rule else m.RULE_UNREADABLE
    lines = [m.SERIES_HEADER.format(id=target.id, rule=rule, dest=shown.destination_name)]
    if coming:
        lines.append(
            m.SERIES_NEXT.format(
                when=format_local(shown.due_at, tz), ordinal=ordinal(target, shown), post=shown.id
            )
        )
    elif target.stopped:
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
                f"  {ordinal(target, post)} {m.STATUS_NAMES[post.status]} "
                f"{format_short(post.due_at, tz)}"
            )  # the occurrence it was
            if len(post.deliveries) > 1 and post.status is not PostStatus.CANCELLED:
                line += f" -> {group_states(post)}"
            if post.last_error and post.status is not PostStatus.SENT:
                line += f" ({post.last_error})"
            if post.status in RETRYABLE:
                line += m.SERIES_RETRY.format(post=post.id)
            lines.append(line)
    await ctx.reply_about(target.id, "\n".join(lines))


async def _show_content(ctx: Context, post: Post, about: int) -> None:
    """The post as it will be (or was) sent: its photo with the caption, or its text (other
    media named by the tag /antrian shows: only a photo is sent back as itself), or its poll,
    with a line saying so when it mentions every member. What is shown (text or photo) is
    remembered as being about post `about` (the id the owner uses), so a reply to it acts on
    that post."""
    mention = "\n" + m.MENTION_ALL_NOTE if post.mention_all else ""
    if post.poll is not None:
        poll = poll_of(post)
        await ctx.reply_about(about, poll.describe() if poll else m.POLL_TAG + post.poll)
    elif post.media_path and post.media_kind not in (None, MediaKind.IMAGE):
        await ctx.reply_about(about, media_tag(post) + post.text + mention)
    elif post.media_path:
        image = ctx.services.media.path(post.media_path)
        if image.is_file():
            await ctx.reply_image_about(about, image, (post.text + mention).strip())
        else:
            await ctx.reply_about(about, m.PHOTO_GONE + mention)
    elif post.text:
        await ctx.reply_about(about, post.text + mention)


COMMANDS = [
    Command(
        "kirim",
        ("send",),
        send_now,
        usage=m.KIRIM_USAGE,
        example=m.KIRIM_EXAMPLE,
        summary=m.KIRIM_SUMMARY,
        by_reply="",
    ),
    Command(
        "ulang",
        ("retry",),
        retry,
        usage=m.ULANG_USAGE,
        example=m.ULANG_EXAMPLE,
        summary=m.ULANG_SUMMARY,
        by_reply="",
    ),
    Command(
        "riwayat",
        ("history",),
        history,
        usage=m.RIWAYAT_USAGE,
        example=m.RIWAYAT_EXAMPLE,
        summary=m.RIWAYAT_SUMMARY,
    ),
    Command(
        "lihat",
        ("show", "view"),
        show,
        usage=m.LIHAT_USAGE,
        example=m.LIHAT_EXAMPLE,
        summary=m.LIHAT_SUMMARY,
        by_reply="",
        notes=(m.LIHAT_REPEAT,),
    ),
]
