"""Wire storage, scheduler, dispatcher and a transport into one running bot."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Protocol, runtime_checkable
from zoneinfo import ZoneInfo

from loguru import logger

import handlers
from bot import __version__, exitcodes
from bot import messages as m
from bot.context import Services
from bot.delivery import Deliverer, Outcome
from bot.dispatcher import REPLIES_KEPT, Dispatcher
from bot.faults import Faults
from bot.health import HEARTBEAT_FILE, heartbeat, write_heartbeat
from bot.media import MediaStore, prune_media
from bot.models import Post
from bot.notices import NoticeSender
from bot.posts import PostService
from bot.restriction import Pause
from bot.scheduler import PostScheduler
from bot.sendgate import Hold, SendGate
from bot.settings import Settings
from bot.shutdown import arm_watchdog, hard_exit
from bot.state import BotState
from bot.store import Store
from bot.timefmt import format_duration, format_short
from bot.transport.base import ConnectionState, Transport

if TYPE_CHECKING:
    from bot.api import ApiServer

_NOTICE_RETRY_S = 5.0


def utc_now() -> datetime:
    return datetime.now(UTC)


@runtime_checkable
class ShowsClock(Protocol):
    """A transport that prints times itself (the console's group posts): it is given the
    bot's zone as BotState holds it, so that /zona changes its clock too."""

    def follow_zone(self, zone: Callable[[], ZoneInfo]) -> None: ...


class App:
    def __init__(
        self,
        settings: Settings,
        transport: Transport,
        clock: Callable[[], datetime] = utc_now,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        """`sleep` and `monotonic`: how the scheduler and the notice sender wait, and the
        clock those waits run on (a virtual one in tests)."""
        self.settings = settings
        self.transport = transport
        self.clock = clock
        self._sleep = sleep
        self._monotonic = monotonic
        self._store: Store | None = None
        self._scheduler: PostScheduler | None = None
        self.dispatcher: Dispatcher | None = None
        self.services: Services | None = None
        self._state: BotState | None = None
        self._heartbeat: asyncio.Task[None] | None = None
        self._deliverer: Deliverer | None = None
        self._notice_sender: NoticeSender | None = None
        self._notices: asyncio.Task[None] | None = None
        self.ready = asyncio.Event()
        # The local HTTP API (bot.api), when JADWAL_API_LISTEN is set; `api.address` is where
        # it listens.
        self.api: ApiServer | None = None

    @property
    def store(self) -> Store:
        assert self._store is not None, "App.start() first"
        return self._store

    @property
    def state(self) -> BotState:
        assert self._state is not None, "App.start() first"
        return self._state

    async def start(self) -> None:
        settings = self.settings
        settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        self._store = store = await Store.open(settings.db_path)
        self._state = state = await BotState.load(store, settings.timezone, settings.quiet_hours)
        if isinstance(self.transport, ShowsClock):
            self.transport.follow_zone(lambda: state.timezone)
        media = MediaStore(settings.media_dir)
        self.gate = gate = SendGate(
            settings.caps,
            quiet=lambda: state.quiet_hours,
            tz=lambda: state.timezone,
            on_pause=self._paused,
            drops=lambda: self.transport.connection().drops,
            keep=state.set_pause,
        )
        if state.pause is not None:
            gate.restore(state.pause, self.clock())
        # A notice the database cannot take (disk full) goes to the owner at once instead.
        faults = Faults(
            self.notify_owner,
            self.record_error,
            send_now=lambda text: self.transport.send_text(self.transport.owner_chat(), text),
        )
        self._scheduler = scheduler = PostScheduler(
            store,
            self._deliver,
            self._missed,
            settings.grace,
            self.clock,
            connected=lambda: self.transport.connection().connected,
            pacing_s=(settings.pacing_min_s, settings.pacing_max_s),
            tz=lambda: state.timezone,
            faults=faults,
            sleep=self._sleep,
            monotonic=self._monotonic,
            gate=gate,
            on_held=self._held,
            on_late=self._late,
            late_after=settings.late_notice,
            start_jitter_s=settings.start_jitter_s,
        )
        self._deliverer = deliverer = Deliverer(
            store,
            self.transport,
            media,
            self.notify_owner,
            self.record_error,
            self.clock,
            nap=scheduler.nap,
            retry_for_s=settings.send_retry_s,
            faults=faults,
            gate=gate,
            typing_max_s=settings.typing_max_s,
        )
        self.services = services = Services(
            store=store,
            media=media,
            settings=settings,
            state=state,
            started_at=self.clock(),
            version=__version__,
            clock=self.clock,
            queue_changed=scheduler.queue_changed,
            list_groups=self.transport.list_groups,
            connection=self._connection,
            posts=PostService(store, self.clock, scheduler.queue_changed, state),
            gate=gate,
        )
        self.dispatcher = Dispatcher(
            services,
            handlers.all_commands(),
            self.transport.send_text,
            self.transport.send_image,
            self.transport.owner_chat,
            self.transport.self_id,
            self.record_error,
        )
        await self.transport.start(self.dispatcher.dispatch)
        self._notice_sender = notices = NoticeSender(
            store,
            self.transport,
            self.clock,
            self.record_error,
            poll_s=_NOTICE_RETRY_S,
            sleep=self._sleep,
            gate=gate,
        )
        self._notices = asyncio.create_task(notices.run(), name="owner-notices")
        gate.seed(await store.sent_since(self.clock() - timedelta(days=1)))
        await deliverer.recover_interrupted()
        await scheduler.start()
        scheduler.every(timedelta(hours=24), self._prune_media)
        scheduler.every(timedelta(hours=24), self._forget_old_replies)
        self._heartbeat = asyncio.create_task(
            heartbeat(settings.data_dir / HEARTBEAT_FILE, self._connection),
            name="heartbeat",
        )
        if settings.api_listen is not None:
            from bot.api import ApiServer  # aiohttp is loaded only when the API is on

            self.api = ApiServer(
                services,
                settings.api_listen,
                settings.api_token,
                running=lambda: self.ready.is_set() and self._store is not None,
                heartbeat=settings.data_dir / HEARTBEAT_FILE,
            )
            await self.api.start()
        self.ready.set()
        logger.info(
            "jadwal-bot {} ready: data {}, timezone {}",
            __version__,
            settings.data_dir,
            state.timezone.key,
        )

    async def stop(self) -> None:
        if self.api is not None:  # first: no request may change the queue while it stops
            await self.api.stop()
            self.api = None
        if self._heartbeat is not None:
            self._heartbeat.cancel()
            await asyncio.gather(self._heartbeat, return_exceptions=True)
            self._heartbeat = None
            # A stopped bot is unhealthy at once, not only when the heartbeat goes stale.
            try:
                write_heartbeat(
                    self.settings.data_dir / HEARTBEAT_FILE,
                    ConnectionState(False, "berhenti"),
                    self.clock(),
                )
            except OSError as exc:
                logger.warning(
                    "could not write the final heartbeat ({}); `python -m bot "
                    "health` sees the bot stopped once the last one is old",
                    exc,
                )
        if self._scheduler is not None:
            await self._scheduler.stop()
        if self._notices is not None:
            self._notices.cancel()
            await asyncio.gather(self._notices, return_exceptions=True)
            self._notices = None
        if self._notice_sender is not None:
            await self._notice_sender.mark_delivered()
            self._notice_sender = None
        await self.transport.stop()
        if self._store is not None:
            await self._store.close()
            self._store = None
        logger.info("jadwal-bot stopped")

    def _connection(self) -> ConnectionState:
        """The transport's connection state, its times in the bot's zone as it is now."""
        return self.transport.connection().shown_in(self._tz())

    async def notify_owner(self, text: str) -> None:
        """Queue a notice durably; it is sent as soon as the transport can take it."""
        await self.store.add_notice(text, self.clock())
        if self._notice_sender is not None:
            self._notice_sender.wake()

    async def record_error(self, text: str) -> None:
        try:
            await self.state.record_error(text, self.clock())
        except (sqlite3.Error, OSError) as exc:
            # The state keeps it in memory for /status; the fault itself is logged by whoever
            # met it first, so one line here (disk full: every fault would repeat it).
            logger.warning(
                "last error kept for /status but not saved ({}: {})", type(exc).__name__, exc
            )
        except Exception:
            logger.exception("could not record the last error")

    def _tz(self) -> ZoneInfo:
        """The bot's zone; before the state is loaded, the configured one."""
        return self._state.timezone if self._state else self.settings.timezone

    async def _deliver(self, post: Post) -> Outcome:
        assert self._deliverer is not None
        return await self._deliverer.deliver(post)

    async def _missed(self, posts: list[Post]) -> None:
        """One summary for every post missed in one pass, however many."""
        tz = self._tz()
        lines = _listed(
            posts, lambda p: f"#{p.id} {format_short(p.due_at, tz)} -> {p.destination_name}"
        )
        await self.notify_owner(
            m.MISSED_SUMMARY.format(
                count=len(posts), grace=format_duration(self.settings.grace), lines=lines
            )
        )

    async def _held(self, hold: Hold) -> None:
        """Posts fell due inside the quiet hours: told once per window, a restart within
        it included."""
        assert hold.quiet is not None
        if self.state.quiet_told == hold.until:
            return
        await self.notify_owner(
            m.QUIET_HOLDING.format(
                window=hold.quiet.format(), until=format_short(hold.until, self._tz())
            )
        )
        await self.state.set_quiet_told(hold.until)

    async def _late(self, posts: list[Post]) -> None:
        """One summary for the posts that went out late in one catch-up."""
        tz = self._tz()
        lines = _listed(
            posts, lambda p: m.LATE_LINE.format(id=p.id, due=format_short(p.due_at, tz))
        )
        await self.notify_owner(m.LATE_SUMMARY.format(count=len(posts), lines=lines))

    async def _paused(self, pause: Pause) -> None:
        """Sending stopped on a restriction signal: the owner is told once, with the reason
        and when it resumes by itself."""
        await self.notify_owner(
            m.SENDING_PAUSED.format(
                reason=m.PAUSE_REASONS[pause.signal.value],
                detail=pause.detail,
                until=format_short(pause.until, self._tz()),
            )
        )

    async def _forget_old_replies(self) -> None:
        """A reply to a bot message older than REPLIES_KEPT no longer names a post."""
        try:
            forgotten = await self.store.forget_replies(self.clock() - REPLIES_KEPT)
        except Exception:
            logger.exception("forgetting old bot replies failed")
            return
        if forgotten:
            logger.info(
                "forgot {} bot reply id(s) older than {} days", forgotten, REPLIES_KEPT.days
            )

    async def _prune_media(self) -> None:
        try:
            assert self.services is not None
            removed = await prune_media(
                self.store,
                self.services.media,
                timedelta(days=self.settings.media_retention_days),
                self.clock(),
            )
        except Exception:
            logger.exception("media clean-up failed")
            return
        if removed:
            logger.info(
                "removed {} media file(s) of posts sent more than {} days ago",
                removed,
                self.settings.media_retention_days,
            )


# A summary names this many posts a line each, and the rest by id only.
_LINES_LISTED = 20


def _listed(posts: list[Post], line: Callable[[Post], str]) -> str:
    """The first _LINES_LISTED posts a line each (`line`), then the ids of the rest."""
    lines = "\n".join(map(line, posts[:_LINES_LISTED]))
    if rest := posts[_LINES_LISTED:]:
        lines += "\n" + m.MISSED_MORE.format(ids=" ".join(f"#{p.id}" for p in rest))
    return lines


async def serve(app: App, *, process: bool = False) -> int:
    """Run until SIGTERM/SIGINT or until the transport closes; always shut down cleanly.

    `process`: this is the whole process (python -m bot): once shutdown begins, a watchdog
    ends the process within STOP_LIMIT_S even if a library thread hangs, and a second signal
    ends it at once.
    """
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()

    def on_signal() -> None:
        if stop.is_set() and process:
            hard_exit(exitcodes.OK, "second stop signal")
        stop.set()

    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, on_signal)
    code = exitcodes.ERROR
    try:
        await app.start()
        closed = asyncio.create_task(app.transport.wait_closed())
        stopped = asyncio.create_task(stop.wait())
        await asyncio.wait({closed, stopped}, return_when=asyncio.FIRST_COMPLETED)
        code = closed.result() if closed.done() and not stop.is_set() else exitcodes.OK
        for task in (closed, stopped):
            task.cancel()
        logger.info(
            "shutting down ({}), exit code {}",
            "signal" if stop.is_set() else "transport closed",
            code,
        )
    finally:
        if process:
            # Whatever hangs from here on (a library thread that will not end), the process
            # ends within STOP_LIMIT_S.
            arm_watchdog(code if not stop.is_set() else exitcodes.OK)
        try:
            await app.stop()
        finally:
            # Removed only now: a second signal during the stop ends the process at once.
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.remove_signal_handler(sig)
    return code
