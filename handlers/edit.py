"""/ubah moves a pending post, changes its text or replaces its media; for a repeating series,
its next occurrence (a move) or every coming one (a new text, new media)."""

from __future__ import annotations

from datetime import datetime

from bot import messages as m
from bot.context import Command, Context, UserError
from bot.mediarules import caption_refusal
from bot.mediarules import name as media_name
from bot.mentions import split_mention_all
from bot.models import Post, PostStatus
from bot.postresults import (
    ContentChanged,
    NotPending,
    PartlyDelivered,
    PollNoMedia,
    QuietTime,
    SeriesIdle,
)
from bot.timefmt import format_local
from handlers.common import check_length, quote, rule_words
from handlers.protect import quiet_refused
from handlers.schedule import chosen_media, media_not_used, store_media
from handlers.target import (
    Target,
    group_states,
    load_target,
    named_post,
    nothing_pending,
    ordinal,
    refused,
    with_states,
)

_TEXT_WORDS = ("teks", "text", "isi")
_MEDIA_WORDS = ("foto", "photo", "media")


async def edit(ctx: Context) -> None:
    named = await named_post(ctx, "ubah", time_first=True, words=_TEXT_WORDS + _MEDIA_WORDS)
    target = await load_target(ctx, named.id)
    rest = named.rest
    first, _, after = rest.partition(" ")
    if first.lower() in _TEXT_WORDS:
        text, mention_all = split_mention_all("\n".join(p for p in (after.strip(), ctx.body) if p))
        await _change_text(ctx, target, text, mention_all)
        return
    if first.lower() in _MEDIA_WORDS:
        if extra := "\n".join(p for p in (after.strip(), ctx.body) if p):
            raise UserError(m.EDIT_EXTRA_TEXT.format(extra=extra[:40]), "ubah")
        await _change_media(ctx, target)
        return
    if not rest.strip():
        raise UserError(m.EDIT_MISSING, "ubah")
    parsed = ctx.parse_time(rest)  # relative times count from when it was typed
    if parsed.rule is not None:
        raise UserError(m.EDIT_NO_REPEAT)
    extra = parsed.text.strip()
    if parsed.error or parsed.when is None:
        proposed = parsed.suggestion
        if parsed.error and proposed is not None and not extra:

            async def accept(answer: Context) -> None:
                if proposed <= answer.services.clock():
                    raise UserError(
                        m.PROPOSAL_PASSED.format(when=format_local(proposed, answer.services.tz))
                    )
                await _move(answer, await load_target(answer, target.id), proposed)

            raise UserError(parsed.error, "ubah", accept=accept)
        raise UserError(parsed.error or m.EDIT_MISSING, "ubah")
    if extra:
        raise UserError(m.EDIT_EXTRA_TEXT.format(extra=extra[:40]), "ubah")
    await _move(ctx, target, parsed.when)


async def _move(ctx: Context, target: Target, when: datetime) -> None:
    try:
        post = await ctx.services.posts.move(target, when)
    except SeriesIdle as idle:
        raise nothing_pending(idle) from None
    except NotPending as refusal:
        raise UserError(
            m.CANNOT_EDIT.format(id=target.id, status=m.STATUS_NAMES[refusal.post.status])
        ) from None
    except QuietTime as quiet:
        end = quiet.until

        async def accept(answer: Context) -> None:
            if end <= answer.services.clock():
                raise UserError(
                    m.PROPOSAL_PASSED.format(when=format_local(end, answer.services.tz))
                )
            await _move(answer, await load_target(answer, target.id), end)

        raise UserError(quiet_refused(quiet, ctx.services.tz), "ubah", accept=accept) from None
    tz = ctx.services.tz
    reply = m.MOVED.format(id=target.id, when=format_local(when, tz), dest=group_states(post))
    if target.is_series and post.repeat_rule:
        reply += "\n" + m.SERIES_MOVED.format(rule=rule_words(post.repeat_rule, tz))
    await ctx.reply_about(target.id, reply + quote(post.text) + unused_media(ctx, target.id))


async def _change_text(ctx: Context, target: Target, text: str, mention_all: bool) -> None:
    posts = ctx.services.posts
    try:
        post = posts.next_of(target)
        if post.poll is not None:  # its options are no text; a new poll is a new post
            raise UserError(m.POLL_TEXT_REFUSED.format(id=target.id))
        if not text and not post.media_path:
            raise UserError(m.EDIT_TEXT_EMPTY.format(id=target.id), "ubah")
        check_length(text, photo=post.media_path is not None)
        if reason := caption_refusal(post.media_kind, text):  # audio takes no text
            raise UserError(reason)
        done = await posts.change_text(target, text, mention_all)
    except SeriesIdle as idle:
        raise nothing_pending(idle) from None
    except PartlyDelivered as refusal:
        raise partly_delivered(target, refusal.post, m.EDIT_WHAT_TEXT) from None
    except NotPending as refusal:
        raise refused(m.CANNOT_EDIT, refusal.post) from None
    if target.is_series:
        reply = m.SERIES_TEXT_CHANGED.format(id=target.id)
    else:
        reply = m.TEXT_CHANGED.format(id=target.id)
    reply += quote(text)
    if mention_all:
        reply += "\n" + m.MENTION_ALL_NOTE
    elif post.mention_all:
        reply += "\n" + m.MENTION_ALL_DROPPED
    await ctx.reply_about(target.id, reply + skipped(target, done) + unused_media(ctx, target.id))


async def _change_media(ctx: Context, target: Target) -> None:
    """New media for the post (a series: every coming occurrence), from the command's own
    message or the one it replies to, refused as /jadwal refuses it; the post keeps its
    text, which becomes the caption."""
    posts = ctx.services.posts
    try:
        post = posts.next_of(target)
        if post.status is not PostStatus.PENDING:
            raise NotPending(post)
        posts.check_media_allowed(post)  # before anything is downloaded
        incoming = ctx.message.media or ctx.message.quoted_media
        if incoming is not None and caption_refusal(incoming.kind, post.text):
            raise UserError(
                m.EDIT_AUDIO_HAS_TEXT.format(id=target.id, kind=media_name(incoming.kind))
            )
        media = chosen_media(ctx.message, post.text)
        if media is None:
            raise UserError(m.EDIT_MEDIA_MISSING, "ubah")
        check_length(post.text, photo=True)
        stored = await store_media(ctx, media)
        done = await posts.replace_media(
            target, stored.name, stored.mime, stored.kind, stored.file_name
        )
    except SeriesIdle as idle:
        raise nothing_pending(idle) from None
    except PartlyDelivered as refusal:
        raise partly_delivered(target, refusal.post, m.EDIT_WHAT_MEDIA) from None
    except PollNoMedia:
        raise UserError(m.POLL_MEDIA_REFUSED.format(id=target.id)) from None
    except NotPending as refusal:
        raise refused(m.CANNOT_EDIT, refusal.post) from None
    template = m.SERIES_MEDIA_CHANGED if target.is_series else m.MEDIA_CHANGED
    await ctx.reply_about(
        target.id,
        template.format(id=target.id, kind=media_name(stored.kind))
        + quote(post.text)
        + skipped(target, done),
    )


def partly_delivered(target: Target, post: Post, what: str) -> UserError:
    """A text or media edit refused: some of the post's groups are no longer waiting."""
    groups = _not_waiting(post)
    if target.is_series:
        return UserError(
            m.SERIES_EDIT_HELD.format(
                id=target.id, ordinal=_occurrence(target, post), groups=groups, what=what
            )
        )
    return UserError(m.EDIT_PARTLY_SENT.format(id=target.id, groups=groups, what=what))


def skipped(target: Target, done: ContentChanged) -> str:
    """The line naming a series' occurrences an edit left as they were ('' for none)."""
    if not done.held:
        return ""
    occurrences = "; ".join(
        m.SERIES_EDIT_SKIPPED_ONE.format(
            ordinal=_occurrence(target, post), groups=_not_waiting(post)
        )
        for post in done.held
    )
    return "\n" + m.SERIES_EDIT_SKIPPED.format(occurrences=occurrences)


def unused_media(ctx: Context, post_id: int) -> str:
    return media_not_used(ctx, m.MEDIA_NOT_USED_EDIT, id=post_id)


def _not_waiting(post: Post) -> str:
    """The post's groups no longer waiting for it, with their states."""
    return with_states([d for d in post.deliveries if d.status is not PostStatus.PENDING])


def _occurrence(target: Target, post: Post) -> str:
    if any(p.id == post.id for p in target.occurrences):
        return ordinal(target, post)
    return f"#{post.id}"  # queued after the series was read


COMMANDS = [
    Command(
        "ubah",
        ("edit",),
        edit,
        usage=m.UBAH_USAGE,
        example=m.UBAH_EXAMPLE,
        summary=m.UBAH_SUMMARY,
        by_reply=m.UBAH_BY_REPLY,
        notes=(m.UBAH_REPEAT, m.UBAH_TEXT_EXAMPLE, m.UBAH_MEDIA, m.TIME_FORMS),
    )
]
