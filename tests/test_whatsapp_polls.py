"""Polls and mentions of every member through the WhatsApp transport and the neonize/whatsmeow
simulator (tests/wasim): a poll goes out as whatsmeow's BuildPollCreation builds it, and a
post with `@semua` carries every member of the group, as the group addresses them, in its
contextInfo.mentionedJID."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from neonize.aioze.client import NewAClient
from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import Message
from neonize.utils.enum import VoteType
from PIL import Image

from bot.models import PostStatus
from bot.transport.base import TransportError
from tests.conftest import SATURDAY_EVENING
from tests.test_whatsapp_transport import WaBot, group_jid, start
from tests.vclock import VirtualClock
from tests.wasim import IQ_TIMEOUT, NOT_IN_GROUP, WhatsAppSim, jid_text, reset_event_loop

LID_GROUP = "Warga RT 05"
PHONE_GROUP = "Arisan Lama"


@pytest.fixture
async def wabot(tmp_path: Path) -> AsyncIterator[WaBot]:
    clock = VirtualClock(SATURDAY_EVENING)
    reset_event_loop()
    world = WhatsAppSim(clock)
    world.add_group(LID_GROUP, members=4)
    world.add_group(PHONE_GROUP, by_phone=True, members=3)
    bot = await start(tmp_path, world, clock, "self")
    try:
        await bot.say(f"/tujuan {LID_GROUP}")
        yield bot
        await bot.app.stop()
    finally:
        await world.aclose()
        reset_event_loop()


async def send_now(wabot: WaBot, post_id: int, group: str) -> Message:
    """/kirim the post; the one waE2E message WhatsApp accepted for `group`."""
    to = group_jid(wabot.world, group)
    await wabot.say(f"/kirim {post_id}")
    await wabot.clock.until(lambda: any(s.to == to for s in wabot.world.sent))
    [sent] = [s for s in wabot.world.sent if s.to == to]
    assert sent.message is not None
    return sent.message


def participants(world: WhatsAppSim, group: str) -> list[str]:
    """The group's members as its own info addresses them (GroupParticipant.JID)."""
    info = next(g for g in world.groups if g.GroupName.Name == group)
    return [jid_text(p.JID) for p in info.Participants]


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 40, 40)).save(out, format="JPEG")
    return out.getvalue()


@pytest.mark.parametrize(
    ("flag", "count"), [("", 1), ("(banyak) ", 0)], ids=["single-choice", "multiple-choice"]
)
async def test_a_poll_goes_out_as_a_whatsapp_poll(wabot: WaBot, flag: str, count: int):
    reply = await wabot.say(f"/polling besok 08:00 {flag}Makan di mana? | Bakso | Soto | Mie ayam")
    assert reply.startswith("#1 terjadwal (polling)")
    sent = await send_now(wabot, 1, LID_GROUP)
    poll = sent.pollCreationMessage
    assert poll.name == "Makan di mana?"
    assert [o.optionName for o in poll.options] == ["Bakso", "Soto", "Mie ayam"]
    # msgsecret.go BuildPollCreation: 1 = one choice, 0 = any number of them
    assert poll.selectableOptionsCount == count
    assert len(sent.messageContextInfo.messageSecret) == 32  # votes are encrypted with it
    [record] = [s for s in wabot.world.sent if s.to == group_jid(wabot.world, LID_GROUP)]
    assert record.kind == "poll"
    post = await wabot.app.store.get_post(1)
    assert post is not None and post.status is PostStatus.SENT


@pytest.mark.parametrize(
    ("group", "server", "size"),
    [(LID_GROUP, "lid", 6), (PHONE_GROUP, "s.whatsapp.net", 5)],
    ids=["lid-group", "phone-group"],
)
async def test_semua_mentions_every_member_as_the_group_addresses_them(
    wabot: WaBot, group: str, server: str, size: int
):
    reply = await wabot.say(f'/jadwal ke:"{group}" besok 08:00 @semua Rapat nanti malam')
    assert reply.startswith("#1 terjadwal") and "semua anggota" in reply
    sent = await send_now(wabot, 1, group)
    text = sent.extendedTextMessage
    assert text.text == "Rapat nanti malam"  # the marker is gone, no member is named
    members = participants(wabot.world, group)
    assert list(text.contextInfo.mentionedJID) == members
    assert {jid.rpartition("@")[2] for jid in members} == {server}
    assert len(members) == size  # its owner, this account and the others added


async def test_semua_in_a_photo_caption_mentions_every_member(wabot: WaBot):
    data = jpeg()
    reply = await wabot.say(wabot.world.photo(data, "/jadwal besok 08:00 Foto rapat @semua"))
    assert reply.startswith("#1 terjadwal (foto)")
    sent = await send_now(wabot, 1, LID_GROUP)
    image = sent.imageMessage
    assert image.caption == "Foto rapat"
    assert list(image.contextInfo.mentionedJID) == participants(wabot.world, LID_GROUP)
    assert wabot.world.media[image.directPath] == data


async def test_a_member_lookup_that_times_out_is_transient_and_sends_nothing(wabot: WaBot):
    # The delivery retries a transient TransportError (bot/delivery.py _retryable); the
    # lookup is part of the send, so a failed one must be transient and must send nothing.
    group = group_jid(wabot.world, LID_GROUP)
    wabot.world.fail_next_group_info(IQ_TIMEOUT)
    before = len(wabot.world.sent)
    attempt = asyncio.ensure_future(wabot.transport.send_mentioning_all(group, "Kerja bakti"))
    await wabot.clock.until(attempt.done, limit_s=100)  # request.go: 75 s without an answer
    error = attempt.exception()
    assert isinstance(error, TransportError)
    assert error.transient and not error.uncertain and not error.disconnected
    assert "info query timed out" in error.reason
    assert len(wabot.world.sent) == before
    again = asyncio.ensure_future(wabot.transport.send_mentioning_all(group, "Kerja bakti"))
    await wabot.clock.until(again.done)
    [sent] = wabot.world.sent[before:]
    assert sent.to == group and sent.message is not None and again.result().message_id == sent.id
    mentioned = sent.message.extendedTextMessage.contextInfo.mentionedJID
    assert list(mentioned) == participants(wabot.world, LID_GROUP)


async def test_a_group_the_account_left_fails_the_lookup_for_good(wabot: WaBot):
    info = next(g for g in wabot.world.groups if g.GroupName.Name == PHONE_GROUP)
    del info.Participants[0]  # this account (add_group puts it first)
    attempt = asyncio.ensure_future(
        wabot.transport.send_mentioning_all(group_jid(wabot.world, PHONE_GROUP), "Halo")
    )
    await wabot.clock.until(attempt.done)
    error = attempt.exception()
    assert isinstance(error, TransportError)
    assert not error.transient and not error.uncertain
    assert NOT_IN_GROUP in error.reason


async def test_the_simulated_poll_is_the_one_the_real_library_builds(tmp_path: Path):
    # neonize 0.5.2's own Go library builds polls offline (BuildPollCreation needs no socket):
    # the simulator's answer must have the same fields.
    clock = VirtualClock(SATURDAY_EVENING)
    reset_event_loop()
    world = WhatsAppSim(clock)
    try:
        real = NewAClient(str(tmp_path / "session.db"))
        simulated = world.factory(str(tmp_path / "sim.db"))
        for vote in (VoteType.SINGLE, VoteType.MULTIPLE):
            built = [
                await client.build_poll_vote_creation("Makan?", ["Bakso", "Soto"], vote)
                for client in (real, simulated)
            ]
            assert [len(b.messageContextInfo.messageSecret) for b in built] == [32, 32]
            for b in built:
                b.ClearField("messageContextInfo")  # random bytes
            assert built[0] == built[1]
    finally:
        await world.aclose()
        reset_event_loop()
