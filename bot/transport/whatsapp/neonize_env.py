"""The one place that prepares neonize before use: its environment, its logging, its device name.

Order in a process that talks to WhatsApp (neonize is imported only inside the functions below
that need it, never at module level, so importing this module loads no Go code):

1. `reexec_with_library_env()`, first, before the lock, threads or the event loop exist.
   neonize's Go code reads environment variables with Go's `os.Getenv`, which reads Go's own
   copy, taken once when the shared library loads from the environment array the process was
   STARTED with (the one after argv: Go runtime goenvs_unix; golang/go#44108, #13492). A
   variable ADDED to os.environ, even before `import neonize`, goes into a new array that Go
   never reads (measured: tests/test_neonize_env.py). So when the start-up environment lacks the
   value wanted for NEONIZE_BOT_TAG, the process replaces itself (`os.execve`: same pid, same
   arguments, same open stdio) with the value in place. Setting the variable in the process
   manager's environment (PM2 `env`, systemd `Environment=`) makes this a no-op.
2. `prepare(log_level)`, before the first connect: sets the variable's default for any child
   process and lowers what neonize ships from Go over FFI to warnings and errors.
3. `new_client(session_path)`: the client, shown as "jadwal-bot" in the phone's Linked devices.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from neonize.aioze.client import NewAClient
    from neonize.proto.waCompanionReg.WAWebProtobufsCompanionReg_pb2 import DeviceProps
    from neonize.utils.enum import ClientType

# neonize appends <bot biz_bot="1"/> to sends to a phone JID (server s.whatsapp.net) unless this
# is "off"/"none"/"false"/"0" (goneonize/main.go shouldAddBotNode, called from GenerateWABinary
# on every send). The user's own value, set before start, is kept.
BOT_TAG = "NEONIZE_BOT_TAG"
BOT_TAG_DEFAULT = "off"
# Marks a process that already replaced itself once: never loop.
_REEXECUTED = "JADWAL_NEONIZE_ENV_REEXEC"

# What the phone lists under Linked devices: DeviceProps.os is the device's name ("Device name
# that's shown in the WhatsApp Web section in the mobile app", mautrix/whatsapp
# pkg/connector/example-config.yaml, os_name), platformType only picks the icon. The bot is
# neither a browser nor WhatsApp Desktop: UNKNOWN, whatsmeow's own default
# (store/clientpayload.go DeviceProps) and "a generic icon" per the same config (browser_name).
# whatsmeow sends these props only when pairing (store/clientpayload.go getRegistrationPayload,
# not getLoginPayload): a session paired before keeps its old name until re-paired.
DEVICE_NAME = "jadwal-bot"

# Loggers that neonize creates or feeds (neonize/utils/log.py): its own package, the Go log
# relay "whatsmeow.<module>", and "Whatsmeow.Database" (capital W, a separate tree).
_LIBRARY_LOGGERS = ("neonize", "neonize.utils.log", "whatsmeow", "Whatsmeow")
# The bot's level names (loguru's, bot/settings.py LOG_LEVELS) as stdlib levels. Only
# 10/30/40/50 are used below: LogLevel.from_logging (neonize/utils/enum.py) maps exactly those
# and turns any other number into INFO.
_STDLIB_LEVELS = {
    "TRACE": logging.DEBUG,
    "DEBUG": logging.DEBUG,
    "INFO": logging.INFO,
    "SUCCESS": logging.INFO,
    "WARNING": logging.WARNING,
    "ERROR": logging.ERROR,
    "CRITICAL": logging.CRITICAL,
}


def startup_environ() -> dict[str, str] | None:
    """The environment this process was started with, as neonize's Go code sees it; None
    where the system does not tell (no /proc: not Linux)."""
    try:
        raw = Path("/proc/self/environ").read_bytes()
    except OSError:
        return None
    env: dict[str, str] = {}
    for item in raw.split(b"\0"):
        key, sep, value = item.partition(b"=")
        if sep:
            env[os.fsdecode(key)] = os.fsdecode(value)
    return env


def reexec_with_library_env() -> bool:
    """Make NEONIZE_BOT_TAG (the user's value, else "off") part of the environment neonize's
    Go code reads, by replacing this process with itself when needed.

    Returns False when nothing had to be done or it cannot be done (no /proc, no command line to
    repeat, already replaced once); otherwise it does not return. Call it first thing: whatever
    the process did before is started again, and Python's buffered output is flushed first.
    """
    os.environ.setdefault(BOT_TAG, BOT_TAG_DEFAULT)
    started_with = startup_environ()
    if started_with is None or started_with.get(BOT_TAG) == os.environ[BOT_TAG]:
        return False
    if os.environ.get(_REEXECUTED) or not sys.orig_argv:
        return False
    env = dict(os.environ)
    env[_REEXECUTED] = "1"
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(sys.executable, sys.orig_argv, env)


def library_log_level(log_level: str) -> int:
    """The stdlib level for neonize's loggers: DEBUG when the bot's level asks for debug output,
    else WARNING or the bot's level if that is higher."""
    level = _STDLIB_LEVELS.get(log_level.strip().upper(), logging.INFO)
    return logging.DEBUG if level <= logging.DEBUG else max(logging.WARNING, level)


def prepare(log_level: str) -> None:
    """Prepare neonize for this process; idempotent, and loads no Go code.

    - NEONIZE_BOT_TAG defaults to "off" in os.environ (seen by child processes and by
      `reexec_with_library_env`; the Go library itself only sees the start-up environment).
    - neonize passes `LogLevel.from_logging(log.level).level` to Go at connect, where `log` is
      the "neonize.utils.log" logger and `.level` its OWN level, not the effective one
      (neonize/aioze/client.py NewAClient.connect_with_proxy). Left NOTSET (0) that is
      LogLevel.NOTSET, b"", which goneonize/utils/log.go NewLogger maps to -1: every DEBUG line
      of whatsmeow crosses FFI. Setting that logger (and the relay loggers) to WARNING makes Go
      drop debug and info lines before they are formatted.
    """
    os.environ.setdefault(BOT_TAG, BOT_TAG_DEFAULT)
    level = library_log_level(log_level)
    for name in _LIBRARY_LOGGERS:
        logging.getLogger(name).setLevel(level)


def device_props() -> DeviceProps:
    """The linked device as the phone will list it: "jadwal-bot", generic icon."""
    from neonize.proto.waCompanionReg.WAWebProtobufsCompanionReg_pb2 import DeviceProps

    return DeviceProps(os=DEVICE_NAME, platformType=DeviceProps.UNKNOWN)


def pair_client_type() -> ClientType:
    """The browser named when pairing with a phone-number code.

    WhatsApp accepts only a common "Browser (OS)" there (whatsmeow pair-code.go PairPhone: else
    400). Without an explicit client_type, neonize derives it from the device props
    (aioze/client.py PairPhone: `ClientType(props.platformType)`, i.e. "Unknown (Linux)" for
    ours), so pass this: FIREFOX, what neonize uses when no props are given.
    """
    from neonize.utils.enum import ClientType

    return ClientType.FIREFOX


def new_client(session_path: str) -> NewAClient:
    """A neonize client on `session_path` (the session database) with this bot's device props.
    Creating it does not connect."""
    from neonize.aioze.client import NewAClient

    return NewAClient(session_path, props=device_props())
