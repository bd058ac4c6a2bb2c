"""What a command handler gets: the parsed command, the services, and a reply function."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import KW_ONLY, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot import messages as m
from bot.media import MediaStore
from bot.models import Group, IncomingMessage, SentMessage
from bot.posts import PostService
from bot.sendgate import SendGate
from bot.settings import Settings
from bot.state import BotState
from bot.store import Store
from bot.timeparse import ParseResult, parse_schedule
from bot.transport.base import ConnectionState

# How long a proposed reading ("Maksudnya besok 08:00?") waits for the owner's "ya".
PROPOSAL_TTL = timedelta(minutes=5)
# The command that accepts it; its name and aliases also work without the slash ("ya",
# "ok"), but only in a chat where a proposal waits.
ACCEPT_COMMAND = "ya"


class UserError(Exception):
    """A known problem with the owner's input; the dispatcher replies with `reason`.

    With `usage_of` set, the reply also shows that command's usage line and an example.
    With `accept` set, the reason proposes a reading and `accept` carries it out when the
    owner answers "ya" (instead of the usage line, the reply says so).
    """

    def __init__(
        self, reason: str, usage_of: str | None = None, accept: Handler | None = None
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.usage_of = usage_of
        self.accept = accept


@dataclass(frozen=True)
class Proposal:
    """A refused command's proposed reading, waiting in one chat for the owner's "ya"."""

    command: str
    accept: Handler
    expires: datetime


@dataclass
class Services:
    """The bot's capabilities as handlers see them; no transport object in sight."""

    store: Store
    media: MediaStore
    settings: Settings
    state: BotState
    started_at: datetime
    version: str
    clock: Callable[[], datetime]
    queue_changed: Callable[[], None]
    list_groups: Callable[[], Awaitable[list[Group]]]
    connection: Callable[[], ConnectionState]
    posts: PostService  # every change to the queue: its rules (bot.posts)
    gate: SendGate  # what holds sends now: a pause, quiet hours, the caps (bot.sendgate)

    @property
    def tz(self) -> ZoneInfo:
        """The zone times are read and shown in, as the bot's state holds it now."""
        return self.state.timezone


@dataclass(frozen=True)
class Context:
    message: IncomingMessage
    command: str
    args: str
    body: str
    services: Services
    reply: Callable[[str], Awaitable[None]]
    reply_image: Callable[[Path, str], Awaitable[SentMessage | None]]
    typed_at: datetime  # when the owner typed the command (bot.dispatcher.typed_at)
    # The proposal that was waiting in this chat when the command came; any command drops it,
    # only /ya acts on it.
    proposal: Proposal | None = None
    # Every registered command under each of its names, in the order /bantuan lists them.
    commands: Mapping[str, Command] = field(default_factory=dict)
    # Replies with a text that confirms or shows one post (by the id the owner uses: a
    # series' own id), remembering it so that a later reply to that message names the post.
    post_reply: Callable[[int, str], Awaitable[None]] | None = None
    # The same for a photo that shows one post (/lihat): a reply to it names the post.
    post_image: Callable[[int, Path, str], Awaitable[None]] | None = None

    async def reply_about(self, post_id: int, text: str) -> None:
        """Reply `text`, which confirms or shows post `post_id`."""
        if self.post_reply is None:
            await self.reply(text)
        else:
            await self.post_reply(post_id, text)

    async def reply_image_about(self, post_id: int, image: Path, caption: str) -> None:
        """Send `image` with `caption`, which shows post `post_id`."""
        if self.post_image is None:
            await self.reply_image(image, caption)
        else:
            await self.post_image(post_id, image, caption)

    @property
    def store(self) -> Store:
        return self.services.store

    def usage(self, name: str) -> str:
        """Command `name`'s usage lines and example ("Cara pakai"), from its declaration."""
        return self.commands[name].usage_text()

    def parse_time(self, phrase: str) -> ParseResult:
        """Read the time at the front of `phrase` as of when the owner typed it: 'dalam 1 jam'
        typed at 17:00 means 18:00 however late the message arrived; a moment the clock has
        already passed is refused as any past time is, with a proposal."""
        return parse_schedule(
            phrase, self.services.clock(), self.services.tz, typed_at=self.typed_at
        )


Handler = Callable[[Context], Awaitable[None]]


@dataclass(frozen=True)
class Command:
    """One command, declared once: what runs, and how /bantuan and "Cara pakai" show it.

    The texts are the owner's, so they live in bot.messages and the declaration names them:
    `usage` is what is typed after the name, one form per line ("<kapan> <teks>"; "" when
    nothing is), `example` one whole command as typed, `summary` what it does in one line,
    `notes` further lines that `/bantuan <name>` shows (the photo hint of /jadwal).
    A command without an example or a summary is refused here, when its module is loaded.
    """

    name: str
    aliases: tuple[str, ...]
    handler: Handler
    _: KW_ONLY
    usage: str
    example: str
    summary: str
    notes: tuple[str, ...] = ()
    in_group: bool = False  # runs when typed inside a group (replies still go privately)
    # What is typed after the name when the command replies to the bot's message about a post
    # instead of naming its id ("" for the name alone); None: no such form.
    by_reply: str | None = None

    def __post_init__(self) -> None:
        missing = [f for f in ("example", "summary") if not getattr(self, f).strip()]
        if missing:
            raise ValueError(f"/{self.name} declares no {' and no '.join(missing)}")
        if not isinstance(self.aliases, tuple) or not isinstance(self.notes, tuple):
            raise TypeError(f"/{self.name}: aliases and notes are tuples of strings")

    @property
    def forms(self) -> tuple[str, ...]:
        """Each way of typing it: ('/ubah <nomor> <kapan>', '/ubah <nomor> teks <teks baru>')."""
        return tuple(f"/{self.name} {form}".rstrip() for form in self.usage.split("\n"))

    def usage_text(self) -> str:
        """The usage lines and the example, as a refused command's reply shows them."""
        reply = (
            ()
            if self.by_reply is None
            else (m.USAGE_BY_REPLY.format(form=f"/{self.name} {self.by_reply}".rstrip()),)
        )
        return "\n".join((*self.forms, *reply, m.USAGE_EXAMPLE.format(example=self.example)))
