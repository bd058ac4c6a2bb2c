"""/grup lists the account's groups (numbered by name); /tujuan picks the default destination
groups (several: /tujuan 1,3), and select_groups reads such a list for any command.

Both flag an announcement-only group where the bot is not an admin: WhatsApp may accept a post
sent there and never show it (DESIGN.md, "Groups": reported by another whatsmeow project),
so the owner is warned."""

from __future__ import annotations

from loguru import logger

from bot import messages as m
from bot.context import Command, Context, UserError
from bot.digits import is_number
from bot.models import Group


async def joined_groups(ctx: Context) -> list[Group]:
    """The account's groups, numbered (from 1) in this order by /grup and ke:/tujuan."""
    try:
        found = await ctx.services.list_groups()
    except Exception:
        logger.exception("could not list groups")
        raise UserError(m.GROUPS_UNAVAILABLE) from None
    # Numbered by name so that the number seen in /grup means the same group in /tujuan.
    return sorted(found, key=lambda g: (g.name.casefold(), g.jid))


async def list_groups(ctx: Context) -> None:
    groups = await joined_groups(ctx)
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


async def select_groups(ctx: Context, spec: str) -> list[Group]:
    """The groups `spec` names, in its order: numbers from /grup and names, separated by
    commas ("1,3", "1, Alumni"); a piece of numbers only may also use spaces ("1 3").

    Raises UserError for an empty spec, an unknown number or name, a name that fits several
    groups, and a group named twice."""
    words = [piece.strip() for piece in spec.split(",")]
    words = [w for w in words if w]
    # "1 3" is two numbers; "Alumni SMA 3" is one name.
    words = [n for w in words for n in (w.split() if _all_numbers(w) else [w])]
    if not words:
        raise UserError(m.TARGET_EMPTY, ctx.command)  # with the usage of the command typed
    groups = await joined_groups(ctx)
    chosen: dict[str, tuple[str, Group]] = {}
    for word in words:
        group = _pick(groups, word)
        if group.jid in chosen:
            first = chosen[group.jid][0]
            raise UserError(
                m.TARGET_DUPLICATE.format(first=m.echo(first), second=m.echo(word), name=group.name)
            )
        chosen[group.jid] = (word, group)
    return [group for _, group in chosen.values()]


def _all_numbers(words: str) -> bool:
    return all(is_number(w) for w in words.split())


def _pick(groups: list[Group], word: str) -> Group:
    """One group by its /grup number or by (part of) its name."""
    if is_number(word):
        number = int(word)
        if not 1 <= number <= len(groups):
            raise UserError(m.TARGET_BAD_NUMBER.format(number=number, count=len(groups)))
        return groups[number - 1]
    wanted = word.casefold()
    exact = [g for g in groups if g.name.casefold() == wanted]
    matches = exact or [g for g in groups if wanted in g.name.casefold()]
    if not matches:
        raise UserError(m.TARGET_NOT_FOUND.format(query=m.echo(word)))
    if len(matches) > 1:
        names = "\n".join(f"- {g.name}" for g in matches)
        raise UserError(m.TARGET_AMBIGUOUS.format(query=m.echo(word), names=names))
    return matches[0]


async def set_target(ctx: Context) -> None:
    query = ctx.args.strip()
    state = ctx.services.state
    if not query:
        if ctx.message.is_group:
            by_jid = {g.jid: g for g in await joined_groups(ctx)}
            chosen = by_jid.get(ctx.message.chat, Group(ctx.message.chat, ctx.message.chat))
            await _save(ctx, [chosen])
            return
        current = [g.name for g in state.destinations]
        if not current:
            raise UserError(m.TARGET_NONE, "tujuan")
        await ctx.reply(
            _named(current, m.TARGET_CURRENT, m.TARGET_CURRENT_MANY) + "\n\n" + ctx.usage("tujuan")
        )
        return
    await _save(ctx, await select_groups(ctx, query))


def _named(names: list[str], one: str, many: str) -> str:
    if len(names) == 1:
        return one.format(name=names[0])
    # Bullets, not numbers: "2." here would contradict the number /grup gives that group.
    listed = "\n".join(m.TARGET_LINE.format(name=name) for name in names)
    return many.format(count=len(names), names=listed)


async def _save(ctx: Context, groups: list[Group]) -> None:
    await ctx.services.state.set_destinations(groups)
    logger.info("destinations set to {}", ", ".join(f"{g.name} ({g.jid})" for g in groups))
    reply = [_named([g.name for g in groups], m.TARGET_SET, m.TARGET_SET_MANY)]
    # Saved all the same: the owner may be about to make the bot admin.
    reply += [m.TARGET_ADMIN_ONLY.format(name=g.name) for g in groups if g.admin_only]
    await ctx.reply("\n\n".join(reply))


COMMANDS = [
    Command(
        "grup",
        ("groups", "group"),
        list_groups,
        usage=m.GRUP_USAGE,
        example=m.GRUP_EXAMPLE,
        summary=m.GRUP_SUMMARY,
    ),
    Command(
        "tujuan",
        ("target",),
        set_target,
        usage=m.TUJUAN_USAGE,
        example=m.TUJUAN_EXAMPLE,
        summary=m.TUJUAN_SUMMARY,
        notes=(m.TUJUAN_IN_GROUP,),
        in_group=True,  # picks the group it is typed in
    ),
]
