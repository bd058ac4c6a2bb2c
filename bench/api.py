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
    bot_process,
    can_unshare,
    prepare_data_dir,
    rss_kb,
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
    rows += await asyncio.to_thread(added_rss, "console", rss_runs, settle_s)
    if run_rss and can_unshare() and shutil.which("ip"):
        rows += await asyncio.to_thread(added_rss, "run", rss_runs, 10.0)
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


def _rss_kb(command: str, api: bool, settle_s: float) -> int:
    """VmRSS of `python -m bot <command>` settle_s after it is ready, with the API on when
    `api`. The console bot answers a few requests first; `run` (neonize loaded, a fresh data
    dir: pairing, backing off) runs in a network namespace of its own with only loopback up,
    where nothing outside can reach the API, so it only listens."""
    offline = command == "run"
    port = 8787 if offline else _free_port()
    extra = dict(QUICK_ENV)
    if api:
        extra |= {"JADWAL_API_LISTEN": f"127.0.0.1:{port}", "JADWAL_API_TOKEN": TOKEN}
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        # stdin kept open for the console: it ends at the end of its input.
        with bot_process(
            command,
            data,
            offline=offline,
            loopback=offline,
            env=extra,
            stdin=subprocess.DEVNULL if offline else subprocess.PIPE,
        ) as proc:
            ready = wait_for((data / "heartbeat.json").exists, timeout=60, poll=0.05)
            assert ready is not None and proc.poll() is None, f"`bot {command}` did not start"
            if api and not offline:
                with httpx.Client(
                    base_url=f"http://127.0.0.1:{port}", headers=_AUTH, trust_env=False
                ) as client:
                    assert wait_for(lambda: _healthy(client), timeout=30, poll=0.05)
                    for _ in range(20):
                        client.get("/posts").raise_for_status()
                        client.get("/metrics").raise_for_status()
            time.sleep(settle_s)
            assert proc.poll() is None, f"`bot {command}` exited with {proc.returncode}"
            return rss_kb(proc.pid)


def _healthy(client: httpx.Client) -> bool:
    try:
        return client.get("/health").status_code == 200
    except httpx.TransportError:
        return False


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def added_rss(command: str = "console", runs: int = 3, settle_s: float = 3.0) -> list[Row]:
    """RSS of `python -m bot <command>` with JADWAL_API_LISTEN set minus without, run after
    run."""
    without = [_rss_kb(command, False, settle_s) for _ in range(runs)]
    with_api = [_rss_kb(command, True, settle_s) for _ in range(runs)]
    added = [(a - b) / 1024 for a, b in zip(sorted(with_api), sorted(without), strict=True)]
    medians = (
        f"median {statistics.median(with_api) / 1024:.1f} MB with, "
        f"{statistics.median(without) / 1024:.1f} MB without"
    )
    if command == "run":
        how = f"idle, offline under `unshare -n`; {medians}, {settle_s:g} s after start"
    else:
        how = f"{medians}; after 40 requests, {settle_s:g} s settled"
    return [
        {
            "figure": f"RSS added by the HTTP API to `python -m bot {command}` ({how})",
            "unit": "MB",
            **summary(added),
        }
    ]
