"""`python -m bot run` (real neonize, real whatsmeow) against a fake WhatsApp host.

Each test runs the bot in its own network and mount namespaces (tests/netns.py): there
web.whatsapp.com is 127.0.0.1, where a local server on port 443 either drops every connection
at once, holds it and never answers, or completes TLS and never answers the websocket
upgrade. Nothing else is reachable, so no test can touch the real network.

Run with -s to see the figures (threads, file handles, memory, attempts, seconds to exit).
"""

from __future__ import annotations

import functools
import signal
import time
from pathlib import Path

import pytest

from bot import exitcodes
from tests.netns import (
    NetnsBot,
    Sample,
    format_summary,
    neonize_problem,
    openssl_problem,
    per_attempt,
    summary,
    unshare_prefix,
)


@functools.cache
def _skip_reason() -> str | None:
    prefix, why = unshare_prefix("-n", "-m")
    if prefix is None:
        return f"`unshare -n -m` is not available: {why}"
    return neonize_problem()


pytestmark = pytest.mark.skipif(_skip_reason() is not None, reason=_skip_reason() or "")

# Small backoff so that the failed-connect ceiling is reached in a few seconds.
MAX_FAILED = 20
FAST_BACKOFF = {
    "JADWAL_RECONNECT_INITIAL_S": "0.05",
    "JADWAL_RECONNECT_MAX_S": "0.2",
    "JADWAL_MAX_FAILED_CONNECTS": str(MAX_FAILED),
}
CEILING_WITHIN_S = 30.0  # start to "giving up": measured ~5 s
TEARDOWN_WITHIN_S = 5.0  # "exit code 75" logged to process reaped: measured < 0.2 s
WARM_ATTEMPTS = 3  # attempts before the "after warm-up" reading
THREAD_SLACK = 2  # Go may start an extra runtime thread or two at any time
OTHER_FD_SLACK = 1

# From the stop signal to the process being gone (README: exit code 0 on a signal).
STOP_WITHIN_S = 10.0
WATCH_STOP_S = 20.0  # how long to keep watching, to tell "slow" from "hangs"
HANG_BEFORE_SIGNAL_S = 1.0  # whatsmeow's dial is held this long before the signal


def _figures(bot: NetnsBot) -> str:
    return f"log tail:\n{bot.tail()}"


def _warm(samples: list[Sample]) -> Sample:
    return next((s for s in samples if s.attempts >= WARM_ATTEMPTS), samples[-1])


def test_failed_connects_keep_threads_flat_then_exit_for_restart(tmp_path: Path) -> None:
    with NetnsBot(tmp_path, "drop", FAST_BACKOFF) as bot:
        gave_up = bot.watch(
            lambda: "giving up after" in bot.output(), CEILING_WITHIN_S, every_s=0.05
        )
        teardown = bot.wait_exit(TEARDOWN_WITHIN_S) if gave_up else None
        lingering = bot.threads_report() if bot.returncode() is None else ""
        code = bot.returncode()
        total = time.monotonic() - bot.started_at
        output = bot.output()
        connections = bot.connections()
    assert bot.samples, f"no reading of the process was taken\n{bot.tail()}"
    warm = _warm(bot.samples)
    rows = summary(bot.samples, warm)
    print(
        f"\ndrop server: exit code {code} after {total:.1f} s, "
        f"ceiling logged: {gave_up}, log line to exit: "
        f"{'-' if teardown is None else f'{teardown:.2f} s'}; attempts logged "
        f"{bot.attempts(output)} (+1 giving up), server connections {connections}"
    )
    print(format_summary(rows))
    print("  per attempt (s, attempts, threads, fds, session.db fds, rss kB):")
    for s in per_attempt(bot.samples):
        print(
            f"    {s.at:6.2f} {s.attempts:3d} {s.threads:4d} {s.fds:4d} {s.session_fds:4d} "
            f"{s.rss_kb:7d}"
        )

    assert gave_up, (
        f"no 'giving up' within {CEILING_WITHIN_S:.0f} s (exit code {code})\n{_figures(bot)}"
    )
    assert teardown is not None, (
        f"still running {TEARDOWN_WITHIN_S:.0f} s after logging its exit\n{lingering}\n"
        f"{_figures(bot)}"
    )
    assert code == exitcodes.RESTART, f"exit code {code}\n{_figures(bot)}"
    assert f"giving up after {MAX_FAILED} failed connects" in output, _figures(bot)
    # The last failure is reported by the "giving up" line, every other one on its own.
    assert bot.attempts(output) == MAX_FAILED - 1, _figures(bot)
    # Every attempt reached the fake host (probe + whatsmeow's dial), and no further:
    # whatsmeow's error names its websocket URL, and nothing was paired.
    assert "https://web.whatsapp.com/ws/chat" in output, _figures(bot)
    assert "cannot resolve" not in output, _figures(bot)
    assert "not paired yet" not in output, _figures(bot)
    assert connections >= 2 * MAX_FAILED, f"{connections} connections\n{_figures(bot)}"

    later = [s for s in bot.samples if s.at >= warm.at]
    most = max(later, key=lambda s: s.threads)
    assert most.threads - warm.threads <= THREAD_SLACK, (
        f"threads grew from {warm.threads} (attempt {warm.attempts}) to {most.threads} "
        f"(attempt {most.attempts})\n{format_summary(rows)}\n{_figures(bot)}"
    )
    # neonize opens data/session.db on each connect() and keeps it when the connect fails:
    # one handle for the client, then at most one per connect() so far (the logged failures
    # and the one in flight); the ceiling bounds it. Every other handle stays flat.
    worst = max(later, key=lambda s: s.session_fds - s.attempts)
    assert worst.session_fds <= worst.attempts + 2, (
        f"{worst.session_fds} session.db handles after {worst.attempts} failed connects\n"
        f"{format_summary(rows)}"
    )
    other = max(s.fds - s.session_fds for s in later)
    assert other - (warm.fds - warm.session_fds) <= OTHER_FD_SLACK, (
        f"other handles grew from {warm.fds - warm.session_fds} to {other}\n"
        f"{format_summary(rows)}\n{_figures(bot)}"
    )


def _stop_while_hanging(tmp_path: Path, server: str, signum: signal.Signals) -> None:
    with NetnsBot(tmp_path, server, FAST_BACKOFF) as bot:
        # Wait until whatsmeow's dial is being held by the server (the probe's connection
        # closes at once), then a little longer, so that the Go call is surely blocked.
        def dial_hanging() -> bool:
            now = time.monotonic()
            return any(
                number > 1 and now - at >= HANG_BEFORE_SIGNAL_S for number, at in bot.held().items()
            )

        hanging = bot.watch(dial_hanging, 15.0, every_s=0.05)
        events_before = bot.server_events()
        assert hanging, f"whatsmeow's dial was not held\n{events_before}\n{_figures(bot)}"
        sent_at = time.monotonic()
        since_start = sent_at - bot.started_at
        dial_at = min(at for number, at in bot.held().items() if number > 1)
        bot.send_signal(signum)
        took = bot.wait_exit(WATCH_STOP_S)
        lingering = bot.threads_report() if took is None else ""
        code = bot.returncode()
        events = bot.server_events()
    dial_end = [
        round(at - sent_at, 2)
        for at, number, what in events
        if number > 1 and at > sent_at and not what.startswith("accepted")
    ]
    at_signal = [s for s in bot.samples if s.at <= sent_at - bot.started_at]
    print(
        f"\n{server} server, {signum.name} {since_start:.1f} s after start "
        f"({sent_at - dial_at:.1f} s into whatsmeow's dial): "
        + (
            f"exit code {code}, reaped {took:.2f} s after the signal"
            if took is not None
            else f"still running {WATCH_STOP_S:.0f} s after the signal"
        )
        + (
            f" (main thread exited at {bot.exit_seen_at - sent_at:.2f} s)"
            if bot.exit_seen_at is not None
            else ""
        )
        + "; whatsmeow's dial "
        + (f"ended {dial_end[0]} s after the signal" if dial_end else "still held at exit")
    )
    for label, reading in (
        ("at signal", at_signal[-1] if at_signal else None),
        ("last", bot.samples[-1] if bot.samples else None),
    ):
        if reading is not None:
            print(
                f"  {label:<10} threads {reading.threads}, fds {reading.fds}, "
                f"rss {reading.rss_kb} kB"
            )
    assert took is not None, (
        f"{signum.name}: still running {WATCH_STOP_S:.0f} s after the signal\n{lingering}\n"
        f"{_figures(bot)}"
    )
    assert took <= STOP_WITHIN_S, (
        f"{signum.name}: exit took {took:.1f} s (limit {STOP_WITHIN_S:.0f} s)\n{_figures(bot)}"
    )
    assert code == exitcodes.OK, f"{signum.name}: exit code {code}\n{_figures(bot)}"
    assert "shutting down (signal)" in bot.output(), _figures(bot)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_stop_signal_while_the_dial_hangs_ends_within_10_s(
    tmp_path: Path, signum: signal.Signals
) -> None:
    """The server accepts TCP and never answers: whatsmeow's TLS handshake waits."""
    _stop_while_hanging(tmp_path, "hold", signum)


@pytest.mark.skipif(openssl_problem() is not None, reason=openssl_problem() or "")
def test_stop_signal_while_the_websocket_upgrade_hangs_ends_within_10_s(tmp_path: Path) -> None:
    """TLS completes (the bot's Go side trusts a test certificate via SSL_CERT_FILE) and the
    websocket upgrade is never answered: whatsmeow sets no time limit there, so its Go call
    does not end by itself."""
    _stop_while_hanging(tmp_path, "tls-hold", signal.SIGTERM)
