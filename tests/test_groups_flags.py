"""Groups as WhatsApp reports them (real neonize GroupInfo protobufs): community parents left out,
announcement-only groups where the bot is no admin flagged at /grup and warned about at /tujuan.
"""

from __future__ import annotations

import pytest
from neonize.proto.Neonize_pb2 import (
    JID,
    GroupAnnounce,
    GroupInfo,
    GroupLinkedParent,
    GroupName,
    GroupParent,
    GroupParticipant,
)

from bot import messages as m
from bot.models import Group
from bot.transport.whatsapp.groups import to_group, to_groups
from tests.conftest import SATURDAY_EVENING, BotFactory, Clock
from tests.fakes import OWNER, FakeTransport

OWNER_LID = "98765432101234"  # the account's LID, as in tests/wasim.py WhatsAppSim

OTHER = "6289999999999"
OTHER_LID = "55555555555555"


def phone(user: str) -> JID:
    return JID(User=user, Server="s.whatsapp.net")


def lid(user: str) -> JID:
    return JID(User=user, Server="lid")


def member(
    address: JID, *, admin: bool = False, superadmin: bool = False, other: JID | None = None
) -> GroupParticipant:
    """whatsmeow group.go parseParticipant: JID is the phone or the LID; the other address in
    LID / PhoneNumber; IsAdmin is true for a superadmin too."""
    participant = GroupParticipant(
        JID=address, IsAdmin=admin or superadmin, IsSuperAdmin=superadmin
    )
    if other is not None:
        (participant.LID if other.Server == "lid" else participant.PhoneNumber).CopyFrom(other)
    return participant


def info(
    user: str,
    name: str,
    *participants: GroupParticipant,
    announce: bool = False,
    parent: bool = False,
    linked_to: str = "",
) -> GroupInfo:
    built = GroupInfo(
        JID=JID(User=user, Server="g.us"),
        GroupName=GroupName(Name=name),
        GroupAnnounce=GroupAnnounce(IsAnnounce=announce),
        GroupParent=GroupParent(IsParent=parent),
        Participants=list(participants),
    )
    if linked_to:
        built.GroupLinkedParent.CopyFrom(
            GroupLinkedParent(LinkedParentJID=JID(User=linked_to, Server="g.us"))
        )
    decoded = GroupInfo()  # as neonize decodes it: from bytes
    decoded.ParseFromString(built.SerializePartialToString())
    return decoded


@pytest.mark.parametrize(
    ("participants", "announce", "admin"),
    [
        pytest.param(
            [member(phone(OWNER)), member(phone(OTHER), admin=True)],
            False,
            False,
            id="open-group-member",
        ),
        pytest.param(
            [member(phone(OWNER)), member(phone(OTHER), superadmin=True)],
            True,
            False,
            id="announce-member-by-phone",
        ),
        pytest.param(
            [member(lid(OWNER_LID), other=phone(OWNER))], True, False, id="announce-member-by-lid"
        ),
        pytest.param([member(lid(OWNER_LID), admin=True)], True, True, id="admin-by-lid"),
        pytest.param(
            [member(phone(OTHER)), member(phone(OWNER), admin=True, other=lid(OWNER_LID))],
            True,
            True,
            id="admin-by-phone",
        ),
        pytest.param([member(phone(OWNER), superadmin=True)], True, True, id="superadmin"),
        pytest.param(
            [member(lid(OTHER_LID), admin=True, other=phone(OTHER))],
            True,
            False,
            id="someone-else-admin",
        ),
        # the same digits on another server are someone else
        pytest.param([member(lid(OWNER), admin=True)], True, False, id="phone-digits-as-lid"),
    ],
)
def test_flags_from_group_info(participants: list[GroupParticipant], announce: bool, admin: bool):
    group = to_group(
        info("120363000000000001", "Info Sekolah", *participants, announce=announce),
        OWNER,
        OWNER_LID,
    )
    assert group == Group("120363000000000001@g.us", "Info Sekolah", announce=announce, admin=admin)
    assert group.admin_only is (announce and not admin)


def test_community_parent_is_left_out_and_its_groups_kept():
    infos = [
        info(
            "120363000000000010", "Komunitas Sekolah", member(phone(OWNER), admin=True), parent=True
        ),
        info(
            "120363000000000011",
            "Pengumuman Sekolah",
            member(phone(OWNER)),
            announce=True,
            linked_to="120363000000000010",
        ),
        info("120363000000000012", "", member(phone(OWNER)), linked_to="120363000000000010"),
    ]
    assert to_group(infos[0], OWNER, OWNER_LID) is None
    assert to_groups(infos, OWNER, OWNER_LID) == [
        Group("120363000000000011@g.us", "Pengumuman Sekolah", announce=True, admin=False),
        Group("120363000000000012@g.us", "120363000000000012@g.us"),  # unnamed: its address
    ]


def test_old_call_sites_keep_meaning_no_flag():
    assert not Group("1@g.us", "Lama").admin_only


# --- /grup and /tujuan --------------------------------------------------------------------------

GROUP_INFOS = [
    info(
        "120363000000000021",
        "Info Sekolah",
        member(phone(OWNER)),
        member(phone(OTHER), admin=True),
        announce=True,
    ),
    info("120363000000000022", "Pengumuman RT", member(lid(OWNER_LID), admin=True), announce=True),
    info("120363000000000023", "Alumni SMA", member(phone(OWNER))),
    info("120363000000000024", "Komunitas RT", member(phone(OWNER)), parent=True),
]


@pytest.fixture
def transport() -> FakeTransport:
    return FakeTransport(groups=tuple(to_groups(GROUP_INFOS, OWNER, OWNER_LID)))


async def test_group_list_marks_admin_only_groups(start_bot: BotFactory, transport: FakeTransport):
    bot = await start_bot(clock=Clock(SATURDAY_EVENING), transport=transport)
    assert (await bot.say("/grup")).splitlines() == [
        m.GROUPS_HEADER.format(count=3),
        "1. Alumni SMA",
        "2. Info Sekolah (hanya admin bisa kirim \u2014 bot bukan admin)",
        "3. Pengumuman RT",  # announcement-only, but the bot is an admin there
        m.GROUPS_FOOTER,
    ]


async def test_target_admin_only_group_is_saved_with_a_warning(
    start_bot: BotFactory, transport: FakeTransport
):
    bot = await start_bot(clock=Clock(SATURDAY_EVENING), transport=transport)
    reply = await bot.say("/tujuan 2")
    assert reply == (
        m.TARGET_SET.format(name="Info Sekolah")
        + "\n\n"
        + m.TARGET_ADMIN_ONLY.format(name="Info Sekolah")
    )
    assert "tidak pernah menampilkannya" in reply and "admin" in reply
    assert [g.jid for g in bot.app.state.destinations] == ["120363000000000021@g.us"]


@pytest.mark.parametrize(("query", "name"), [("1", "Alumni SMA"), ("pengumuman", "Pengumuman RT")])
async def test_target_where_the_bot_may_post_has_no_warning(
    start_bot: BotFactory, transport: FakeTransport, query: str, name: str
):
    bot = await start_bot(clock=Clock(SATURDAY_EVENING), transport=transport)
    assert await bot.say(f"/tujuan {query}") == m.TARGET_SET.format(name=name)


async def test_target_typed_inside_an_admin_only_group_warns_too(
    start_bot: BotFactory, transport: FakeTransport
):
    bot = await start_bot(clock=Clock(SATURDAY_EVENING), transport=transport)
    reply = await bot.say("/tujuan", chat="120363000000000021@g.us", is_group=True)
    assert reply.endswith(m.TARGET_ADMIN_ONLY.format(name="Info Sekolah"))
    assert [g.jid for g in bot.app.state.destinations] == ["120363000000000021@g.us"]
