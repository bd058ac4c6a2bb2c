"""Route an incoming message to its command handler; every failure becomes a short reply."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path

from loguru import logger

from bot import messages as m
from bot.context import Command, Context, Services, UserError
from bot.models import IncomingMessage


def user_part(jid: str) -> str:
    """'628123@s.whatsapp.net' / '628123:12@s.whatsapp.net' -> '628123'."""
    return jid.split("@", 1)[0].split(":", 1)[0]


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


class Dispatcher:
    def __init__(
        self,
        services: Services,
        commands: Iterable[Command],
        send_text: Callable[[str, str], Awaitable[object]],
        send_image: Callable[[str, Path, str], Awaitable[object]],
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

    def is_owner(self, message: IncomingMessage) -> bool:
        sender = user_part(message.sender)
        owners = self._services.settings.owners
        if owners:
            return sender in owners
        return message.from_me and sender == self._self_id()

    async def dispatch(self, message: IncomingMessage) -> None:
        """Handle one message; never raises (a failed reply is logged, the bot goes on)."""
        try:
            await self._dispatch(message)
        except Exception:
            logger.exception("could not answer message {}", message.message_id)

    async def _dispatch(self, message: IncomingMessage) -> None:
        if not self.is_owner(message):
            logger.debug("ignored message {} from non-owner {}", message.message_id,
                         message.sender)
            return
        parsed = split_command(message.text)
        if parsed is None:
            logger.debug("ignored non-command message {}", message.message_id)
            return
        name, args, body = parsed
        # Replies to a command typed inside a group go to the owner privately, not the group.
        chat = self._owner_chat() if message.is_group else message.chat

        async def reply(text: str) -> None:
            await self._send_text(chat, text)

        async def reply_image(image: Path, caption: str) -> None:
            await self._send_image(chat, image, caption)

        command = self._commands.get(name)
        if command is None:
            await reply(m.UNKNOWN_COMMAND.format(name=name))
            return
        context = Context(message, command.name, args, body, self._services, reply, reply_image)
        logger.info("command /{} from {}", command.name, user_part(message.sender))
        try:
            await command.handler(context)
        except UserError as problem:
            logger.info("/{} refused: {}", command.name, problem.reason.splitlines()[0])
            if problem.usage_of:
                await reply(m.BAD_USAGE.format(reason=problem.reason,
                                               usage=m.USAGE[problem.usage_of]))
            else:
                await reply(problem.reason)
        except Exception as exc:
            logger.exception("handler /{} failed on message {}", command.name,
                             message.message_id)
            await self._record_error(f"/{command.name}: {type(exc).__name__}")
            await reply(m.GENERIC_ERROR)
