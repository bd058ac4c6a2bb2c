"""/jadwal: queue a post (text, or an image sent with or replied to by the command)."""

from __future__ import annotations

from loguru import logger

from bot import messages as m
from bot.context import Command, Context, UserError
from bot.media import sniff_mime
from bot.models import IncomingMessage, MediaRef
from bot.timefmt import format_duration, format_local
from bot.transport.base import MediaUnavailable
from handlers.common import destination

# WhatsApp's own limit on a text message is 65,536 characters; captions are far shorter.
MAX_TEXT = 65_536
MAX_CAPTION = 1_024


async def schedule(ctx: Context) -> None:
    services = ctx.services
    phrase = "\n".join(part for part in (ctx.args, ctx.body) if part)
    if not phrase.strip():
        raise UserError(m.SCHEDULE_MISSING, "jadwal")
    now = services.clock()
    parsed = ctx.parse_time(phrase)  # relative times count from when it was typed
    if parsed.error or parsed.when is None:
        raise UserError(parsed.error or m.SCHEDULE_MISSING, "jadwal")
    text = parsed.text.strip()
    image = _chosen_image(ctx.message)
    if not text and image is None:
        raise UserError(m.SCHEDULE_EMPTY_TEXT, "jadwal")
    limit = MAX_CAPTION if image else MAX_TEXT
    if len(text) > limit:
        raise UserError(m.SCHEDULE_TOO_LONG.format(length=len(text), limit=limit))
    target = await destination(ctx.store)
    if target is None:
        raise UserError(m.SCHEDULE_NO_DESTINATION)
    media_name, media_mime = await _store_image(ctx, image) if image else (None, None)
    rule = parsed.rule.to_text() if parsed.rule else None
    post = await ctx.store.add_post(parsed.when, text, target[0], target[1],
                                    media_path=media_name, media_mime=media_mime, now=now,
                                    repeat_rule=rule)
    services.queue_changed()
    template = m.SCHEDULED_MEDIA if media_name else m.SCHEDULED
    when = format_local(post.due_at, services.tz)
    if parsed.repeat:
        when = m.REPEAT_FIRST.format(rule=parsed.repeat, when=when)
    await ctx.reply(template.format(id=post.id, when=when, dest=target[1]) + " "
                    + m.IN_DELTA.format(delta=format_duration(post.due_at - now)))


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
