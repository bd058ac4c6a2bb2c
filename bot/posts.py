"""The rules of the queue: what the owner may do to a post in which state, for a one-off post
and a repeating series alike, and to which of its groups.

Every change the owner makes goes through PostService: it checks the state, writes the change
(with the reason kept in the post's history) and wakes the scheduler when what is due has
changed. Handlers read the owner's words and word the replies; a change the state does not
allow raises one of the errors of bot.postresults, which they turn into a reply.

A post is not queued, nor moved, to a moment inside the quiet hours (QuietTime): the groups
would not get it then. Sending a waiting post now is allowed; it waits for the window's end.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from loguru import logger

from bot.models import RETRYABLE, MediaKind, Post, PostContent, PostStatus
from bot.postresults import (
    Cancelled,
    ContentChanged,
    NotPending,
    NotRetryable,
    PartlyDelivered,
    PollNoMedia,
    PostNotFound,
    QuietTime,
    Retried,
    SeriesIdle,
    Target,
    UseRetry,
)
from bot.quiethours import QuietHours
from bot.store import Store
from bot.storebase import Edited


class QuietSource(Protocol):
    """Where the quiet hours and the zone they are read in come from (bot.state.BotState)."""

    @property
    def quiet_hours(self) -> QuietHours | None: ...

    @property
    def timezone(self) -> ZoneInfo: ...


# How far back /terlewat reaches: missed posts older than this are history, not a backlog.
MISSED_KEPT = timedelta(days=3)


class PostService:
    def __init__(
        self,
        store: Store,
        clock: Callable[[], datetime],
        queue_changed: Callable[[], None],
        quiet: QuietSource | None = None,
    ) -> None:
        self._store = store
        self._clock = clock
        self._queue_changed = queue_changed
        self._quiet = quiet

    def quiet_at(self, when: datetime) -> QuietTime | None:
        """Why a post may not be queued for `when` (the quiet hours holding it), or None."""
        if self._quiet is None or (window := self._quiet.quiet_hours) is None:
            return None
        tz = self._quiet.timezone
        if not window.is_quiet(when, tz):
            return None
        return QuietTime(when, window, window.window_end(when, tz))

    def check_time(self, when: datetime) -> None:
        """Refuse `when` inside the quiet hours (QuietTime). Checked by add and move; callers
        may ask first, before fetching media."""
        if (quiet := self.quiet_at(when)) is not None:
            raise quiet

    async def find(self, post_id: int) -> Target:
        """The post or series `post_id` names."""
        post = await self._store.get_post(post_id)
        if post is None:
            raise PostNotFound(post_id)
        if post.series_id is None:
            return Target(post)
        occurrences = tuple(await self._store.series_posts(post.series_id))
        return Target(occurrences[0], occurrences)

    async def add(
        self,
        when: datetime,
        content: PostContent,
        destinations: Sequence[tuple[str, str]],
        *,
        repeat_rule: str | None = None,
    ) -> Post:
        """Queue a post carrying `content` (a repeating one: the first occurrence of its
        series) to every group of `destinations` ((jid, name) each), sent in that order.
        Refused (QuietTime) when `when` falls inside the quiet hours."""
        self.check_time(when)
        post = await self._store.add_post(
            when, content, destinations, now=self._clock(), repeat_rule=repeat_rule
        )
        self._queue_changed()
        logger.info(
            "post #{} queued for {} to {}", post.id, when.isoformat(), post.destination_name
        )
        return post

    def next_of(self, target: Target) -> Post:
        """The post a change applies to: the one-off itself, or the series' next occurrence
        (SeriesIdle when it has none)."""
        if not target.is_series:
            return target.post
        coming = target.coming
        if not coming:
            raise SeriesIdle(target)
        return coming[0]

    async def move(self, target: Target, when: datetime) -> Post:
        """Move the post (a series: only its next occurrence) to `when`; refused (QuietTime)
        inside the quiet hours."""
        post = self.next_of(target)
        self.check_time(when)
        if not await self._store.reschedule(post.id, when, "moved by owner", now=self._clock()):
            raise NotPending(await self._current(post))
        self._queue_changed()
        if target.is_series:
            logger.info("series #{}: occurrence #{} moved", target.id, post.id)
        return await self._current(post)

    async def change_text(self, target: Target, text: str, mention_all: bool) -> ContentChanged:
        """New text, and whether it mentions every member, for the post, or for every coming
        occurrence of a series (the following ones are copied from them)."""
        now = self._clock()
        if target.is_series:
            edited = await self._store.update_series_text(
                target.id, text, now, mention_all=mention_all
            )
        else:
            edited = await self._store.update_text(
                target.post.id, text, now, mention_all=mention_all
            )
        result = await self._content_changed(target, edited)
        if target.is_series:
            logger.info("series #{}: text of occurrence(s) {} changed", target.id, result.changed)
        return result

    async def replace_media(
        self,
        target: Target,
        media_path: str,
        media_mime: str,
        media_kind: MediaKind,
        media_filename: str | None = None,
    ) -> ContentChanged:
        """New media for the post, or for every coming occurrence of a series (the following
        ones are copied from them); the file it had is no longer needed by it and goes with
        the media clean-up."""
        posts = target.coming if target.is_series else [target.post]
        for post in posts:
            self.check_media_allowed(post)
        edited = await self._store.replace_media(
            [p.id for p in posts], media_path, media_mime, media_kind, media_filename, self._clock()
        )
        result = await self._content_changed(target, edited)
        logger.info("post(s) {} got new {} media", result.changed, media_kind)
        return result

    async def _content_changed(self, target: Target, edited: Edited) -> ContentChanged:
        """A text or media edit's outcome; refused (PartlyDelivered, SeriesIdle, NotPending)
        when it changed nothing."""
        held = [await self._current(target.post, post_id) for post_id in edited.held]
        if edited.changed:
            return ContentChanged(edited.changed, held)
        if held:
            raise PartlyDelivered(held[0])
        if target.is_series:
            raise SeriesIdle(target)
        raise NotPending(await self._current(target.post))

    @staticmethod
    def check_media_allowed(post: Post) -> None:
        """Refuse new media for a post that cannot carry any: a poll (PollNoMedia). Checked
        by replace_media; callers may ask first, before fetching the media."""
        if post.poll is not None:
            raise PollNoMedia(post)

    async def cancel(self, target: Target) -> Cancelled:
        """Cancel the groups of the post still waiting (one already sent stays sent), or
        stop a series: every pending occurrence cancelled, no next one queued."""
        if target.is_series:
            stopped = await self._store.stop_series(target.id, self._clock())
            if not stopped:
                raise SeriesIdle(target)
            self._queue_changed()
            logger.info("series #{} stopped: occurrence(s) {} cancelled", target.id, stopped)
            first = await self._current(target.post, stopped[0])
            return Cancelled(first, first.with_status(PostStatus.CANCELLED), stopped)
        post = target.post
        cancelled = await self._store.move(
            post.id,
            PostStatus.CANCELLED,
            expect=PostStatus.PENDING,
            reason="cancelled by owner",
            now=self._clock(),
        )
        if not cancelled:
            raise NotPending(await self._current(post))
        self._queue_changed()
        return Cancelled(await self._current(post), cancelled, [])

    async def missed(self) -> list[Post]:
        """Posts with groups missed in the last MISSED_KEPT (what the missed-posts summaries
        listed), each with only those groups."""
        return await self._store.missed_since(self._clock() - MISSED_KEPT)

    async def settle_missed(self, send: bool) -> list[Post]:
        """Send now (`send`) or drop every group missed in the last MISSED_KEPT; only missed
        groups move (one that failed or may have arrived is left to /ulang). Returns the
        posts acted on, each with the groups moved."""
        now = self._clock()
        acted = []
        for post in await self.missed():
            moved = await self._store.move(
                post.id,
                PostStatus.PENDING if send else PostStatus.CANCELLED,
                expect=PostStatus.MISSED,
                reason="missed, sent now by owner" if send else "missed, dropped by owner",
                due_at=now if send else None,
                now=now,
            )
            if moved:
                acted.append(replace(post, deliveries=moved))
        if acted and send:
            self._queue_changed()
        logger.info(
            "missed posts {} by owner: {}",
            "sent now" if send else "dropped",
            [p.id for p in acted],
        )
        return acted

    async def send_now(self, target: Target) -> Post:
        """Send the post's waiting groups now (a series: its next occurrence)."""
        post = self.next_of(target)
        if post.status in RETRYABLE:
            raise UseRetry(post)
        now = self._clock()
        if not await self._store.reschedule(post.id, now, "sent now by owner", now=now):
            raise NotPending(await self._current(post))
        self._queue_changed()
        return await self._current(post)

    async def retry(self, post_id: int) -> Retried:
        """Send the post again, now, to the groups where it failed, was missed or may not
        have arrived; groups that got it are not sent it again."""
        post = await self._store.get_post(post_id)
        if post is None:
            raise PostNotFound(post_id)
        now = self._clock()
        again = await self._store.move(
            post.id,
            PostStatus.PENDING,
            expect=RETRYABLE,
            reason="retry by owner",
            due_at=now,
            now=now,
        )
        if not again:
            raise NotRetryable(await self._current(post))
        self._queue_changed()
        return Retried(await self._current(post), again)

    async def _current(self, post: Post, post_id: int | None = None) -> Post:
        """The post (or `post_id`) as stored now; `post` itself if it is gone."""
        return await self._store.get_post(post_id or post.id) or post
