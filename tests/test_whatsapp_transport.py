"""The WhatsApp transport, the reconnect loop and the whole bot against the neonize/whatsmeow
simulator (tests/wasim.py): neonize's own client and event decoding over a Go side that
behaves like goneonize and whatsmeow, on a virtual clock.

Every bot test runs in both owner modes: self mode (the README's quick start: the paired
account itself, commands only in "Message yourself") and owners mode (the recommended setup:
a dedicated bot number, the owner's personal number in JADWAL_OWNERS).
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from loguru import logger
from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import (
    ContextInfo,
    DocumentMessage,
    ExtendedTextMessage,
    Message,
)
from PIL import Image

from bot import exitcodes
from bot import messages as m
from bot.app import App
from bot.models import PostStatus
from bot.settings import Settings
from bot.transport.whatsapp.linkstate import Phase
from bot.transport.whatsapp.pairing import ATTEMPT_S
from bot.transport.whatsapp.reconnect import ReconnectPolicy
from bot.transport.whatsapp.transport import STOP_LIMIT_S, WhatsAppTransport
from tests.conftest import SATURDAY_EVENING
from tests.quick import quick_settings
from tests.vclock import VirtualClock
from tests.wasim import (
    NOT_IN_GROUP,
    SEND_TIMEOUT,
    WhatsAppSim,
    members_error,
    reset_event_loop,
)

BOT_PHONE = "6281234567890"  # the paired account (the simulator's default)
OWNER_PHONE, OWNER_LID = "6285711112222", "22222222222222"  # owners mode: the owner's phone
CUSTOMER_LID, CUSTOMER_PHONE = "33333333333333", "6289900001111"
POLICY = ReconnectPolicy(
    initial=3, cap=60, jitter=0, max_failed_connects=40, connect_timeout=60, stay_down_limit=600
)


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(out, "JPEG")
    return out.getvalue()


async def reachable() -> None:
    return None


@dataclass
class WaBot:
    app: App
    transport: WhatsAppTransport
    world: WhatsAppSim
    clock: VirtualClock
    mode: str

    @property
    def owner_chat(self) -> str:
        """Where the owner reads the bot: the own chat (self mode) or their DM with it."""
        phone = BOT_PHONE if self.mode == "self" else OWNER_PHONE
        return f"{phone}@s.whatsapp.net"

    def command(self, text: str | Message) -> None:
        """The owner types `text` where this mode reads commands."""
        if self.mode == "self":
            self.world.self_chat(text)
        else:
            self.world.from_contact(text, lid=OWNER_LID, phone=OWNER_PHONE)

    def sent_to(self, chat: str) -> list[str]:
        return [s.text for s in self.world.sent if s.to == chat]

    async def say(self, text: str | Message) -> str:
        """Type a command (text, or a message such as a captioned photo); return the one
        reply it got."""
        before = len(self.sent_to(self.owner_chat))
        self.command(text)
        await self.clock.until(lambda: len(self.sent_to(self.owner_chat)) > before)
        await self.clock.advance(2)  # a second reply would come within a send's time
        replies = self.sent_to(self.owner_chat)[before:]
        assert len(replies) == 1, f"expected one reply to {text!r}, got {replies}"
        return replies[0]


def group_jid(world: WhatsAppSim, name: str) -> str:
    info = next(g for g in world.groups if g.GroupName.Name == name)
    return f"{info.JID.User}@g.us"


def settings_for(tmp_path: Path, mode: str) -> Settings:
    owners = () if mode == "self" else (OWNER_PHONE,)
    return quick_settings(data_dir=tmp_path / "data", owners=owners)


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock(SATURDAY_EVENING)


@pytest.fixture
async def world(clock: VirtualClock) -> AsyncIterator[WhatsAppSim]:
    reset_event_loop()
    sim = WhatsAppSim(clock, phone=BOT_PHONE)
    sim.add_group("Grup Pengumuman")
    sim.add_group("Arisan RT 05")
    try:
        yield sim
    finally:
        await sim.aclose()
        reset_event_loop()


async def start(
    tmp_path: Path,
    world: WhatsAppSim,
    clock: VirtualClock,
    mode: str,
    policy: ReconnectPolicy = POLICY,
    pair_phone: str | None = None,
) -> WaBot:
    settings = settings_for(tmp_path, mode)
    transport = WhatsAppTransport(
        settings.data_dir,
        settings.timezone,
        settings.owners,
        pair_phone=pair_phone,
        policy=policy,
        client_factory=world.factory,
        probe=reachable,
        clock=clock,
        sleep=clock.sleep,
    )
    app = App(settings, transport, clock)
    await app.start()
    await clock.settle()
    return WaBot(app, transport, world, clock, mode)


@pytest.fixture(params=["self", "owners"])
async def wabot(
    request: pytest.FixtureRequest, tmp_path: Path, world: WhatsAppSim, clock: VirtualClock
) -> AsyncIterator[WaBot]:
    bot = await start(tmp_path, world, clock, request.param)
    assert bot.transport.status.phase is Phase.CONNECTED
    yield bot
    await bot.app.stop()


# --- commands: where, in what order, judged when -------------------------------------------


async def test_session_lives_in_the_data_dir_and_the_account_is_known(wabot: WaBot):
    assert wabot.world.connect_calls == 1 and wabot.world.live_calls == 1
    assert wabot.transport.self_id() == BOT_PHONE
    assert wabot.transport.identity.lid == wabot.world.lid
    assert wabot.transport.owner_chat() == wabot.owner_chat


async def test_a_command_is_answered_in_the_owner_chat(wabot: WaBot):
    reply = await wabot.say("/status")
    assert "terhubung" in reply
    # the self chat comes LID-addressed; the reply goes to the account's phone JID
    assert {s.to for s in wabot.world.sent} == {wabot.owner_chat}


async def test_a_command_typed_to_a_customer_never_runs_and_nothing_reaches_them(wabot: WaBot):
    wabot.world.lid_to_pn[CUSTOMER_LID] = CUSTOMER_PHONE
    wabot.world.owner_phone_message("/grup", chat=f"{CUSTOMER_LID}@lid")
    await wabot.clock.advance(2)
    customer = {f"{CUSTOMER_PHONE}@s.whatsapp.net", f"{CUSTOMER_LID}@lid"}
    assert not [s for s in wabot.world.sent if s.to in customer]
    hints = wabot.sent_to(f"{BOT_PHONE}@s.whatsapp.net")
    assert (
        hints == [m.NOT_IN_THIS_CHAT.format(name="grup", where=m.COMMANDS_WHERE_SELF)]
        if wabot.mode == "self"
        else hints == []
    )


async def test_tujuan_inside_a_group_is_answered_privately(wabot: WaBot):
    group = wabot.world.groups[1]
    group_jid = f"{group.JID.User}@g.us"
    if wabot.mode == "self":
        wabot.world.owner_phone_message("/tujuan", chat=group_jid)
    else:
        wabot.world.from_contact("/tujuan", lid=OWNER_LID, phone=OWNER_PHONE, group=group_jid)
    await wabot.clock.advance(2)
    assert wabot.sent_to(wabot.owner_chat) == [m.TARGET_SET.format(name="Arisan RT 05")]
    assert wabot.sent_to(group_jid) == []
    assert [g.jid for g in wabot.app.state.destinations] == [group_jid]


async def test_jadwal_inside_a_group_is_not_run_and_the_group_gets_nothing(wabot: WaBot):
    group_jid = f"{wabot.world.groups[0].JID.User}@g.us"
    if wabot.mode == "self":
        wabot.world.owner_phone_message("/jadwal besok 08:00 Halo", chat=group_jid)
    else:
        wabot.world.from_contact(
            "/jadwal besok 08:00 Halo", lid=OWNER_LID, phone=OWNER_PHONE, group=group_jid
        )
    await wabot.clock.advance(2)
    assert wabot.sent_to(group_jid) == []
    assert await wabot.app.store.all_posts() == []


async def test_owners_mode_maps_a_lid_without_sender_alt_through_the_lid_store(
    tmp_path: Path, world: WhatsAppSim, clock: VirtualClock
):
    bot = await start(tmp_path, world, clock, "owners")
    world.lid_to_pn[OWNER_LID] = OWNER_PHONE  # known to whatsmeow, not sent as SenderAlt
    world.from_contact("/status", lid=OWNER_LID)
    await clock.advance(2)
    assert len(bot.sent_to(f"{OWNER_PHONE}@s.whatsapp.net")) == 1
    await bot.app.stop()


async def test_owners_mode_accepts_the_owner_once_whatsmeow_learns_their_lid(
    tmp_path: Path, world: WhatsAppSim, clock: VirtualClock
):
    """An unknown LID is not remembered as unknown: whatsmeow's lidmap.go answers an empty
    JID until it learns the mapping."""
    bot = await start(tmp_path, world, clock, "owners")
    world.from_contact("/status", lid=OWNER_LID)  # mapping not known yet
    await clock.advance(2)
    assert world.sent == []
    world.lid_to_pn[OWNER_LID] = OWNER_PHONE  # learnt, e.g. from a group's participant list
    world.from_contact("/status", lid=OWNER_LID)
    await clock.until(lambda: len(bot.sent_to(f"{OWNER_PHONE}@s.whatsapp.net")) == 1)
    await bot.app.stop()


async def test_an_owner_listed_by_lid_is_still_obeyed_when_their_phone_is_known(
    tmp_path: Path, world: WhatsAppSim, clock: VirtualClock
):
    settings = quick_settings(data_dir=tmp_path / "data", owners=(f"{OWNER_LID}@lid",))
    transport = WhatsAppTransport(
        settings.data_dir,
        settings.timezone,
        settings.owners,
        policy=POLICY,
        client_factory=world.factory,
        probe=reachable,
        clock=clock,
        sleep=clock.sleep,
    )
    app = App(settings, transport, clock)
    await app.start()
    world.from_contact("/status", lid=OWNER_LID)  # no SenderAlt: stays a LID
    world.from_contact("/status", lid=OWNER_LID, phone=OWNER_PHONE)  # SenderAlt: the phone
    await clock.until(lambda: len(world.sent) == 2)
    assert len(world.sent) == 2
    await app.stop()


async def test_a_ban_code_goneonize_cannot_encode_is_waited_out(
    tmp_path: Path, world: WhatsAppSim, clock: VirtualClock
):
    """goneonize EncodeTemporaryBan leaves Code unset for codes it does not know; the Go call
    then ends with a proto error instead of delivering the ban."""
    bot = await start(tmp_path, world, clock, "self")
    world.temporary_ban(105, 3600)
    await clock.advance(60)
    assert bot.transport.status.phase is Phase.BANNED
    calls = world.connect_calls
    await clock.advance(POLICY.ban_unknown_expiry - 120)
    assert world.connect_calls == calls  # no reconnect into the ban
    assert world.orphaned_calls == 0
    await bot.app.stop()


async def test_owners_mode_ignores_an_unknown_lid_and_logs_how_to_allow_it(
    tmp_path: Path, world: WhatsAppSim, clock: VirtualClock
):
    bot = await start(tmp_path, world, clock, "owners")
    lines: list[str] = []
    sink = logger.add(lines.append, level="INFO", format="{message}")
    try:
        world.from_contact("/status", lid="44444444444444")
        await clock.settle()
    finally:
        logger.remove(sink)
    assert world.sent == []
    assert any("44444444444444@lid" in line and "JADWAL_OWNERS" in line for line in lines)
    await bot.app.stop()


async def test_a_backlog_is_handled_one_message_at_a_time_in_order(wabot: WaBot):
    """neonize runs each event as its own task; the inbox keeps them in order."""
    world, clock = wabot.world, wabot.clock
    world.network = "down"
    world.drop_connection()
    await clock.advance(1)
    wabot.command("/tujuan 2")  # typed while the bot was offline: delivered as a backlog
    wabot.command("/jadwal besok 08:00 Arisan bulan ini")
    world.network = "up"
    await clock.advance(30)
    assert wabot.transport.status.phase is Phase.CONNECTED
    (post,) = await wabot.app.store.all_posts()
    assert post.destination_name == "Grup Pengumuman"  # /tujuan 2, then the post
    assert world.orphaned_calls == 0


async def test_relative_times_count_from_when_the_command_was_typed(wabot: WaBot):
    world, clock = wabot.world, wabot.clock
    await wabot.say("/tujuan 1")
    world.network = "down"
    world.drop_connection()
    typed = clock()
    wabot.command("/jadwal dalam 1 jam Rapat")
    await clock.advance(30 * 60)  # the phone's message waits 30 minutes for the bot
    world.network = "up"
    await clock.advance(60)
    (post,) = await wabot.app.store.all_posts()
    assert (post.due_at - typed).total_seconds() == 3600
    reply = wabot.sent_to(wabot.owner_chat)[-1]
    assert reply.startswith("Catatan:")  # arrived late: the owner is told


async def test_the_first_backlog_message_is_not_lost_to_an_unknown_identity(
    tmp_path: Path, world: WhatsAppSim, clock: VirtualClock
):
    """client.me is set from goneonize's code 0 before the backlog is delivered."""
    world.self_chat("/status")  # typed before the bot ever connected
    world.from_contact("/status", lid=OWNER_LID, phone=OWNER_PHONE)
    bot = await start(tmp_path, world, clock, "self")
    await clock.advance(2)
    assert len(bot.sent_to(f"{BOT_PHONE}@s.whatsapp.net")) == 1
    await bot.app.stop()


async def test_a_slow_send_does_not_drop_the_owner_commands_meanwhile(wabot: WaBot):
    """whatsmeow never echoes this device's sends, so nothing waits for echoes."""
    await wabot.say("/tujuan 1")
    wabot.world.send_delay_s = 70  # a send can take up to 75 s
    wabot.command("/jadwal dalam 1 menit Halo grup")
    await wabot.clock.advance(80)
    wabot.app.services.queue_changed() if wabot.app.services else None
    await wabot.clock.advance(5)  # the post's send is under way for 70 s
    wabot.command("/antrian")
    await wabot.clock.advance(200)
    replies = wabot.sent_to(wabot.owner_chat)
    assert len(replies) == 3 and replies[2].startswith(m.QUEUE_HEADER.split("{")[0][:6])
    assert wabot.sent_to(group_jid(wabot.world, "Arisan RT 05")) == ["Halo grup"]


# --- sends ---------------------------------------------------------------------------------


async def deliver_due(bot: WaBot, text: str, fail_with: str | None = None) -> int:
    """Schedule `text` to "Arisan RT 05" (/tujuan 1: groups are numbered by name), let it
    fall due; `fail_with`: whatsmeow's answer to the post's send."""
    await bot.say("/tujuan 1")
    await bot.say(f"/jadwal dalam 1 menit {text}")
    if fail_with:
        bot.world.fail_next_send(fail_with)
    await bot.clock.advance(61)
    assert bot.app.services is not None
    bot.app.services.queue_changed()
    (post,) = [p for p in await bot.app.store.all_posts() if p.text == text]

    async def settled() -> bool:
        done = await bot.app.store.get_post(post.id)
        return done is not None and done.status not in (PostStatus.PENDING, PostStatus.SENDING)

    await bot.clock.until(settled, limit_s=300)  # a send times out after 75 s
    await bot.clock.advance(5)  # the owner's notice, if any, follows the outcome
    return post.id


async def test_a_due_post_is_sent_to_the_group_once(wabot: WaBot):
    post_id = await deliver_due(wabot, "Halo grup")
    post = await wabot.app.store.get_post(post_id)
    group = group_jid(wabot.world, "Arisan RT 05")
    assert post is not None and post.status is PostStatus.SENT
    (sent,) = [s for s in wabot.world.sent if s.to == group]
    assert sent.text == "Halo grup" and post.wa_message_id == sent.id


async def test_a_send_that_timed_out_is_uncertain_never_resent(wabot: WaBot):
    post_id = await deliver_due(wabot, "Mungkin terkirim", SEND_TIMEOUT)
    post = await wabot.app.store.get_post(post_id)
    assert post is not None and post.status is PostStatus.UNCERTAIN
    group = group_jid(wabot.world, "Arisan RT 05")
    assert wabot.sent_to(group) == []  # the failed attempt, and no second one
    assert any(f"/ulang {post_id}" in text for text in wabot.sent_to(wabot.owner_chat))


async def test_not_a_member_any_more_fails_with_an_indonesian_reason(wabot: WaBot):
    post_id = await deliver_due(wabot, "Tidak sampai", members_error(NOT_IN_GROUP))
    post = await wabot.app.store.get_post(post_id)
    assert post is not None and post.status is PostStatus.FAILED
    assert post.last_error is not None and "bukan anggota" in post.last_error


async def test_groups_show_admin_only_groups_and_leave_out_communities(wabot: WaBot):
    wabot.world.add_group("Info Sekolah", announce=True, admin=False)
    wabot.world.add_group("Komunitas Induk", parent=True)
    reply = await wabot.say("/grup")
    assert "Komunitas Induk" not in reply
    line = next(x for x in reply.splitlines() if "Info Sekolah" in x)
    assert m.GROUP_ADMIN_ONLY in line
    assert m.GROUP_ADMIN_ONLY not in next(x for x in reply.splitlines() if "Arisan" in x)


# --- images --------------------------------------------------------------------------------


async def test_a_photo_with_the_command_as_caption_is_queued(wabot: WaBot):
    await wabot.say("/tujuan 1")
    reply = await wabot.say(wabot.world.photo(jpeg(), "/jadwal besok 08:00 Promo"))
    assert reply.startswith("#1 terjadwal (foto)")


async def test_a_view_once_photo_is_refused(wabot: WaBot):
    await wabot.say("/tujuan 1")
    photo = wabot.world.photo(jpeg(), "/jadwal besok 08:00 Rahasia")
    photo.imageMessage.viewOnce = True
    reply = await wabot.say(photo)
    assert reply == m.MEDIA_VIEW_ONCE and await wabot.app.store.all_posts() == []


async def test_a_photo_sent_as_a_document_is_accepted(wabot: WaBot):
    await wabot.say("/tujuan 1")
    data = jpeg()
    photo = wabot.world.photo(data)
    path = photo.imageMessage.directPath
    document = Message(
        documentMessage=DocumentMessage(
            caption="/jadwal besok 08:00 Brosur",
            mimetype="image/jpeg",
            fileName="brosur.jpg",
            directPath=path,
            mediaKey=photo.imageMessage.mediaKey,
            fileSHA256=photo.imageMessage.fileSHA256,
            fileEncSHA256=photo.imageMessage.fileEncSHA256,
            fileLength=len(data),
        )
    )
    reply = await wabot.say(document)
    assert reply.startswith("#1 terjadwal (foto)")


async def test_a_reply_to_a_photo_too_old_to_download_asks_for_it_again(wabot: WaBot):
    await wabot.say("/tujuan 1")
    old = wabot.world.photo(jpeg())
    wabot.world.expired_media[old.imageMessage.directPath] = 410
    reply_msg = Message(
        extendedTextMessage=ExtendedTextMessage(
            text="/jadwal besok 08:00 Lama",
            contextInfo=ContextInfo(
                stanzaID="OLD1", quotedMessage=Message(imageMessage=old.imageMessage)
            ),
        )
    )
    reply = await wabot.say(reply_msg)
    assert reply == m.MEDIA_EXPIRED.format(Kind="Foto", kind="foto")
    assert await wabot.app.store.all_posts() == []


# --- the link: pairing, stopping, no orphaned calls ------------------------------------------


async def test_pairing_shows_a_qr_then_exits_for_a_fresh_start_when_it_expires(
    tmp_path: Path, world: WhatsAppSim, clock: VirtualClock
):
    world.paired = False
    bot = await start(tmp_path, world, clock, "self")
    qr = tmp_path / "data" / "qr.png"
    assert bot.transport.status.phase is Phase.PAIRING and qr.is_file()
    await clock.advance(ATTEMPT_S - 1)
    assert bot.transport.status.phase is Phase.PAIRING  # each new code extended the attempt
    await clock.advance(POLICY.pairing_margin + 5)
    assert await clock.run(bot.transport.wait_closed(), limit_s=1) == exitcodes.RESTART
    # the expired call cannot be stopped: no second call was started on top of it
    assert world.connect_calls == 1 and world.orphaned_calls == 0
    await clock.run(bot.app.stop(), limit_s=60)  # gives up on the stuck call after 5 s


async def test_scanning_the_qr_in_time_pairs_and_connects(
    tmp_path: Path, world: WhatsAppSim, clock: VirtualClock
):
    world.paired = False
    bot = await start(tmp_path, world, clock, "self")
    await clock.advance(100)
    assert world.scan_qr()
    await clock.settle()
    assert bot.transport.status.phase is Phase.CONNECTED
    assert not (tmp_path / "data" / "qr.png").exists()
    assert bot.transport.self_id() == BOT_PHONE
    await bot.app.stop()


async def test_pairing_by_phone_asks_for_one_code_per_attempt(
    tmp_path: Path, world: WhatsAppSim, clock: VirtualClock
):
    world.paired = False
    bot = await start(tmp_path, world, clock, "self", pair_phone=BOT_PHONE)
    await clock.advance(100)  # five more QR codes came: still the one pairing code
    assert len(world.pair_codes) == 1
    assert not (tmp_path / "data" / "qr.png").exists()
    assert world.enter_pair_code(world.pair_codes[0])
    await clock.settle()
    assert bot.transport.status.phase is Phase.CONNECTED
    await bot.app.stop()


async def test_stopping_during_pairing_ends_within_the_limit(
    tmp_path: Path, world: WhatsAppSim, clock: VirtualClock
):
    world.paired = False
    bot = await start(tmp_path, world, clock, "self")
    began = clock.elapsed
    await clock.run(bot.transport.stop(), limit_s=60)
    assert clock.elapsed - began <= STOP_LIMIT_S + 0.1
    assert world.stuck_calls == 1  # whatsmeow's QR loop never ends: the process exits anyway
    await clock.run(bot.app.stop(), limit_s=60)


async def test_network_down_then_up_never_orphans_a_call(
    tmp_path: Path, world: WhatsAppSim, clock: VirtualClock
):
    world.network = "down"
    bot = await start(tmp_path, world, clock, "self")
    await clock.advance(200)
    failed = world.connect_calls
    assert failed >= 3 and bot.transport.status.phase is Phase.RECONNECTING
    world.network = "up"
    await clock.advance(120)
    assert bot.transport.status.phase is Phase.CONNECTED
    assert world.orphaned_calls == 0 and world.live_calls == 1
    await bot.app.stop()
    assert world.live_calls == 0 and world.threads_in_go == 0


async def test_a_link_down_for_ten_minutes_is_stopped_before_the_loop_reconnects(
    tmp_path: Path, world: WhatsAppSim, clock: VirtualClock
):
    bot = await start(tmp_path, world, clock, "self")
    world.network = "down"
    world.drop_connection()
    await clock.advance(POLICY.stay_down_limit + 1)
    world.network = "up"
    await clock.advance(120)
    assert bot.transport.status.phase is Phase.CONNECTED
    assert world.orphaned_calls == 0 and world.live_calls == 1
    await bot.app.stop()


async def test_a_ban_without_expiry_is_waited_out_an_hour_not_a_second(
    tmp_path: Path, world: WhatsAppSim, clock: VirtualClock
):
    bot = await start(tmp_path, world, clock, "self")
    world.temporary_ban(102, 0)
    await clock.advance(60)
    assert bot.transport.status.phase is Phase.BANNED
    calls = world.connect_calls
    world.clear_verdict()
    await clock.advance(POLICY.ban_unknown_expiry - 120)
    assert world.connect_calls == calls  # no retry inside the hour
    await clock.advance(240)
    assert bot.transport.status.phase is Phase.CONNECTED
    assert world.orphaned_calls == 0
    await bot.app.stop()


@pytest.mark.parametrize(
    ("reason", "words"), [(401, "device unlinked"), (406, "logged out or banned")]
)
async def test_logged_out_closes_the_transport_with_its_exit_code(
    tmp_path: Path, world: WhatsAppSim, clock: VirtualClock, reason: int, words: str
):
    bot = await start(tmp_path, world, clock, "self")
    world.logged_out(reason)
    await clock.advance(30)
    assert await bot.transport.wait_closed() == exitcodes.LOGGED_OUT
    assert bot.transport.status.last_disconnect is not None
    assert words in bot.transport.status.last_disconnect
    await bot.app.stop()
