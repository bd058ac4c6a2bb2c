"""`python -m bot parse` and `python -m bot queue`, run as real subprocesses."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot import exitcodes
from bot.lockfile import InstanceLock
from bot.models import PostContent, PostStatus
from bot.settings import Settings
from bot.state import Key
from bot.store import Store
from tests.conftest import SATURDAY_EVENING, BotFactory, Clock

ROOT = Path(__file__).resolve().parent.parent
NOW = "2026-11-21T20:00:00+07:00"
GROUP = "120363000000000001@g.us"


def run_cli(
    args: list[str],
    cwd: Path,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("JADWAL_")}
    clean["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), clean.get("PYTHONPATH")]))
    clean.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=clean,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )


def parse_json(out: str) -> dict[str, object]:
    lines = out.splitlines()
    assert len(lines) == 1, out
    value = json.loads(lines[0])
    assert isinstance(value, dict)
    return value


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """An empty working directory (so no stray .env is read)."""
    directory = tmp_path / "cwd"
    directory.mkdir()
    return directory


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


# --- parse -----------------------------------------------------------------------------------


def test_parse_prints_exact_json(work: Path, data_dir: Path) -> None:
    done = run_cli(
        ["parse", "--data-dir", str(data_dir), "--now", NOW, "besok 08:00 Selamat pagi"], work
    )
    assert done.returncode == exitcodes.OK, done.stderr
    assert parse_json(done.stdout) == {
        "when": "2026-11-22T08:00:00+07:00",
        "repeat": None,
        "text": "Selamat pagi",
        "error": None,
    }
    assert done.stdout == (
        '{"when": "2026-11-22T08:00:00+07:00", "repeat": null, '
        '"text": "Selamat pagi", "error": null}\n'
    )
    assert not data_dir.exists()  # parsing writes nothing


def test_parse_keeps_non_ascii_and_newlines(work: Path, data_dir: Path) -> None:
    done = run_cli(
        [
            "parse",
            "--data-dir",
            str(data_dir),
            "--now",
            NOW,
            "dalam 30 menit Rapat “penting” 😀\nbaris dua",
        ],
        work,
    )
    assert done.returncode == exitcodes.OK, done.stderr
    assert parse_json(done.stdout) == {
        "when": "2026-11-21T20:30:00+07:00",
        "repeat": None,
        "text": "Rapat “penting” 😀\nbaris dua",
        "error": None,
    }


@pytest.mark.parametrize(
    "now",
    [
        "2026-11-21T13:00:00Z",
        "2026-11-21T13:00:00+00:00",
        "2026-11-21T21:00:00+08:00",
        "2026-11-21T20:00:00",
    ],
)
def test_parse_now_in_any_offset_answers_in_local_time(
    work: Path, data_dir: Path, now: str
) -> None:
    done = run_cli(["parse", "--data-dir", str(data_dir), "--now", now, "21:00 x"], work)
    assert done.returncode == exitcodes.OK, done.stderr
    assert parse_json(done.stdout)["when"] == "2026-11-21T21:00:00+07:00"


def test_parse_uses_the_configured_timezone(work: Path, data_dir: Path) -> None:
    done = run_cli(
        ["parse", "--data-dir", str(data_dir), "--now", NOW, "besok 08:00 x"],
        work,
        {"JADWAL_TIMEZONE": "Asia/Makassar"},
    )
    assert done.returncode == exitcodes.OK, done.stderr
    assert parse_json(done.stdout)["when"] == "2026-11-22T08:00:00+08:00"


def test_parse_reads_env_file_in_cwd(work: Path, data_dir: Path) -> None:
    (work / ".env").write_text("JADWAL_TIMEZONE=Asia/Jayapura\n", encoding="utf-8")
    done = run_cli(["parse", "--data-dir", str(data_dir), "--now", NOW, "besok 08:00 x"], work)
    assert done.returncode == exitcodes.OK, done.stderr
    assert parse_json(done.stdout)["when"] == "2026-11-22T08:00:00+09:00"


def test_parse_unreadable_phrase(work: Path, data_dir: Path) -> None:
    done = run_cli(["parse", "--data-dir", str(data_dir), "--now", NOW, "halo semua"], work)
    assert done.returncode == exitcodes.USAGE  # a refused phrase is the caller's to fix
    result = parse_json(done.stdout)
    assert result["when"] is None
    assert result["repeat"] is None
    assert result["text"] == "halo semua"
    assert isinstance(result["error"], str) and "tidak terbaca" in result["error"]


def test_parse_passed_today(work: Path, data_dir: Path) -> None:
    done = run_cli(["parse", "--data-dir", str(data_dir), "--now", NOW, "hari ini 19:00 x"], work)
    assert done.returncode == exitcodes.USAGE
    result = parse_json(done.stdout)
    assert result["when"] is None
    assert isinstance(result["error"], str) and "besok 19:00" in result["error"]


@pytest.mark.parametrize("now", ["kemarin", "2026-13-01T00:00", "21/11/2026 20:00"])
def test_parse_invalid_now(work: Path, data_dir: Path, now: str) -> None:
    done = run_cli(["parse", "--data-dir", str(data_dir), "--now", now, "besok 08:00 x"], work)
    assert done.returncode == exitcodes.USAGE
    assert done.stdout == ""
    assert "--now" in done.stderr


def test_parse_without_now_uses_the_clock(work: Path, data_dir: Path) -> None:
    done = run_cli(["parse", "--data-dir", str(data_dir), "dalam 1 jam x"], work)
    assert done.returncode == exitcodes.OK, done.stderr
    when = parse_json(done.stdout)["when"]
    assert isinstance(when, str)
    delta = datetime.fromisoformat(when) - datetime.now(UTC)
    assert 0 < delta.total_seconds() <= 3600


def test_bad_settings_exit_2_with_message(work: Path, data_dir: Path) -> None:
    done = run_cli(
        ["parse", "--data-dir", str(data_dir), "--now", NOW, "besok 08:00 x"],
        work,
        {"JADWAL_TIMEZONE": "Mars/Base"},
    )
    assert done.returncode == exitcodes.USAGE
    assert done.stdout == ""
    assert "JADWAL_TIMEZONE" in done.stderr
    assert "Mars/Base" in done.stderr


def test_bad_settings_stop_queue_too(work: Path, data_dir: Path) -> None:
    done = run_cli(
        ["queue", "--json", "--data-dir", str(data_dir)],
        work,
        {"JADWAL_TIMEZONE": "Mars/Base", "JADWAL_LOG_LEVEL": "loud"},
    )
    assert done.returncode == exitcodes.USAGE
    assert done.stdout == ""
    assert "JADWAL_TIMEZONE" in done.stderr and "JADWAL_LOG_LEVEL" in done.stderr


def test_no_command_is_a_usage_error(work: Path) -> None:
    done = run_cli([], work)
    assert done.returncode == exitcodes.USAGE
    assert "usage" in done.stderr.lower()


# --- queue -----------------------------------------------------------------------------------


async def fill(data_dir: Path, timezone: str | None = None) -> None:
    store = await Store.open(data_dir / "bot.db")
    try:
        now = datetime(2026, 11, 21, 13, 0, tzinfo=UTC)
        await store.add_post(
            datetime(2026, 11, 22, 1, 0, tzinfo=UTC),
            PostContent("Selamat pagi “semua”"),
            [(GROUP, "Grup Demo A")],
            now=now,
        )
        second = await store.add_post(
            datetime(2026, 11, 21, 17, 30, tzinfo=UTC),
            PostContent("Foto\nbaris dua", media_path="media/abc.jpg", media_mime="image/jpeg"),
            [(GROUP, "Grup Demo A")],
            now=now,
        )
        await store.move(second.id, PostStatus.CANCELLED, expect=PostStatus.PENDING, now=now)
        if timezone:
            await store.set_settings({Key.TIMEZONE: timezone})
    finally:
        await store.close()


async def test_queue_json_lines(work: Path, data_dir: Path) -> None:
    await fill(data_dir)
    done = run_cli(["queue", "--json", "--data-dir", str(data_dir)], work)
    assert done.returncode == exitcodes.OK, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(rows) == 2
    assert {k: rows[0][k] for k in ("id", "status", "due_at", "text", "media")} == {
        "id": 1,
        "status": "pending",
        "due_at": "2026-11-22T08:00:00+07:00",
        "text": "Selamat pagi “semua”",
        "media": None,
    }
    assert {k: rows[1][k] for k in ("id", "status", "due_at", "text", "media")} == {
        "id": 2,
        "status": "cancelled",
        "due_at": "2026-11-22T00:30:00+07:00",
        "text": "Foto\nbaris dua",
        "media": "media/abc.jpg",
    }
    assert [
        (d["destination"], d["destination_name"], d["status"]) for d in rows[0]["deliveries"]
    ] == [(GROUP, "Grup Demo A", "pending")]
    assert [d["status"] for d in rows[1]["deliveries"]] == ["cancelled"]


@pytest.mark.parametrize("name", ["data", "data #1", "data?x", "50%25 data"])
async def test_queue_uses_the_timezone_saved_in_the_database(
    work: Path, tmp_path: Path, name: str
) -> None:
    data_dir = tmp_path / name
    await fill(data_dir, timezone="Asia/Makassar")
    done = run_cli(["queue", "--json", "--data-dir", str(data_dir)], work)
    assert done.returncode == exitcodes.OK, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["due_at"] for r in rows] == ["2026-11-22T09:00:00+08:00", "2026-11-22T01:30:00+08:00"]


async def test_queue_plain_text(work: Path, data_dir: Path) -> None:
    await fill(data_dir)
    done = run_cli(["queue", "--data-dir", str(data_dir)], work)
    assert done.returncode == exitcodes.OK, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("#1")
    assert "pending" in lines[0] and "2026-11-22 08:00" in lines[0]
    assert "Grup Demo A: Selamat pagi “semua”" in lines[0]
    assert "cancelled" in lines[1] and "Foto baris dua" in lines[1]


async def fill_many(data_dir: Path, posts: int) -> None:
    store = await Store.open(data_dir / "bot.db")
    try:
        now = datetime(2026, 11, 21, 13, 0, tzinfo=UTC)
        for i in range(posts):
            await store.add_post(
                now, PostContent(f"Pengumuman {i} " * 10), [(GROUP, "Grup Demo A")], now=now
            )
    finally:
        await store.close()


def test_queue_into_a_closed_pipe_exits_quietly(work: Path, data_dir: Path) -> None:
    """`python -m bot queue --json | head -1`: more output than a pipe holds (64 kB), and the
    reader gone after one line."""
    asyncio.run(fill_many(data_dir, 1500))
    clean = {k: v for k, v in os.environ.items() if not k.startswith("JADWAL_")}
    clean["PYTHONPATH"] = str(ROOT)
    queue = subprocess.Popen(
        [sys.executable, "-m", "bot", "queue", "--json", "--data-dir", str(data_dir)],
        cwd=work,
        env=clean,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert queue.stdout is not None and queue.stderr is not None
    head = subprocess.run(["head", "-1"], stdin=queue.stdout, capture_output=True, check=False)
    queue.stdout.close()
    errors = queue.stderr.read()
    queue.stderr.close()
    code = queue.wait(timeout=60)
    assert json.loads(head.stdout)["id"] == 1
    assert errors == b""  # no BrokenPipeError traceback
    assert code == exitcodes.ERROR  # Python's convention for EPIPE (docs: "Note on SIGPIPE")


def test_queue_without_database_prints_nothing(work: Path, data_dir: Path) -> None:
    done = run_cli(["queue", "--json", "--data-dir", str(data_dir)], work)
    assert done.returncode == exitcodes.OK, done.stderr
    assert done.stdout == ""


async def test_queue_of_a_data_dir_written_by_the_bot(
    start_bot: BotFactory, work: Path, settings: Settings
) -> None:
    bot = await start_bot(clock=Clock(SATURDAY_EVENING))
    await bot.app.store.add_post(
        datetime(2026, 11, 22, 1, 0, tzinfo=UTC),
        PostContent("Dari bot"),
        [(GROUP, "Grup Demo A")],
        now=SATURDAY_EVENING,
    )
    await bot.app.stop()
    done = run_cli(["queue", "--json", "--data-dir", str(settings.data_dir)], work)
    assert done.returncode == exitcodes.OK, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [(r["id"], r["status"], r["due_at"], r["text"]) for r in rows] == [
        (1, "pending", "2026-11-22T08:00:00+07:00", "Dari bot")
    ]


def test_parse_fills_repeat_with_a_readable_rule(work: Path, data_dir: Path) -> None:
    done = run_cli(
        [
            "parse",
            "--data-dir",
            str(data_dir),
            "--now",
            NOW,
            "setiap senin dan kamis 16:00 Latihan",
        ],
        work,
    )
    assert done.returncode == 0
    assert parse_json(done.stdout) == {
        "when": "2026-11-23T16:00:00+07:00",
        "repeat": "setiap Senin dan Kamis 16:00",
        "text": "Latihan",
        "error": None,
    }


# --- doctor ----------------------------------------------------------------------------------
# Real neonize, no network: a data dir without a session stops before any connection.


def run_doctor_cli(
    args: list[str],
    cwd: Path,
    data_dir: Path,
    *,
    bot_tag: str | None = "off",
) -> tuple[subprocess.CompletedProcess[str], float]:
    """`python -m bot doctor` on `data_dir`, in `cwd` without a .env; NEONIZE_BOT_TAG=off skips
    the one-time re-exec (bot/transport/whatsapp/neonize_env.py), None leaves it to happen."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("JADWAL_") and k != "NEONIZE_BOT_TAG"
    }
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    if bot_tag is not None:
        env["NEONIZE_BOT_TAG"] = bot_tag
    began = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "bot", "doctor", "--data-dir", str(data_dir), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )
    return done, time.monotonic() - began


@pytest.mark.parametrize("bot_tag", ["off", None], ids=["tag set", "re-exec"])
def test_doctor_without_a_session_fails_fast_and_creates_none(
    work: Path, data_dir: Path, bot_tag: str | None
) -> None:
    done, seconds = run_doctor_cli(["--send", "--send-group"], work, data_dir, bot_tag=bot_tag)
    assert done.returncode == exitcodes.ERROR, done.stderr
    assert done.stdout.splitlines() == [
        "jadwal-bot doctor",
        f"FAIL  session    no {data_dir / 'session.db'}: pair first with `python -m bot run`",
        "FAIL  connected  skipped: not paired",
        "PASS  http api   off (JADWAL_API_LISTEN not set)",
        "2 check(s) failed",
    ]
    assert not (data_dir / "session.db").exists()
    assert seconds < 20  # no connection attempt, no --timeout wait (30 s)


def test_doctor_refuses_to_run_next_to_a_running_bot(work: Path, data_dir: Path) -> None:
    with InstanceLock(data_dir / "bot.lock"):
        done, _ = run_doctor_cli([], work, data_dir)
    assert done.returncode == exitcodes.ALREADY_RUNNING
    assert done.stdout == ""
    assert "jadwal-bot doctor: the bot is running" in done.stderr
    assert "Stop it first" in done.stderr
    assert str(os.getpid()) in done.stderr  # the lock's holder is named
    assert not (data_dir / "session.db").exists()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], {"send": False, "send_group": False, "timeout_s": 30.0}),
        (["--send", "--timeout", "7.5"], {"send": True, "send_group": False, "timeout_s": 7.5}),
        (["--send-group"], {"send": False, "send_group": True, "timeout_s": 30.0}),
    ],
)
def test_doctor_options_reach_run_doctor(
    monkeypatch: pytest.MonkeyPatch,
    work: Path,
    data_dir: Path,
    args: list[str],
    expected: dict[str, object],
) -> None:
    from bot import cli, runner

    seen: list[tuple[Settings, dict[str, object]]] = []

    def fake_run_doctor(settings: Settings, **options: object) -> int:
        seen.append((settings, options))
        return 42

    monkeypatch.setattr(runner, "run_doctor", fake_run_doctor)
    for key in [k for k in os.environ if k.startswith("JADWAL_")]:
        monkeypatch.delenv(key)
    monkeypatch.chdir(work)  # no .env there
    code = cli.main(["doctor", "--data-dir", str(data_dir), *args])
    assert code == 42  # run_doctor's exit code is the process's
    ((settings, options),) = seen
    assert settings.data_dir == data_dir and options == expected
