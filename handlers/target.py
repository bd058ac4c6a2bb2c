"""What a command aims at. A post id (bot.postresults.Target: a one-off post, or a whole repeating
series), found from the command's arguments or from the bot's message the command replies to,
and how its refusals are worded."""

from __future__ import annotations

from collections.abc import Awaitable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from bot import messages as m
from bot.context import Context, UserError
from bot.models import Delivery, Post
from bot.postresults import PostNotFound, PostRefused, SeriesIdle, Target
from handlers.common import is_post_id, parse_post_id

__all__ = [
    "Named",
    "Target",
    "carried_out",
    "find_target",
    "group_states",
    "load_target",
    "named_post",
    "names",
    "nothing_pending",
    "ordinal",
    "others",
    "refused",
    "single_post",
    "with_states",
]


@dataclass(frozen=True)
class Named:
    """The post id a command names, and the arguments that follow it."""

    id: int
    rest: str  # every argument when the post was named by reply


async def named_post(
    ctx: Context, usage_of: str, *, time_first: bool = False, words: tuple[str, ...] = ()
) -> Named:
    """The post id at the front of the arguments; without one, the post that the bot's
    message the command replies to confirmed or showed (bot_replies). A typed id wins. With
    `time_first` (the arguments may start with a time), a reply whose whole arguments read as
    a time ("/ubah 9 pagi", "/ubah 3 hari lagi jam 10") takes the number for the time, not
    for an id. Arguments that start with one of `words` ("teks", "foto") and no reply: the
    id is missing."""
    args = ctx.args.strip()
    first, _, rest = args.partition(" ")
    replied = await ctx.store.replied_post(ctx.message.quoted_id) if ctx.message.quoted_id else None
    if _is_id(first) and not (replied is not None and time_first and _whole_time(ctx, args)):
        return Named(int(first.removeprefix("#")), rest.strip())
    if replied is not None:
        return Named(replied, args)
    if ctx.message.quoted_id and not _is_id(first):
        raise UserError(m.REPLY_NAMES_NO_POST, usage_of)
    if first.lower() in words:
        raise UserError(m.POST_ID_MISSING.format(name=usage_of), usage_of)
    return Named(parse_post_id(args, usage_of), rest.strip())


def _is_id(token: str) -> bool:
    digits = token.removeprefix("#")
    return is_post_id(digits)


def _whole_time(ctx: Context, phrase: str) -> bool:
    """The whole phrase reads as a time: a clear one, or one the bot would propose a reading
    of ("3 hari lagi jam 10": 10:00 or 22:00), with no text left over."""
    parsed = ctx.parse_time(phrase)
    if parsed.text.strip():
        return False
    return parsed.when is not None or parsed.suggestion is not None


async def single_post(ctx: Context, usage_of: str) -> int:
    """The one post id a command that takes nothing else names (typed, or by reply); more
    words after it are refused: one command acts on one post."""
    named = await named_post(ctx, usage_of)
    if extra := named.rest.strip():
        raise UserError(m.ONE_ID_ONLY.format(name=usage_of, extra=m.echo(extra)), usage_of)
    return named.id


async def find_target(ctx: Context, usage_of: str) -> Target:
    """The post or series the command names (typed id, or by reply: named_post); nothing
    may follow the id."""
    return await load_target(ctx, await single_post(ctx, usage_of))


async def load_target(ctx: Context, post_id: int) -> Target:
    try:
        return await ctx.services.posts.find(post_id)
    except PostNotFound:
        raise UserError(m.POST_NOT_FOUND.format(id=post_id)) from None


def ordinal(target: Target, post: Post) -> str:
    """'#12 ke-3': an occurrence by its series and its place in it."""
    return m.ORDINAL.format(id=target.id, n=target.place(post))


def nothing_pending(idle: SeriesIdle) -> UserError:
    """Why a series has no occurrence to act on right now."""
    target = idle.target
    latest = target.latest
    if target.stopped:
        return UserError(m.SERIES_ALREADY_STOPPED.format(id=target.id))
    # Being sent, or over with its next one about to be queued by the scheduler.
    return UserError(
        m.SERIES_NOTHING_PENDING.format(
            id=target.id, ordinal=ordinal(target, latest), status=m.STATUS_NAMES[latest.status]
        )
    )


T = TypeVar("T")


async def carried_out(change: Awaitable[T], refusals: Sequence[tuple[type[PostRefused], str]]) -> T:
    """What `change` (a PostService call on a target) returns, its refusals worded for the
    owner: a series with nothing pending as nothing_pending says, and a state that does not
    allow it with the template of the first of `refusals` whose error it is."""
    try:
        return await change
    except SeriesIdle as idle:
        raise nothing_pending(idle) from None
    except PostRefused as refusal:
        template = next((t for kind, t in refusals if isinstance(refusal, kind)), None)
        if template is None:
            raise
        raise refused(template, refusal.post) from None


def refused(template: str, post: Post) -> UserError:
    """A change `post`'s state does not allow, in `template` ({id}, {status})."""
    return UserError(template.format(id=post.id, status=m.STATUS_NAMES[post.status]))


def group_states(post: Post) -> str:
    """The post's groups, each with its state where it differs from the post's own:
    'Grup A (terkirim), Grup B'."""
    return ", ".join(
        d.name + ("" if d.status is post.status else f" ({m.STATUS_NAMES[d.status]})")
        for d in post.deliveries
    )


def with_states(groups: list[Delivery]) -> str:
    """'Grup A (terkirim), Grup B (sedang dikirim)'."""
    return ", ".join(f"{d.name} ({m.STATUS_NAMES[d.status]})" for d in groups)


def names(groups: list[Delivery]) -> str:
    return ", ".join(d.name for d in groups)


def others(post: Post, shown: list[Delivery]) -> list[Delivery]:
    """The post's groups not among `shown`."""
    ids = {d.id for d in shown}
    return [d for d in post.deliveries if d.id not in ids]
