"""/terlewat: the posts the bot missed (it was down or offline past the grace), and one
command to send them all now or drop them, as the missed-posts summary offers."""

from __future__ import annotations

from bot import messages as m
from bot.context import Command, Context, UserError
from bot.posts import MISSED_KEPT
from bot.timefmt import format_short
from handlers.protect import hold_why
from handlers.target import names

SEND_WORDS = ("kirim", "send")
DROP_WORDS = ("buang", "drop")


async def missed(ctx: Context) -> None:
    word = ctx.args.strip().lower()
    days = MISSED_KEPT.days
    if word and word not in SEND_WORDS + DROP_WORDS:
        raise UserError(m.TERLEWAT_BAD.format(word=m.echo(word)), "terlewat")
    posts = ctx.services.posts
    if not word:
        waiting = await posts.missed()
        if not waiting:
            await ctx.reply(m.TERLEWAT_NONE.format(days=days))
            return
        tz = ctx.services.tz
        lines = "\n".join(
            m.TERLEWAT_LINE.format(
                id=p.id, due=format_short(p.due_at, tz), groups=names(p.deliveries)
            )
            for p in waiting
        )
        await ctx.reply(m.TERLEWAT_LIST.format(count=len(waiting), days=days, lines=lines))
        return
    send = word in SEND_WORDS
    acted = await posts.settle_missed(send)
    if not acted:
        await ctx.reply(m.TERLEWAT_NONE.format(days=days))
        return
    ids = ", ".join(f"#{p.id}" for p in acted)
    template = m.TERLEWAT_SENT if send else m.TERLEWAT_DROPPED
    reply = template.format(count=len(acted), ids=ids)
    if send and (hold := ctx.services.gate.hold_for_post(ctx.services.clock())) is not None:
        reply += "\n" + m.HELD_NOTE.format(why=hold_why(hold, ctx.services.tz))
    await ctx.reply(reply)


COMMANDS = [
    Command(
        "terlewat",
        ("missed",),
        missed,
        usage=m.TERLEWAT_USAGE,
        example=m.TERLEWAT_EXAMPLE,
        summary=m.TERLEWAT_SUMMARY,
    ),
]
