"""/ya accepts the reading the bot proposed for the owner's last command ("Maksudnya ...?").

The dispatcher also takes a plain "ya" (or "ok", ...) as /ya, in a chat where a proposal
waits; any other command there drops the proposal.
"""

from __future__ import annotations

from loguru import logger

from bot import messages as m
from bot.context import ACCEPT_COMMAND, PROPOSAL_TTL, Command, Context, UserError


async def accept(ctx: Context) -> None:
    proposal = ctx.proposal
    if proposal is None:
        raise UserError(m.PROPOSAL_NONE)
    if ctx.typed_at > proposal.expires:
        raise UserError(m.PROPOSAL_EXPIRED.format(minutes=int(PROPOSAL_TTL.total_seconds() // 60)))
    logger.info("owner accepted the proposed reading of /{}", proposal.command)
    await proposal.accept(ctx)


COMMANDS = [
    Command(
        ACCEPT_COMMAND,
        ("iya", "yes", "y", "ok", "oke"),
        accept,
        usage=m.YA_USAGE,
        example=m.YA_EXAMPLE,
        summary=m.YA_SUMMARY,
        notes=(m.YA_REPLY,),
    )
]
