"""`python -m bot console` as a user runs it: a subprocess fed through stdin."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes import PNG
from tests.quick import QUICK_ENV

ROOT = Path(__file__).resolve().parents[1]


def clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JADWAL_")}
    env["PYTHONPATH"] = str(ROOT)
    env.update(QUICK_ENV)
    return env


class Console:
    def __init__(self, data_dir: Path, cwd: Path) -> None:
        self.data_dir = data_dir
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "console", "--data-dir", str(data_dir)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=cwd,
            env=clean_env(),
        )

    def send(self, *lines: str) -> None:
        assert self.proc.stdin is not None
        for line in lines:
            self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def outbox(self) -> list[dict[str, str | None]]:
        path = self.data_dir / "outbox.jsonl"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text().splitlines() if line]

    def wait_outbox(self, predicate, timeout: float = 10.0) -> list[dict[str, str | None]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            records = self.outbox()
            if predicate(records):
                return records
            assert self.proc.poll() is None, self.proc.stderr.read() if self.proc.stderr else ""
            time.sleep(0.05)
        raise AssertionError(f"outbox never matched: {self.outbox()}")

    def close(self, timeout: float = 10.0) -> tuple[int, str, str]:
        out, err = self.proc.communicate(timeout=timeout)
        return self.proc.returncode, out, err


@pytest.fixture
def console(tmp_path: Path) -> Iterator[Console]:
    started = Console(tmp_path / "data", tmp_path)
    yield started
    if started.proc.poll() is None:
        started.proc.kill()
        started.proc.communicate()


def posts(records: list[dict[str, str | None]]) -> list[dict[str, str | None]]:
    return [r for r in records if str(r["chat"]).endswith("@g.us")]


def test_schedule_deliver_and_exit_on_eof(console: Console, tmp_path: Path):
    console.send(
        "/grup",
        "/tujuan 2",
        "/jadwal dalam 1 detik Halo dari konsol\\",
        "baris dua",
        "/jadwal besok 08:00 Nanti saja",
        "!orang /batal 2",
    )
    records = console.wait_outbox(lambda r: posts(r))
    delivered = posts(records)
    assert [(r["chat_name"], r["text"]) for r in delivered] == [
        ("Grup Demo B", "Halo dari konsol\nbaris dua")
    ]
    console.send("/antrian")
    console.wait_outbox(lambda r: any("Antrian: 1 post" in str(x["text"]) for x in r))
    code, out, err = console.close()  # stdin closed: EOF
    assert code == 0, err
    assert "bot> Tujuan post sekarang: Grup Demo B." in out
    assert "#1 terjadwal" in out and "WIB -> Grup Demo B" in out
    assert "] [Grup Demo B] Halo dari konsol" in out
    assert "#2 Min" in out or "#2 Sen" in out or "#2 " in out
    # the stranger's /batal was ignored: post 2 is still pending after restart
    listing = subprocess.run(
        [sys.executable, "-m", "bot", "queue", "--json", "--data-dir", str(console.data_dir)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=clean_env(),
        check=True,
    )
    queue = [json.loads(line) for line in listing.stdout.splitlines()]
    assert [(q["id"], q["status"]) for q in queue] == [(1, "sent"), (2, "pending")]
    assert queue[1]["due_at"].endswith("08:00:00+07:00")


def test_photo_post_from_a_local_file_and_a_reply_to_it(console: Console, tmp_path: Path):
    photo = tmp_path / "promo.png"
    photo.write_bytes(PNG)
    console.send("/tujuan Keluarga", f"!foto {photo} /jadwal dalam 1 detik Promo hari ini")
    first = console.wait_outbox(lambda r: posts(r))
    media = posts(first)[0]["media"]
    assert media is not None and Path(media).parent == console.data_dir / "media"
    assert Path(media).read_bytes() == PNG
    assert posts(first)[0]["text"] == "Promo hari ini"
    console.send(f"!foto {photo}")
    console.send("!balas in-3 /jadwal dalam 1 detik Ulang foto")
    records = console.wait_outbox(lambda r: len(posts(r)) == 2)
    assert posts(records)[1]["media"] == media and posts(records)[1]["text"] == "Ulang foto"
    code, out, _ = console.close()
    assert code == 0
    assert "foto promo.png terkirim ke bot sebagai id in-3" in out


def test_second_instance_refused_with_the_running_one_named(console: Console, tmp_path: Path):
    console.send("/status")
    console.wait_outbox(lambda r: r)
    second = subprocess.run(
        [sys.executable, "-m", "bot", "console", "--data-dir", str(console.data_dir)],
        input="",
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=clean_env(),
        timeout=20,
    )
    assert second.returncode == 3
    assert f'"pid": {console.proc.pid}' in second.stderr
    assert "already running" in second.stderr
    code, _, _ = console.close()
    assert code == 0


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_stops_cleanly(console: Console, sig: signal.Signals):
    console.send("/status")
    console.wait_outbox(lambda r: r)
    console.proc.send_signal(sig)
    code, _, err = console.close()
    assert code == 0, err
    log = (console.data_dir / "logs" / "jadwal-bot.log").read_text()
    assert "shutting down (signal)" in log and "jadwal-bot stopped" in log
