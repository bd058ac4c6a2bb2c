"""One post's delivery: bounded exponential retries, permanent failures at once, waiting for the
connection (not failing), and the owner told when a post finally fails.

The Deliverer is built directly over a real Store; its `nap` records the waits instead of
sleeping, and tenacity's clock is a fake that those naps move forward.
"""

from __future__ import annotations

import asyncio
import errno
import sqlite3
import types
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import tenacity

from bot import messages as m
from bot.delivery import Deliverer, Outcome
from bot.faults import Faults, retry_delay
from bot.media import MediaStore
from bot.models import Post, PostContent, PostStatus, SentMessage
from bot.ratecaps import Caps
from bot.restriction import Pause, Signal
from bot.sendgate import SendGate
from bot.store import Store
from bot.transport.base import TransportError
from bot.transport.whatsapp.errors import send_error
from tests.conftest import BotFactory
from tests.diskfull import under_full_disk
from tests.fakes import GROUPS, OWNER_CHAT, FakeTransport, eventually

DEMO_A = GROUPS[0]
# "always fails": far more attempts than a 600 s budget allows, yet finite, so that a retry
# loop that ignored its budget ends (sent) and fails the test instead of hanging it
ALWAYS = 200


class CountingTransport(FakeTransport):
    """Counts send attempts to groups; the first `failures` of them raise `error`, or, when
    `script` is set, attempt n raises script[n-1] (None: that attempt works)."""

    def __init__(self) -> None:
        super().__init__()
        self.attempts = 0
        self.failures = 0
        self.error: Exception | None = None
        self.script: list[Exception | None] = []
        self.after_send: Callable[[], None] = lambda: None  # once a group send went out

    async def send_text(self, chat: str, text: str, *, post_id: int | None = None) -> SentMessage:
        self._attempt(chat)
        sent = await super().send_text(chat, text, post_id=post_id)
        if chat != OWNER_CHAT:
            self.after_send()
        return sent

    async def send_image(
        self, chat: str, image: Path, caption: str, *, post_id: int | None = None
    ) -> SentMessage:
        self._attempt(chat)
        return await super().send_image(chat, image, caption, post_id=post_id)

    def _attempt(self, chat: str) -> None:
        if chat == OWNER_CHAT:
            return
        self.attempts += 1
        if self.script:
            scripted = self.script[self.attempts - 1] if self.attempts <= len(self.script) else None
            if scripted is not None:
                raise scripted
            return
        if self.error is not None and self.attempts <= self.failures:
            raise self.error


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Harness:
    """A Deliverer over a real Store, with every side effect recorded."""

    def __init__(
        self, store: Store, media: MediaStore, monotonic: FakeMonotonic, retry_for_s: float = 600.0
    ) -> None:
        self.store = store
        self.media = media
        self.monotonic = monotonic
        self.transport = CountingTransport()
        self.naps: list[float] = []
        self.nap_result = True
        self.notices: list[str] = []
        self.errors: list[str] = []
        self._retry_for_s = retry_for_s
        self.deliverer = self.deliverer_with()

    def deliverer_with(self, gate: SendGate | None = None) -> Deliverer:
        return Deliverer(
            self.store,
            self.transport,
            self.media,
            self._notify,
            self._record_error,
            lambda: datetime.now(UTC),
            self._nap,
            retry_for_s=self._retry_for_s,
            retry_first_s=2.0,
            retry_max_s=60.0,
            faults=Faults(self._notify, self._record_error),
            gate=gate,
        )

    async def _nap(self, seconds: float) -> bool:
        self.naps.append(seconds)
        self.monotonic.now += seconds  # the time tenacity measures its budget on
        return self.nap_result

    async def _notify(self, text: str) -> None:
        self.notices.append(text)

    async def _record_error(self, text: str) -> None:
        self.errors.append(text)

    async def add(self, text: str = "Halo grup", media_path: str | None = None) -> Post:
        return await self.store.add_post(
            datetime.now(UTC) - timedelta(seconds=1),
            PostContent(
                text, media_path=media_path, media_mime="image/jpeg" if media_path else None
            ),
            [(DEMO_A.jid, DEMO_A.name)],
        )

    async def status(self, post: Post) -> PostStatus:
        stored = await self.store.get_post(post.id)
        assert stored is not None
        return stored.status

    async def moves(self, post: Post) -> list[tuple[str | None, str, str | None]]:
        return [
            (before, after, reason) for _, before, after, reason in await self.store.events(post.id)
        ]


@pytest.fixture
def monotonic(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeMonotonic]:
    # tenacity reads `time.monotonic()` for stop_after_delay; give only tenacity a fake
    # clock (patching the time module itself would also move asyncio's clock).
    fake = FakeMonotonic()
    monkeypatch.setattr(tenacity, "time", types.SimpleNamespace(monotonic=fake))
    yield fake


@pytest.fixture
async def harness(tmp_path: Path, monotonic: FakeMonotonic) -> AsyncIterator[Harness]:
    store = await Store.open(tmp_path / "bot.db")
    yield Harness(store, MediaStore(tmp_path / "media"), monotonic)
    await store.close()


# whatsmeow send.go:302 wrapping errors.go:21 ErrIQTimedOut: the member lookup before the write
# got no answer, so nothing was sent and a retry is safe.
BEFORE_WRITE_TIMEOUT = "failed to get group members: info query timed out"


def transient() -> TransportError:
    error = send_error(BEFORE_WRITE_TIMEOUT, True)
    assert error.transient and not error.disconnected
    return error


# --- retry timing --------------------------------------------------------------------------


def assert_backoff(naps: list[float], first: float = 2.0, cap: float = 60.0) -> None:
    """Exponential from `first`, doubling, at most 1 s of jitter on top, capped at `cap`."""
    for n, delay in enumerate(naps):
        base = first * 2**n
        assert min(base, cap) <= delay <= min(base + 1.0, cap), (n, delay, naps)


async def test_transient_failures_are_retried_with_exponential_backoff(harness: Harness):
    harness.transport.error, harness.transport.failures = transient(), 7
    post = await harness.add()
    assert await harness.deliverer.deliver(post) is Outcome.SENT
    assert harness.transport.attempts == 8
    assert len(harness.naps) == 7
    assert_backoff(harness.naps)
    # 2, 4, 8, 16, 32 (+ jitter), then the cap
    assert harness.naps[0] < 3.0 and harness.naps[1] >= 4.0
    assert harness.naps[5:] == [60.0, 60.0]
    assert await harness.status(post) is PostStatus.SENT
    stored = await harness.store.get_post(post.id)
    assert stored is not None and stored.wa_message_id and stored.sent_at is not None
    assert [(b, a) for b, a, _ in await harness.moves(post)] == [
        (None, "pending"),
        ("pending", "sending"),
        ("sending", "sent"),
    ]
    assert [s.text for s in harness.transport.posts()] == ["Halo grup"]
    assert harness.notices == [] and harness.errors == []


async def test_first_send_that_works_needs_no_wait(harness: Harness):
    post = await harness.add()
    assert await harness.deliverer.deliver(post) is Outcome.SENT
    assert harness.transport.attempts == 1 and harness.naps == []


async def test_retries_stop_after_the_budget_and_the_owner_is_told(harness: Harness):
    error = transient()
    harness.transport.error, harness.transport.failures = error, ALWAYS
    post = await harness.add()
    assert await harness.deliverer.deliver(post) is Outcome.FAILED
    assert_backoff(harness.naps)
    # Tenacity stops at the first failed attempt made 600 s or more after the first one.
    assert sum(harness.naps[:-1]) < 600.0 <= sum(harness.naps)
    assert harness.transport.attempts == len(harness.naps) + 1
    assert harness.transport.posts() == []
    stored = await harness.store.get_post(post.id)
    assert stored is not None and stored.status is PostStatus.FAILED
    assert stored.last_error == error.reason
    assert (await harness.moves(post))[-1] == ("sending", "failed", error.reason)
    assert harness.notices == [
        m.SEND_FAILED.format(id=post.id, dest=DEMO_A.name, reason=error.reason)
    ]
    notice = harness.notices[0]
    assert notice.startswith(f"Post #{post.id} gagal dikirim ke Grup Demo A: ")
    assert BEFORE_WRITE_TIMEOUT in notice and notice.endswith(f"/ulang {post.id}")
    assert harness.errors == [f"post #{post.id} ({DEMO_A.name}): {error.reason}"]


async def test_a_short_budget_gives_up_sooner(tmp_path: Path, monotonic: FakeMonotonic):
    store = await Store.open(tmp_path / "bot.db")
    try:
        harness = Harness(store, MediaStore(tmp_path / "media"), monotonic, retry_for_s=5.0)
        harness.transport.error, harness.transport.failures = transient(), ALWAYS
        post = await harness.add()
        assert await harness.deliverer.deliver(post) is Outcome.FAILED
        assert len(harness.naps) == 2  # attempts at 0, ~2-3, ~6-8 s: the third is past 5 s
        assert harness.transport.attempts == 3
        assert len(harness.notices) == 1
    finally:
        await store.close()


async def test_disconnected_releases_the_claim_without_failing(harness: Harness):
    # send.go:741/823 wrapping client.go:919 ErrNotConnected: no socket, nothing written
    error = send_error("failed to send message node: websocket not connected", False)
    assert error.disconnected
    harness.transport.error, harness.transport.failures = error, 1
    post = await harness.add()
    assert await harness.deliverer.deliver(post) is Outcome.WAITING
    assert harness.transport.attempts == 1 and harness.naps == []  # no retry loop while down
    assert await harness.status(post) is PostStatus.PENDING
    assert [(b, a) for b, a, _ in await harness.moves(post)] == [
        (None, "pending"),
        ("pending", "sending"),
        ("sending", "pending"),
    ]
    stored = await harness.store.get_post(post.id)
    assert stored is not None and stored.last_error is None
    assert harness.notices == [] and harness.errors == []
    # Once the link is back the same post goes out, once.
    assert await harness.deliverer.deliver(post) is Outcome.SENT
    assert [s.post_id for s in harness.transport.posts()] == [post.id]


async def test_shutdown_during_a_retry_wait_releases_the_claim(harness: Harness):
    harness.transport.error, harness.transport.failures = transient(), ALWAYS
    harness.nap_result = False  # the bot is stopping: the wait is cut short
    post = await harness.add()
    assert await harness.deliverer.deliver(post) is Outcome.STOPPED
    assert harness.transport.attempts == 1 and len(harness.naps) == 1
    assert await harness.status(post) is PostStatus.PENDING
    assert [(b, a) for b, a, _ in await harness.moves(post)][-1] == ("sending", "pending")
    assert harness.notices == [] and harness.errors == []


async def test_post_no_longer_pending_is_skipped(harness: Harness):
    post = await harness.add()
    assert await harness.store.move(post.id, PostStatus.CANCELLED, expect=PostStatus.PENDING)
    assert await harness.deliverer.deliver(post) is Outcome.SKIPPED
    assert harness.transport.attempts == 0


async def test_what_goes_out_is_the_post_as_stored_when_claimed(harness: Harness):
    copy = await harness.add("teks lama")  # read with a batch, then edited
    edited = await harness.store.update_text(
        copy.id, "teks baru", datetime.now(UTC), mention_all=False
    )
    assert edited.changed == [copy.id]
    assert await harness.deliverer.deliver(copy) is Outcome.SENT
    assert [s.text for s in harness.transport.posts()] == ["teks baru"]


async def test_post_moved_later_since_it_was_read_is_not_claimed(harness: Harness):
    copy = await harness.add()
    later = datetime.now(UTC) + timedelta(hours=1)
    assert await harness.store.reschedule(copy.id, later, "moved by owner")
    assert await harness.deliverer.deliver(copy) is Outcome.SKIPPED
    assert harness.transport.attempts == 0
    assert await harness.status(copy) is PostStatus.PENDING
    assert [(b, a) for b, a, _ in await harness.moves(copy)] == [
        (None, "pending"),
        ("pending", "pending"),
    ]


# --- permanent failures --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("whatsapp_says", "reason_starts"),
    [
        ("failed to get group members: that group does not exist", "grup tujuan tidak ada lagi"),
        (
            "failed to get group members: you're not participating in that group",
            "akun bot bukan anggota grup itu lagi",
        ),
        (
            "failed to send message node: frame too large (got 16777300 bytes, max 16777216 bytes)",
            "pesan atau file media terlalu besar",
        ),
    ],
)
async def test_permanent_failure_fails_at_once(
    harness: Harness, whatsapp_says: str, reason_starts: str
):
    error = send_error(whatsapp_says, True)
    assert not error.transient and not error.disconnected
    assert error.reason.startswith(reason_starts)
    harness.transport.error, harness.transport.failures = error, ALWAYS
    post = await harness.add()
    assert await harness.deliverer.deliver(post) is Outcome.FAILED
    assert harness.transport.attempts == 1 and harness.naps == []
    stored = await harness.store.get_post(post.id)
    assert stored is not None and stored.status is PostStatus.FAILED
    assert stored.last_error == error.reason
    assert len(harness.notices) == 1
    assert f"Post #{post.id} gagal dikirim ke Grup Demo A: {reason_starts}" in harness.notices[0]
    assert harness.notices[0].endswith(f"Kirim ulang dengan /ulang {post.id}")


@pytest.mark.parametrize(
    "whatsapp_says",
    [
        "failed to get group members: that group does not exist",
        "failed to get group members: you're not participating in that group",
        "server returned error 463",
    ],
)
def test_permanent_wins_over_a_dropped_link(whatsapp_says: str):
    error = send_error(whatsapp_says, False)
    assert not error.disconnected and not error.transient


@pytest.mark.parametrize(
    ("whatsapp_says", "signal"),
    [
        # send.go:452: the server's ack carried the code (nothing was delivered)
        ("server returned error 463", Signal.REACHOUT_TIMELOCK),
        ("server returned error 429", Signal.RATE_LIMITED),
        # errors.go:195/224 via send.go:302: the member lookup before the write
        (
            "failed to get group members: info query returned status 429: rate-overlimit",
            Signal.RATE_LIMITED,
        ),
    ],
)
async def test_a_restriction_signal_keeps_the_group_waiting_and_pauses_sending(
    harness: Harness, whatsapp_says: str, signal: Signal
):
    pauses: list[Pause] = []

    async def on_pause(pause: Pause) -> None:
        pauses.append(pause)

    gate = SendGate(
        Caps(0, 0, 0), lambda: None, lambda: ZoneInfo("Asia/Jakarta"), on_pause=on_pause
    )
    deliverer = harness.deliverer_with(gate)
    harness.transport.error, harness.transport.failures = send_error(whatsapp_says, True), ALWAYS
    post = await harness.add()
    assert await deliverer.deliver(post) is Outcome.WAITING
    assert harness.transport.attempts == 1 and harness.naps == []  # not retried: paused
    stored = await harness.store.get_post(post.id)
    assert stored is not None and stored.status is PostStatus.PENDING
    assert harness.notices == []  # not a failure; the pause tells the owner
    assert [p.signal for p in pauses] == [signal]
    assert gate.hold_for_post(datetime.now(UTC)) is not None


# --- written but never acknowledged: uncertain, never sent twice ------------------------------

# whatsmeow errors.go:24 ErrMessageTimedOut, returned by send.go:432 once the stanza is written.
TIMED_OUT = "timed out waiting for message send response"


@pytest.mark.parametrize("connected_after", [True, False])
async def test_timed_out_send_is_uncertain_and_never_retried(
    harness: Harness, connected_after: bool
):
    error = send_error(TIMED_OUT, connected_after)
    harness.transport.error, harness.transport.failures = error, ALWAYS
    post = await harness.add()
    assert await harness.deliverer.deliver(post) is Outcome.UNCERTAIN
    assert harness.transport.attempts == 1 and harness.naps == []  # no second attempt, no wait
    stored = await harness.store.get_post(post.id)
    assert stored is not None and stored.status is PostStatus.UNCERTAIN
    assert stored.last_error == error.reason and TIMED_OUT in error.reason
    assert [(b, a) for b, a, _ in await harness.moves(post)] == [
        (None, "pending"),
        ("pending", "sending"),
        ("sending", "uncertain"),
    ]
    assert harness.notices == [
        m.SEND_UNCERTAIN.format(id=post.id, dest=DEMO_A.name, reason=error.reason)
    ]
    assert harness.notices[0].startswith(f"Post #{post.id} ke Grup Demo A belum pasti terkirim")
    assert harness.notices[0].endswith(f"/ulang {post.id}")
    assert harness.errors == [f"post #{post.id} ({DEMO_A.name}): {error.reason}"]
    # Delivering it again (a scheduler pass) does nothing: it is no longer pending.
    assert await harness.deliverer.deliver(post) is Outcome.SKIPPED
    assert harness.transport.attempts == 1 and len(harness.notices) == 1


async def test_retry_before_the_write_then_a_timeout_after_it(harness: Harness):
    # attempt 1: the member lookup timed out (nothing written) -> retried;
    # attempt 2: written, no ack -> uncertain, and no attempt 3.
    harness.transport.script = [transient(), send_error(TIMED_OUT, True), None]
    post = await harness.add()
    assert await harness.deliverer.deliver(post) is Outcome.UNCERTAIN
    assert harness.transport.attempts == 2 and len(harness.naps) == 1
    assert harness.transport.posts() == []
    assert await harness.status(post) is PostStatus.UNCERTAIN
    assert len(harness.notices) == 1 and f"/ulang {post.id}" in harness.notices[0]


async def test_missing_media_file_fails_at_once(harness: Harness):
    post = await harness.add("Promo", media_path="not-there.jpg")
    assert await harness.deliverer.deliver(post) is Outcome.FAILED
    assert harness.transport.attempts == 0 and harness.naps == []
    stored = await harness.store.get_post(post.id)
    assert stored is not None and stored.status is PostStatus.FAILED
    assert stored.last_error and "foto" in stored.last_error
    assert len(harness.notices) == 1 and "foto" in harness.notices[0]
    assert f"/ulang {post.id}" in harness.notices[0]


# --- an error no transport names: maybe delivered, so never sent twice ---------------------


async def test_unexpected_error_during_a_send_is_uncertain_not_failed(harness: Harness):
    # What the console's outbox write raises on a full disk; the record may be half written.
    harness.transport.error = OSError(errno.ENOSPC, "No space left on device")
    harness.transport.failures = ALWAYS
    post = await harness.add()
    assert await harness.deliverer.deliver(post) is Outcome.UNCERTAIN
    assert harness.transport.attempts == 1 and harness.naps == []  # never tried again
    reason = m.SEND_UNEXPECTED.format(error=m.DISK_FULL)
    stored = await harness.store.get_post(post.id)
    assert stored is not None and stored.status is PostStatus.UNCERTAIN
    assert stored.last_error == reason == "disk penuh saat mengirim"
    assert harness.notices == [m.SEND_UNCERTAIN.format(id=post.id, dest=DEMO_A.name, reason=reason)]
    assert harness.notices[0].endswith(f"/ulang {post.id}")
    assert harness.errors == [f"post #{post.id} ({DEMO_A.name}): {reason}"]


# --- the disk fills between the send and its record ------------------------------------------

STORAGE_NOTICE = m.FAULT_NOTICE.format(
    what=m.FAULT_NAMES["storage"], error=m.DISK_FULL, hint=m.FAULT_HINT_DISK
)
RECOVERED_NOTICE = m.FAULT_RECOVERED.format(what=m.FAULT_NAMES["storage"])


@pytest.mark.parametrize("failures", [1, 4])
async def test_sent_record_is_retried_until_written_and_never_resent(
    harness: Harness, failures: int
):
    disk = under_full_disk(harness.store)
    harness.transport.after_send = lambda: setattr(disk, "fail_next", failures)
    post = await harness.add()
    assert await harness.deliverer.deliver(post) is Outcome.SENT
    assert disk.refused == failures
    assert harness.transport.attempts == 1
    assert [s.post_id for s in harness.transport.posts()] == [post.id]
    assert harness.naps == [retry_delay(n) for n in range(1, failures + 1)]
    assert harness.naps[:4] == [1.0, 2.0, 4.0, 8.0][:failures]
    stored = await harness.store.get_post(post.id)
    assert stored is not None and stored.status is PostStatus.SENT and stored.wa_message_id
    assert [(b, a) for b, a, _ in await harness.moves(post)] == [
        (None, "pending"),
        ("pending", "sending"),
        ("sending", "sent"),
    ]
    # told once that the disk is full, once that it works again; never asked to /ulang
    assert harness.notices == [STORAGE_NOTICE, RECOVERED_NOTICE]
    assert harness.errors == ["penyimpanan: disk penuh"]


async def test_stop_while_the_sent_record_waits_leaves_it_sending(harness: Harness):
    # On shutdown the record is not waited for (the process must be gone within seconds):
    # the post stays 'sending' and the next start reports it as uncertain, never resends it.
    disk = under_full_disk(harness.store)
    harness.transport.after_send = lambda: setattr(disk, "fail_next", ALWAYS)
    harness.nap_result = False  # the bot is stopping
    post = await harness.add()
    assert await harness.deliverer.deliver(post) is Outcome.STOPPED
    assert harness.transport.attempts == 1 and len(harness.transport.posts()) == 1
    assert await harness.status(post) is PostStatus.SENDING
    disk.fail_next = 0  # the next start, with room on the disk
    harness.notices.clear()
    assert [p.id for p in await harness.deliverer.recover_interrupted()] == [post.id]
    assert await harness.status(post) is PostStatus.UNCERTAIN
    assert len(harness.notices) == 1 and f"/ulang {post.id}" in harness.notices[0]
    assert harness.transport.attempts == 1


async def test_claim_that_cannot_be_written_sends_nothing(harness: Harness):
    disk = under_full_disk(harness.store)
    post = await harness.add()
    disk.full = True
    with pytest.raises(sqlite3.OperationalError, match="database or disk is full"):
        await harness.deliverer.deliver(post)  # the scheduler's pass reports and retries it
    assert harness.transport.attempts == 0
    disk.full = False
    assert await harness.status(post) is PostStatus.PENDING
    assert await harness.deliverer.deliver(post) is Outcome.SENT
    assert harness.transport.attempts == 1


# --- through the whole bot: waiting for the connection is not failing ----------------------


@pytest.fixture
def quick_polls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bot.scheduler._CONNECTION_POLL_S", 0.02)
    monkeypatch.setattr("bot.app._NOTICE_RETRY_S", 0.02)


@pytest.mark.usefixtures("quick_polls")
async def test_due_post_waits_while_disconnected_then_goes_once(start_bot: BotFactory):
    transport = FakeTransport()
    transport.connected = False
    bot = await start_bot(transport=transport)
    post = await bot.app.store.add_post(
        datetime.now(UTC), PostContent("Tunggu koneksi"), [(DEMO_A.jid, DEMO_A.name)]
    )
    bot.services.queue_changed()
    await asyncio.sleep(0.4)
    stored = await bot.app.store.get_post(post.id)
    assert stored is not None and stored.status is PostStatus.PENDING
    assert stored.last_error is None
    assert transport.sent == []
    assert await bot.app.store.unsent_notices() == []  # nothing to tell the owner
    # not even claimed: nothing was tried while there was no connection
    assert [e[2] for e in await bot.app.store.events(post.id)] == ["pending"]

    transport.connected = True
    await eventually(lambda: transport.posts())
    await asyncio.sleep(0.2)
    assert [s.post_id for s in transport.posts()] == [post.id]
    assert transport.replies() == []
    stored = await bot.app.store.get_post(post.id)
    assert stored is not None and stored.status is PostStatus.SENT


@pytest.mark.usefixtures("quick_polls")
async def test_link_dropping_mid_send_keeps_the_post_waiting(start_bot: BotFactory):
    transport = FakeTransport()
    # socket/constants.go:41 ErrSocketClosed, wrapped before the write; connection() still up
    transport.fail_with = send_error("failed to send message node: frame socket is closed", False)
    bot = await start_bot(transport=transport)
    post = await bot.app.store.add_post(
        datetime.now(UTC), PostContent("Lewat jalur putus"), [(DEMO_A.jid, DEMO_A.name)]
    )
    bot.services.queue_changed()
    await asyncio.sleep(0.3)
    stored = await bot.app.store.get_post(post.id)
    # Between tries the post is released to 'pending'; a look may land mid-try ('sending').
    assert stored is not None and stored.status in (PostStatus.PENDING, PostStatus.SENDING)
    assert transport.sent == [] and await bot.app.store.unsent_notices() == []
    moves = [e[2] for e in await bot.app.store.events(post.id)]
    assert "sending" in moves and "failed" not in moves  # tried, never counted as failing

    transport.fail_with = None
    await eventually(lambda: transport.posts())
    await asyncio.sleep(0.2)
    assert [s.post_id for s in transport.posts()] == [post.id]
    assert transport.replies() == []
    stored = await bot.app.store.get_post(post.id)
    assert stored is not None and stored.status is PostStatus.SENT


async def test_final_failure_sets_last_error_and_tells_owner(start_bot: BotFactory):
    transport = FakeTransport()
    transport.fail_with = send_error("failed to get group members: that group does not exist", True)
    bot = await start_bot(transport=transport)
    post = await bot.app.store.add_post(
        datetime.now(UTC), PostContent("Ke grup hilang"), [(DEMO_A.jid, DEMO_A.name)]
    )
    bot.services.queue_changed()
    await eventually(lambda: transport.replies())
    reason = transport.fail_with.reason
    assert transport.replies() == [
        m.SEND_FAILED.format(id=post.id, dest=DEMO_A.name, reason=reason)
    ]
    recorded = await bot.app.store.get_setting("last_error")
    assert recorded == f"post #{post.id} ({DEMO_A.name}): {reason}"
    assert await bot.app.store.unsent_notices() == []
