"""The local HTTP API (bot/api): requests per second and latency of POST /posts and
GET /posts with 10,000 pending posts (one client, one request at a time, over loopback, on the
console transport), and the RSS the API adds to `python -m bot console`."""

from __future__ import annotations

import asyncio
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path

import httpx

from bench.harness import OWNER, TimedConsole, summary
from bench.procs import (
    bot_command,
    bot_env,
    can_unshare,
    prepare_data_dir,
    rss_kb,
    stopped_at_exit,
    wait_for,
)
from bot.app import App
from tests.quick import QUICK_ENV, quick_settings

Row = dict[str, object]
TOKEN = "bench-token-0123456789abcdef"
_AUTH = {"Authorization": f"Bearer {TOKEN}"}


async def run(
    pending: int = 10_000,
    requests: int = 1_000,
    rss_runs: int = 3,
    settle_s: float = 3.0,
    run_rss: bool = True,
) -> list[Row]:
    """`run_rss`: also the RSS the API adds to `python -m bot run` (under `unshare -n`, where
    the network allows it)."""
    rows = await _requests(pending, requests)
    rows += await asyncio.to_thread(added_rss, rss_runs, settle_s)
    if run_rss and can_unshare() and shutil.which("ip"):
        rows += await asyncio.to_thread(added_rss_run, rss_runs)
    return rows


async def _timed(
    client: httpx.AsyncClient, requests: int, send: Callable[[int], Awaitable[httpx.Response]]
) -> tuple[list[float], float]:
    """Latencies (ms) of `requests` requests made one after the other, and requests per
    second over them all."""
    for n in range(min(20, requests)):  # warm-up
        (await send(-1 - n)).raise_for_status()
    samples: list[float] = []
    began = time.perf_counter()
    for n in range(requests):
        start = time.perf_counter()
        response = await send(n)
        samples.append((time.perf_counter() - start) * 1000)
        response.raise_for_status()
    return samples, requests / (time.perf_counter() - began)


async def _requests(pending: int, requests: int) -> list[Row]:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        prepare_data_dir(data, pending)
        settings = replace(
            quick_settings(data_dir=data, owners=(OWNER,)),
            api_listen=("127.0.0.1", 0),
            api_token=TOKEN,
        )
        app = App(settings, TimedConsole(data))
        await app.start()
        try:
            assert app.api is not None and app.api.address is not None
            base = f"http://127.0.0.1:{app.api.address[1]}"
            async with httpx.AsyncClient(
                base_url=base, headers=_AUTH, trust_env=False, timeout=30
            ) as client:

                def create(n: int) -> Awaitable[httpx.Response]:
                    return client.post("/posts", json={"when": "lusa 09:00", "text": f"api {n}"})

                def page(n: int) -> Awaitable[httpx.Response]:
                    return client.get("/posts", params={"state": "pending", "limit": 50})

                created, create_rps = await _timed(client, requests, create)
                listed, list_rps = await _timed(client, requests, page)
        finally:
            await app.stop()
    queue = f"{pending:,} pending"
    return [
        {"figure": f"POST /posts latency, {queue}", "unit": "ms", **summary(created)},
        {"figure": f"POST /posts, one client, {queue}", "unit": "req/s", **summary([create_rps])},
        {"figure": f"GET /posts (50 a page) latency, {queue}", "unit": "ms", **summary(listed)},
        {"figure": f"GET /posts, one client, {queue}", "unit": "req/s", **summary([list_rps])},
    ]


def _console_rss_kb(api_port: int | None, settle_s: float) -> int:
    """VmRSS of `python -m bot console` settle_s after it is ready; with the API on
    `api_port`, after answering a few requests."""
    extra = dict(QUICK_ENV)
    if api_port is not None:
        extra |= {"JADWAL_API_LISTEN": f"127.0.0.1:{api_port}", "JADWAL_API_TOKEN": TOKEN}
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        proc = subprocess.Popen(
            bot_command("console", data),
            stdin=subprocess.PIPE,  # kept open: the console ends at the end of its input
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=tmp,
            env=bot_env(extra),
        )
        try:
            with stopped_at_exit(proc):
                ready = wait_for((data / "heartbeat.json").exists, timeout=30, poll=0.05)
                assert ready is not None and proc.poll() is None, "the console bot did not start"
                if api_port is not None:
                    with httpx.Client(
                        base_url=f"http://127.0.0.1:{api_port}", headers=_AUTH, trust_env=False
                    ) as client:
                        assert wait_for(lambda: _healthy(client), timeout=30, poll=0.05)
                        for _ in range(20):
                            client.get("/posts").raise_for_status()
                            client.get("/metrics").raise_for_status()
                time.sleep(settle_s)
                assert proc.poll() is None
                return rss_kb(proc.pid)
        finally:
            assert proc.stdin is not None
            proc.stdin.close()


def _healthy(client: httpx.Client) -> bool:
    try:
        return client.get("/health").status_code == 200
    except httpx.TransportError:
        return False


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def added_rss(runs: int = 3, settle_s: float = 3.0) -> list[Row]:
    """RSS of the console bot with JADWAL_API_LISTEN set minus without, run after run."""
    without = [_console_rss_kb(None, settle_s) for _ in range(runs)]
    with_api = [_console_rss_kb(_free_port(), settle_s) for _ in range(runs)]
    added = [(a - b) / 1024 for a, b in zip(sorted(with_api), sorted(without), strict=True)]
    return [
        {
            "figure": "RSS added by the HTTP API to `python -m bot console` (median "
            f"{statistics.median(with_api) / 1024:.1f} MB with, "
            f"{statistics.median(without) / 1024:.1f} MB without; after 40 requests, "
            f"{settle_s:g} s settled)",
            "unit": "MB",
            **summary(added),
        }
    ]


def _run_rss_kb(api: bool, settle_s: float) -> int:
    """VmRSS of `python -m bot run` (neonize loaded, a fresh data dir: pairing, backing off)
    settle_s after start, in a network namespace of its own with only loopback up, the API
    listening on it when `api`."""
    extra = dict(QUICK_ENV)
    if api:
        extra |= {"JADWAL_API_LISTEN": "127.0.0.1:8787", "JADWAL_API_TOKEN": TOKEN}
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        # `exec`: the process measured is Python itself, with the shell's pid.
        argv = ["unshare", "-n", "sh", "-c", 'ip link set lo up && exec "$@"', "sh"]
        argv += bot_command("run", data)
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=tmp,
            env=bot_env(extra),
        )
        with stopped_at_exit(proc):
            ready = wait_for((data / "heartbeat.json").exists, timeout=60, poll=0.1)
            assert ready is not None and proc.poll() is None, "`bot run` did not start"
            time.sleep(settle_s)
            assert proc.poll() is None, f"`bot run` exited with {proc.returncode}"
            return rss_kb(proc.pid)


def added_rss_run(runs: int = 3, settle_s: float = 10.0) -> list[Row]:
    """RSS of `python -m bot run` with JADWAL_API_LISTEN set minus without."""
    without = [_run_rss_kb(False, settle_s) for _ in range(runs)]
    with_api = [_run_rss_kb(True, settle_s) for _ in range(runs)]
    added = [(a - b) / 1024 for a, b in zip(sorted(with_api), sorted(without), strict=True)]
    return [
        {
            "figure": "RSS added by the HTTP API to `python -m bot run` (idle, offline under "
            f"`unshare -n`; median {statistics.median(with_api) / 1024:.1f} MB with, "
            f"{statistics.median(without) / 1024:.1f} MB without, {settle_s:g} s after start)",
            "unit": "MB",
            **summary(added),
        }
    ]
