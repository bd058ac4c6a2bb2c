"""/ubah moves a pending post or changes its text."""

from __future__ import annotations

from bot import messages as m
from bot.context import Command, Context, UserError
from bot.timefmt import format_local
from handlers.common import parse_post_id

_TEXT_WORDS = ("teks", "text", "isi")


async def edit(ctx: Context) -> None:
    post_id = parse_post_id(ctx.args, "ubah")
    rest = ctx.args.strip().split(maxsplit=1)[1] if len(ctx.args.split()) > 1 else ""
    post = await ctx.store.get_post(post_id)
    if post is None:
        raise UserError(m.POST_NOT_FOUND.format(id=post_id))
    now = ctx.services.clock()
    first, _, after = rest.partition(" ")
    if first.lower() in _TEXT_WORDS:
        text = "\n".join(part for part in (after.strip(), ctx.body) if part)
        if not text and not post.media_path:
            raise UserError(m.SCHEDULE_EMPTY_TEXT, "ubah")
        if not await ctx.store.update_text(post_id, text, now):
            raise UserError(m.CANNOT_EDIT.format(id=post_id, status=m.STATUS_NAMES[post.status]))
        await ctx.reply(m.TEXT_CHANGED.format(id=post_id))
        return
    if not rest.strip():
        raise UserError(m.EDIT_MISSING, "ubah")
    parsed = ctx.parse_time(rest)  # relative times count from when it was typed
    if parsed.error or parsed.when is None:
        raise UserError(parsed.error or m.EDIT_MISSING, "ubah")
    if parsed.rule is not None:
        raise UserError(m.EDIT_NO_REPEAT)
    if parsed.text.strip():
        raise UserError(m.EDIT_EXTRA_TEXT.format(extra=parsed.text.strip()[:40]), "ubah")
    if not await ctx.store.reschedule(post_id, parsed.when, "moved by owner", now=now):
        raise UserError(m.CANNOT_EDIT.format(id=post_id, status=m.STATUS_NAMES[post.status]))
    ctx.services.queue_changed()
    await ctx.reply(m.MOVED.format(id=post_id, when=format_local(parsed.when, ctx.services.tz),
                                   dest=post.destination_name))


COMMANDS = [Command("ubah", ("edit",), edit)]
