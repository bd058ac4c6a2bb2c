"""What a post id names for the owner: a one-off post, or a whole repeating series.

A series keeps the id of its first occurrence; every occurrence is still its own post row
(bot/series.py), and the id of any of them names the whole series.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot import messages as m
from bot.context import Context, UserError
from bot.models import Post, PostStatus
from handlers.common import parse_post_id


@dataclass(frozen=True)
class Target:
    post: Post  # the post the id names; for a series, its first occurrence
    occurrences: tuple[Post, ...] = ()  # a series' occurrences, first first; () for a one-off

    @property
    def id(self) -> int:
        return self.post.id

    @property
    def is_series(self) -> bool:
        return bool(self.occurrences)

    @property
    def latest(self) -> Post:
        """A series' newest occurrence (it carries the current text and rule)."""
        return self.occurrences[-1] if self.occurrences else self.post

    @property
    def coming(self) -> list[Post]:
        """A series' pending occurrences, soonest first."""
        pending = [p for p in self.occurrences if p.status is PostStatus.PENDING]
        return sorted(pending, key=lambda p: (p.due_at, p.id))

    def ordinal(self, post: Post) -> str:
        """'#12 ke-3': an occurrence by its series and its place in it."""
        place = next(i for i, p in enumerate(self.occurrences, start=1) if p.id == post.id)
        return m.ORDINAL.format(id=self.id, n=place)

    def nothing_pending(self) -> UserError:
        """Why a series has no occurrence to act on right now."""
        latest = self.latest
        if latest.status is PostStatus.CANCELLED:
            return UserError(m.SERIES_ALREADY_STOPPED.format(id=self.id))
        # Being sent, or over with its next one about to be queued by the scheduler.
        return UserError(
            m.SERIES_NOTHING_PENDING.format(
                id=self.id, ordinal=self.ordinal(latest), status=m.STATUS_NAMES[latest.status]
            )
        )


async def find_target(ctx: Context, usage_of: str) -> Target:
    """The post or series that the id at the front of the arguments names."""
    return await load_target(ctx, parse_post_id(ctx.args, usage_of))


async def load_target(ctx: Context, post_id: int) -> Target:
    post = await ctx.store.get_post(post_id)
    if post is None:
        raise UserError(m.POST_NOT_FOUND.format(id=post_id))
    if post.series_id is None:
        return Target(post)
    occurrences = tuple(await ctx.store.series_posts(post.series_id))
    return Target(occurrences[0], occurrences)
