"""What each real whatsmeow send failure means for a post: retried, waiting, failed with a reason
the owner understands, or uncertain (written, never acknowledged) and never re-sent by itself.

Every text below is whatsmeow's own (file:line at e277b766ab33, the commit goneonize pins), and
the Go format it comes from is checked to be inside the neonize library actually installed.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot import messages as m
from bot.delivery import Deliverer
from bot.media import MediaStore
from bot.models import Post, PostContent, PostStatus, SentMessage
from bot.pacing import Pacer
from bot.scheduler import PostScheduler
from bot.store import Store
from bot.transport.base import TransportError
from bot.transport.whatsapp.errors import send_error
from tests.conftest import BotFactory
from tests.fakes import GROUPS, OWNER_CHAT, FakeTransport, eventually

U, T, D, P = "uncertain", "transient", "disconnected", "permanent"

# (what neonize raises, link up afterwards?, outcome, words of the reason, Go source text)
TABLE = [
    # errors.go:24 ErrMessageTimedOut; send.go:432, after the stanza was written
    (
        "timed out waiting for message send response",
        True,
        U,
        "belum pasti sampai",
        "timed out waiting for message send response",
    ),
    (
        "timed out waiting for message send response",
        False,
        U,
        "belum pasti sampai",
        "timed out waiting for message send response",
    ),
    # errors.go:259 DisconnectedError (request.go retryFrame, reqType "message send"): written,
    # then the link dropped before the ack
    (
        "websocket disconnected before message send returned response",
        False,
        U,
        "belum pasti sampai",
        "websocket disconnected before %s returned response",
    ),
    (
        "websocket disconnected before message send (retry) returned response",
        True,
        U,
        "belum pasti sampai",
        "websocket disconnected before %s returned response",
    ),
    # request.go:208: bare ErrNotConnected only from retryFrame, i.e. after the first write
    ("websocket not connected", False, U, "belum pasti sampai", "websocket not connected"),
    # send.go:302 wrapping errors.go:21 ErrIQTimedOut: the member lookup, nothing written yet
    (
        "failed to get group members: info query timed out",
        True,
        T,
        "sibuk atau lambat",
        "failed to get group members: %w",
    ),
    (
        "failed to get group members: info query timed out",
        False,
        D,
        "koneksi WhatsApp putus",
        "info query timed out",
    ),
    # send.go:1177 prepareMessageNode "failed to get device list: %w": before the write
    (
        "failed to get device list: info query timed out",
        True,
        T,
        "sibuk atau lambat",
        "failed to get device list: %w",
    ),
    # send.go:741/823/843/897 wrapping client.go:919 ErrNotConnected: nothing written
    (
        "failed to send message node: websocket not connected",
        True,
        D,
        "koneksi WhatsApp putus",
        "failed to send message node: %w",
    ),
    (
        "failed to send message node: websocket not connected",
        False,
        D,
        "koneksi WhatsApp putus",
        "websocket not connected",
    ),
    # socket/constants.go:41 ErrSocketClosed, wrapped the same way
    (
        "failed to send message node: frame socket is closed",
        True,
        D,
        "koneksi WhatsApp putus",
        "frame socket is closed",
    ),
    # errors.go:259 for the member lookup (an info query), before the write
    (
        "failed to get group members: websocket disconnected before info query returned response",
        True,
        D,
        "koneksi WhatsApp putus",
        "websocket disconnected before %s returned response",
    ),
    # errors.go:88 ErrGroupNotFound / :86 ErrNotInGroup (group.go getGroupInfo), send.go:302
    (
        "failed to get group members: that group does not exist",
        True,
        P,
        "grup tujuan tidak ada lagi",
        "that group does not exist",
    ),
    (
        "failed to get group members: you're not participating in that group",
        True,
        P,
        "akun bot bukan anggota grup itu lagi",
        "you're not participating in that group",
    ),
    (
        "failed to get group members: you're not participating in that group",
        False,
        P,
        "akun bot bukan anggota grup itu lagi",
        "you're not participating in that group",
    ),
    # errors.go:195 ErrIQRateOverLimit as an info query answer
    (
        "failed to get group members: info query returned status 429: rate-overlimit",
        True,
        T,
        "sibuk atau lambat",
        "info query returned status %d: %s",
    ),
    # send.go:452 `%w %d` with errors.go:112 ErrServerReturnedError: the ack's error code
    (
        "server returned error 429",
        True,
        T,
        "membatasi laju kiriman (kode 429)",
        "server returned error",
    ),
    ("server returned error 463", True, P, "memulai chat baru (kode 463)", "server returned error"),
    (
        "server returned error 479",
        True,
        P,
        "menolak bentuk pesan ini (kode 479)",
        "server returned error",
    ),
    ("server returned error 500", True, T, "bermasalah (kode 500)", "server returned error"),
    (
        "server returned error 420",
        True,
        P,
        "WhatsApp menolak pesan (kode 420)",
        "server returned error",
    ),
    # socket/framesocket.go:132, wrapped before the write
    (
        "failed to send message node: frame too large (got 16777300 bytes, max 16777216 bytes)",
        True,
        P,
        "terlalu besar",
        "(got %d bytes, max %d bytes)",
    ),
    # upload.go:244 / :242: the photo upload, before any message exists
    (
        "upload failed with status code 503",
        True,
        T,
        "file media gagal diunggah",
        "upload failed with status code %d",
    ),
    (
        'failed to execute request: Post "https://mmg.whatsapp.net/x": dial tcp: i/o timeout',
        True,
        T,
        "file media gagal diunggah",
        "failed to execute request: %w",
    ),
]


def outcome(error: TransportError) -> str:
    assert not (error.uncertain and error.transient)  # never retried automatically
    if error.uncertain:
        return U
    if error.disconnected:
        assert error.transient
        return D
    return T if error.transient else P


@pytest.mark.parametrize(("text", "connected", "expected", "words", "_source"), TABLE)
def test_whatsmeow_text_classified(
    text: str, connected: bool, expected: str, words: str, _source: str
):
    error = send_error(text, connected)
    assert outcome(error) == expected
    assert words in error.reason


# The server code each text of TABLE carries (TransportError.code); every other text has none.
# "upload failed with status code 503" is the media server's HTTP status, not WhatsApp's.
CODES = {
    "failed to get group members: info query returned status 429: rate-overlimit": 429,
    "server returned error 429": 429,
    "server returned error 463": 463,
    "server returned error 479": 479,
    "server returned error 500": 500,
    "server returned error 420": 420,
}


@pytest.mark.parametrize(("text", "connected", "expected"), [row[:3] for row in TABLE])
def test_the_server_code_is_kept_whatever_the_outcome(text: str, connected: bool, expected: str):
    error = send_error(text, connected)
    assert error.code == CODES.get(text)
    assert outcome(error) == expected  # the code changes nothing about the outcome


def test_every_coded_text_is_in_the_table():
    assert set(CODES) <= {row[0] for row in TABLE}


def test_a_429_of_the_device_list_lookup_is_retried_and_keeps_its_code():
    # send.go:1177 wrapping errors.go:224 with errors.go:195
    error = send_error(
        "failed to get device list: info query returned status 429: rate-overlimit", True
    )
    assert (outcome(error), error.code) == (T, 429)
    assert "sibuk atau lambat" in error.reason


def test_table_covers_every_outcome_on_both_sides_of_the_write():
    assert {row[2] for row in TABLE} == {U, T, D, P}


def test_unknown_text_fails_while_connected_and_waits_while_not():
    assert outcome(send_error("something odd", True)) == P
    assert send_error("something odd", True).reason == "WhatsApp menolak pengiriman: something odd"
    assert outcome(send_error("something odd", False)) == D


@pytest.mark.parametrize("source", sorted({row[4] for row in TABLE}))
def test_each_cited_text_is_in_the_installed_whatsmeow(neonize_library: bytes, source: str):
    assert source.encode() in neonize_library


# --- through the whole bot ---------------------------------------------------------------------


class AckLost(FakeTransport):
    """Group sends: the first `lost` attempts are written and never acknowledged."""

    def __init__(self, lost: int) -> None:
        super().__init__()
        self.lost = lost
        self.attempts: list[int | None] = []

    async def send_text(self, chat: str, text: str, *, post_id: int | None = None) -> SentMessage:
        if chat != OWNER_CHAT:
            self.attempts.append(post_id)
            if len(self.attempts) <= self.lost:
                raise send_error("timed out waiting for message send response", True)
        return await super().send_text(chat, text, post_id=post_id)


async def test_lost_ack_leaves_the_post_uncertain_until_the_owner_resends(start_bot: BotFactory):
    transport = AckLost(lost=1)
    bot = await start_bot(transport=transport)
    store = bot.app.store
    first = await store.add_post(
        datetime.now(UTC), PostContent("Mungkin terkirim"), [(GROUPS[0].jid, GROUPS[0].name)]
    )
    second = await store.add_post(
        datetime.now(UTC), PostContent("Berikutnya"), [(GROUPS[0].jid, GROUPS[0].name)]
    )
    bot.services.queue_changed()
    await eventually(lambda: transport.replies() and transport.posts())
    await asyncio.sleep(0.3)  # time for any (wrong) second attempt
    # one attempt at the uncertain post; the queue went on with the next one
    assert transport.attempts == [first.id, second.id]
    assert [s.post_id for s in transport.posts()] == [second.id]
    stored = await store.get_post(first.id)
    assert stored is not None and stored.status is PostStatus.UNCERTAIN
    reason = send_error("timed out waiting for message send response", True).reason
    assert stored.last_error == reason
    assert transport.replies() == [
        m.SEND_UNCERTAIN.format(id=first.id, dest=GROUPS[0].name, reason=reason)
    ]
    assert await store.get_setting("last_error") == f"post #{first.id} ({GROUPS[0].name}): {reason}"

    # The owner looked: not there. /ulang sends it, once.
    assert await bot.say(f"/ulang {first.id}") == m.RETRYING.format(
        id=first.id, dest=GROUPS[0].name
    )
    await eventually(lambda: len(transport.posts()) == 2)
    await asyncio.sleep(0.2)
    assert [s.post_id for s in transport.posts()] == [second.id, first.id]
    stored = await store.get_post(first.id)
    assert stored is not None and stored.status is PostStatus.SENT


async def test_an_uncertain_send_counts_for_pacing(tmp_path: Path):
    # Something was written: the next post keeps its distance, as after any send.
    store = await Store.open(tmp_path / "bot.db")
    transport = AckLost(lost=1)
    notices: list[str] = []

    async def note(text: str) -> None:
        notices.append(text)

    async def no_wait(_: float) -> bool:
        return True

    async def on_missed(_: list[Post]) -> None:
        raise AssertionError("nothing is overdue here")

    deliverer = Deliverer(
        store,
        transport,
        MediaStore(tmp_path / "media"),
        note,
        note,
        lambda: datetime.now(UTC),
        no_wait,
    )
    scheduler = PostScheduler(
        store, deliverer.deliver, on_missed, timedelta(minutes=10), lambda: datetime.now(UTC)
    )
    paced: list[float] = []

    async def pacing_nap(seconds: float) -> bool:
        paced.append(seconds)
        return True

    scheduler.pacer = Pacer(5.0, 5.0, pacing_nap)
    try:
        first = await store.add_post(
            datetime.now(UTC), PostContent("satu"), [(GROUPS[0].jid, GROUPS[0].name)]
        )
        second = await store.add_post(
            datetime.now(UTC), PostContent("dua"), [(GROUPS[0].jid, GROUPS[0].name)]
        )
        await scheduler.start()
        await eventually(lambda: transport.posts())
        assert transport.attempts == [first.id, second.id]
        assert len(paced) == 1 and 4.5 < paced[0] <= 5.0
        stored = await store.get_post(first.id)
        assert stored is not None and stored.status is PostStatus.UNCERTAIN
    finally:
        await scheduler.stop()
        await store.close()
