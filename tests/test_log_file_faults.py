"""The log file on a full disk: one line on stderr when it cannot be written, one when it is
written again; never loguru's "--- Logging error in Loguru Handler ---" block per log line
(loguru/_handler.py Handler.emit hands every error of a sink to
_error_interceptor.py ErrorInterceptor.print, which writes that block to stderr)."""

from __future__ import annotations

import errno
import io
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from loguru import logger

from bot.logsetup import _FORMAT, LOG_FILE, LogFile
from tests import faultfs
from tests.netns import ROOT, unshare_prefix

LINES_WHILE_FULL = 100


class FullDisk(io.TextIOBase):
    """The log file's stream on a disk that fills: while `full`, a write raises ENOSPC as
    os.write does (OSError errno 28), and nothing of the line lands."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self.full = False

    def write(self, text: str) -> int:
        if self.full:
            raise OSError(errno.ENOSPC, "No space left on device")
        return int(self._stream.write(text))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)

    def flush(self) -> None:
        self._stream.flush()

    def seek(self, *args: Any) -> int:
        return int(self._stream.seek(*args))

    def tell(self) -> int:
        return int(self._stream.tell())

    def close(self) -> None:
        self._stream.close()


def test_a_full_disk_is_said_once_and_its_end_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / LOG_FILE
    log_file = LogFile(path)
    disk = FullDisk(log_file.stream)
    log_file.stream = disk  # type: ignore[assignment]
    console = io.StringIO()
    sinks = [
        logger.add(log_file, format=_FORMAT, level="INFO"),
        logger.add(console, format="{message}", level="INFO"),
    ]
    try:
        logger.info("before")
        disk.full = True
        for n in range(LINES_WHILE_FULL):
            logger.info("while full {}", n)
        disk.full = False
        logger.info("after")
    finally:
        for sink in sinks:
            logger.remove(sink)
    said = capsys.readouterr().err
    assert "Logging error" not in said and "Traceback" not in said, said
    assert [line for line in said.splitlines() if line.startswith("jadwal-bot: ")] == [
        f"jadwal-bot: cannot write the log file {path} (No space left on device [ENOSPC]: "
        "free some space there (df -h)); log lines are not kept there until it can be "
        "written again",
        f"jadwal-bot: the log file {path} is written again; {LINES_WHILE_FULL} log line(s) "
        "could not be written to it meanwhile",
    ]
    written = [line.rsplit(" | ", 1)[1] for line in path.read_text().splitlines()]
    assert written == ["before", "after"]
    # The console (stdout, the journal) kept every line.
    assert console.getvalue().splitlines() == [
        "before",
        *(f"while full {n}" for n in range(LINES_WHILE_FULL)),
        "after",
    ]


# What loguru printed per line before: a whole block. Run on a real full tmpfs.
PROBE = textwrap.dedent("""
    import sys
    from pathlib import Path
    from loguru import logger
    from bot.logsetup import setup_logging

    disk = Path(sys.argv[1])
    setup_logging("INFO", disk / "logs", stream=open("/dev/null", "w"))
    logger.info("before")
    with open(disk / "filler", "wb", buffering=0) as filler:
        try:
            while True:
                filler.write(bytes(4096))
        except OSError:
            pass
    for n in range(int(sys.argv[2])):
        logger.info("while full {} " + "x" * 80, n)
    (disk / "filler").unlink()
    logger.info("after")
    logger.remove()
    print((disk / "logs" / "jadwal-bot.log").read_text().splitlines()[-1])
""")


def test_on_a_real_full_disk(tmp_path: Path) -> None:
    if why := faultfs.mount_problem():
        pytest.skip(why)
    prefix, _ = unshare_prefix("-m")
    assert prefix is not None
    disk = tmp_path / "disk"
    script = f'{faultfs.tmpfs(disk, "64k")} && exec "$@"'
    done = subprocess.run(
        [
            *prefix,
            "sh",
            "-c",
            script,
            "probe",
            sys.executable,
            "-c",
            PROBE,
            str(disk),
            str(LINES_WHILE_FULL),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin:/usr/sbin:/sbin", "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    log = disk / "logs" / LOG_FILE
    assert len(lines) == 2, done.stderr
    assert lines[0].startswith(f"jadwal-bot: cannot write the log file {log} (No space left")
    assert lines[1].startswith(f"jadwal-bot: the log file {log} is written again; ")
    assert done.stdout.rstrip().endswith("| after")
