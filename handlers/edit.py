"""/ubah moves a pending post or changes its text; for a repeating series, its next occurrence
(a move) or every coming one (a new text)."""

from __future__ import annotations

from datetime import datetime

from loguru import logger

from bot import messages as m
from bot.context import Command, Context, UserError
from bot.models import Post
from bot.timefmt import format_local
from handlers.common import check_length, quote, rule_words
from handlers.target import Target, find_target, load_target

_TEXT_WORDS = ("teks", "text", "isi")


async def edit(ctx: Context) -> None:
    target = await find_target(ctx, "ubah")
    rest = ctx.args.strip().split(maxsplit=1)[1] if len(ctx.args.split()) > 1 else ""
    first, _, after = rest.partition(" ")
    if first.lower() in _TEXT_WORDS:
        await _change_text(ctx, target, "\n".join(p for p in (after.strip(), ctx.body) if p))
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


def _pending(target: Target) -> Post:
    """The post a change applies to: the one-off itself, or the series' next occurrence."""
    if not target.is_series:
        return target.post
    coming = target.coming
    if not coming:
        raise target.nothing_pending()
    return coming[0]


async def _move(ctx: Context, target: Target, when: datetime) -> None:
    post = _pending(target)
    if not await ctx.store.reschedule(post.id, when, "moved by owner", now=ctx.services.clock()):
        raise UserError(m.CANNOT_EDIT.format(id=target.id, status=m.STATUS_NAMES[post.status]))
    ctx.services.queue_changed()
    tz = ctx.services.tz
    reply = m.MOVED.format(id=target.id, when=format_local(when, tz), dest=post.destination_name)
    if target.is_series and post.repeat_rule:
        logger.info("series #{}: occurrence #{} moved", target.id, post.id)
        reply += "\n" + m.SERIES_MOVED.format(rule=rule_words(post.repeat_rule, tz))
    await ctx.reply(reply + quote(post.text))


async def _change_text(ctx: Context, target: Target, text: str) -> None:
    post = _pending(target)
    if not text and not post.media_path:
        raise UserError(m.SCHEDULE_EMPTY_TEXT, "ubah")
    check_length(text, photo=post.media_path is not None)
    now = ctx.services.clock()
    if target.is_series:
        changed = await ctx.store.update_series_text(target.id, text, now)
        if not changed:
            raise target.nothing_pending()
        logger.info("series #{}: text of occurrence(s) {} changed", target.id, changed)
        reply = m.SERIES_TEXT_CHANGED.format(id=target.id)
    else:
        if not await ctx.store.update_text(post.id, text, now):
            raise UserError(m.CANNOT_EDIT.format(id=post.id, status=m.STATUS_NAMES[post.status]))
        reply = m.TEXT_CHANGED.format(id=post.id)
    await ctx.reply(reply + quote(text))


COMMANDS = [Command("ubah", ("edit",), edit)]
