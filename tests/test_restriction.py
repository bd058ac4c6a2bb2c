"""Restriction signals: 429 and 463 read from the code the WhatsApp transport keeps in
TransportError.code (set by send_error from the texts whatsmeow really produces, as neonize
raises them), bursts of failures and storms of disconnects, and the pause ladder: doubling,
capped, reset after a quiet period, lifted by the owner."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from neonize.exc import GetGroupInfoError, SendMessageError

from bot.restriction import GuardConfig, Pause, RestrictionGuard, Signal, classify
from bot.transport.base import TransportError
from bot.transport.whatsapp.errors import send_error
from bot.transport.whatsapp.outgoing import members_error as lookup_error
from tests.wasim.whatsmeow import (
    GROUP_NOT_FOUND,
    NOT_CONNECTED,
    SEND_TIMEOUT,
    members_error,
    server_error,
)

T0 = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)
MIN = timedelta(minutes=1)
# errors.go:224 IQError.Error() with errors.go:195 ErrIQRateOverLimit
IQ_RATE = "info query returned status 429: rate-overlimit"


def wrapped(text: str, connected: bool = True) -> TransportError:
    """What the WhatsApp transport raises for a neonize send failure: send_error(...) from
    the SendMessageError (bot/transport/whatsapp/transport.py `_send`)."""
    try:
        try:
            raise SendMessageError(text)
        except SendMessageError as exc:
            raise send_error(str(exc), connected) from exc
    except TransportError as error:
        return error
    raise AssertionError("unreachable")


@pytest.mark.parametrize(
    ("text", "code", "signal"),
    [
        (server_error(429), 429, Signal.RATE_LIMITED),  # send.go:452, the message ack
        (server_error(463), 463, Signal.REACHOUT_TIMELOCK),
        (members_error(IQ_RATE), 429, Signal.RATE_LIMITED),  # send.go:302, the member lookup
        (f"failed to get device list: {IQ_RATE}", 429, Signal.RATE_LIMITED),  # send.go:1177
        (server_error(479), 479, None),
        (server_error(4290), 4290, None),
        (server_error(500), 500, None),
        (members_error("info query returned status 500: internal-server-error"), 500, None),
        (SEND_TIMEOUT, None, None),
        (members_error(GROUP_NOT_FOUND), None, None),
        (members_error(NOT_CONNECTED), None, None),
        ("something odd with 429 in it", None, None),
        ("upload failed with status code 429", None, None),  # upload.go:244: HTTP, not WhatsApp
    ],
)
def test_send_error_keeps_the_server_code_and_classify_reads_it(
    text: str, code: int | None, signal: Signal | None
):
    for connected in (True, False):  # the code is kept whatever the outcome
        error = wrapped(text, connected)
        assert error.code == code
        assert send_error(text, connected).code == code
        assert classify(error) is signal


def test_classify_reads_no_text():
    # neither the library's exception nor a TransportError without a code is read for digits
    assert classify(SendMessageError(server_error(429))) is None
    assert classify(TransportError("WhatsApp membatasi laju kiriman (kode 429)")) is None
    assert classify(TransportError(server_error(463), transient=True)) is None


def test_classify_reads_a_group_lookup_failure_as_the_transport_raises_it():
    # transport.py send_mentioning_all: neonize get_group_info raises GetGroupInfoError, the
    # transport raises outgoing.members_error(...) from it, before a mention-all
    try:
        try:
            raise GetGroupInfoError(IQ_RATE)
        except GetGroupInfoError as exc:
            raise lookup_error(str(exc), connected=True) from exc
    except TransportError as error:
        assert error.code == 429
        assert classify(error) is Signal.RATE_LIMITED


def test_classify_knows_a_transport_error_built_without_its_cause():
    # send_error keeps no Go text for a known code; fakes raise exactly that
    assert classify(send_error(server_error(429), True)) is Signal.RATE_LIMITED
    assert classify(send_error(server_error(463), True)) is Signal.REACHOUT_TIMELOCK
    assert classify(send_error(server_error(479), True)) is None
    assert classify(TransportError("WhatsApp belum terhubung", disconnected=True)) is None


def test_classify_finds_the_transport_error_behind_another_exception():
    try:
        try:
            raise wrapped(server_error(463))
        except TransportError as exc:
            raise RuntimeError("storing the outcome failed") from exc
    except RuntimeError as error:
        assert classify(error) is Signal.REACHOUT_TIMELOCK


def test_classify_reads_an_implicit_context():
    try:
        try:
            raise wrapped(server_error(463))
        except TransportError:
            raise RuntimeError("gagal")  # noqa: B904 (no `from`: the cause is the context)
    except RuntimeError as error:
        assert classify(error) is Signal.REACHOUT_TIMELOCK


def test_classify_ignores_a_suppressed_context():
    try:
        try:
            raise wrapped(server_error(429))
        except TransportError:
            raise RuntimeError("other") from None
    except RuntimeError as error:
        assert classify(error) is None


@pytest.mark.parametrize(
    "source",
    [
        "server returned error",  # errors.go:112 ErrServerReturnedError
        "info query returned status %d: %s",  # errors.go:224
        "rate-overlimit",  # errors.go:195
        "failed to get group members: %w",  # send.go:302
        "failed to get device list: %w",  # send.go:1177
    ],
)
def test_each_matched_text_is_in_the_installed_whatsmeow(neonize_library: bytes, source: str):
    assert source.encode() in neonize_library


# --- the guard ------------------------------------------------------------------------------


def test_a_429_pauses_at_once_for_the_first_step():
    guard = RestrictionGuard()
    pause = guard.on_send_failure(T0, wrapped(server_error(429)))
    assert pause == Pause(Signal.RATE_LIMITED, T0, T0 + 15 * MIN, 0, server_error(429))
    assert guard.paused_until(T0 + 14 * MIN) == T0 + 15 * MIN
    assert guard.active(T0 + 14 * MIN) == pause
    assert guard.paused_until(T0 + 15 * MIN) is None  # `until` itself is free


def test_a_463_pauses_and_names_the_timelock():
    pause = RestrictionGuard().on_send_failure(T0, wrapped(server_error(463)))
    assert pause is not None
    assert (pause.signal, pause.detail) == (Signal.REACHOUT_TIMELOCK, "server returned error 463")


def test_consecutive_pauses_double_up_to_the_cap():
    config = GuardConfig(
        first_pause=10 * MIN, max_pause=timedelta(hours=1), quiet_reset=6 * 60 * MIN
    )
    guard = RestrictionGuard(config)
    now, lengths = T0, []
    for _ in range(6):
        pause = guard.on_send_failure(now, wrapped(server_error(429)))
        assert pause is not None
        lengths.append(pause.until - now)
        now = pause.until + 5 * MIN  # shortly after each pause ends, it happens again
    assert lengths == [10 * MIN, 20 * MIN, 40 * MIN, 60 * MIN, 60 * MIN, 60 * MIN]


def test_a_quiet_period_resets_the_ladder():
    guard = RestrictionGuard(GuardConfig(quiet_reset=timedelta(hours=6)))
    first = guard.on_send_failure(T0, wrapped(server_error(429)))
    assert first is not None
    second = guard.on_send_failure(
        first.until + timedelta(hours=5, minutes=59), wrapped(members_error(IQ_RATE))
    )
    assert second is not None and second.step == 1
    third = guard.on_send_failure(second.until + timedelta(hours=6), wrapped(server_error(429)))
    assert third is not None and third.step == 0
    assert third.until - third.since == 15 * MIN


def test_signals_while_paused_neither_extend_nor_climb():
    guard = RestrictionGuard()
    pause = guard.on_send_failure(T0, wrapped(server_error(429)))
    assert guard.on_send_failure(T0 + MIN, wrapped(server_error(429))) is None
    for i in range(10):
        assert guard.on_disconnect(T0 + 2 * MIN + i * timedelta(seconds=5)) is None
    assert guard.active(T0 + 3 * MIN) == pause
    assert pause is not None
    later = guard.on_send_failure(pause.until, wrapped(server_error(429)))
    assert later is not None and later.step == 1


def test_resume_lifts_the_pause_but_keeps_the_ladder():
    guard = RestrictionGuard()
    pause = guard.on_send_failure(T0, wrapped(server_error(429)))
    assert guard.resume(T0 + 2 * MIN) == pause
    assert guard.paused_until(T0 + 2 * MIN) is None
    assert guard.resume(T0 + 3 * MIN) is None  # nothing to lift
    again = guard.on_send_failure(T0 + 10 * MIN, wrapped(server_error(429)))
    assert again is not None and again.until - again.since == 30 * MIN
    # the quiet period counts from the lift, not from the pause's planned end
    guard.resume(T0 + 11 * MIN)
    fresh = guard.on_send_failure(T0 + 11 * MIN + timedelta(hours=6), wrapped(server_error(429)))
    assert fresh is not None and fresh.step == 0


def test_a_burst_of_ordinary_failures_pauses():
    guard = RestrictionGuard(GuardConfig(burst_failures=3, burst_window=10 * MIN))
    assert guard.on_send_failure(T0, wrapped(SEND_TIMEOUT)) is None
    assert guard.on_send_failure(T0 + 4 * MIN, wrapped(server_error(479))) is None
    pause = guard.on_send_failure(T0 + 10 * MIN, wrapped(members_error(GROUP_NOT_FOUND)))
    assert pause is not None
    assert (pause.signal, pause.detail, pause.until) == (
        Signal.FAILURE_BURST,
        "3 within 600 s",
        T0 + 25 * MIN,
    )


def test_failures_spread_out_or_broken_by_a_success_are_no_burst():
    guard = RestrictionGuard(GuardConfig(burst_failures=3, burst_window=10 * MIN))
    for i in range(6):  # every 6 minutes: never 3 within 10
        assert guard.on_send_failure(T0 + i * 6 * MIN, wrapped(server_error(479))) is None
    guard = RestrictionGuard(GuardConfig(burst_failures=3, burst_window=10 * MIN))
    for i in range(10):  # one group gone, the others fine
        assert guard.on_send_failure(T0 + i * MIN, wrapped(members_error(GROUP_NOT_FOUND))) is None
        guard.on_send_ok(T0 + i * MIN + timedelta(seconds=10))
    assert guard.paused_until(T0 + 10 * MIN) is None


def test_failures_for_want_of_a_link_do_not_count():
    guard = RestrictionGuard(GuardConfig(burst_failures=2))
    for i in range(5):
        offline = TransportError("WhatsApp belum terhubung", disconnected=True)
        assert guard.on_send_failure(T0 + i * timedelta(seconds=5), offline) is None
        assert guard.on_send_failure(T0, wrapped(members_error(NOT_CONNECTED), False)) is None
    assert guard.on_send_failure(T0 + MIN, wrapped(SEND_TIMEOUT)) is None  # the first real failure


def test_a_disconnect_storm_pauses_and_a_slow_trickle_does_not():
    guard = RestrictionGuard(GuardConfig(storm_disconnects=5, storm_window=10 * MIN))
    for i in range(8):  # one every 3 minutes: at most 4 in any 10 minutes
        assert guard.on_disconnect(T0 + i * 3 * MIN) is None
    start = T0 + timedelta(hours=1)
    for i in range(4):
        assert guard.on_disconnect(start + i * MIN) is None
    pause = guard.on_disconnect(start + 4 * MIN)
    assert pause is not None
    assert (pause.signal, pause.detail) == (Signal.DISCONNECT_STORM, "5 within 240 s")
    # the count starts afresh after a pause: the next four do nothing
    for i in range(4):
        assert guard.on_disconnect(pause.until + i * MIN) is None


def test_zero_disables_bursts_and_storms():
    guard = RestrictionGuard(GuardConfig(burst_failures=0, storm_disconnects=0))
    for i in range(50):
        assert guard.on_send_failure(T0 + i * timedelta(seconds=1), wrapped(SEND_TIMEOUT)) is None
        assert guard.on_disconnect(T0 + i * timedelta(seconds=1)) is None
    # codes still pause
    assert guard.on_send_failure(T0 + MIN, wrapped(server_error(429))) is not None


def test_restore_takes_up_a_stored_pause_and_its_step():
    before = RestrictionGuard()
    pause = before.on_send_failure(T0, wrapped(server_error(463)))
    assert pause is not None
    after = RestrictionGuard()
    after.restore(pause)
    assert after.paused_until(T0 + MIN) == pause.until
    nxt = after.on_send_failure(pause.until + MIN, wrapped(server_error(429)))
    assert nxt is not None and nxt.step == 1


def test_a_huge_step_is_capped_without_overflow():
    config = GuardConfig()
    assert config.pause_length(10_000) == config.max_pause
    assert config.pause_length(0) == config.first_pause
