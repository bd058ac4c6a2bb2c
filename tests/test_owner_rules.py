"""Where commands are accepted and where replies go, in self mode and in owners mode.

whatsmeow marks everything typed on the account's phone as from-me in EVERY chat, so in self
mode a "/jadwal ..." typed to a customer arrives with from_me=True and chat = the customer.
The transport hands the core normalised addresses: the account's own chat is
"<own phone>@s.whatsapp.net"; a sender whose phone number is unknown stays "<digits>@lid".
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from loguru import logger

from bot import messages as m
from bot.context import Command, Context
from bot.dispatcher import Dispatcher
from bot.settings import Settings, SettingsError, load_settings
from tests.conftest import SATURDAY_EVENING, Bot, BotFactory, Clock
from tests.fakes import GROUPS, OWNER, OWNER_CHAT, make_message

CUSTOMER = "628777000222@s.whatsapp.net"
GROUP = GROUPS[2]  # "Alumni SMA"
BOSS = "628555000111"  # owners mode: the owner, writing to a dedicated bot number (OWNER)
BOSS_CHAT = f"{BOSS}@s.whatsapp.net"
BOSS_LID = "99887766554433@lid"  # a second owner whose phone number the bot cannot see
STRANGER_LID = "11122233344455@lid"

SELF_WHERE = m.COMMANDS_WHERE_SELF
OWNERS_WHERE = m.COMMANDS_WHERE_OWNERS
STATUS_HEAD = "jadwal-bot "  # how a /status reply starts


@pytest.fixture
def logs() -> Iterator[list[tuple[str, str]]]:
    records: list[tuple[str, str]] = []
    sink = logger.add(
        lambda msg: records.append((msg.record["level"].name, msg.record["message"])), level="DEBUG"
    )
    yield records
    logger.remove(sink)


@pytest.fixture
async def self_bot(start_bot: BotFactory, settings: Settings) -> Bot:
    """Self mode (no JADWAL_OWNERS): the quick start, on the owner's own account."""
    return await start_bot(clock=Clock(SATURDAY_EVENING), settings_=replace(settings, owners=()))


@pytest.fixture
async def owners_bot(start_bot: BotFactory, settings: Settings) -> Bot:
    """Owners mode: the bot runs on its own number (OWNER); BOSS and BOSS_LID command it."""
    return await start_bot(
        clock=Clock(SATURDAY_EVENING), settings_=replace(settings, owners=(BOSS, BOSS_LID))
    )


async def run(bot: Bot, text: str, **kwargs: object) -> list[tuple[str, str]]:
    """Dispatch one message; return every (chat, text) the bot sent because of it."""
    before = len(bot.transport.sent)
    assert bot.app.dispatcher is not None
    kwargs.setdefault("timestamp", bot.clock())
    await bot.app.dispatcher.dispatch(make_message(text, **kwargs))  # type: ignore[arg-type]
    return [(s.chat, s.text) for s in bot.transport.sent[before:]]


@dataclass(frozen=True)
class Case:
    text: str
    message: dict[str, object]
    sent: list[tuple[str, str]]  # exactly what the bot sends: (chat, text or its start)
    destination: str | None = None  # the destination afterwards (set only if /tujuan ran)


def assert_sent(sent: list[tuple[str, str]], expected: list[tuple[str, str]]) -> None:
    assert [chat for chat, _ in sent] == [chat for chat, _ in expected], sent
    for (_, text), (_, wanted) in zip(sent, expected, strict=True):
        assert text.startswith(wanted), (text, wanted)


def hint_elsewhere(name: str) -> str:
    return m.NOT_IN_THIS_CHAT.format(name=name, where=SELF_WHERE)


def hint_group(name: str, where: str) -> str:
    return m.NOT_IN_GROUP.format(name=name, allowed="/tujuan", where=where)


SELF_CASES = {
    "own chat runs, reply there": Case(
        "/status", {"chat": OWNER_CHAT}, [(OWNER_CHAT, STATUS_HEAD)]
    ),
    "own chat, unknown command is answered": Case(
        "/hapus 1", {"chat": OWNER_CHAT}, [(OWNER_CHAT, m.UNKNOWN_COMMAND.format(name="hapus"))]
    ),
    "customer chat: not run, hint privately": Case(
        "/jadwal besok 08:00 Halo", {"chat": CUSTOMER}, [(OWNER_CHAT, hint_elsewhere("jadwal"))]
    ),
    "customer chat, English alias: hint names the command": Case(
        "/status", {"chat": CUSTOMER}, [(OWNER_CHAT, hint_elsewhere("status"))]
    ),
    "customer chat, unknown /word: silent": Case("/menu", {"chat": CUSTOMER}, []),
    "own LID chat left unmapped: not taken for the own chat": Case(
        "/status", {"chat": "123456789@lid"}, [(OWNER_CHAT, hint_elsewhere("status"))]
    ),
    "someone else writing to the account: silent": Case(
        "/status", {"sender": "628777000222", "from_me": False}, []
    ),
    "group: /tujuan picks it, answer privately": Case(
        "/tujuan",
        {"chat": GROUP.jid, "is_group": True},
        [(OWNER_CHAT, m.TARGET_SET.format(name=GROUP.name))],
        destination=GROUP.jid,
    ),
    "group: /target alias too": Case(
        "/target",
        {"chat": GROUP.jid, "is_group": True},
        [(OWNER_CHAT, m.TARGET_SET.format(name=GROUP.name))],
        destination=GROUP.jid,
    ),
    "group: /jadwal not run, hint privately": Case(
        "/jadwal besok 08:00 Halo",
        {"chat": GROUP.jid, "is_group": True},
        [(OWNER_CHAT, hint_group("jadwal", SELF_WHERE))],
    ),
    "group: unknown /word silent": Case("/menu", {"chat": GROUP.jid, "is_group": True}, []),
    "group: someone else's /tujuan silent": Case(
        "/tujuan",
        {"sender": "628777000222", "from_me": False, "chat": GROUP.jid, "is_group": True},
        [],
    ),
}

OWNERS_CASES = {
    "listed phone, private chat: runs, reply there": Case(
        "/status", {"sender": BOSS, "from_me": False}, [(BOSS_CHAT, STATUS_HEAD)]
    ),
    "listed LID, private chat: runs, reply there": Case(
        "/status", {"sender": BOSS_LID, "from_me": False}, [(BOSS_LID, STATUS_HEAD)]
    ),
    "listed LID from another device": Case(
        "/status",
        {"sender": "99887766554433:7@lid", "chat": BOSS_LID, "from_me": False},
        [(BOSS_LID, STATUS_HEAD)],
    ),
    "unlisted LID: ignored": Case("/status", {"sender": STRANGER_LID, "from_me": False}, []),
    "unlisted phone: ignored": Case("/status", {"sender": "628777000222", "from_me": False}, []),
    "the bot's own number, not listed: ignored": Case("/status", {"chat": OWNER_CHAT}, []),
    "owner's status update: ignored": Case(
        "/status", {"sender": BOSS, "from_me": False, "chat": "status@broadcast"}, []
    ),
    "group: /tujuan picks it, answer to that owner privately": Case(
        "/tujuan",
        {"sender": BOSS, "from_me": False, "chat": GROUP.jid, "is_group": True},
        [(BOSS_CHAT, m.TARGET_SET.format(name=GROUP.name))],
        destination=GROUP.jid,
    ),
    "group: /jadwal not run, hint to that owner": Case(
        "/jadwal besok 08:00 Halo",
        {"sender": BOSS_LID, "from_me": False, "chat": GROUP.jid, "is_group": True},
        [(BOSS_LID, hint_group("jadwal", OWNERS_WHERE))],
    ),
    "group, from another device of a listed LID: answer to its private chat": Case(
        "/tujuan",
        {"sender": "99887766554433:7@lid", "from_me": False, "chat": GROUP.jid, "is_group": True},
        [(BOSS_LID, m.TARGET_SET.format(name=GROUP.name))],
        destination=GROUP.jid,
    ),
    "group: a stranger's /tujuan ignored": Case(
        "/tujuan",
        {"sender": "628777000222", "from_me": False, "chat": GROUP.jid, "is_group": True},
        [],
    ),
}


@pytest.mark.parametrize("case", SELF_CASES.values(), ids=SELF_CASES.keys())
async def test_self_mode(self_bot: Bot, case: Case):
    assert_sent(await run(self_bot, case.text, **case.message), case.sent)
    assert [g.jid for g in self_bot.app.state.destinations] == (
        [case.destination] if case.destination else []
    )
    assert await self_bot.app.store.pending_page(10, 0) == []


@pytest.mark.parametrize("case", OWNERS_CASES.values(), ids=OWNERS_CASES.keys())
async def test_owners_mode(owners_bot: Bot, case: Case):
    assert_sent(await run(owners_bot, case.text, **case.message), case.sent)
    assert [g.jid for g in owners_bot.app.state.destinations] == (
        [case.destination] if case.destination else []
    )
    assert await owners_bot.app.store.pending_page(10, 0) == []


async def test_command_to_a_customer_is_logged_and_never_runs(
    self_bot: Bot, logs: list[tuple[str, str]]
):
    await run(self_bot, "/tujuan 2", chat=OWNER_CHAT)  # a destination, so /jadwal could run
    logs.clear()
    sent = await run(self_bot, "/jadwal besok 08:00 Promo", chat=CUSTOMER)
    assert all(chat != CUSTOMER for chat, _ in sent)
    assert await self_bot.app.store.pending_page(10, 0) == []
    infos = [text for level, text in logs if level == "INFO"]
    assert len(infos) == 1 and CUSTOMER in infos[0] and "/jadwal" in infos[0]


async def test_unknown_word_in_another_chat_is_not_logged_at_info(
    self_bot: Bot, logs: list[tuple[str, str]]
):
    assert await run(self_bot, "/menu", chat=CUSTOMER) == []
    assert [level for level, text in logs if CUSTOMER in text] == ["DEBUG"]


async def test_unlisted_lid_is_logged_with_how_to_allow_it(
    owners_bot: Bot, logs: list[tuple[str, str]]
):
    assert await run(owners_bot, "/status", sender=STRANGER_LID, from_me=False) == []
    infos = [text for level, text in logs if level == "INFO"]
    assert len(infos) == 1
    assert f"add {STRANGER_LID} to JADWAL_OWNERS" in infos[0]


async def test_unlisted_phone_is_not_logged_at_info(owners_bot: Bot, logs: list[tuple[str, str]]):
    assert await run(owners_bot, "/status", sender="628777000222", from_me=False) == []
    assert [level for level, _ in logs] == ["DEBUG"]


async def test_the_in_group_flag_decides_what_runs_in_a_group(self_bot: Bot):
    """The group rule reads the Command declaration, not a list of names."""
    ran: list[str] = []

    async def note(ctx: Context) -> None:
        ran.append(ctx.command)
        await ctx.reply("ok")

    transport = self_bot.transport
    dispatcher = Dispatcher(
        self_bot.services,
        [
            Command("satu", (), note, usage="", example="/satu", summary="satu", in_group=True),
            Command("dua", (), note, usage="", example="/dua", summary="dua"),
        ],
        transport.send_text,
        transport.send_image,
        transport.owner_chat,
        transport.self_id,
        self_bot.app.record_error,
    )
    for text in ("/satu", "/dua"):
        await dispatcher.dispatch(
            make_message(text, chat=GROUP.jid, is_group=True, timestamp=self_bot.clock())
        )
    assert ran == ["satu"]
    assert [(s.chat, s.text) for s in transport.sent] == [
        (OWNER_CHAT, "ok"),
        (OWNER_CHAT, m.NOT_IN_GROUP.format(name="dua", allowed="/satu", where=SELF_WHERE)),
    ]


# --- JADWAL_OWNERS ------------------------------------------------------------------------


def load(owners: str) -> Settings:
    return load_settings(environ={"JADWAL_OWNERS": owners}, env_file=None, data_dir=Path("x"))


def test_owners_take_phone_numbers_and_lids() -> None:
    settings = load(f"+62 855-5000-111, {BOSS_LID}, 12345678901234@LID ")
    assert settings.owners == (BOSS, BOSS_LID, "12345678901234@lid")


@pytest.mark.parametrize(
    "bad", ["abc@lid", "@lid", "123:4@lid", "123@lid.x", "123@g.us", "1" * 21 + "@lid"]
)
def test_a_bad_lid_is_named(bad: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load(f"{OWNER}, {bad}, {BOSS_LID}")
    lines = str(caught.value).splitlines()[1:]
    assert len(lines) == 1 and repr(bad) in lines[0] and "JADWAL_OWNERS" in lines[0]


def test_each_bad_owner_gets_its_own_line() -> None:
    with pytest.raises(SettingsError) as caught:
        load("bukan-nomor, 1x@lid, 628123456789")
    lines = str(caught.value).splitlines()[1:]
    assert [("'bukan-nomor'" in line, "'1x@lid'" in line) for line in lines] == [
        (True, False),
        (False, True),
    ]
