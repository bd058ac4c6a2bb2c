"""The reconnect loop against a scripted link: delays, resets, ceilings, permanent outcomes."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from bot import exitcodes
from bot.transport.whatsapp.linkstate import LinkStatus, Phase
from bot.transport.whatsapp.reconnect import Kind, LinkEvent, ReconnectPolicy, maintain_connection

NO_JITTER = ReconnectPolicy(initial=3, cap=60, jitter=0, max_failed_connects=1000,
                            connect_timeout=0.2, stay_down_limit=0.2)


class ScriptedLink:
    """Answers each probe/connect from a script; records what the loop asked for."""

    def __init__(self, probes: list[str | None] | None = None,
                 outcomes: list[list[LinkEvent]] | None = None,
                 then_probe: str | None = None) -> None:
        self.then_probe = then_probe  # the answer once `probes` is used up
        self.events: asyncio.Queue[LinkEvent] = asyncio.Queue()
        self.probes = probes or []
        self.outcomes = outcomes or []
        self.calls: list[str] = []

    async def probe(self) -> str | None:
        self.calls.append("probe")
        return self.probes.pop(0) if self.probes else self.then_probe

    async def connect(self) -> None:
        self.calls.append("connect")
        for event in self.outcomes.pop(0) if self.outcomes else []:
            self.events.put_nowait(event)

    async def disconnect(self) -> None:
        self.calls.append("disconnect")


class FakeTime:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 21, 13, 0, tzinfo=UTC)
        self.sleeps: list[float] = []

    def clock(self) -> datetime:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += timedelta(seconds=seconds)
        await asyncio.sleep(0)


def ev(kind: Kind, detail: str = "", ban: int = 0) -> LinkEvent:
    return LinkEvent(kind, detail, ban)


async def run(link: ScriptedLink, policy: ReconnectPolicy = NO_JITTER,
              until: Callable[[FakeTime], bool] | None = None,
              notes: list[str] | None = None,
              budget: float = 2.0) -> tuple[int | None, LinkStatus, FakeTime]:
    """Run the loop until it returns, `until` holds, or `budget` real seconds pass."""
    time = FakeTime()
    status = LinkStatus()

    async def notify(text: str) -> None:
        (notes if notes is not None else []).append(text)

    task = asyncio.create_task(maintain_connection(link, status, policy, sleep=time.sleep,
                                                   clock=time.clock, notify=notify))
    deadline = asyncio.get_running_loop().time() + budget
    while asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.001)
        if task.done() or (until and until(time)):
            break
    if not task.done():
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        return None, status, time
    return task.result(), status, time


async def test_network_down_backs_off_exponentially_to_the_cap_without_connecting():
    link = ScriptedLink(then_probe="cannot resolve web.whatsapp.com")
    _, status, time = await run(link, until=lambda t: len(t.sleeps) >= 8)
    assert time.sleeps[:8] == [3, 6, 12, 24, 48, 60, 60, 60]
    assert "connect" not in link.calls  # no connect() while the host is unreachable
    assert status.phase is Phase.RECONNECTING and status.failed_connects == 0


async def test_jitter_stays_within_one_second():
    link = ScriptedLink(then_probe="down")
    policy = ReconnectPolicy(initial=3, cap=60, jitter=1, max_failed_connects=1000)
    _, _, time = await run(link, policy, until=lambda t: len(t.sleeps) >= 5)
    for got, base in zip(time.sleeps, [3, 6, 12, 24, 48], strict=False):
        assert base <= got <= base + 1


async def test_backoff_starts_over_after_a_successful_connection():
    link = ScriptedLink(
        probes=["down", "down", "down", None, "down", "down"],
        outcomes=[[ev(Kind.CONNECTED), ev(Kind.ATTEMPT_FAILED, "whatsmeow gave up")]])
    _, _, time = await run(link, until=lambda t: len(t.sleeps) >= 5)
    assert time.sleeps[:5] == [3, 6, 12, 3, 6]


async def test_failed_connects_hit_the_ceiling_and_exit_for_a_clean_restart():
    policy = ReconnectPolicy(initial=1, cap=2, jitter=0, max_failed_connects=5)
    link = ScriptedLink(outcomes=[[ev(Kind.ATTEMPT_FAILED, "dial tcp: i/o timeout")]] * 10)
    code, status, _ = await run(link, policy)
    assert code == exitcodes.RESTART
    assert link.calls.count("connect") == 5
    assert status.failed_connects == 5


async def test_connect_without_an_answer_times_out_and_counts_as_failed():
    policy = ReconnectPolicy(initial=1, cap=1, jitter=0, max_failed_connects=2,
                             connect_timeout=0.01)
    link = ScriptedLink(outcomes=[[], []])
    code, status, _ = await run(link, policy)
    assert code == exitcodes.RESTART
    assert link.calls == ["probe", "connect", "disconnect", "probe", "connect", "disconnect"]
    assert status.failed_connects == 2


async def test_pairing_waits_for_the_person_without_timing_out():
    policy = ReconnectPolicy(initial=1, cap=1, jitter=0, connect_timeout=0.01)
    link = ScriptedLink(outcomes=[[ev(Kind.PAIRING)]])
    _, status, _ = await run(link, policy, budget=0.2)
    assert status.phase is Phase.PAIRING and link.calls == ["probe", "connect"]


@pytest.mark.parametrize(("kind", "code", "phase"), [
    (Kind.LOGGED_OUT, exitcodes.LOGGED_OUT, Phase.LOGGED_OUT),
    (Kind.REPLACED, exitcodes.REPLACED, Phase.REPLACED),
    (Kind.OUTDATED, exitcodes.OUTDATED, Phase.OUTDATED),
    (Kind.REFUSED, exitcodes.RESTART, Phase.REFUSED),
])
@pytest.mark.parametrize("when", ["connecting", "connected"])
async def test_permanent_reasons_stop_the_loop(kind: Kind, code: int, phase: Phase, when: str):
    events = [ev(kind, "detail")] if when == "connecting" else [ev(Kind.CONNECTED),
                                                                 ev(kind, "detail")]
    link = ScriptedLink(outcomes=[events])
    result, status, time = await run(link)
    assert result == code
    assert status.phase is phase and status.last_disconnect is not None
    assert link.calls.count("connect") == 1 and time.sleeps == []


async def test_ban_waits_until_expiry_then_reconnects_and_tells_the_owner() -> None:
    notes: list[str] = []
    link = ScriptedLink(outcomes=[[ev(Kind.CONNECTED), ev(Kind.BANNED, "SENT_TOO_MANY", 3600)],
                                 [ev(Kind.CONNECTED)]])
    _, status, time = await run(link, until=lambda t: link.calls.count("connect") == 2
                                and bool(notes), notes=notes)
    assert time.sleeps == [3600]
    assert link.calls == ["probe", "connect", "disconnect", "probe", "connect"]
    assert status.phase is Phase.CONNECTED and status.banned_until is None
    assert notes and "SENT_TOO_MANY" in notes[0]


async def test_a_drop_is_left_to_whatsmeow_while_it_recovers():
    link = ScriptedLink(outcomes=[[ev(Kind.CONNECTED), ev(Kind.DISCONNECTED, "eof"),
                                   ev(Kind.CONNECTED)]])
    _, status, _ = await run(link, budget=0.3)
    assert link.calls == ["probe", "connect"]
    assert status.phase is Phase.CONNECTED
    assert status.last_disconnect == "eof"


async def test_a_link_that_stays_down_is_taken_over_by_the_loop():
    link = ScriptedLink(outcomes=[[ev(Kind.CONNECTED), ev(Kind.DISCONNECTED, "eof")],
                                  [ev(Kind.CONNECTED)]])
    time_limit = ReconnectPolicy(initial=1, cap=1, jitter=0, stay_down_limit=0.01)
    _, status, _ = await run(link, time_limit,
                             until=lambda t: link.calls.count("connect") == 2)
    assert status.phase is Phase.CONNECTED
    assert link.calls[:5] == ["probe", "connect", "disconnect", "probe", "connect"]
