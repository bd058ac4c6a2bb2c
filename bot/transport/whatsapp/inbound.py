"""Incoming WhatsApp messages, one at a time, in the order they arrived, with the account's
own addresses and LID senders turned into phone JIDs.

neonize runs every event as its own task (aioze/events.py `Event.execute`:
run_coroutine_threadsafe per event), so two quick messages can be handled out of order: a
`/tujuan 2` then `/jadwal ...` backlog could schedule to the old group. The event handler only
puts the event on a queue (synchronously, before its first await, so arrival order is kept);
one consumer converts and dispatches them in turn.

The account's identity comes from `client.me`, which neonize sets from goneonize's first
callback (code 0, `FetchMe`) before any other event of a connect call, so it is known before
the first (offline backlog) message.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from typing import Any

from loguru import logger
from neonize.proto.Neonize_pb2 import Device
from neonize.proto.Neonize_pb2 import Message as MessageEv
from neonize.utils.jid import build_jid

from bot.models import IncomingMessage
from bot.transport.base import MessageHandler
from bot.transport.whatsapp.convert import LID_SERVER, PHONE_SERVER, jid_text, to_incoming


@dataclass
class Identity:
    """The account's own phone number and LID (user parts)."""

    phone: str = ""
    lid: str = ""

    def load(self, device: Device | None) -> bool:
        """Take the account's addresses from neonize's Device; True when the phone is known."""
        if device is not None and device.JID.User:
            self.phone = str(device.JID.User)
            self.lid = str(device.LID.User)
        return bool(self.phone)

    async def load_from(self, client: Any) -> bool:
        """From `client.me` (neonize sets it from goneonize's code 0 before any other event),
        else by asking (GetMe)."""
        return self.load(client.me) or self.load(await client.get_me())

    def is_self(self, address: str) -> bool:
        user, _, server = address.partition("@")
        user = user.split(":", 1)[0]
        return bool(user) and (
            (server == PHONE_SERVER and user == self.phone)
            or (server == LID_SERVER and user == self.lid)
        )

    @property
    def phone_jid(self) -> str:
        return f"{self.phone}@{PHONE_SERVER}"


def owner_chat(owners: tuple[str, ...], identity: Identity) -> str:
    """Where the owner reads the bot: the first JADWAL_OWNERS entry (phone digits or a
    '<digits>@lid'), else the account's own chat (self mode)."""
    if not owners:
        return identity.phone_jid
    owner = owners[0]
    return owner if "@" in owner else f"{owner}@{PHONE_SERVER}"


class Inbox:
    """One queue, one consumer: messages reach `handler` strictly one after another."""

    def __init__(self, identity: Identity) -> None:
        self._identity = identity
        self._queue: asyncio.Queue[tuple[Any, MessageEv]] = asyncio.Queue()
        self._pn_of_lid: dict[str, str] = {}

    def put(self, client: Any, event: MessageEv) -> None:
        """Called first thing in neonize's event task: keeps arrival order."""
        self._queue.put_nowait((client, event))

    async def run(self, handler: MessageHandler) -> None:
        while True:
            client, event = await self._queue.get()
            try:
                message = await self._convert(client, event)
            except Exception:
                logger.exception("could not read WhatsApp message {}", event.Info.ID)
                continue
            try:
                await handler(message)
            except Exception:
                logger.exception("handling WhatsApp message {} failed", event.Info.ID)

    async def _convert(self, client: Any, event: MessageEv) -> IncomingMessage:
        if not self._identity.phone:
            await self._identity.load_from(client)
        message = to_incoming(event, client.download_any)
        chat, sender = message.chat, message.sender
        raw_sender = jid_text(event.Info.MessageSource.Sender)
        if self._identity.is_self(chat):
            chat = self._identity.phone_jid
        if self._identity.is_self(sender):
            sender = self._identity.phone_jid
        elif sender.endswith("@" + LID_SERVER):
            sender = await self._phone_of(client, sender)
        if not message.is_group and chat.endswith("@" + LID_SERVER):
            # A private chat addressed by the other person's LID: the same person as the
            # sender when they wrote it (whose phone SenderAlt may already have given).
            same_person = chat == raw_sender
            chat = (
                sender
                if same_person and not sender.endswith("@" + LID_SERVER)
                else await self._phone_of(client, chat)
            )
        alt = raw_sender if raw_sender.endswith("@" + LID_SERVER) and raw_sender != sender else ""
        return replace(message, chat=chat, sender=sender, sender_alt=alt)

    async def _phone_of(self, client: Any, lid_address: str) -> str:
        """'123@lid' -> '628..@s.whatsapp.net' via whatsmeow's LID store, else unchanged."""
        if lid_address in self._pn_of_lid:
            return self._pn_of_lid[lid_address]
        user = lid_address.split("@", 1)[0]
        try:
            jid = await client.get_pn_from_lid(build_jid(user, LID_SERVER))
        except Exception as exc:  # GetJIDFromStoreError
            logger.info("no phone number known for {} ({})", lid_address, exc)
            return lid_address
        if not jid.User:  # not known yet (whatsmeow lidmap.go: an empty JID, no error)
            return lid_address
        phone = f"{jid.User}@{PHONE_SERVER}"
        self._pn_of_lid[lid_address] = phone
        return phone
