"""bot.transport.whatsapp.neonize_env: what neonize's Go code sees, what it logs, what it is
called on the phone.

Import order and the process environment matter here, so most checks run in a fresh Python
process. Two of them let neonize's Go code make one connection attempt. The process starts with
https_proxy pointing at a proxy on 127.0.0.1 that the test listens on, and Python then adds
HTTPS_PROXY (which Go prefers: x/net/http/httpproxy FromEnvironment) pointing at a second one;
whichever Go reads, nothing leaves the machine. (whatsmeow's HTTP transport is a clone of Go's
http.DefaultTransport, whose proxy comes from the environment: whatsmeow client.go NewClient.)
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from neonize.aioze.client import NewAClient
from neonize.proto.waCompanionReg.WAWebProtobufsCompanionReg_pb2 import DeviceProps
from neonize.utils.enum import ClientName, ClientType

from bot.transport.whatsapp import neonize_env

ROOT = Path(__file__).resolve().parent.parent
_PROXY_VARS = (
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
)


def child_env(**extra: str) -> dict[str, str]:
    """This environment without the variables under test, plus `extra`."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in (*_PROXY_VARS, neonize_env.BOT_TAG, neonize_env._REEXECUTED)
    }
    env.update(extra)
    return env


def run_python(code: str, env: dict[str, str], *args: str) -> list[str]:
    """Run `code` (with `args` in sys.argv[1:]) in a new interpreter from the project root;
    its stdout lines."""
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.splitlines()


class Proxy:
    """A loopback listener that records the first bytes of each connection and closes it."""

    def __init__(self) -> None:
        self.received: list[bytes] = []
        self._sock = socket.create_server(("127.0.0.1", 0))
        self._sock.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(5)
                try:
                    self.received.append(conn.recv(1024))
                except OSError:
                    self.received.append(b"")

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self._sock.close()


@contextmanager
def proxies() -> Iterator[tuple[Proxy, Proxy]]:
    first, second = Proxy(), Proxy()
    try:
        yield first, second
    finally:
        first.close()
        second.close()


# Prints the start-up value of the variable, then lets neonize's Go code try to connect once
# (it fails at the proxy) and exits without waiting for neonize's threads.
CONNECT_ONCE = """
import asyncio, os, tempfile
from neonize.aioze.client import NewAClient
from neonize.exc import NeonizeError

async def main():
    task = await NewAClient(os.path.join(tempfile.mkdtemp(), "session.db")).connect()
    try:
        await asyncio.wait_for(task, 30)
    except NeonizeError:
        pass

asyncio.run(main())
os._exit(0)
"""


def test_the_library_does_not_see_a_variable_added_after_start() -> None:
    # Why reexec_with_library_env exists: a variable added to os.environ, even before
    # `import neonize`, never reaches the Go code.
    with proxies() as (at_start, set_later):
        code = f"import os\nos.environ['HTTPS_PROXY'] = {set_later.url!r}\n" + CONNECT_ONCE
        run_python(code, child_env(https_proxy=at_start.url))
    assert [r.split(b"\r\n")[0] for r in at_start.received] == [
        b"CONNECT web.whatsapp.com:443 HTTP/1.1"
    ]
    assert set_later.received == []


REEXEC = """
import os, sys
print("start", os.getpid(), flush=True)
os.environ["HTTPS_PROXY"] = os.environ["LATER_PROXY"]
from bot.transport.whatsapp import neonize_env
neonize_env.reexec_with_library_env()
assert "neonize" not in sys.modules
started = neonize_env.startup_environ() or {}
print("tag", os.environ.get("NEONIZE_BOT_TAG"), started.get("NEONIZE_BOT_TAG"), flush=True)
"""


def test_reexec_puts_the_bot_tag_where_the_library_reads_it() -> None:
    with proxies() as (at_start, set_later):
        lines = run_python(
            REEXEC + CONNECT_ONCE, child_env(https_proxy=at_start.url, LATER_PROXY=set_later.url)
        )
    starts = [line for line in lines if line.startswith("start ")]
    assert len(starts) == 2 and starts[0] == starts[1], lines  # replaced once, same pid
    assert "tag off off" in lines
    # After the re-exec the Go code saw what Python had set: the later proxy got the dial.
    assert at_start.received == []
    assert [r.split(b"\r\n")[0] for r in set_later.received] == [
        b"CONNECT web.whatsapp.com:443 HTTP/1.1"
    ]


@pytest.mark.parametrize("value", ["on", "off"])
def test_a_value_set_by_the_user_is_kept_and_needs_no_reexec(value: str) -> None:
    code = REEXEC + "neonize_env.prepare('INFO')\nprint('after', os.environ['NEONIZE_BOT_TAG'])"
    lines = run_python(code, child_env(LATER_PROXY="http://127.0.0.1:9", NEONIZE_BOT_TAG=value))
    assert len([line for line in lines if line.startswith("start ")]) == 1
    assert f"tag {value} {value}" in lines
    assert lines[-1] == f"after {value}"


LOGGING = """
import json, logging, os, sys
from bot.transport.whatsapp import neonize_env
if sys.argv[1] == "before":
    neonize_env.prepare(sys.argv[2])
import neonize.aioze.client
from neonize.utils.enum import LogLevel
nlog = sys.modules["neonize.utils.log"]  # neonize.utils re-exports its logger as `log`
if sys.argv[1] == "after":
    neonize_env.prepare(sys.argv[2])
relayed = [nlog.clientlogger, nlog.dblogger, logging.getLogger("whatsmeow.Client.Socket")]
print(json.dumps({
    "tag": os.environ.get("NEONIZE_BOT_TAG"),
    "level": nlog.log.level,
    "relayed": [logging.getLevelName(lg.getEffectiveLevel()) for lg in relayed],
    # The expression neonize passes to Go (aioze/client.py NewAClient.connect_with_proxy).
    "to_go": LogLevel.from_logging(nlog.log.level).level.decode(),
}))
"""


def neonize_logging(when: str, level: str) -> dict[str, object]:
    result: dict[str, object] = json.loads(run_python(LOGGING, child_env(), when, level)[-1])
    return result


def test_without_prepare_neonize_ships_everything_to_go() -> None:
    # The problem prepare() solves: an empty level, which Go reads as "everything".
    assert neonize_logging("never", "INFO") == {
        "tag": None,
        "level": 0,
        "relayed": ["INFO", "INFO", "INFO"],
        "to_go": "",
    }


@pytest.mark.parametrize("when", ["before", "after"])
def test_prepare_lowers_what_neonize_ships_from_go(when: str) -> None:
    assert neonize_logging(when, "INFO") == {
        "tag": "off",
        "level": 30,
        "relayed": ["WARNING", "WARNING", "WARNING"],
        "to_go": "WARN",
    }


@pytest.mark.parametrize(
    ("bot_level", "level", "to_go"),
    [
        ("DEBUG", "DEBUG", "DEBUG"),
        ("TRACE", "DEBUG", "DEBUG"),
        ("SUCCESS", "WARNING", "WARN"),
        ("ERROR", "ERROR", "ERROR"),
        ("CRITICAL", "CRITICAL", "ERROR"),
    ],
)
def test_library_level_follows_the_bot_only_for_debug_or_quieter(
    bot_level: str, level: str, to_go: str
) -> None:
    result = neonize_logging("before", bot_level)
    assert result["relayed"] == [level] * 3
    assert result["to_go"] == to_go


def test_new_client_names_the_linked_device(tmp_path: Path) -> None:
    session = tmp_path / "session.db"
    client = neonize_env.new_client(str(session))
    assert type(client) is NewAClient
    assert client.name == str(session)
    assert client.connect_task is None and not session.exists()  # nothing connected or opened
    # What connect_with_proxy serialises for Go (which merges it into whatsmeow's
    # store.DeviceProps and sends it when pairing).
    sent = DeviceProps.FromString(client.device_props.SerializeToString())
    assert sent.os == "jadwal-bot"
    assert sent.HasField("platformType") and sent.platformType == DeviceProps.UNKNOWN


def test_pairing_by_code_names_a_browser_whatsapp_accepts() -> None:
    # neonize builds "<type> (<os>)" (aioze/client.py PairPhone); from our props alone that
    # would be "Unknown (Linux)", which is why the transport passes pair_client_type().
    assert ClientType(neonize_env.device_props().platformType).name == "Unknown"
    chosen = neonize_env.pair_client_type()
    assert f"{chosen.name} ({ClientName.LINUX.name})" == "Firefox (Linux)"


def test_startup_environ_is_the_environment_at_exec() -> None:
    code = (
        "import os\nos.environ['ADDED_LATER'] = '1'\n"
        "from bot.transport.whatsapp.neonize_env import startup_environ\n"
        "env = startup_environ()\nprint(env.get('GIVEN'), env.get('ADDED_LATER'))"
    )
    assert run_python(code, child_env(GIVEN="x y=z"))[-1] == "x y=z None"
