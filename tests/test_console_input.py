"""`python -m bot console` fed bytes a terminal or a script can produce: a line that is not
valid UTF-8 is refused with a notice and the lines around it are handled, whatever the
locale; `!tunggu` refuses a pause that would never end."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot import messages as m
from bot.transport.console import MAX_WAIT_S
from tests.quick import QUICK_ENV

ROOT = Path(__file__).resolve().parents[1]
LOCALE_VARIABLES = (
    "LANG",
    "LC_ALL",
    "LC_CTYPE",
    "PYTHONIOENCODING",
    "PYTHONUTF8",
    "PYTHONCOERCECLOCALE",
)


def console(
    tmp_path: Path,
    stdin: bytes,
    lang: str = "C.UTF-8",
    io_encoding: str = "",
    timeout: float = 30.0,
) -> tuple[subprocess.CompletedProcess[bytes], list[str]]:
    """Run the console bot on `stdin` to its end; its result and the texts it sent."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("JADWAL_") and k not in LOCALE_VARIABLES
    }
    env.update(PYTHONPATH=str(ROOT), LANG=lang, **QUICK_ENV)
    if io_encoding:
        env["PYTHONIOENCODING"] = io_encoding
    data = tmp_path / "data"
    done = subprocess.run(
        [sys.executable, "-m", "bot", "console", "--data-dir", str(data)],
        input=stdin,
        capture_output=True,
        cwd=tmp_path,
        env=env,
        timeout=timeout,
        check=False,
    )
    outbox = data / "outbox.jsonl"
    lines = outbox.read_text(encoding="utf-8").splitlines() if outbox.exists() else []
    return done, [json.loads(line)["text"] for line in lines]


# "C" and "C.UTF-8": Python reads stdin leniently (surrogateescape), and the bad byte used to
# reach the database and end in "Maaf, terjadi kesalahan". A locale such as id_ID.UTF-8 or
# en_US.UTF-8 makes the read strict, and the first bad byte used to end the input silently,
# taking the lines before it; those locales are not installed here, so PYTHONIOENCODING
# makes the read strict as they do.
@pytest.mark.parametrize(
    ("lang", "io_encoding"), [("C", ""), ("C.UTF-8", ""), ("C.UTF-8", "utf-8:strict")]
)
def test_invalid_utf8_line_is_refused_and_the_others_are_handled(
    tmp_path: Path, lang: str, io_encoding: str
):
    stdin = (
        b"/tujuan 1\n"
        b"/jadwal besok 08:00 Kopi caf\xe9 enak\n"  # Latin-1, as some terminals send it
        b"/antrian\n"
    )
    done, sent = console(tmp_path, stdin, lang, io_encoding)
    out = done.stdout.decode("utf-8")
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    assert sent == [m.TARGET_SET.format(name="Grup Demo A"), m.QUEUE_EMPTY]
    notice = m.CONSOLE_NOT_TEXT.format(line="/jadwal besok 08:00 Kopi caf\ufffd enak")
    assert notice in out
    # the notice comes in its place: after the first reply, before the last
    assert out.index("Tujuan post sekarang") < out.index(notice) < out.index("Antrian kosong")
    assert m.GENERIC_ERROR not in out


def test_wait_that_would_never_end_is_refused(tmp_path: Path):
    refused = ("inf", "nan", "-5", str(MAX_WAIT_S + 1), "1e9", "sebentar")
    stdin = (
        b"".join(f"!tunggu {value}\n".encode() for value in refused) + b"!tunggu 0.2\n/tujuan 2\n"
    )
    done, sent = console(tmp_path, stdin, timeout=20.0)
    out = done.stdout.decode("utf-8")
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    assert out.count(m.CONSOLE_WAIT_USAGE.format(limit=MAX_WAIT_S)) == len(refused)
    assert sent == [m.TARGET_SET.format(name="Grup Demo B")]


def test_invalid_line_inside_a_continued_message_drops_the_whole_message(tmp_path: Path):
    stdin = (
        b"/tujuan 1\n"
        b"/jadwal besok 08:00 Rapat wali murid \\\n"  # continued on the next line ...
        b"di aula caf\xe9\n"  # ... which is not UTF-8
        b"/jadwal besok 09:00 Kopi caf\xe9 \\\n"  # a bad line that continues ...
        b"/batal 1\n"  # ... into this one, which is part of that message, not a command
        b"/antrian\n"
    )
    done, sent = console(tmp_path, stdin)
    out = done.stdout.decode("utf-8")
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    assert sent == [m.TARGET_SET.format(name="Grup Demo A"), m.QUEUE_EMPTY]
    first = m.CONSOLE_NOT_TEXT_CONTINUED.format(
        line="di aula caf\ufffd", first="/jadwal besok 08:00 Rapat wali murid "
    )
    second = m.CONSOLE_NOT_TEXT_CONTINUED.format(
        line="/jadwal besok 09:00 Kopi caf\ufffd \\", first="/jadwal besok 09:00 Kopi caf\ufffd "
    )
    assert first in out and second in out
    assert out.index(first) < out.index(second) < out.index("Antrian kosong")
    assert m.CONSOLE_NOT_TEXT.format(line="di aula caf\ufffd") not in out
