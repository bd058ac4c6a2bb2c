"""Send one due post: claim it (committed), send it, record the outcome, tell the owner."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from loguru import logger

from bot import messages as m
from bot.media import MediaStore
from bot.models import Post, PostStatus
from bot.store import Store
from bot.transport.base import Transport, TransportError


class Deliverer:
    def __init__(
        self,
        store: Store,
        transport: Transport,
        media: MediaStore,
        notify_owner: Callable[[str], Awaitable[None]],
        record_error: Callable[[str], Awaitable[None]],
        clock: Callable[[], datetime],
    ) -> None:
        self._store = store
        self._transport = transport
        self._media = media
        self._notify_owner = notify_owner
        self._record_error = record_error
        self._clock = clock

    async def deliver(self, post: Post) -> bool:
        """Deliver `post` once. Returns True when it was sent."""
        # The claim is committed before the send: a crash after this line can never
        # lead to a second, blind send of the same post.
        if not await self._store.transition(post.id, PostStatus.SENDING,
                                            expect=PostStatus.PENDING, reason="due"):
            logger.info("post #{} no longer pending; not sent", post.id)
            return False
        try:
            if post.media_path:
                image = self._media.path(post.media_path)
                if not image.is_file():
                    raise TransportError("file foto tidak ada lagi di penyimpanan")
                sent = await self._transport.send_image(post.destination, image, post.text)
            else:
                sent = await self._transport.send_text(post.destination, post.text)
        except Exception as exc:
            reason = exc.reason if isinstance(exc, TransportError) else type(exc).__name__
            if isinstance(exc, TransportError):
                logger.warning("post #{} failed: {}", post.id, reason)
            else:
                logger.exception("post #{} failed unexpectedly", post.id)
            await self._store.transition(post.id, PostStatus.FAILED, expect=PostStatus.SENDING,
                                         reason=reason)
            await self._record_error(f"post #{post.id}: {reason}")
            await self._notify_owner(m.SEND_FAILED.format(id=post.id, dest=post.destination_name,
                                                          reason=reason))
            return False
        await self._store.transition(post.id, PostStatus.SENT, expect=PostStatus.SENDING,
                                     wa_message_id=sent.message_id, sent_at=sent.timestamp)
        late_ms = (self._clock() - post.due_at).total_seconds() * 1000
        logger.info("post #{} sent to {} ({:.0f} ms after due)", post.id, post.destination_name,
                    late_ms)
        return True

    async def recover_interrupted(self) -> list[Post]:
        """Posts left `sending` by a crash: never resent blindly; marked uncertain, owner told."""
        interrupted = await self._store.posts_with_status(PostStatus.SENDING)
        for post in interrupted:
            await self._store.transition(post.id, PostStatus.UNCERTAIN, expect=PostStatus.SENDING,
                                         reason="interrupted while sending")
            logger.warning("post #{} was being sent when the bot stopped: marked uncertain",
                           post.id)
            await self._notify_owner(m.UNCERTAIN_NOTICE.format(id=post.id,
                                                               dest=post.destination_name))
        return interrupted
