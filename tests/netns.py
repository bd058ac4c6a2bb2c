"""Run `python -m bot run` in a private network namespace with a fake WhatsApp host.

Two halves, one file:

- for the tests: checks for what is needed (`unshare -n -m`, neonize), readings of a process
  from /proc, and `NetnsBot`, which starts the bot inside `unshare -n -m` and samples it;
- run as a script (`python tests/netns.py --serve drop ... -- <command>`), inside the new
  namespaces: bring `lo` up, bind-mount a hosts file over /etc/hosts (mount namespace: the
  host's file is never touched), listen on 127.0.0.1:443, fork the fake server, then exec
  <command> in place of the script. The command keeps the script's pid, so the pid that
  subprocess.Popen returns is the bot's own: signals reach it directly and its exit code is
  the bot's. The server child dies with it (PR_SET_PDEATHSIG).

whatsmeow dials `wss://web.whatsapp.com/ws/chat` (socket/constants.go, socket.URL); the bot's
probe checks the same host and port first. HOSTS below point at 127.0.0.1 inside the
namespace; every other name fails to resolve (no DNS server is reachable: no interface but
`lo`), so nothing can reach the real network.

The script half imports only the standard library: it runs before the bot's interpreter.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import ctypes.util
import fcntl
import itertools
import os
import re
import shutil
import signal
import socket
import ssl
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = Path(__file__).resolve()

# What the bot may look up while connecting: the probe's host and whatsmeow's websocket host.
HOSTS = ("web.whatsapp.com",)
PORT = 443

SERVERS = ("drop", "hold", "tls-hold")

# Variables that would send whatsmeow's dial elsewhere (Go's net/http reads them) or change
# the bot's settings behind the test's back.
_PROXY_VARS = {"http_proxy", "https_proxy", "all_proxy", "no_proxy"}


# --- what the tests need from the machine -------------------------------------------------


def unshare_prefix(*flags: str) -> tuple[list[str] | None, str]:
    """The `unshare` command line that gives new namespaces `flags`, or None and why not.

    As root `unshare <flags>` is enough; otherwise user namespaces (`-r`) may allow it.
    """
    if shutil.which("unshare") is None:
        return None, "the `unshare` command (util-linux) is not installed"
    tried = []
    for extra in ([], ["-r"]):
        command = ["unshare", *extra, *flags]
        probe = subprocess.run([*command, "true"], capture_output=True, text=True, check=False)
        if probe.returncode == 0:
            return command, ""
        tried.append(f"`{' '.join(command)}`: {probe.stderr.strip() or probe.returncode}")
    return None, (
        "needs new namespaces (root, or unprivileged user namespaces): " + "; ".join(tried)
    )


def neonize_problem() -> str | None:
    """None when neonize (and its Go library) loads in this interpreter, else why not."""
    try:
        import neonize.aioze.client  # noqa: F401
    except Exception as exc:
        return f"neonize cannot be imported: {type(exc).__name__}: {exc}"
    return None


def threads(pid: int) -> int:
    match = re.search(r"^Threads:\s+(\d+)", Path(f"/proc/{pid}/status").read_text(), re.M)
    assert match, f"no Threads: line for pid {pid}"
    return int(match[1])


def rss_kb(pid: int) -> int:
    match = re.search(r"^VmRSS:\s+(\d+)", Path(f"/proc/{pid}/status").read_text(), re.M)
    assert match, f"no VmRSS: line for pid {pid}"
    return int(match[1])


def fds(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def fds_to(pid: int, suffix: str) -> int:
    """Open file descriptors of `pid` whose target path ends with `suffix`."""
    count = 0
    for fd in os.listdir(f"/proc/{pid}/fd"):
        with contextlib.suppress(OSError):
            count += os.readlink(f"/proc/{pid}/fd/{fd}").endswith(suffix)
    return count


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def task_listing(pid: int) -> str:
    """One line per thread of `pid`: tid, name, state and the kernel wait channel."""
    lines = []
    with contextlib.suppress(OSError):
        for tid in sorted(os.listdir(f"/proc/{pid}/task"), key=int):
            base = Path(f"/proc/{pid}/task/{tid}")
            try:
                name = (base / "comm").read_text().strip()
                state = re.search(r"^State:\s+(.*)$", (base / "status").read_text(), re.M)
                wchan = (base / "wchan").read_text().strip() if (base / "wchan").exists() else "?"
            except OSError:
                continue
            lines.append(
                f"  tid {tid:>7}  {name:<16} {state[1] if state else '?':<16} wchan={wchan or '-'}"
            )
            if state and state[1][0] in "RD":  # busy or stuck in the kernel: where
                with contextlib.suppress(OSError):
                    lines += [
                        f"      {frame}" for frame in (base / "stack").read_text().splitlines()[:8]
                    ]
    return "\n".join(lines) or "  (process gone)"


def py_spy_dump(pid: int) -> str:
    """Python and native stacks of `pid` via py-spy, when py-spy is on PATH."""
    exe = shutil.which("py-spy")
    if exe is None:
        return "(py-spy not installed)"
    try:
        out = subprocess.run(
            [exe, "dump", "--pid", str(pid)],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return "(py-spy dump timed out)"
    return out.stdout + out.stderr


def openssl_problem() -> str | None:
    return None if shutil.which("openssl") else "the `openssl` command is not installed"


def make_certificate(cert: Path, host: str) -> Path:
    """A self-signed certificate for `host` at `cert`; returns a PEM file with key and cert."""
    key = cert.with_suffix(".key")
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "2",
            "-subj",
            f"/CN={host}",
            "-addext",
            f"subjectAltName=DNS:{host}",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    both = cert.with_suffix(".both.pem")
    both.write_text(key.read_text() + cert.read_text())
    return both


# --- the bot in a namespace, as the tests see it -------------------------------------------


@dataclass(frozen=True)
class Sample:
    at: float  # seconds since start
    threads: int
    fds: int
    session_fds: int  # of which on data/session.db (neonize opens it per connect())
    rss_kb: int
    attempts: int  # "attempt N failed" lines in the log so far
    ready: bool  # the bot has logged that it is ready (imports done, app started)


class NetnsBot:
    """`python -m bot run` inside new network and mount namespaces, with a fake server.

    Use as a context manager; the process is killed and reaped on exit if still running.
    """

    def __init__(self, workdir: Path, server: str, settings: dict[str, str]) -> None:
        """`settings`: JADWAL_* variables for the bot; its data dir is workdir/data."""
        assert server in SERVERS, server
        self.workdir = workdir
        self.server = server
        self.settings = settings
        self.data_dir = workdir / "data"
        self.log_path = workdir / "stdout.log"
        self.hosts_path = workdir / "hosts"
        self.record_path = workdir / "server.log"
        self.cert_path = workdir / "web.whatsapp.com.pem"
        self.samples: list[Sample] = []
        self.started_at = 0.0
        self.proc: subprocess.Popen[bytes] | None = None
        self.exit_seen_at: float | None = None
        self._log: IO[bytes] | None = None

    # lifecycle

    def __enter__(self) -> NetnsBot:
        prefix, why = unshare_prefix("-n", "-m")
        assert prefix is not None, why
        self.hosts_path.write_text(
            "127.0.0.1 localhost\n::1 localhost\n"
            + "".join(f"127.0.0.1 {host}\n" for host in HOSTS)
        )
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("JADWAL_") and k.lower() not in _PROXY_VARS
        }
        env |= {"PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
        server = ["--serve", self.server]
        if self.server == "tls-hold":
            server += ["--cert", str(make_certificate(self.cert_path, HOSTS[0]))]
            env["SSL_CERT_FILE"] = str(self.cert_path)  # Go's only trusted root (crypto/x509)
        env |= {"JADWAL_DATA_DIR": str(self.data_dir)} | self.settings
        self._log = self.log_path.open("wb")
        self.started_at = time.monotonic()
        try:
            self.proc = subprocess.Popen(
                [
                    *prefix,
                    sys.executable,
                    str(SCRIPT),
                    *server,
                    "--hosts",
                    str(self.hosts_path),
                    "--record",
                    str(self.record_path),
                    "--outside-mnt",
                    os.readlink("/proc/self/ns/mnt"),
                    "--outside-net",
                    os.readlink("/proc/self/ns/net"),
                    "--",
                    sys.executable,
                    "-m",
                    "bot",
                    "run",
                ],
                stdout=self._log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                cwd=self.workdir,
                env=env,
            )
        except BaseException:
            self._log.close()
            raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.kill()
            self.proc.wait()
        if self._log is not None:
            self._log.close()
            self._log = None

    @property
    def pid(self) -> int:
        assert self.proc is not None, "enter the context first"
        return self.proc.pid

    def send_signal(self, signum: signal.Signals) -> None:
        assert self.proc is not None, "enter the context first"
        self.proc.send_signal(signum)

    def returncode(self) -> int | None:
        assert self.proc is not None, "enter the context first"
        return self.proc.poll()

    # readings

    def output(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def tail(self, chars: int = 4000) -> str:
        text = self.output()
        return ("...\n" + text[-chars:]) if len(text) > chars else text

    def attempts(self, output: str | None = None) -> int:
        text = self.output() if output is None else output
        return len(re.findall(r"attempt \d+ failed, next in", text))

    def server_events(self) -> list[tuple[float, int, str]]:
        """(monotonic time, connection number, what) for each line the fake server wrote.

        The first connection of an attempt is the bot's probe, the next one whatsmeow's dial.
        """
        if not self.record_path.exists():
            return []
        events = []
        for line in self.record_path.read_text().splitlines():
            at, number, what = line.split(" ", 2)
            events.append((float(at), int(number.lstrip("#")), what))
        return events

    def held(self) -> dict[int, float]:
        """Connections the server holds open now: number -> when it accepted them."""
        open_now: dict[int, float] = {}
        for at, number, what in self.server_events():
            if what.startswith("accepted"):
                open_now[number] = at
            elif what.startswith(("closed", "error")):
                open_now.pop(number, None)
        return open_now

    def connections(self) -> int:
        """TCP connections the fake server accepted (the probe's and whatsmeow's)."""
        return sum(what.startswith("accepted") for _, _, what in self.server_events())

    def sample(self) -> Sample | None:
        """Threads, fds and RSS now, if the process is still running.

        None once it has ended, and also while it is ending: after the main thread exits
        the kernel may still be tearing the process down (main thread a zombie, VmRSS gone),
        and the pid is only reaped when that is done. `exit_seen_at` records when the
        process was first seen ending that way.
        """
        if self.returncode() is not None:
            return None
        output = self.output()
        try:
            status = Path(f"/proc/{self.pid}/status").read_text()
            if re.search(r"^State:\s+Z", status, re.M):
                self.exit_seen_at = self.exit_seen_at or time.monotonic()
                return None
            reading = Sample(
                time.monotonic() - self.started_at,
                threads(self.pid),
                fds(self.pid),
                fds_to(self.pid, "/session.db"),
                rss_kb(self.pid),
                self.attempts(output),
                " ready: data " in output,
            )
        except (OSError, AssertionError):  # it ended between two reads
            return None
        self.samples.append(reading)
        return reading

    def watch(self, until: Callable[[], bool], limit_s: float, every_s: float = 0.1) -> bool:
        """Sample every `every_s` until `until()`, the process is reaped, or `limit_s`.

        Returns until()'s last answer.
        """
        deadline = time.monotonic() + limit_s
        while time.monotonic() < deadline:
            if until() or self.returncode() is not None:
                return until()
            self.sample()
            time.sleep(every_s)
        return until()

    def wait_exit(self, limit_s: float) -> float | None:
        """Seconds until the process was reaped (sampling meanwhile), or None if not yet."""
        start = time.monotonic()
        if self.watch(lambda: self.returncode() is not None, limit_s, every_s=0.05):
            return time.monotonic() - start
        return None

    def threads_report(self) -> str:
        """What is left of a process that did not end: its threads, and py-spy's stacks."""
        ending = ""
        if self.exit_seen_at is not None:
            ending = (
                f"its main thread exited {time.monotonic() - self.exit_seen_at:.1f} s "
                "ago; the kernel has not finished tearing it down\n"
            )
        return (
            f"{ending}threads of pid {self.pid}:\n{task_listing(self.pid)}\n"
            f"py-spy dump:\n{py_spy_dump(self.pid)}"
        )


FIGURES = ("threads", "fds", "session_fds", "rss_kb")


def summary(samples: list[Sample], warm: Sample) -> dict[str, tuple[int, int, int, int]]:
    """For each of FIGURES: at start (bot ready), after warm-up, at most after it, at the end."""
    start = next((s for s in samples if s.ready), samples[0])
    later = [s for s in samples if s.at >= warm.at]
    last = samples[-1]
    return {
        name: (
            getattr(start, name),
            getattr(warm, name),
            max(getattr(s, name) for s in later),
            getattr(last, name),
        )
        for name in FIGURES
    }


def format_summary(rows: dict[str, tuple[int, int, int, int]]) -> str:
    lines = [f"  {'':<12}{'start':>8}{'warm':>8}{'max':>8}{'end':>8}"]
    lines += [
        f"  {name:<12}" + "".join(f"{value:>8}" for value in values)
        for name, values in rows.items()
    ]
    return "\n".join(lines)


def per_attempt(samples: list[Sample]) -> list[Sample]:
    """The first sample taken after each new attempt was logged."""
    seen = -1
    picked = []
    for reading in samples:
        if reading.attempts != seen:
            picked.append(reading)
            seen = reading.attempts
    return picked


# --- inside the namespaces (script half) ---------------------------------------------------

_SIOCGIFFLAGS = 0x8913
_SIOCSIFFLAGS = 0x8914
_IFF_UP = 0x1
_MS_BIND = 4096
_PR_SET_PDEATHSIG = 1


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


def _loopback_up() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sH14x", b"lo", 0)
        flags = struct.unpack("16sH14x", fcntl.ioctl(sock, _SIOCGIFFLAGS, request))[1]
        fcntl.ioctl(sock, _SIOCSIFFLAGS, struct.pack("16sH14x", b"lo", flags | _IFF_UP))


def _bind_mount(source: str, target: str) -> None:
    if _libc().mount(source.encode(), target.encode(), None, _MS_BIND, None) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"mount --bind {source} {target}: {os.strerror(errno)}")


def _die_with_parent(parent: int) -> None:
    _libc().prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # it ended before the line above
        os._exit(0)


class _Recorder:
    """One line per server event, flushed at once (the test reads the file while we run)."""

    def __init__(self, path: Path) -> None:
        self._out = path.open("a", buffering=1)
        self._lock = threading.Lock()

    def __call__(self, number: int, what: str) -> None:
        with self._lock:
            self._out.write(f"{time.monotonic():.3f} #{number} {what}\n")


def _hold(conn: socket.socket, number: int, record: _Recorder, tls: ssl.SSLContext | None) -> None:
    """Read and discard until the peer closes; never answer. With `tls`, first complete the
    TLS handshake and record the first line of the request (the websocket upgrade)."""
    with contextlib.ExitStack() as stack:
        sock: socket.socket = stack.enter_context(conn)
        try:
            if tls is not None:
                sock = stack.enter_context(tls.wrap_socket(conn, server_side=True))
                record(number, "tls handshake done")
            first = True
            while data := sock.recv(65536):
                if first and tls is not None:
                    line = data.split(b"\r\n", 1)[0].decode("ascii", "replace")
                    record(number, f"request {line!r}")
                first = False
        except OSError as exc:
            record(number, f"error {exc}")
            return
    record(number, "closed by peer")


def _serve(
    kind: str, listener: socket.socket, record: _Recorder, tls: ssl.SSLContext | None
) -> None:
    """drop: accept and close at once. hold: accept, read and discard, never answer.
    tls-hold: complete TLS, then read and discard, never answer the HTTP request."""
    for number in itertools.count(1):
        conn, peer = listener.accept()
        record(number, f"accepted from port {peer[1]}")
        if kind == "drop":
            conn.close()
            continue
        threading.Thread(target=_hold, args=(conn, number, record, tls), daemon=True).start()


def _main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--serve", choices=SERVERS, required=True)
    parser.add_argument("--hosts", required=True, help="file bind-mounted over /etc/hosts")
    parser.add_argument("--record", required=True, help="where the server logs connections")
    parser.add_argument("--cert", help="certificate and key (PEM) for tls-hold")
    parser.add_argument("--outside-mnt", required=True, help="the caller's mount namespace")
    parser.add_argument("--outside-net", required=True, help="the caller's network namespace")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command")
    # Never mount over the host's /etc/hosts, nor serve on the host's port 443.
    if (
        os.readlink("/proc/self/ns/mnt") == args.outside_mnt
        or os.readlink("/proc/self/ns/net") == args.outside_net
    ):
        print("netns: not inside new namespaces; refusing", file=sys.stderr)
        return 2
    tls = None
    if args.serve == "tls-hold":
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(args.cert)
    _loopback_up()
    _bind_mount(args.hosts, "/etc/hosts")
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", PORT))
    listener.listen(128)
    parent = os.getpid()
    sys.stdout.flush()
    sys.stderr.flush()
    if os.fork() == 0:
        try:
            _die_with_parent(parent)
            _serve(args.serve, listener, _Recorder(Path(args.record)), tls)
        finally:
            os._exit(0)
    listener.close()
    os.execvp(command[0], command)
    return 1  # not reached


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
