"""The reconnect loop against a scripted link on virtual time: delays, resets, ceilings,
pairing attempts, permanent outcomes, and never two live connect calls."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from bot import exitcodes
from bot.transport.whatsapp.linkstate import DROPS_KEPT, LinkStatus, Phase
from bot.transport.whatsapp.reconnect import Kind, LinkEvent, ReconnectPolicy, maintain_connection

NO_JITTER = ReconnectPolicy(
    initial=3, cap=60, jitter=0, max_failed_connects=1000, connect_timeout=30, stay_down_limit=600
)


class ScriptedLink:
    """Answers each probe/connect from a script, like neonize does: a connect starts a call
    that stays live until stop_call() (goneonize main.go Neonize/Stop), or until a scripted
    ATTEMPT_FAILED ends it. A connect while a call is live would orphan that call."""

    def __init__(
        self,
        probes: list[str | None] | None = None,
        outcomes: list[list[LinkEvent]] | None = None,
        then_probe: str | None = None,
        stuck: bool = False,
    ) -> None:
        self.then_probe = then_probe  # the answer once `probes` is used up
        self.events: asyncio.Queue[LinkEvent] = asyncio.Queue()
        self.probes = probes or []
        self.outcomes = outcomes or []
        self.calls: list[str] = []
        self.live = False
        self.orphaned = 0
        self.stuck = stuck  # stop_call() cannot end the call

    async def probe(self) -> str | None:
        self.calls.append("probe")
        return self.probes.pop(0) if self.probes else self.then_probe

    async def connect(self) -> None:
        self.calls.append("connect")
        if self.live:
            self.orphaned += 1
        self.live = True
        for event in self.outcomes.pop(0) if self.outcomes else []:
            if event.kind is Kind.ATTEMPT_FAILED:
                self.live = False  # the Go call returned an error: the task is done
            self.events.put_nowait(event)

    async def stop_call(self) -> bool:
        if not self.live:
            return True
        self.calls.append("stop")
        if self.stuck:
            return False
        self.live = False
        return True


class AutoClock:
    """Virtual time that jumps to the next sleeper whenever every task is idle."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 21, 13, 0, tzinfo=UTC)
        self.sleeps: list[float] = []  # completed sleeps, in order
        self._waiters: list[tuple[datetime, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()

    def clock(self) -> datetime:
        return self.now

    async def sleep(self, seconds: float) -> None:
        future = asyncio.get_running_loop().create_future()
        heapq.heappush(
            self._waiters, (self.now + timedelta(seconds=seconds), next(self._seq), future)
        )
        await future
        self.sleeps.append(seconds)

    async def run(
        self, task: asyncio.Task[int], until: Callable[[], bool], max_jumps: int = 500
    ) -> None:
        for _ in range(max_jumps):
            for _ in range(30):
                await asyncio.sleep(0)
            if task.done() or until():
                for _ in range(30):
                    await asyncio.sleep(0)
                return
            self._waiters = [w for w in self._waiters if not w[2].done()]
            heapq.heapify(self._waiters)
            if not self._waiters:
                return  # everything waits for an event that will not come
            at, _, future = heapq.heappop(self._waiters)
            self.now = max(self.now, at)
            future.set_result(None)


def ev(kind: Kind, detail: str = "", seconds: float = 0) -> LinkEvent:
    return LinkEvent(kind, detail, seconds)


async def run(
    link: ScriptedLink,
    policy: ReconnectPolicy = NO_JITTER,
    until: Callable[[AutoClock], bool] | None = None,
    notes: list[str] | None = None,
    time: AutoClock | None = None,
) -> tuple[int | None, LinkStatus, AutoClock]:
    """Run the loop until it returns, `until` holds, or it waits for ever."""
    time = time or AutoClock()
    status = LinkStatus()

    async def notify(text: str) -> None:
        (notes if notes is not None else []).append(text)

    task = asyncio.create_task(
        maintain_connection(link, status, policy, sleep=time.sleep, clock=time.clock, notify=notify)
    )
    await time.run(task, lambda: bool(until and until(time)))
    assert link.orphaned == 0, "connect() was called while a call was still live"
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
    for got, base in zip(time.sleeps, [3, 6, 12, 24, 48], strict=True):
        assert base <= got <= base + 1


async def test_backoff_starts_over_after_a_successful_connection():
    link = ScriptedLink(
        probes=["down", "down", "down", None, "down", "down"],
        outcomes=[[ev(Kind.CONNECTED), ev(Kind.ATTEMPT_FAILED, "whatsmeow gave up")]],
    )
    _, _, time = await run(link, until=lambda t: len(t.sleeps) >= 5)
    assert time.sleeps[:5] == [3, 6, 12, 3, 6]


async def test_failed_connects_hit_the_ceiling_and_exit_for_a_clean_restart():
    policy = ReconnectPolicy(initial=1, cap=2, jitter=0, max_failed_connects=5)
    link = ScriptedLink(outcomes=[[ev(Kind.ATTEMPT_FAILED, "dial tcp: i/o timeout")]] * 10)
    code, status, _ = await run(link, policy)
    assert code == exitcodes.RESTART
    assert link.calls.count("connect") == 5 and "stop" not in link.calls
    assert status.failed_connects == 5


async def test_connect_without_an_answer_is_stopped_before_the_next_attempt():
    policy = ReconnectPolicy(initial=1, cap=1, jitter=0, max_failed_connects=2, connect_timeout=30)
    link = ScriptedLink(outcomes=[[], []])
    code, status, time = await run(link, policy)
    assert code == exitcodes.RESTART
    assert link.calls == ["probe", "connect", "stop", "probe", "connect", "stop"]
    assert status.failed_connects == 2
    assert time.sleeps == [30, 1, 30]


async def test_a_call_that_will_not_stop_ends_the_process_instead_of_leaking():
    link = ScriptedLink(outcomes=[[], []], stuck=True)
    code, status, _ = await run(link)
    assert code == exitcodes.RESTART
    assert link.calls == ["probe", "connect", "stop"]  # no second connect on top of it
    assert status.phase is Phase.STOPPED


async def test_each_qr_code_extends_the_pairing_attempt():
    policy = ReconnectPolicy(initial=1, cap=1, jitter=0, pairing_margin=5)
    time = AutoClock()
    link = ScriptedLink(outcomes=[[ev(Kind.PAIRING, seconds=60)]])

    async def phone() -> None:
        await time.sleep(50)  # the second code comes before the first one's 60 + 5 s
        link.events.put_nowait(ev(Kind.PAIRING, seconds=20))
        await time.sleep(20)  # scanned at 70 s: past 65 s, inside the second code's life
        link.events.put_nowait(ev(Kind.PAIRED))
        link.events.put_nowait(ev(Kind.CONNECTED))

    side = asyncio.create_task(phone())
    _, status, _ = await run(link, policy, time=time, until=lambda t: side.done())
    assert link.calls == ["probe", "connect"]
    assert status.phase is Phase.CONNECTED


async def test_an_expired_pairing_attempt_exits_for_a_fresh_start():
    """The expired call cannot be stopped (goneonize FetchMe ignores the stop signal), so
    no second attempt is started on top of it."""
    policy = ReconnectPolicy(initial=1, cap=1, jitter=0, pairing_margin=5)
    link = ScriptedLink(outcomes=[[ev(Kind.PAIRING, seconds=60)]])
    code, status, time = await run(link, policy)
    assert code == exitcodes.RESTART
    assert link.calls == ["probe", "connect"]
    assert time.sleeps == [65]
    assert status.failed_connects == 0  # nobody scanning is not a failed connect
    assert status.phase is Phase.STOPPED


async def test_pairing_success_waits_for_the_login_connection():
    policy = ReconnectPolicy(initial=1, cap=1, jitter=0, connect_timeout=30, max_failed_connects=1)
    link = ScriptedLink(outcomes=[[ev(Kind.PAIRING, seconds=60), ev(Kind.PAIRED)]])
    code, status, time = await run(link, policy)
    assert code == exitcodes.RESTART  # no Connected within connect_timeout after pairing
    assert time.sleeps == [30] and link.calls == ["probe", "connect", "stop"]
    assert status.failed_connects == 1


@pytest.mark.parametrize(
    ("kind", "code", "phase"),
    [
        (Kind.LOGGED_OUT, exitcodes.LOGGED_OUT, Phase.LOGGED_OUT),
        (Kind.REPLACED, exitcodes.REPLACED, Phase.REPLACED),
        (Kind.OUTDATED, exitcodes.OUTDATED, Phase.OUTDATED),
        (Kind.REFUSED, exitcodes.RESTART, Phase.REFUSED),
    ],
)
@pytest.mark.parametrize("when", ["connecting", "connected"])
async def test_permanent_reasons_stop_the_loop(kind: Kind, code: int, phase: Phase, when: str):
    events = (
        [ev(kind, "detail")] if when == "connecting" else [ev(Kind.CONNECTED), ev(kind, "detail")]
    )
    link = ScriptedLink(outcomes=[events])
    result, status, time = await run(link)
    assert result == code
    assert status.phase is phase and status.last_disconnect is not None
    assert link.calls.count("connect") == 1 and time.sleeps == []


async def test_ban_stops_the_call_waits_until_expiry_then_reconnects_and_tells_the_owner():
    notes: list[str] = []
    link = ScriptedLink(
        outcomes=[
            [ev(Kind.CONNECTED), ev(Kind.BANNED, "SENT_TOO_MANY", 7200)],
            [ev(Kind.CONNECTED)],
        ]
    )
    _, status, time = await run(
        link, until=lambda t: link.calls.count("connect") == 2 and bool(notes), notes=notes
    )
    assert time.sleeps == [7200]
    assert link.calls == ["probe", "connect", "stop", "probe", "connect"]
    assert status.phase is Phase.CONNECTED and status.banned_until is None
    assert notes and "SENT_TOO_MANY" in notes[0]


async def test_ban_without_expiry_waits_the_default_not_one_second():
    link = ScriptedLink(
        outcomes=[[ev(Kind.CONNECTED), ev(Kind.BANNED, "unknown", 0)], [ev(Kind.CONNECTED)]]
    )
    _, status, time = await run(link, until=lambda t: link.calls.count("connect") == 2)
    assert time.sleeps == [NO_JITTER.ban_unknown_expiry] == [3600]
    assert status.phase is Phase.CONNECTED


async def test_a_drop_is_left_to_whatsmeow_while_it_recovers():
    link = ScriptedLink(
        outcomes=[[ev(Kind.CONNECTED), ev(Kind.DISCONNECTED, "eof"), ev(Kind.CONNECTED)]]
    )
    _, status, _ = await run(link)
    assert link.calls == ["probe", "connect"]
    assert status.phase is Phase.CONNECTED
    assert status.last_disconnect == "eof"
    assert (len(status.drops), status.drops_total) == (1, 1)


def test_the_drop_count_goes_on_past_the_drop_times_kept():
    status = LinkStatus()
    start = datetime(2026, 11, 21, 13, 0, tzinfo=UTC)
    for n in range(DROPS_KEPT + 3):
        status.dropped(start + timedelta(minutes=n))
    assert len(status.drops) == DROPS_KEPT
    assert status.drops[-1] == start + timedelta(minutes=DROPS_KEPT + 2)
    assert status.drops_total == DROPS_KEPT + 3  # /metrics' jadwal_connection_drops_total


async def test_keepalive_timeouts_mark_the_link_down_until_restored():
    time = AutoClock()
    link = ScriptedLink(
        outcomes=[[ev(Kind.CONNECTED), ev(Kind.KEEPALIVE_TIMEOUT, "keep-alive timeout (1x)")]]
    )
    seen: list[Phase] = []

    async def later() -> None:
        await time.sleep(40)
        seen.append(status_of())
        link.events.put_nowait(ev(Kind.CONNECTED))  # KeepAliveRestored

    status = LinkStatus()

    def status_of() -> Phase:
        return status.phase

    side = asyncio.create_task(later())
    task = asyncio.create_task(
        maintain_connection(link, status, NO_JITTER, sleep=time.sleep, clock=time.clock)
    )
    await time.run(task, side.done)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert seen == [Phase.DROPPED]  # posts wait instead of failing against a dead link
    assert status.last_disconnect == "keep-alive timeout (1x)"
    assert status.phase is Phase.CONNECTED and link.calls == ["probe", "connect"]


async def test_a_link_that_stays_down_is_stopped_then_taken_over_by_the_loop():
    link = ScriptedLink(
        outcomes=[[ev(Kind.CONNECTED), ev(Kind.DISCONNECTED, "eof")], [ev(Kind.CONNECTED)]]
    )
    _, status, time = await run(link, until=lambda t: link.calls.count("connect") == 2)
    assert status.phase is Phase.CONNECTED
    assert link.calls[:5] == ["probe", "connect", "stop", "probe", "connect"]
    assert time.sleeps[0] == NO_JITTER.stay_down_limit


async def test_a_call_that_ends_while_connected_is_reconnected_without_a_stop():
    link = ScriptedLink(
        outcomes=[[ev(Kind.CONNECTED), ev(Kind.ATTEMPT_FAILED, "gave up")], [ev(Kind.CONNECTED)]]
    )
    _, status, _ = await run(link, until=lambda t: link.calls.count("connect") == 2)
    assert link.calls == ["probe", "connect", "probe", "connect"]
    assert status.phase is Phase.CONNECTED
