"""The console's message ids follow a rule a script can count by: out-N is the bot's N-th
message in the owner's chat, whatever went to groups in between."""

from __future__ import annotations

import io
from pathlib import Path

from bot.models import IncomingMessage
from bot.transport.console import DEMO_GROUPS, ConsoleTransport
from tests.conftest import SATURDAY_EVENING, Clock


async def test_posts_to_groups_take_no_number_of_the_owners_chat(tmp_path: Path):
    out = io.StringIO()
    console = ConsoleTransport(
        tmp_path, stdin=io.StringIO(""), stdout=out, clock=Clock(SATURDAY_EVENING)
    )

    async def ignore(_: IncomingMessage) -> None:
        return None

    await console.start(ignore)
    try:
        owner = console.owner_chat()
        await console.send_text(owner, "Satu")
        await console.send_text(DEMO_GROUPS[0].jid, "Post ke grup", post_id=1)
        await console.send_text(DEMO_GROUPS[1].jid, "Post ke grup", post_id=1)
        await console.send_text(owner, "Dua")
    finally:
        await console.stop()
    assert [line for line in out.getvalue().splitlines() if line.startswith("bot> ")] == [
        "bot> Satu  (id out-1)",
        "bot> Dua  (id out-2)",
    ]
