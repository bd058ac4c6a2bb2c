"""/grup lists the account's groups (numbered by name); /tujuan picks the destination.

Both flag an announcement-only group where the bot is not an admin: WhatsApp may accept a post
sent there and never show it (DESIGN.md, "Groups": reported by another whatsmeow project),
so the owner is warned."""

from __future__ import annotations

from loguru import logger

from bot import messages as m
from bot.context import Command, Context, UserError
from bot.models import Group


async def _groups(ctx: Context) -> list[Group]:
    try:
        found = await ctx.services.list_groups()
    except Exception:
        logger.exception("could not list groups")
        raise UserError(m.GROUPS_UNAVAILABLE) from None
    # Numbered by name so that the number seen in /grup means the same group in /tujuan.
    return sorted(found, key=lambda g: (g.name.casefold(), g.jid))


async def list_groups(ctx: Context) -> None:
    groups = await _groups(ctx)
    if not groups:
        await ctx.reply(m.GROUPS_EMPTY)
        return
    lines = [m.GROUPS_HEADER.format(count=len(groups))]
    lines += [
        f"{i}. {g.name}" + (f" {m.GROUP_ADMIN_ONLY}" if g.admin_only else "")
        for i, g in enumerate(groups, start=1)
    ]
    lines.append(m.GROUPS_FOOTER)
    await ctx.reply("\n".join(lines))


async def set_target(ctx: Context) -> None:
    query = ctx.args.strip()
    store = ctx.store
    if not query:
        if ctx.message.is_group:
            by_jid = {g.jid: g for g in await _groups(ctx)}
            chosen = by_jid.get(ctx.message.chat, Group(ctx.message.chat, ctx.message.chat))
            await _save(ctx, chosen)
            return
        current = await store.get_setting("destination_name")
        if current:
            await ctx.reply(m.TARGET_CURRENT.format(name=current) + "\n\n" + m.USAGE["tujuan"])
            return
        raise UserError(m.TARGET_NONE, "tujuan")
    groups = await _groups(ctx)
    if query.isdigit():
        number = int(query)
        if not 1 <= number <= len(groups):
            raise UserError(m.TARGET_BAD_NUMBER.format(number=number, count=len(groups)))
        await _save(ctx, groups[number - 1])
        return
    wanted = query.casefold()
    exact = [g for g in groups if g.name.casefold() == wanted]
    matches = exact or [g for g in groups if wanted in g.name.casefold()]
    if not matches:
        raise UserError(m.TARGET_NOT_FOUND.format(query=m.echo(query)))
    if len(matches) > 1:
        names = "\n".join(f"- {g.name}" for g in matches)
        raise UserError(m.TARGET_AMBIGUOUS.format(query=query, names=names))
    await _save(ctx, matches[0])


async def _save(ctx: Context, group: Group) -> None:
    await ctx.store.set_settings({"destination": group.jid, "destination_name": group.name})
    logger.info("destination set to {} ({})", group.name, group.jid)
    reply = m.TARGET_SET.format(name=group.name)
    if group.admin_only:  # saved all the same: the owner may be about to make the bot admin
        reply += "\n\n" + m.TARGET_ADMIN_ONLY.format(name=group.name)
    await ctx.reply(reply)


COMMANDS = [
    Command("grup", ("groups", "group"), list_groups),
    Command("tujuan", ("target",), set_target, in_group=True),  # picks the group it is typed in
]
