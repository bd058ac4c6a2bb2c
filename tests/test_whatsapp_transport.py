"""Real neonize protobuf events through the real adapter, dispatcher, store and scheduler.

The neonize client is an autospec of NewAClient: only WhatsApp's servers are missing.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from loguru import logger
from neonize.aioze.events import ConnectedEv, DisconnectedEv, MessageEv
from neonize.exc import SendMessageError
from neonize.proto.Neonize_pb2 import JID

from bot import messages as m
from bot.app import App
from bot.models import PostStatus
from bot.settings import Settings
from bot.transport.base import TransportError
from bot.transport.whatsapp.reconnect import ReconnectPolicy
from bot.transport.whatsapp.transport import WhatsAppTransport
from tests.fakes import JPEG, OWNER, eventually
from tests.waclient import (
    GROUP_JID,
    OWNER_LID,
    FakeNeonize,
    extended,
    jid,
    message_event,
    photo,
    reply_to_photo,
    text,
    video,
)

OWNER_JID = jid(OWNER)



class WaBot:
    def __init__(self, app: App, transport: WhatsAppTransport, fake: FakeNeonize) -> None:
        self.app = app
        self.transport = transport
        self.fake = fake

    async def receive(self, message: Any, **kwargs: Any) -> list[str]:
        """Deliver one incoming message; return the texts the bot sent in answer."""
        before = self.fake.mock.send_message.await_count
        await self.fake.emit(MessageEv, message_event(message, **kwargs))
        calls = self.fake.mock.send_message.await_args_list[before:]
        return [call.args[1] for call in calls]


@pytest.fixture
async def wabot(settings: Settings) -> AsyncIterator[WaBot]:
    fake = FakeNeonize()

    async def reachable() -> None:
        return None

    transport = WhatsAppTransport(settings.data_dir, settings.timezone, settings.owners,
                                  client_factory=fake.factory, probe=reachable)
    app = App(settings, transport)
    await app.start()
    await until(lambda: "qr" in fake.handlers and fake.mock.connect.await_count == 1)
    await fake.emit(ConnectedEv, ConnectedEv())
    await until(lambda: transport.status.connected)
    yield WaBot(app, transport, fake)
    await app.stop()


async def test_session_lives_in_the_data_dir_and_handlers_are_registered(
        wabot: WaBot, settings: Settings):
    assert wabot.fake.session_path == str(settings.data_dir / "session.db")
    registered = set(wabot.fake.handlers)
    assert {ConnectedEv, DisconnectedEv, MessageEv, "qr"} <= registered
    assert "terhubung ke WhatsApp sejak" in wabot.transport.connection().description


async def test_plain_text_command_is_answered_in_the_same_chat(wabot: WaBot):
    replies = await wabot.receive(text("/grup"))
    assert replies == ["Grup yang diikuti (2):\n1. Arisan RT 05\n2. Grup Pengumuman\n"
                       "Pilih tujuan: /tujuan <nomor>"]
    to = wabot.fake.mock.send_message.await_args.args[0]
    assert (to.User, to.Server) == (OWNER, "s.whatsapp.net")


async def test_extended_text_schedules_a_post(wabot: WaBot):
    await wabot.receive(text("/tujuan 2"))
    replies = await wabot.receive(extended("/jadwal besok 08:00 Rapat RT\nbawa konsumsi"))
    assert "#1 terjadwal" in replies[0] and "-> Grup Pengumuman" in replies[0]
    post = await wabot.app.store.get_post(1)
    assert post is not None and post.text == "Rapat RT\nbawa konsumsi"
    assert post.destination == "120363000000000001@g.us"


@pytest.mark.parametrize("forwarded", [False, True])
async def test_photo_with_command_caption_downloads_only_then(wabot: WaBot, forwarded: bool):
    await wabot.receive(text("/tujuan 1"))
    wabot.fake.mock.download_any.assert_not_awaited()
    replies = await wabot.receive(photo("/jadwal besok 09:00 Promo", forwarded=forwarded))
    assert "(foto)" in replies[0]
    downloaded = wabot.fake.mock.download_any.await_args.args[0]
    assert downloaded.imageMessage.directPath == "/v/t62/abc"
    post = await wabot.app.store.get_post(1)
    assert post is not None and post.media_path == f"{hashlib.sha256(JPEG).hexdigest()}.jpg"


async def test_photo_without_command_is_not_downloaded(wabot: WaBot):
    assert await wabot.receive(photo("liburan kemarin")) == []
    wabot.fake.mock.download_any.assert_not_awaited()


async def test_reply_to_a_photo_queues_the_quoted_photo(wabot: WaBot):
    await wabot.receive(text("/tujuan 1"))
    replies = await wabot.receive(reply_to_photo("/jadwal lusa 07:00 Info"))
    assert "(foto)" in replies[0]
    downloaded = wabot.fake.mock.download_any.await_args.args[0]
    assert downloaded.imageMessage.directPath == "/v/t62/q"


async def test_video_is_refused_clearly(wabot: WaBot):
    await wabot.receive(text("/tujuan 1"))
    replies = await wabot.receive(video("/jadwal besok 09:00 Video promo"))
    assert replies == [m.UNSUPPORTED_MEDIA.format(kind="video")]
    assert await wabot.app.store.all_posts() == []


async def test_stranger_is_ignored(wabot: WaBot):
    stranger = jid("6289999999999")
    assert await wabot.receive(text("/status"), sender=stranger, chat=stranger,
                               from_me=False) == []


async def test_own_echo_is_ignored(wabot: WaBot):
    await wabot.receive(text("/status"))
    own_id = wabot.fake.sent_ids[-1]
    # The bot's reply comes back as a from-me message; a post starting with "/" must not run.
    assert await wabot.receive(text("/status"), message_id=own_id) == []


async def test_group_message_sets_that_group_and_answers_privately(wabot: WaBot):
    replies = await wabot.receive(text("/tujuan"), chat=GROUP_JID, is_group=True)
    assert replies == [m.TARGET_SET.format(name="Grup Pengumuman")]
    to: JID = wabot.fake.mock.send_message.await_args.args[0]
    assert to.Server == "s.whatsapp.net"
    assert await wabot.app.store.get_setting("destination") == "120363000000000001@g.us"


async def test_lid_addressed_owner_is_recognised(wabot: WaBot):
    lid = jid(OWNER_LID, "lid")
    assert await wabot.receive(text("/status"), sender=lid, chat=lid)
    assert await wabot.receive(text("/status"), sender=lid, chat=GROUP_JID, is_group=True,
                               sender_alt=OWNER_JID)


async def test_due_post_is_sent_to_the_group(wabot: WaBot):
    await wabot.receive(text("/tujuan 2"))
    await wabot.receive(text("/jadwal dalam 1 detik Halo grup"))
    await until(lambda: any(c.args[1] == "Halo grup"
                            for c in wabot.fake.mock.send_message.await_args_list), limit=3)
    call = next(c for c in wabot.fake.mock.send_message.await_args_list
                if c.args[1] == "Halo grup")
    assert (call.args[0].User, call.args[0].Server) == ("120363000000000001", "g.us")
    # The send has returned; its 'sent' record follows it.
    for _ in range(200):
        post = await wabot.app.store.get_post(1)
        if post is not None and post.status is PostStatus.SENT:
            break
        await asyncio.sleep(0.01)
    assert post is not None and post.status is PostStatus.SENT
    assert post.wa_message_id in wabot.fake.sent_ids


async def test_image_post_is_sent_with_send_image(wabot: WaBot, settings: Settings):
    name = wabot.app.services.media.save(JPEG, "image/jpeg") if wabot.app.services else ""
    sent = await wabot.transport.send_image("120363000000000001@g.us",
                                            settings.media_dir / name, "Promo")
    call = wabot.fake.mock.send_image.await_args
    assert call.args[1] == JPEG and call.kwargs == {"caption": "Promo"}
    assert sent.message_id == wabot.fake.sent_ids[-1]


async def test_send_errors_become_transport_errors(wabot: WaBot):
    wabot.fake.mock.send_message.side_effect = SendMessageError("item-not-found")
    with pytest.raises(TransportError, match="item-not-found"):
        await wabot.transport.send_text("120363000000000001@g.us", "x")


async def test_sending_while_disconnected_fails_fast(wabot: WaBot):
    await wabot.fake.emit(DisconnectedEv, DisconnectedEv())
    await until(lambda: not wabot.transport.status.connected)
    with pytest.raises(TransportError, match="belum terhubung"):
        await wabot.transport.send_text("120363000000000001@g.us", "x")
    assert "terputus sejak" in wabot.transport.connection().description
    await wabot.fake.emit(ConnectedEv, ConnectedEv())
    await until(lambda: wabot.transport.status.connected)


async def test_a_failing_handler_is_logged_and_the_bot_goes_on(wabot: WaBot,
                                                               monkeypatch: pytest.MonkeyPatch):
    logged: list[str] = []
    sink = logger.add(lambda record: logged.append(record), level="ERROR")

    def broken(*_: object) -> None:
        raise RuntimeError("converter bug")

    monkeypatch.setattr("bot.transport.whatsapp.transport.to_incoming", broken)
    try:
        await wabot.fake.emit(MessageEv, message_event(text("/status")))
    finally:
        logger.remove(sink)
    assert any("WhatsApp event handler _message failed" in line and "converter bug" in line
               for line in logged)
    monkeypatch.undo()
    assert await wabot.receive(text("/status"))


async def test_qr_is_saved_as_png(settings: Settings):
    fake = FakeNeonize()
    transport = WhatsAppTransport(settings.data_dir, settings.timezone,
                                  client_factory=fake.factory, probe=_reachable)
    settings.data_dir.mkdir(parents=True)
    await transport.start(_ignore)
    await until(lambda: fake.mock.connect.await_count == 1)
    await fake.handlers["qr"](fake.client, b"2@abcdef,ghijk,lmnop")
    png = settings.data_dir / "qr.png"
    assert png.read_bytes().startswith(b"\x89PNG")
    await until(lambda: transport.status.phase == "pairing")
    await transport.stop()


async def test_pair_phone_requests_a_code_instead_of_a_qr(settings: Settings):
    fake = FakeNeonize()
    transport = WhatsAppTransport(settings.data_dir, settings.timezone,
                                  pair_phone="6281234567890", client_factory=fake.factory,
                                  probe=_reachable)
    settings.data_dir.mkdir(parents=True)
    await transport.start(_ignore)
    await until(lambda: fake.mock.connect.await_count == 1)
    for _ in range(3):  # QR codes rotate; the code is asked for once
        await fake.handlers["qr"](fake.client, b"2@abcdef")
    fake.mock.PairPhone.assert_awaited_once_with("6281234567890", show_push_notification=True)
    assert not (settings.data_dir / "qr.png").exists()
    await transport.stop()


async def test_logged_out_closes_the_transport_with_its_exit_code(settings: Settings):
    from neonize.aioze.events import LoggedOutEv
    from neonize.proto.Neonize_pb2 import ConnectFailureReason

    from bot import exitcodes

    fake = FakeNeonize()
    transport = WhatsAppTransport(settings.data_dir, settings.timezone,
                                  client_factory=fake.factory, probe=_reachable,
                                  policy=ReconnectPolicy(initial=0.01))
    settings.data_dir.mkdir(parents=True)
    await transport.start(_ignore)
    await until(lambda: fake.mock.connect.await_count == 1)
    await fake.emit(ConnectedEv, ConnectedEv())
    await fake.emit(LoggedOutEv, LoggedOutEv(Reason=ConnectFailureReason.LOGGED_OUT))
    assert await asyncio.wait_for(transport.wait_closed(), 2) == exitcodes.LOGGED_OUT
    assert "perlu dipasangkan ulang" in transport.connection().description
    await transport.stop()


async def test_failed_connect_task_is_retried(settings: Settings):
    fake = FakeNeonize()
    transport = WhatsAppTransport(settings.data_dir, settings.timezone,
                                  client_factory=fake.factory, probe=_reachable,
                                  policy=ReconnectPolicy(initial=0.01, cap=0.02, jitter=0))
    settings.data_dir.mkdir(parents=True)
    await transport.start(_ignore)
    await until(lambda: fake.connect_future is not None)
    from neonize.exc import NeonizeError
    assert fake.connect_future is not None
    fake.connect_future.set_exception(NeonizeError("failed to dial: lookup web.whatsapp.com"))
    await until(lambda: fake.mock.connect.await_count == 2)
    assert transport.status.failed_connects == 1
    await transport.stop()


async def _reachable() -> None:
    return None


async def _ignore(_: object) -> None:
    return None


def test_owner_chat_prefers_configured_owner(settings: Settings):
    transport = WhatsAppTransport(Path("x"), settings.timezone, owners=("628111",))
    assert transport.owner_chat() == "628111@s.whatsapp.net"
    assert replace(settings).owners == (OWNER,)


async def until(predicate: Callable[[], object], limit: float = 2.0) -> None:
    await eventually(predicate, limit)
