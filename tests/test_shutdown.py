"""The process ends on time even when a thread is stuck inside a library call."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import pytest

# A blocking call that never returns, run the way neonize runs Go calls (asyncio.to_thread on
# the default executor: aioze/client.py GoCode), as goneonize's Neonize() does while stuck in
# its QR loop after Stop (whatsmeow qrchan.go emitQRs returns without closing the channel).
_CHILD = textwrap.dedent("""
    import asyncio, sys, threading
    from bot.shutdown import exit_if_threads_stuck, run_loop, arm_watchdog

    never = threading.Event()

    async def main() -> int:
        asyncio.get_running_loop().run_in_executor(None, never.wait)
        await asyncio.sleep(0.05)
        return 75

    mode = sys.argv[1]
    if mode == "watchdog":
        arm_watchdog(0, limit_s=0.5)
        never.wait()  # the main thread itself is stuck: only the watchdog can end it
    code = run_loop(main())
    print("loop returned", code, flush=True)
    if mode == "exit-check":
        exit_if_threads_stuck(code)
    print("would hang at interpreter exit", flush=True)
""")


def _run(mode: str, limit: float = 15.0) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-c", _CHILD, mode],
        capture_output=True,
        text=True,
        timeout=limit,
        check=False,
    )
    return result, time.monotonic() - started


def test_a_stuck_executor_thread_does_not_keep_the_process_alive():
    result, took = _run("exit-check")
    assert result.returncode == 75, result.stderr
    assert "loop returned 75" in result.stdout
    assert "would hang" not in result.stdout
    assert "thread(s) still inside library calls" in result.stderr
    assert took < 5


def test_without_the_exit_check_the_same_process_hangs():
    """The failure the exit check prevents: Python joins executor threads at exit."""
    with pytest.raises(subprocess.TimeoutExpired):
        _run("plain", limit=3.0)


def test_the_watchdog_ends_a_process_whose_main_thread_is_stuck():
    result, took = _run("watchdog")
    assert result.returncode == 0, result.stderr
    assert "shutdown took longer than" in result.stderr
    assert took < 5


# serve() of a process whose stop hangs (a library thread that will not end): the first
# SIGINT starts the shutdown, a second one ends the process at once instead of waiting for
# the watchdog.
_SERVE_CHILD = textwrap.dedent("""
    import asyncio, threading
    from bot.app import serve
    from bot.shutdown import run_loop

    never = threading.Event()

    class Transport:
        async def wait_closed(self) -> int:
            await asyncio.Event().wait()
            return 0

    class App:
        transport = Transport()

        async def start(self) -> None:
            print("started", flush=True)

        async def stop(self) -> None:
            print("stopping", flush=True)
            await asyncio.to_thread(never.wait)

    run_loop(serve(App(), process=True))  # type: ignore[arg-type]
""")


@pytest.mark.parametrize("signals", [1, 2])
def test_a_second_signal_ends_a_hanging_shutdown_at_once(signals: int):
    child = subprocess.Popen(
        [sys.executable, "-c", _SERVE_CHILD],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "started"
        started = time.monotonic()
        child.send_signal(2)
        assert child.stdout.readline().strip() == "stopping"
        if signals == 2:
            child.send_signal(2)
        code = child.wait(timeout=15)
        took = time.monotonic() - started
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        stderr = child.stderr.read() if child.stderr else ""
        for stream in (child.stdout, child.stderr):
            if stream is not None:
                stream.close()
    assert code == 0, stderr
    if signals == 2:
        assert took < 3 and "second stop signal" in stderr
    else:  # the watchdog: within the 10 s promised
        assert 8 < took < 10.5 and "shutdown took longer than" in stderr
