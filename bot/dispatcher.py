"""Route an incoming message to its command handler; every failure becomes a short reply."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from types import MappingProxyType

from loguru import logger

from bot import messages as m
from bot.context import (
    ACCEPT_COMMAND,
    PROPOSAL_TTL,
    Command,
    Context,
    Proposal,
    Services,
    UserError,
)
from bot.models import IncomingMessage, SentMessage
from bot.settings import LID_SUFFIX
from bot.timefmt import format_duration, format_local

# A command that reaches the bot later than this after it was typed (a backlog delivered after
# an outage) still runs, but its reply says when it was typed.
LATE_AFTER = timedelta(minutes=2)
PHONE_SERVER = "@s.whatsapp.net"
# How long a reply to the bot's message about a post still names that post (bot_replies); the
# app's housekeeping forgets older ones.
REPLIES_KEPT = timedelta(days=90)
PERSON_CHATS = (PHONE_SERVER, LID_SUFFIX)  # a private chat with one person
# How many of the bot's latest messages to the owner a reply is still told to be to the bot's
# own message by (in self mode WhatsApp marks the bot's and the owner's alike as from-me).
OWN_MESSAGES_KEPT = 1000


def user_part(jid: str) -> str:
    """'628123@s.whatsapp.net' / '628123:12@s.whatsapp.net' -> '628123'."""
    return jid.split("@", 1)[0].split(":", 1)[0]


def owner_key(jid: str) -> str:
    """A sender as JADWAL_OWNERS writes it: '628123:12@s.whatsapp.net' -> '628123',
    '123456:3@lid' -> '123456@lid'."""
    user = user_part(jid)
    return user + LID_SUFFIX if jid.endswith(LID_SUFFIX) else user


def person_chat(jid: str) -> str:
    """The private chat with whoever sent from `jid`: '628123:12@s.whatsapp.net' ->
    '628123@s.whatsapp.net' (a device's address is not a chat)."""
    return f"{user_part(jid)}@{jid.partition('@')[2]}"


def typed_at(message: IncomingMessage, now: datetime) -> datetime:
    """When the owner typed `message`: its WhatsApp (server) timestamp, or `now` when that is
    ahead of our clock (skew) or unusable (naive). A transport stamps a message that came
    without a timestamp with its own clock."""
    stamp = message.timestamp
    if stamp.tzinfo is None or stamp > now:
        return now
    return stamp


def split_command(text: str) -> tuple[str, str, str] | None:
    """'/Jadwal besok 08:00 Hai\\nbaris 2' -> ('jadwal', 'besok 08:00 Hai', 'baris 2')."""
    stripped = text.strip()
    if not stripped.startswith("/") or len(stripped) < 2:
        return None
    first, _, body = stripped.partition("\n")
    word, _, args = first[1:].strip().partition(" ")
    name = word.split("@", 1)[0].lower()
    if not name:
        return None
    return name, args.strip(), body.strip("\n")


def plain_word(text: str) -> str:
    """'  Ya! ' -> 'ya': a one-word answer as typed, without case and end punctuation."""
    return text.strip().rstrip(".!").strip().lower()


@dataclass(frozen=True)
class Route:
    """What to do with a command: run it and reply to `reply_to`, or not run it and maybe
    send `hint` privately to `hint_to`. Nothing is ever sent anywhere else."""

    reply_to: str | None = None
    hint_to: str | None = None
    hint: str = ""


IGNORE = Route()


class Dispatcher:
    def __init__(
        self,
        services: Services,
        commands: Iterable[Command],
        send_text: Callable[[str, str], Awaitable[SentMessage]],
        send_image: Callable[[str, Path, str], Awaitable[SentMessage]],
        owner_chat: Callable[[], str],
        self_id: Callable[[], str],
        record_error: Callable[[str], Awaitable[None]],
    ) -> None:
        self._services = services
        self._send_text = send_text
        self._send_image = send_image
        self._owner_chat = owner_chat
        self._self_id = self_id
        self._record_error = record_error
        self._commands: dict[str, Command] = {}
        for command in commands:
            for name in (command.name, *command.aliases):
                if name in self._commands:
                    raise ValueError(f"command name /{name} registered twice")
                self._commands[name] = command
        self._registry = MappingProxyType(self._commands)
        self._in_group = ", ".join(
            sorted({f"/{c.name}" for c in self._commands.values() if c.in_group})
        )
        accept = self._commands.get(ACCEPT_COMMAND)
        self._accept_words = {accept.name, *accept.aliases} if accept else set()
        # Proposals waiting for "ya", by the chat they were made in. Kept in memory only: a
        # restart forgets them, and the owner types the command again.
        self._proposals: dict[str, Proposal] = {}
        # Ids of what the bot sent the owner (replies, hints, pictures), latest last: a reply
        # to one of them is a reply to the bot's own message. Kept in memory only.
        self._own: OrderedDict[str, None] = OrderedDict()

    @property
    def commands(self) -> Mapping[str, Command]:
        """Every registered command under each of its names, in registration order."""
        return self._registry

    def route(self, message: IncomingMessage, command: Command | None) -> Route:
        """The one rule for where commands are accepted and where their replies go.

        Self mode (no JADWAL_OWNERS): what the account itself types in its own chat ("Message
        yourself"). whatsmeow marks what is typed on the phone as from-me in EVERY chat, so a
        from-me command in a chat with someone else is never run or answered there.
        Owners mode: what a listed owner sends in their private chat with the bot.
        In a group (both modes) only commands declared `in_group` run; replies and hints go
        privately, never to the group. Unknown commands outside the owner's chat stay silent:
        the owner may be talking to other bots.
        """
        owners = self._services.settings.owners
        name = f"/{command.name}" if command else "an unknown command"
        if owners:
            # Listed under either of the sender's addresses (phone, or LID).
            keys = [owner_key(a) for a in (message.sender, message.sender_alt) if a]
            sender = next((key for key in keys if key in owners), keys[0])
            if sender not in owners:
                if command and sender.endswith(LID_SUFFIX):
                    logger.info(
                        "ignored {} from {}, not in JADWAL_OWNERS; its phone number is "
                        "unknown to the bot. To allow it, add {} to JADWAL_OWNERS",
                        name,
                        sender,
                        sender,
                    )
                else:
                    logger.debug("ignored {} from non-owner {}", name, message.sender)
                return IGNORE
            private = person_chat(message.sender)  # that owner's private chat with the bot
        else:
            if not message.from_me:
                logger.debug("ignored {} from {}: not typed by this account", name, message.sender)
                return IGNORE
            private = self._owner_chat()
        # Typed on the bot's own account, the owner's chat is "Message yourself".
        where = m.COMMANDS_WHERE_SELF if message.from_me else m.COMMANDS_WHERE_OWNERS
        if message.is_group:
            if command and command.in_group:
                return Route(reply_to=private)
            if command is None:
                logger.debug("ignored an unknown command in group {}", message.chat)
                return IGNORE
            logger.info(
                "ignored {} typed in group {}: only {} run in a group",
                name,
                message.chat,
                self._in_group,
            )
            return Route(
                hint_to=private,
                hint=m.NOT_IN_GROUP.format(name=command.name, allowed=self._in_group, where=where),
            )
        if not message.chat.endswith(PERSON_CHATS):
            logger.debug("ignored {} in chat {}: not a person's chat", name, message.chat)
            return IGNORE  # a status update ("status@broadcast"), a channel
        own_chat = user_part(message.chat) == self._self_id() and message.chat.endswith(
            PHONE_SERVER
        )
        if message.from_me and not own_chat:
            if command is None:
                logger.debug("ignored an unknown command typed in chat {}", message.chat)
                return IGNORE
            logger.info(
                "ignored {} typed in chat {}: this account's commands are read only "
                "in its own chat ('Message yourself')",
                name,
                message.chat,
            )
            return Route(
                hint_to=private, hint=m.NOT_IN_THIS_CHAT.format(name=command.name, where=where)
            )
        return Route(reply_to=message.chat)

    async def dispatch(self, message: IncomingMessage) -> None:
        """Handle one message; never raises (a failed reply is logged, the bot goes on)."""
        try:
            await self._dispatch(message)
        except Exception:
            logger.exception("could not answer message {}", message.message_id)

    async def _dispatch(self, message: IncomingMessage) -> None:
        if message.quoted_id and message.quoted_id in self._own and not message.quoted_from_bot:
            message = replace(message, quoted_from_bot=True)
        parsed = split_command(message.text)
        answer = (
            parsed is None
            and message.chat in self._proposals
            and plain_word(message.text) in self._accept_words
        )
        if answer:
            parsed = ACCEPT_COMMAND, "", ""
        if parsed is None:
            logger.debug("ignored non-command message {}", message.message_id)
            return
        name, args, body = parsed
        command = self._commands.get(name)
        route = self.route(message, command)
        if answer and route.reply_to != message.chat:
            return  # a plain "ya" is an answer only from the owner, in the proposal's chat
        if route.reply_to is None:
            if route.hint_to is not None:
                await self._say(route.hint_to, route.hint)
            return
        chat = route.reply_to
        proposal = self._proposals.pop(chat, None)  # any command ends the wait for "ya"
        now = self._services.clock()
        typed = typed_at(message, now)
        note = self._late_note(typed, now)

        async def send(text: str) -> SentMessage:
            nonlocal note
            if note:
                text, note = f"{note}\n\n{text}", ""
            return await self._say(chat, text)

        async def reply(text: str) -> None:
            await send(text)

        async def post_reply(post_id: int, text: str) -> None:
            await self._remember(await send(text), post_id)

        async def reply_image(image: Path, caption: str) -> SentMessage:
            nonlocal note
            if note:  # a caption is the post's own text: the note goes before it, alone
                await self._say(chat, note)
                note = ""
            sent = await self._send_image(chat, image, caption)
            self._mark_own(sent)
            return sent

        async def post_image(post_id: int, image: Path, caption: str) -> None:
            await self._remember(await reply_image(image, caption), post_id)

        if command is None:
            await reply(m.UNKNOWN_COMMAND.format(name=m.echo(name)))
            return
        context = Context(
            message,
            command.name,
            args,
            body,
            self._services,
            reply,
            reply_image,
            typed,
            proposal,
            self.commands,
            post_reply,
            post_image,
        )
        logger.info(
            "command /{} from {}{}",
            command.name,
            user_part(message.sender),
            f" (typed {format_duration(now - typed)} ago)" if note else "",
        )
        try:
            await command.handler(context)
        except UserError as problem:
            logger.info("/{} refused: {}", command.name, problem.reason.splitlines()[0])
            if problem.accept is not None:
                self._proposals[chat] = Proposal(command.name, problem.accept, now + PROPOSAL_TTL)
                logger.info(
                    '/{}: a reading was proposed; "ya" accepts it until {}',
                    command.name,
                    format_local(now + PROPOSAL_TTL, self._services.tz),
                )
                await reply(f"{problem.reason}\n{m.PROPOSAL_HINT}")
            elif problem.usage_of:
                usage_of = problem.usage_of
                if usage_of not in self._commands:
                    logger.warning("/{}: no command /{} to show usage of", command.name, usage_of)
                    usage_of = command.name
                await reply(
                    m.BAD_USAGE.format(reason=problem.reason, usage=context.usage(usage_of))
                )
            else:
                await reply(problem.reason)
        except Exception as exc:
            from bot.dbfaults import storage_fault

            if (fault := storage_fault(exc)) is not None:
                # The storage failed (the database, or the disk under a photo being saved),
                # not the command: say how. Recording the error in that same database would
                # fail too (and wait out the lock again).
                logger.error(
                    "/{} on message {} failed: storage is {} ({}: {})",
                    command.name,
                    message.message_id,
                    fault,
                    type(exc).__name__,
                    exc,
                )
                await reply(m.STORAGE_FAULT[fault].format(name=command.name))
                return
            logger.exception("handler /{} failed on message {}", command.name, message.message_id)
            await self._record_error(f"/{command.name}: {type(exc).__name__}")
            await reply(m.GENERIC_ERROR)

    async def _say(self, chat: str, text: str) -> SentMessage:
        sent = await self._send_text(chat, text)
        self._mark_own(sent)
        return sent

    def _mark_own(self, sent: SentMessage) -> None:
        self._own[sent.message_id] = None
        while len(self._own) > OWN_MESSAGES_KEPT:
            self._own.popitem(last=False)

    async def _remember(self, sent: SentMessage, post_id: int) -> None:
        """Keep which post the reply `sent` named, so that a reply to it acts on that post.
        The reply is out already: a storage fault here costs only that shortcut."""
        try:
            await self._services.store.remember_reply(
                sent.message_id, post_id, self._services.clock()
            )
        except Exception as exc:
            logger.warning(
                "reply {} about post #{} not remembered ({}: {})",
                sent.message_id,
                post_id,
                type(exc).__name__,
                exc,
            )

    def _late_note(self, typed: datetime, now: datetime) -> str:
        if now - typed <= LATE_AFTER:
            return ""
        tz = self._services.tz
        return m.LATE_COMMAND.format(
            typed=format_local(typed, tz), delay=format_duration(now - typed)
        )
