"""A started bot on the console transport in a temp data dir, with timing hooks."""

from __future__ import annotations

import io
import itertools
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bot.app import App
from bot.models import IncomingMessage, SentMessage
from bot.transport.console import DEMO_GROUPS, ConsoleTransport
from tests.quick import quick_settings

OWNER = "6281234567890"


class TimedConsole(ConsoleTransport):
    """The console transport, noting when each message is handed to it."""

    def __init__(self, data_dir: Path) -> None:
        super().__init__(data_dir, self_number=OWNER, stdin=io.StringIO(""), stdout=io.StringIO())
        self.handed: list[tuple[float, str, str]] = []

    async def send_text(self, chat: str, text: str, *, post_id: int | None = None) -> SentMessage:
        self.handed.append((time.perf_counter(), chat, text))
        return await super().send_text(chat, text, post_id=post_id)

    def drain_output(self) -> None:
        out = self._stdout
        if isinstance(out, io.StringIO):
            out.seek(0)
            out.truncate()


@dataclass
class BenchBot:
    app: App
    transport: TimedConsole
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @classmethod
    async def start(cls, data_dir: Path) -> BenchBot:
        settings = quick_settings(data_dir=data_dir, owners=(OWNER,))
        transport = TimedConsole(data_dir)
        app = App(settings, transport)
        await app.start()
        await app.state.set_destinations([DEMO_GROUPS[0]])
        return cls(app, transport)

    def message(self, text: str) -> IncomingMessage:
        return IncomingMessage(
            chat=f"{OWNER}@s.whatsapp.net",
            sender=f"{OWNER}@s.whatsapp.net",
            text=text,
            message_id=f"b{next(self.ids)}",
            timestamp=datetime.now(UTC),
            from_me=True,
        )

    async def reply_ms(self, text: str) -> float:
        """Milliseconds from handing `text` to the dispatcher to its reply at the transport."""
        assert self.app.dispatcher is not None
        before = len(self.transport.handed)
        message = self.message(text)
        start = time.perf_counter()
        await self.app.dispatcher.dispatch(message)
        assert len(self.transport.handed) == before + 1, f"no reply to {text!r}"
        return (self.transport.handed[-1][0] - start) * 1000


def summary(samples: Sequence[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return {"n": len(ordered), "median": statistics.median(ordered), "p99": p99, "max": ordered[-1]}
