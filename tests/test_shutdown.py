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
    result = subprocess.run([sys.executable, "-c", _CHILD, mode], capture_output=True,
                            text=True, timeout=limit, check=False)
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
