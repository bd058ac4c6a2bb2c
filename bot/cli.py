"""python -m bot {run,console,doctor,health,queue,parse}: the command line."""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot import __version__, exitcodes
from bot.dbpeek import stored_settings
from bot.settings import Settings, SettingsError, load_settings, normalize_phone
from bot.state import stored_timezone

DEFAULT_ENV_FILE = Path(".env")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot", description="jadwal-bot: WhatsApp post scheduler"
    )
    parser.add_argument("--version", action="version", version=f"jadwal-bot {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir", type=Path, help="data directory (default: JADWAL_DATA_DIR or ./data)"
    )
    common.add_argument(
        "--env-file",
        type=Path,
        help="settings file read before the environment (default: ./.env, if present)",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = sub.add_parser("run", parents=[common], help="run the bot on WhatsApp")
    run.add_argument(
        "--pair-phone",
        metavar="628...",
        help="pair with an 8-character code sent to this number instead of a QR",
    )
    health = sub.add_parser(
        "health", parents=[common], help="exit 0 if the running bot is alive and connected"
    )
    health.add_argument(
        "--max-age",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="oldest acceptable heartbeat (default: 60)",
    )
    doctor = sub.add_parser(
        "doctor",
        parents=[common],
        help="check the WhatsApp setup (session, connection, account, "
        "owners, destination group); exit 0 when all pass",
    )
    doctor.add_argument(
        "--send", action="store_true", help="also send a test message to the owner chat"
    )
    doctor.add_argument(
        "--send-group",
        action="store_true",
        help="also send a test message to each destination group",
    )
    doctor.add_argument(
        "--timeout",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="how long to wait for WhatsApp (default: 30)",
    )
    sub.add_parser(
        "console",
        parents=[common],
        help="run the real bot with the terminal standing in for WhatsApp",
    )
    queue = sub.add_parser("queue", parents=[common], help="print every post")
    queue.add_argument(
        "--json", action="store_true", help="one JSON object per line: the backup `restore` reads"
    )
    restore = sub.add_parser(
        "restore", parents=[common], help="read a `queue --json` backup into an empty data dir"
    )
    restore.add_argument("file", type=Path, help="the backup file")
    parse = sub.add_parser("parse", parents=[common], help="show how a time phrase is read")
    parse.add_argument("--now", help="ISO 8601 moment to parse against (default: now)")
    parse.add_argument("phrase", help='e.g. "besok 08:00 Selamat pagi"')
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings(
            env_file=args.env_file or DEFAULT_ENV_FILE,
            data_dir=args.data_dir,
            require_env_file=args.env_file is not None,
        )
    except SettingsError as problem:
        print(f"jadwal-bot: {problem.brief()}", file=sys.stderr)  # noqa: T201
        return exitcodes.USAGE
    if args.command == "parse":
        return _parse(settings, args.phrase, args.now)
    if args.command == "queue":
        return _queue(settings, as_json=args.json)
    if args.command == "restore":
        from bot.backup import restore

        return restore(settings, args.file)
    if args.command == "health":
        return _health(settings, args.max_age)
    if args.command == "console":
        from bot.runner import run_console

        return run_console(settings)
    if args.command == "doctor":
        from bot.runner import run_doctor

        return run_doctor(
            settings, send=args.send, send_group=args.send_group, timeout_s=args.timeout
        )
    from bot.runner import run_whatsapp

    if args.pair_phone:
        try:
            settings = replace(settings, pair_phone=normalize_phone(args.pair_phone))
        except ValueError:
            print(  # noqa: T201
                f"jadwal-bot: --pair-phone {args.pair_phone!r} is not a phone number",
                file=sys.stderr,
            )
            return exitcodes.USAGE
    return run_whatsapp(settings)


def _health(settings: Settings, max_age: float) -> int:
    from bot.health import HEARTBEAT_FILE, check

    problem = check(
        settings.data_dir / HEARTBEAT_FILE, datetime.now(UTC), timedelta(seconds=max_age)
    )
    print(problem or "ok: running and connected")  # noqa: T201
    return exitcodes.OK if problem is None else exitcodes.ERROR


def _stored_timezone(settings: Settings) -> ZoneInfo:
    """The timezone the running bot uses: the one saved in the DB, else the setting."""
    return stored_timezone(stored_settings(settings.db_path), settings.timezone)


def _parse(settings: Settings, phrase: str, now_text: str | None) -> int:
    from bot.timeparse import parse_schedule

    tz = _stored_timezone(settings)
    try:
        now = datetime.fromisoformat(now_text) if now_text else datetime.now(UTC)
    except ValueError:
        print(f"jadwal-bot: --now {now_text!r} is not ISO 8601", file=sys.stderr)  # noqa: T201
        return exitcodes.USAGE
    if now.tzinfo is None:
        now = now.replace(tzinfo=tz)
    result = parse_schedule(phrase, now, tz)
    print(  # noqa: T201
        json.dumps(
            {
                "when": result.when.astimezone(tz).isoformat() if result.when else None,
                "repeat": result.repeat,
                "text": result.text,
                "error": result.error,
            },
            ensure_ascii=False,
        )
    )
    # A phrase the bot would refuse is the caller's to fix, like a bad argument.
    return exitcodes.OK if result.ok else exitcodes.USAGE


def _queue(settings: Settings, *, as_json: bool) -> int:
    """Every post, read-only: a backup touches nothing, and works while the bot runs, on a
    full or read-only disk, and on an older version's database."""
    from bot.backup import post_record, rule_label
    from bot.datadir import EnvironmentProblem, dangling_link
    from bot.dbfaults import DatabaseProblem
    from bot.dbpeek import read_queue
    from handlers.common import preview

    try:
        if (dangling := dangling_link(settings.data_dir)) is not None:
            raise dangling
        posts, saved = read_queue(settings.db_path)
    except (DatabaseProblem, EnvironmentProblem) as problem:
        print(f"jadwal-bot: {problem}", file=sys.stderr)  # noqa: T201
        transient = isinstance(problem, DatabaseProblem) and not problem.permanent
        return exitcodes.ERROR if transient else exitcodes.USAGE
    tz = stored_timezone(saved, settings.timezone)
    try:
        for post in posts:
            if as_json:
                line = json.dumps(post_record(post, tz), ensure_ascii=False)
            else:
                local = post.due_at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
                line = (
                    f"#{post.id:<5} {post.status:<10} {local}  {post.destination_name}: "
                    # Tagged as /antrian lists it (media, poll, @semua); the rule is
                    # in the series label.
                    f"{rule_label(post, tz)}{preview(replace(post, repeat_rule=None), tz)}"
                )
            print(line)  # noqa: T201
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (`... | head -1`). Python's "Note on SIGPIPE": point stdout at
        # devnull so that the flush at exit does not raise again, and exit 1.
        _drop_stdout()
        return exitcodes.ERROR
    except OSError as error:  # e.g. `> /dev/full`, or a full disk under the backup file
        _drop_stdout()
        print(  # noqa: T201
            f"jadwal-bot: cannot write the output: {error.strerror or error}",
            file=sys.stderr,
        )
        return exitcodes.ERROR
    return exitcodes.OK


def _drop_stdout() -> None:
    """What is still buffered for stdout is dropped, and the flush at exit cannot fail."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
