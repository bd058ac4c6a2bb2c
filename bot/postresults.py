"""What PostService (bot.posts) answers: the post or series an id names (Target), what a
change did (Cancelled, ContentChanged, Retried), and the refusals a handler turns into a
reply (PostNotFound, PostRefused and its kinds, QuietTime, SeriesIdle)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.models import Delivery, Post, PostStatus
from bot.quiethours import QuietHours


class PostNotFound(Exception):
    def __init__(self, post_id: int) -> None:
        super().__init__(f"post #{post_id} does not exist")
        self.post_id = post_id


class PostRefused(Exception):
    """A change the post's state does not allow; `post` is the post as stored now."""

    def __init__(self, post: Post) -> None:
        super().__init__(f"post #{post.id} is {post.status}")
        self.post = post


class NotPending(PostRefused):
    """Move, change, cancel or send now: nothing of the post is waiting to be sent."""


class UseRetry(PostRefused):
    """Send now, asked of a post that failed, was missed or may not have arrived: /ulang."""


class NotRetryable(PostRefused):
    """Retry: none of the post's groups failed, was missed or is uncertain."""


class PartlyDelivered(PostRefused):
    """Change the text or media: some of the post's groups are no longer waiting for it (a
    group that got it keeps what it got, and the post shows what went out)."""


class PollNoMedia(PostRefused):
    """Replace media: the post is a poll, which carries no media (it would be dropped at
    the send)."""


class QuietTime(Exception):
    """Queue or move a post to `when`, inside the quiet hours `window`, which end at `until`
    (UTC): the first moment the post could go."""

    def __init__(self, when: datetime, window: QuietHours, until: datetime) -> None:
        super().__init__(f"{when.isoformat()} is inside the quiet hours {window.format()}")
        self.when = when
        self.window = window
        self.until = until


class SeriesIdle(Exception):
    """A series with no occurrence waiting: stopped, or its next one not queued yet."""

    def __init__(self, target: Target) -> None:
        super().__init__(f"series #{target.id} has no pending occurrence")
        self.target = target


@dataclass(frozen=True)
class Target:
    """What a post id names for the owner: a one-off post, or a whole repeating series.

    A series keeps the id of its first occurrence; every occurrence is still its own post
    (bot/series.py), and the id of any of them names the whole series."""

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
        """A series' newest occurrence (it carries the current text, rule and groups)."""
        return self.occurrences[-1] if self.occurrences else self.post

    @property
    def coming(self) -> list[Post]:
        """A series' pending occurrences, soonest first."""
        pending = [p for p in self.occurrences if p.status is PostStatus.PENDING]
        return sorted(pending, key=lambda p: (p.due_at, p.id))

    @property
    def stopped(self) -> bool:
        """A series the owner stopped: its last occurrence had groups cancelled."""
        return bool(self.latest.with_status(PostStatus.CANCELLED))

    def place(self, post: Post) -> int:
        """An occurrence's number in its series, from 1."""
        return next(i for i, p in enumerate(self.occurrences, start=1) if p.id == post.id)


@dataclass(frozen=True)
class Cancelled:
    post: Post  # the (first) post cancelled, as it is now: its groups with their states
    groups: list[Delivery]  # the deliveries cancelled, as they were (pending)
    occurrences: list[int]  # a stopped series' cancelled occurrences; [] for a one-off


@dataclass(frozen=True)
class ContentChanged:
    changed: list[int]  # the posts whose text or media changed
    # A series' pending occurrences left as they were: some of their groups already have them.
    held: list[Post]


@dataclass(frozen=True)
class Retried:
    post: Post  # as it is now
    groups: list[Delivery]  # the deliveries sent again, as they were (failed, ...)
