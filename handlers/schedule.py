"""/jadwal: queue a post (text, or media sent with or replied to by the command: a photo,
video, document, audio file or voice note)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NoReturn

from loguru import logger

from bot import messages as m
from bot.context import Command, Context, UserError
from bot.mediarules import MediaRefused, check_content, check_message
from bot.mediarules import name as media_name
from bot.mentions import split_mention_all
from bot.models import IncomingMessage, MediaKind, MediaRef, Post, PostContent
from bot.pollspec import PollSpec
from bot.posts import QuietTime
from bot.repeat import RepeatRule
from bot.timefmt import format_duration, format_local
from bot.timeparse import ParseResult
from bot.transport.base import MediaUnavailable
from handlers.aim import read_aim
from handlers.common import check_length, quote, rule_words
from handlers.protect import quiet_refused


@dataclass(frozen=True)
class Draft:
    """A post as the owner wrote it, before it has a time: its text, media and rule; whether
    it mentions every member (`@semua`), or the poll it is."""

    text: str
    media: MediaRef | None
    rule: RepeatRule | None
    mention_all: bool = False
    poll: PollSpec | None = None


# What a command queues, read from what follows the time (`parsed.text`) and whether the
# command carried the `@semua` marker (taken out before anything else is read).
DraftReader = Callable[[Context, ParseResult, bool], Draft]


async def schedule(ctx: Context) -> None:
    await _refuse_bot_message(ctx)
    await schedule_command(ctx, "jadwal", _draft)


async def _refuse_bot_message(ctx: Context) -> None:
    """A /jadwal replying to one of the bot's own messages (a confirmation, /bantuan, the
    /kalender picture) would post the bot's words or picture to a group: refused. The
    transport tells when it knows the message is the bot's; one that confirmed or showed a
    post (bot_replies) is the bot's in any case."""
    message = ctx.message
    if not message.quoted_id:
        return
    if message.quoted_from_bot or await ctx.store.replied_post(message.quoted_id) is not None:
        raise UserError(m.REPLY_TO_BOT_MESSAGE)


async def schedule_command(
    ctx: Context, usage_of: str, read: DraftReader, before_time: re.Pattern[str] | None = None
) -> None:
    """/jadwal and the commands that queue like it (/polling): `ke:` groups, the mention-all
    marker, the time and its repeat rule, a proposal when the time is unclear; `read` makes
    the draft that is queued. `before_time`: words the command also takes before the time."""
    phrase = "\n".join(part for part in (ctx.args, ctx.body) if part)
    mention_all = split_mention_all(phrase)[1]
    aim = await read_aim(ctx, phrase, usage_of, before_time)  # relative times: as typed
    groups, parsed, phrase = aim.groups, aim.parsed, aim.phrase
    if parsed.error or parsed.when is None:
        # Offered only when the time was told apart from the text: "ya" must never post the
        # time words as part of the text.
        if parsed.error and parsed.suggestion is not None and parsed.text.strip() != phrase.strip():
            draft = read(ctx, parsed, mention_all)
            await _propose(ctx, draft, usage_of, parsed.error, parsed.suggestion, groups)
        raise UserError(parsed.error or m.SCHEDULE_MISSING, usage_of)
    await queue_post(ctx, read(ctx, parsed, mention_all), parsed.when, groups)


async def _propose(
    ctx: Context,
    draft: Draft,
    usage_of: str,
    reason: str,
    when: datetime,
    groups: list[tuple[str, str]] | None,
) -> NoReturn:
    """Refuse with the proposed reading, which "ya" then queues with the same text, media and
    groups (the default groups as they are now, unless the command named its own)."""
    chosen = groups or _defaults(ctx)

    async def accept(answer: Context) -> None:
        if when <= answer.services.clock():
            raise UserError(m.PROPOSAL_PASSED.format(when=format_local(when, answer.services.tz)))
        await queue_post(answer, draft, when, chosen)

    raise UserError(reason, usage_of, accept=accept)


def _defaults(ctx: Context) -> list[tuple[str, str]]:
    """The groups posts go to unless the command names others (/tujuan)."""
    return [(d.jid, d.name) for d in ctx.services.state.destinations]


def _draft(ctx: Context, parsed: ParseResult, mention_all: bool) -> Draft:
    """The post the command describes. Replying to a message schedules that message's content
    (its text, or its media with its caption); text typed after the time replaces it."""
    message = ctx.message
    quoted = message.quoted_text.strip()
    if quoted.startswith("/"):  # a command (a photo's "/jadwal ..." caption) is not content
        quoted = ""
    return make_draft(message, parsed.text.strip() or quoted, parsed.rule, mention_all)


def make_draft(
    message: IncomingMessage, written: str, rule: RepeatRule | None, mention_all: bool
) -> Draft:
    """The post `written` (its text, with or without the `@semua` marker) and the media of
    `message` make; refused when empty, too long, or with media WhatsApp would refuse."""
    text, marked = split_mention_all(written)
    media = chosen_media(message, text)
    if not text and media is None:
        raise UserError(m.SCHEDULE_EMPTY_TEXT, "jadwal")
    check_length(text, photo=media is not None)
    return Draft(text, media, rule, mention_all=mention_all or marked)


async def queue_post(
    ctx: Context,
    draft: Draft,
    when: datetime,
    groups: Sequence[tuple[str, str]] | None = None,
) -> None:
    """Queue `draft` at `when` (a repeating one: its first occurrence) to `groups` (else the
    default ones) and confirm it, naming every group."""
    services = ctx.services
    post, stored = await add_draft(ctx, draft, when, groups)
    template = m.SCHEDULED_MEDIA if stored or draft.poll else m.SCHEDULED
    shown = format_local(post.due_at, services.tz)
    if draft.rule is not None:
        shown = m.REPEAT_FIRST.format(rule=rule_words(draft.rule, services.tz), when=shown)
    await ctx.reply_about(
        post.id,
        template.format(
            id=post.id,
            when=shown,
            dest=post.destination_name,
            kind=media_name(stored.kind) if stored else m.POLL_KIND,
        )
        + " "
        + m.IN_DELTA.format(delta=format_duration(post.due_at - services.clock()))
        + quote(draft.poll.question if draft.poll else draft.text)
        + ("\n" + m.MENTION_ALL_NOTE if draft.mention_all else ""),
    )


async def add_draft(
    ctx: Context,
    draft: Draft,
    when: datetime,
    groups: Sequence[tuple[str, str]] | None = None,
) -> tuple[Post, StoredMedia | None]:
    """Queue `draft` at `when` to `groups` (else the default ones), its media fetched and kept:
    the post as stored and its media. Refused (UserError) without a group, or inside the
    quiet hours, proposing their end."""
    services = ctx.services
    groups = groups or _defaults(ctx)
    if not groups:
        raise UserError(m.SCHEDULE_NO_DESTINATION)
    if (quiet := services.posts.quiet_at(when)) is not None:  # before fetching the media
        await _refuse_quiet(ctx, draft, quiet, groups)
    stored = await store_media(ctx, draft.media) if draft.media else None
    content = PostContent(
        draft.text,
        media_path=stored.name if stored else None,
        media_mime=stored.mime if stored else None,
        media_kind=stored.kind if stored else None,
        media_filename=stored.file_name if stored else None,
        mention_all=draft.mention_all,
        poll=draft.poll.to_text() if draft.poll else None,
    )
    try:
        post = await services.posts.add(
            when, content, groups, repeat_rule=draft.rule.to_text() if draft.rule else None
        )
    except QuietTime as changed:  # the quiet hours changed while the media was fetched
        await _refuse_quiet(ctx, draft, changed, groups)
    return post, stored


async def _refuse_quiet(
    ctx: Context, draft: Draft, quiet: QuietTime, groups: Sequence[tuple[str, str]]
) -> NoReturn:
    """Refuse a time inside the quiet hours, proposing their end; a repeating post is
    refused without a proposal (its rule, not one moment, would have to change)."""
    tz = ctx.services.tz
    if draft.rule is not None:
        raise UserError(
            m.QUIET_REFUSED_REPEAT.format(
                when=format_local(quiet.when, tz), window=quiet.window.format()
            )
        )
    await _propose(ctx, draft, ctx.command, quiet_refused(quiet, tz), quiet.until, list(groups))


def chosen_media(message: IncomingMessage, text: str) -> MediaRef | None:
    """The media to post: the message's own, else the one it replies to. View-once media is
    refused, never posted (nor that of the message replied to); so is media WhatsApp would
    refuse by what the message declares (too big; a text on audio, which takes none), before
    anything is downloaded."""
    if message.view_once:
        raise UserError(m.MEDIA_VIEW_ONCE)
    media = message.media or message.quoted_media
    if media is None and message.quoted_view_once:
        raise UserError(m.MEDIA_VIEW_ONCE)
    if media is None and message.unsupported_media:
        raise UserError(m.UNSUPPORTED_MEDIA.format(kind=message.unsupported_media))
    if media is not None:
        try:
            check_message(media, text)
        except MediaRefused as refused:
            raise UserError(refused.reason) from None
    return media


def media_not_used(ctx: Context, template: str, **fields: object) -> str:
    """A line for the reply to a command that takes no media but came with some: `template`
    ({Kind} and `fields`) saying it was not used; '' when none came."""
    media = ctx.message.media
    if media is None:
        return ""
    return "\n" + template.format(Kind=media_name(media.kind).capitalize(), **fields)


@dataclass(frozen=True)
class StoredMedia:
    """Media saved for a post: its name in the media store and how it is sent."""

    name: str
    mime: str
    kind: MediaKind
    file_name: str | None  # a document's name as the group sees it


async def store_media(ctx: Context, media: MediaRef) -> StoredMedia:
    """Fetch and keep the media; refused when WhatsApp would not take what it is."""
    kind = media_name(media.kind)
    try:
        data = await media.fetch()
    except MediaUnavailable as exc:  # WhatsApp no longer keeps it: only a new copy helps
        logger.info("{} of message {} is gone: {}", media.kind, ctx.message.message_id, exc.reason)
        raise UserError(m.MEDIA_EXPIRED.format(Kind=kind.capitalize(), kind=kind)) from None
    except Exception:
        logger.exception("could not fetch the {} of message {}", media.kind, ctx.message.message_id)
        raise UserError(m.SCHEDULE_MEDIA_FAILED.format(Kind=kind.capitalize(), kind=kind)) from None
    try:
        postable = check_content(media, data)
    except MediaRefused as refused:
        logger.info("{} of message {} refused: {}", media.kind, ctx.message.message_id, refused)
        raise UserError(refused.reason) from None
    document = postable.kind is MediaKind.DOCUMENT
    return StoredMedia(
        ctx.services.media.save(data, postable.mime),
        postable.mime,
        postable.kind,
        (media.file_name or None) if document else None,
    )


COMMANDS = [
    Command(
        "jadwal",
        ("schedule",),
        schedule,
        usage=m.JADWAL_USAGE,
        example=m.JADWAL_EXAMPLE,
        summary=m.JADWAL_SUMMARY,
        notes=(
            m.JADWAL_LINES,
            m.JADWAL_GROUPS,
            m.JADWAL_PHOTO,
            m.JADWAL_REPLY,
            m.JADWAL_MENTION_ALL,
            m.TIME_FORMS,
            m.JADWAL_REPEAT,
        ),
    )
]
