"""A stand-in for neonize's NewAClient, built from the real class with create_autospec: a call
neonize does not have, or with the wrong arguments, fails the test."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Awaitable, Callable
from typing import Any
from unittest.mock import NonCallableMagicMock, create_autospec

from google.protobuf.message import Message as Proto
from neonize.aioze.client import NewAClient
from neonize.aioze.events import Event, MessageEv
from neonize.proto.Neonize_pb2 import (
    JID,
    Device,
    GroupInfo,
    GroupName,
    MessageInfo,
    MessageSource,
    SendResponse,
)
from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import (
    ContextInfo,
    ExtendedTextMessage,
    ImageMessage,
    Message,
    VideoMessage,
)

from tests.fakes import JPEG, OWNER

OWNER_LID = "98765432101234"
GROUP_JID = JID(User="120363000000000001", Server="g.us")
OTHER_GROUP_JID = JID(User="120363000000000002", Server="g.us")
_ids = itertools.count(1)

Handler = Callable[[Any, Any], Awaitable[None]]


class FakeNeonize:
    """The autospecced client plus the handlers the transport registered on it."""

    def __init__(self, me: str = OWNER) -> None:
        client: Any = create_autospec(NewAClient, instance=True)
        self.handlers: dict[object, Handler] = {}
        # `event` and `qr` are set in NewAClient.__init__, so autospec of the class cannot
        # see them: spec them from the real Event class.
        client.event = create_autospec(Event, instance=True)
        client.event.side_effect = lambda kind: (lambda fn: self.handlers.__setitem__(kind, fn))
        client.qr = client.event.qr
        client.qr.side_effect = lambda fn: self.handlers.__setitem__("qr", fn)
        self.connect_future: asyncio.Future[None] | None = None

        async def connect(*_: object) -> asyncio.Future[None]:
            self.connect_future = asyncio.get_running_loop().create_future()
            return self.connect_future

        client.connect.side_effect = connect
        client.get_me.return_value = Device(
            JID=JID(User=me, Server="s.whatsapp.net"),
            LID=JID(User=OWNER_LID, Server="lid"), PushName="Pemilik")
        client.send_message.side_effect = self._sent
        client.send_image.side_effect = self._sent
        client.get_joined_groups.return_value = [
            GroupInfo(JID=GROUP_JID, GroupName=GroupName(Name="Grup Pengumuman")),
            GroupInfo(JID=OTHER_GROUP_JID, GroupName=GroupName(Name="Arisan RT 05")),
        ]
        client.download_any.return_value = JPEG
        client.PairPhone.return_value = "ABCD-1234"
        self.client = client
        self.sent_ids: list[str] = []

    def _sent(self, *_: object, **__: object) -> SendResponse:
        message_id = f"3EB0{next(_ids):08d}"
        self.sent_ids.append(message_id)
        return SendResponse(ID=message_id, Timestamp=int(time.time()))

    def factory(self, session_path: str) -> NewAClient:
        self.session_path = session_path
        return self.client

    async def emit(self, kind: object, event: Proto) -> None:
        # neonize decodes each event from bytes; do the same round trip.
        decoded = type(event)()
        decoded.ParseFromString(event.SerializePartialToString())
        await self.handlers[kind](self.client, decoded)

    @property
    def mock(self) -> NonCallableMagicMock:
        return self.client


def jid(user: str, server: str = "s.whatsapp.net") -> JID:
    return JID(User=user, Server=server)


def message_event(message: Message, *, chat: JID | None = None, sender: JID | None = None,
                  from_me: bool = True, is_group: bool = False, message_id: str | None = None,
                  sender_alt: JID | None = None) -> MessageEv:
    sender = sender or jid(OWNER)
    source = MessageSource(Chat=chat or sender, Sender=sender, IsFromMe=from_me,
                           IsGroup=is_group)
    if sender_alt is not None:
        source.SenderAlt.CopyFrom(sender_alt)
    return MessageEv(
        Info=MessageInfo(MessageSource=source, ID=message_id or f"MSG{next(_ids)}",
                         Timestamp=int(time.time() * 1000), Type="text"),
        Message=message)


def text(body: str) -> Message:
    return Message(conversation=body)


def extended(body: str, context: ContextInfo | None = None) -> Message:
    return Message(extendedTextMessage=ExtendedTextMessage(text=body, contextInfo=context))


def photo(caption: str = "", *, forwarded: bool = False) -> Message:
    context = ContextInfo(isForwarded=True, forwardingScore=1) if forwarded else None
    return Message(imageMessage=ImageMessage(caption=caption, mimetype="image/jpeg",
                                             directPath="/v/t62/abc", contextInfo=context))


def reply_to_photo(body: str) -> Message:
    quoted = Message(imageMessage=ImageMessage(mimetype="image/jpeg", directPath="/v/t62/q"))
    return extended(body, ContextInfo(stanzaID="QUOTED1", quotedMessage=quoted))


def video(caption: str) -> Message:
    return Message(videoMessage=VideoMessage(caption=caption, mimetype="video/mp4"))
