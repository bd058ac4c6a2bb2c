"""Send one due post to one of its groups: claim that delivery (committed), send it with
bounded retries, record the outcome, tell the owner (naming the group) when it finally fails
or may or may not have arrived. Once a send is over its outcome is known, so its record (and
notice) is retried until the database takes it."""

from __future__ import annotations

import enum
import random
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime
from typing import TypeVar

from loguru import logger
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_delay
from tenacity.wait import wait_exponential_jitter

from bot import messages as m
from bot.faults import Abandoned, Faults, describe
from bot.humantiming import typing_seconds
from bot.media import MediaStore
from bot.models import Delivery, MediaKind, Post, PostStatus
from bot.pacing import Nap
from bot.pollspec import parse_poll
from bot.restriction import classify
from bot.sendgate import SendGate
from bot.store import Store
from bot.transport.base import OutgoingMedia, SentMessage, Transport, TransportError

T = TypeVar("T")


class Outcome(enum.Enum):
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"  # no longer pending (cancelled meanwhile)
    WAITING = "waiting"  # not connected: released, still pending
    STOPPED = "stopped"  # shutdown during a retry wait: released, still pending
    UNCERTAIN = "uncertain"  # written, never acknowledged: maybe delivered; the owner decides


class _Stopped(Exception):
    pass


def _retryable(error: BaseException) -> bool:
    # An uncertain error is never transient (TransportError): it is not retried. Nor is a
    # restriction signal (429, 463): sending stops for a pause instead (bot.sendgate).
    return (
        isinstance(error, TransportError)
        and error.transient
        and not error.disconnected
        and classify(error) is None
    )


class Deliverer:
    def __init__(
        self,
        store: Store,
        transport: Transport,
        media: MediaStore,
        notify_owner: Callable[[str], Awaitable[None]],
        record_error: Callable[[str], Awaitable[None]],
        clock: Callable[[], datetime],
        nap: Nap,
        retry_for_s: float = 600.0,
        retry_first_s: float = 2.0,
        retry_max_s: float = 60.0,
        faults: Faults | None = None,
        gate: SendGate | None = None,
        typing_max_s: float = 0.0,
        rng: random.Random | None = None,
    ) -> None:
        """`gate` learns every outcome (a restriction signal pauses sending);
        `typing_max_s`: the longest "typing..." shown before a post (0: none)."""
        self._gate = gate
        self._typing_max_s = typing_max_s
        self._rng = rng or random.Random()
        self._store = store
        self._transport = transport
        self._media = media
        self._notify_owner = notify_owner
        self._record_error = record_error
        self._clock = clock
        self._nap = nap
        self._retry_for_s = retry_for_s
        self._retry_first_s = retry_first_s
        self._retry_max_s = retry_max_s
        self._faults = faults or Faults()

    async def deliver(self, post: Post) -> Outcome:
        """Deliver the post with `post.id` to its next group once: never twice, never
        silently dropped. Each group is claimed, sent and recorded on its own; the scheduler
        calls this once per group, in their order, each in its pacing turn.

        Only its id is read from `post`: that copy may be older than an edit (a burst is
        fetched at once and sent paced), so what goes out is the row as claimed."""
        # The claim is committed before the send: a crash after this line can never lead
        # to a second, blind send to the same group (it is found 'sending' and reported).
        # A claim that cannot be written raises: nothing was sent, the group stays pending.
        claimed = await self._store.claim_due(post.id, self._clock())
        if claimed is None:
            logger.info(
                "post #{} has no group pending or is no longer due (cancelled, moved, "
                "all sent, or the clock stepped back); not sent now",
                post.id,
            )
            return Outcome.SKIPPED
        try:
            return await self._send_and_record(claimed)
        except Abandoned:
            # A shutdown while the outcome waited for the disk: the group stays 'sending',
            # and the next start reports it as uncertain with /ulang (recover_interrupted).
            # Never sent again meanwhile.
            return Outcome.STOPPED

    async def _send_and_record(self, post: Post) -> Outcome:
        """Send `post` (as claimed: with its one delivery) and record how it went."""
        (delivery,) = post.deliveries
        try:
            await self._type(post)
            sent = await self._send_with_retries(post)
        except _Stopped:
            await self._release(post, delivery, "shutdown during a retry wait")
            return Outcome.STOPPED
        except TransportError as exc:
            await self._set_typing(post, False)
            if classify(exc) is not None:
                # Not delivered (refused by the server's ack, or before the write): the group
                # waits, and sending pauses (bot.sendgate; the owner is told there).
                await self._release(post, delivery, f"sending paused ({exc.reason})")
                await self._gate_failed(exc)
                return Outcome.WAITING
            if exc.uncertain:
                await self._uncertain(post, delivery, exc.reason)
                await self._gate_failed(exc)
                return Outcome.UNCERTAIN
            if exc.disconnected:
                await self._release(post, delivery, f"waiting for the connection ({exc.reason})")
                return Outcome.WAITING
            await self._fail(post, delivery, exc.reason)
            await self._gate_failed(exc)
            return Outcome.FAILED
        except Exception as exc:
            # Not a failure the transport knows: the message may have gone out (a console
            # record half written to a full disk, a library bug after the write), so it is
            # treated like a lost acknowledgement and never sent again by itself.
            logger.opt(exception=exc).error(
                "post #{} to {}: unexpected error while sending", post.id, delivery.name
            )
            await self._uncertain(post, delivery, m.SEND_UNEXPECTED.format(error=describe(exc)))
            return Outcome.UNCERTAIN
        # Delivered: only the record is left, and it is retried until the disk takes it.
        if self._gate is not None:
            self._gate.send_ok(self._clock())
        await self._record(post, delivery, PostStatus.SENT, sent=sent)
        late_ms = (sent.timestamp - post.due_at).total_seconds() * 1000
        logger.info("post #{} sent to {} ({:.0f} ms after due)", post.id, delivery.name, late_ms)
        return Outcome.SENT

    async def _type(self, post: Post) -> None:
        """Show "typing..." in the group for a time that grows with the text (capped), as a
        person would, then let the send go (raises _Stopped on a shutdown meanwhile)."""
        text = parse_poll(post.poll).question if post.poll is not None else post.text
        seconds = typing_seconds(text, self._rng, max_s=self._typing_max_s)
        if seconds <= 0:
            return
        await self._set_typing(post, True)
        if not await self._nap(seconds):
            await self._set_typing(post, False)
            raise _Stopped

    async def _set_typing(self, post: Post, typing: bool) -> None:
        if self._typing_max_s <= 0:
            return
        try:
            await self._transport.set_typing(post.destination, typing)
        except Exception as exc:  # only a look: it never holds a post back
            logger.debug("typing indicator for post #{} not shown: {}", post.id, exc)

    async def _gate_failed(self, error: TransportError) -> None:
        if self._gate is not None:
            await self._gate.send_failed(self._clock(), error)

    async def _written(self, what: str, write: Callable[[], Awaitable[T]]) -> T:
        return await self._faults.until_written(what, write, self._nap)

    async def _record(
        self,
        post: Post,
        delivery: Delivery,
        to: PostStatus,
        *,
        reason: str | None = None,
        sent: SentMessage | None = None,
    ) -> None:
        """Record how the send of `delivery` (claimed: 'sending') ended; retried until the
        database takes it."""
        await self._written(
            f"the '{to}' record of post #{post.id} to {delivery.name}",
            lambda: self._store.move(
                post.id,
                to,
                expect=PostStatus.SENDING,
                delivery_id=delivery.id,
                reason=reason,
                wa_message_id=sent.message_id if sent else None,
                sent_at=sent.timestamp if sent else None,
            ),
        )

    async def _send_with_retries(self, post: Post) -> SentMessage:
        async def nap(seconds: float) -> None:
            if not await self._nap(seconds):
                raise _Stopped

        def log_retry(state: RetryCallState) -> None:
            error = state.outcome.exception() if state.outcome else None
            delay = state.next_action.sleep if state.next_action else 0.0
            logger.warning(
                "post #{} attempt {} failed ({}); retrying in {:.1f} s",
                post.id,
                state.attempt_number,
                error,
                delay,
            )

        retrying = AsyncRetrying(
            retry=retry_if_exception(_retryable),
            stop=stop_after_delay(self._retry_for_s),
            wait=wait_exponential_jitter(multiplier=self._retry_first_s, max=self._retry_max_s),
            sleep=nap,
            before_sleep=log_retry,
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                return await self._send_once(post)
        raise AssertionError("unreachable: tenacity re-raises the last error")

    async def _send_once(self, post: Post) -> SentMessage:
        if post.poll is not None:
            poll = parse_poll(post.poll)  # checked when queued: PollError here is a bug
            return await self._transport.send_poll(post.destination, poll, post_id=post.id)
        content: str | OutgoingMedia = post.text
        if post.media_path:
            kind = post.media_kind or MediaKind.IMAGE
            path = self._media.path(post.media_path)
            if not path.is_file():
                raise TransportError(m.MEDIA_FILE_MISSING.format(kind=m.MEDIA_NAMES[kind.value]))
            content = OutgoingMedia(
                kind, path, post.media_mime or "", post.text, post.media_filename or ""
            )
        if post.mention_all:
            return await self._transport.send_mentioning_all(
                post.destination, content, post_id=post.id
            )
        if isinstance(content, OutgoingMedia):
            return await self._transport.send_media(post.destination, content, post_id=post.id)
        return await self._transport.send_text(post.destination, content, post_id=post.id)

    async def _release(self, post: Post, delivery: Delivery, reason: str) -> None:
        await self._record(post, delivery, PostStatus.PENDING, reason=reason)
        logger.info("post #{} to {} stays pending: {}", post.id, delivery.name, reason)

    async def _fail(self, post: Post, delivery: Delivery, reason: str) -> None:
        logger.warning("post #{} to {} failed: {}", post.id, delivery.name, reason)
        await self._record(post, delivery, PostStatus.FAILED, reason=reason)
        await self._record_error(f"post #{post.id} ({delivery.name}): {reason}")
        await self._written(
            f"the failure notice of post #{post.id} to {delivery.name}",
            lambda: self._notify_owner(
                m.SEND_FAILED.format(id=post.id, dest=delivery.name, reason=reason)
            ),
        )

    async def _uncertain(self, post: Post, delivery: Delivery, reason: str) -> None:
        """The message may be in the group: a retry would be a second message (neonize cannot
        reuse the id), so the owner checks and sends it with /ulang if it is not there."""
        logger.warning(
            "post #{} to {} may or may not have been delivered: {}", post.id, delivery.name, reason
        )
        # Notice first (queued durably): a crash before the transition leaves the group
        # 'sending', which recover_interrupted reports again; told twice, never not at all.
        await self._written(
            f"the uncertain notice of post #{post.id} to {delivery.name}",
            lambda: self._notify_owner(
                m.SEND_UNCERTAIN.format(id=post.id, dest=delivery.name, reason=reason)
            ),
        )
        await self._record(post, delivery, PostStatus.UNCERTAIN, reason=reason)
        await self._record_error(f"post #{post.id} ({delivery.name}): {reason}")

    async def recover_interrupted(self) -> list[Post]:
        """Groups left `sending` by a crash (at most one per post): never resent blindly;
        marked uncertain, and the owner gets one message naming each post and group with the
        command to send it anyway. The post's other groups are not touched: those still
        pending go out as usual. Returns the posts, each with its interrupted delivery."""
        interrupted = [
            replace(post, deliveries=post.with_status(PostStatus.SENDING))
            for post in await self._store.posts_with_status(PostStatus.SENDING)
        ]
        if interrupted:
            # The notice is queued (durably) first: a crash right after can repeat it, never
            # lose it.
            lines = "\n".join(
                m.UNCERTAIN_LINE.format(id=p.id, dest=d.name)
                for p in interrupted
                for d in p.deliveries
            )
            await self._notify_owner(m.UNCERTAIN_NOTICE.format(lines=lines))
        for post in interrupted:
            for delivery in post.deliveries:
                await self._store.move(
                    post.id,
                    PostStatus.UNCERTAIN,
                    expect=PostStatus.SENDING,
                    delivery_id=delivery.id,
                    reason="interrupted while sending",
                )
                logger.warning(
                    "post #{} to {} was being sent when the bot stopped: marked uncertain",
                    post.id,
                    delivery.name,
                )
        return interrupted
