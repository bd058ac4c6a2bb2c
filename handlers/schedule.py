"""/jadwal: queue a post (text, or an image sent with or replied to by the command)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NoReturn

from loguru import logger

from bot import messages as m
from bot.context import Command, Context, UserError
from bot.media import sniff_mime
from bot.models import IncomingMessage, MediaRef
from bot.repeat import RepeatRule
from bot.timefmt import format_duration, format_local
from bot.timeparse import ParseResult
from bot.transport.base import MediaUnavailable
from handlers.common import check_length, destination, quote, rule_words


@dataclass(frozen=True)
class Draft:
    """A post as the owner wrote it, before it has a time: its text, photo and rule."""

    text: str
    image: MediaRef | None
    rule: RepeatRule | None


async def schedule(ctx: Context) -> None:
    phrase = "\n".join(part for part in (ctx.args, ctx.body) if part)
    if not phrase.strip():
        raise UserError(m.SCHEDULE_MISSING, "jadwal")
    parsed = ctx.parse_time(phrase)  # relative times count from when it was typed
    if parsed.error or parsed.when is None:
        # Offered only when the time was told apart from the text: "ya" must never post the
        # time words as part of the text.
        if parsed.error and parsed.suggestion is not None and parsed.text.strip() != phrase.strip():
            await _propose(ctx, parsed, parsed.error, parsed.suggestion)
        raise UserError(parsed.error or m.SCHEDULE_MISSING, "jadwal")
    await queue_post(ctx, _draft(ctx.message, parsed), parsed.when)


async def _propose(ctx: Context, parsed: ParseResult, reason: str, when: datetime) -> NoReturn:
    """Refuse with the proposed reading, which "ya" then queues with the same text, photo and
    destination (the destination as it is now, if one is chosen)."""
    draft = _draft(ctx.message, parsed)
    target = await destination(ctx.store)

    async def accept(answer: Context) -> None:
        if when <= answer.services.clock():
            raise UserError(m.PROPOSAL_PASSED.format(when=format_local(when, answer.services.tz)))
        await queue_post(answer, draft, when, target)

    raise UserError(reason, "jadwal", accept=accept)


def _draft(message: IncomingMessage, parsed: ParseResult) -> Draft:
    text = parsed.text.strip()
    image = _chosen_image(message)
    if not text and image is None:
        raise UserError(m.SCHEDULE_EMPTY_TEXT, "jadwal")
    check_length(text, photo=image is not None)
    return Draft(text, image, parsed.rule)


async def queue_post(
    ctx: Context, draft: Draft, when: datetime, target: tuple[str, str] | None = None
) -> None:
    """Queue `draft` at `when` (a repeating one: its first occurrence) and confirm it."""
    services = ctx.services
    target = target or await destination(ctx.store)
    if target is None:
        raise UserError(m.SCHEDULE_NO_DESTINATION)
    image = draft.image
    media_name, media_mime = await _store_image(ctx, image) if image else (None, None)
    now = services.clock()
    post = await ctx.store.add_post(
        when,
        draft.text,
        target[0],
        target[1],
        media_path=media_name,
        media_mime=media_mime,
        now=now,
        repeat_rule=draft.rule.to_text() if draft.rule else None,
    )
    services.queue_changed()
    template = m.SCHEDULED_MEDIA if media_name else m.SCHEDULED
    shown = format_local(post.due_at, services.tz)
    if draft.rule is not None:
        shown = m.REPEAT_FIRST.format(rule=rule_words(draft.rule, services.tz), when=shown)
    await ctx.reply(
        template.format(id=post.id, when=shown, dest=target[1])
        + " "
        + m.IN_DELTA.format(delta=format_duration(post.due_at - now))
        + quote(draft.text)
    )


def _chosen_image(message: IncomingMessage) -> MediaRef | None:
    """The photo to post: the message's own, else the one it replies to. A view-once photo is
    refused, never posted (nor one quoted by the reply)."""
    if message.view_once:
        raise UserError(m.MEDIA_VIEW_ONCE)
    image = message.image or message.quoted_image
    if image is None and message.quoted_view_once:
        raise UserError(m.MEDIA_VIEW_ONCE)
    if image is None and message.unsupported_media:
        raise UserError(m.UNSUPPORTED_MEDIA.format(kind=message.unsupported_media))
    return image


async def _store_image(ctx: Context, image: MediaRef) -> tuple[str, str]:
    try:
        data = await image.fetch()
    except MediaUnavailable as exc:  # WhatsApp no longer keeps it: only a new copy helps
        logger.info("photo of message {} is gone: {}", ctx.message.message_id, exc.reason)
        raise UserError(m.MEDIA_EXPIRED) from None
    except Exception:
        logger.exception("could not fetch the image of message {}", ctx.message.message_id)
        raise UserError(m.SCHEDULE_MEDIA_FAILED) from None
    sniffed = sniff_mime(data)
    if sniffed is None and image.document:  # declared an image, but not one we can post
        raise UserError(m.DOCUMENT_NOT_IMAGE)
    mime = sniffed or image.mime
    return ctx.services.media.save(data, mime), mime


COMMANDS = [Command("jadwal", ("schedule",), schedule)]
