"""/jadwal: queue a post (text, or an image sent with or replied to by the command)."""

from __future__ import annotations

from loguru import logger

from bot import messages as m
from bot.context import Command, Context, UserError
from bot.media import sniff_mime
from bot.models import MediaRef
from bot.timefmt import format_duration, format_local
from bot.timeparse import parse_schedule
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
    parsed = parse_schedule(phrase, now, services.tz)
    if parsed.error or parsed.when is None:
        raise UserError(parsed.error or m.SCHEDULE_MISSING, "jadwal")
    text = parsed.text.strip()
    image = ctx.message.image or ctx.message.quoted_image
    if image is None and ctx.message.unsupported_media:
        raise UserError(m.UNSUPPORTED_MEDIA.format(kind=ctx.message.unsupported_media))
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


async def _store_image(ctx: Context, image: MediaRef) -> tuple[str, str]:
    try:
        data = await image.fetch()
    except Exception:
        logger.exception("could not fetch the image of message {}", ctx.message.message_id)
        raise UserError(m.SCHEDULE_MEDIA_FAILED) from None
    mime = sniff_mime(data) or image.mime
    return ctx.services.media.save(data, mime), mime


COMMANDS = [Command("jadwal", ("schedule",), schedule)]
