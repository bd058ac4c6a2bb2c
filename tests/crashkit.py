"""Helpers for the crash test: seed a queue, run/kill the console bot, read what it left.

Everything here reads the bot's files from the outside (outbox.jsonl, bot.db read-only); only
the initial queue is written, through bot.store.Store, before the first start.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from bot.models import PostContent
from bot.settings import Settings
from bot.state import BotState, Destination
from bot.store import Store
from bot.timefmt import from_utc_text
from tests.quick import QUICK_ENV

ROOT = Path(__file__).resolve().parents[1]
OWNER_CHAT = "6280000000000@s.whatsapp.net"
DESTINATION = "120363400000000001@g.us"
DESTINATION_NAME = "Grup Demo A"
# The console transport's demo groups (bot/transport/console.py DEMO_GROUPS), by JID.
GROUP_NAMES = {
    DESTINATION: DESTINATION_NAME,
    "120363400000000002@g.us": "Grup Demo B",
    "120363400000000003@g.us": "Keluarga Besar",
}
Event = tuple[str, str | None, str, str | None]  # post_events: at, from, to, reason


def bot_env() -> dict[str, str]:
    """The test's environment without JADWAL_* settings, with pacing switched off."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("JADWAL_")}
    env["PYTHONPATH"] = str(ROOT)
    env.update(QUICK_ENV)
    return env


def seed_queue(
    data_dir: Path,
    texts: list[str],
    first_due: datetime,
    spread: timedelta,
    groups: tuple[str, ...] = (DESTINATION,),
) -> None:
    """Set the destination and queue one post per text to `groups` (JIDs of GROUP_NAMES),
    due evenly over `spread`."""

    async def fill() -> None:
        store = await Store.open(data_dir / "bot.db")
        try:
            state = BotState(store, Settings().timezone)
            await state.set_destinations([Destination(DESTINATION, DESTINATION_NAME)])
            step = spread / max(len(texts) - 1, 1)
            chosen = [(jid, GROUP_NAMES[jid]) for jid in groups]
            for n, text in enumerate(texts):
                await store.add_post(first_due + step * n, PostContent(text), chosen)
        finally:
            await store.close()

    asyncio.run(fill())


def seed_sent_notices(data_dir: Path, count: int, at: datetime) -> None:
    """`count` notices to the owner sent at `at`: they fill the send caps (which count
    notices too) until a minute after `at`."""

    async def fill() -> None:
        store = await Store.open(data_dir / "bot.db")
        try:
            for n in range(count):
                await store.add_notice(f"earlier notice {n}", at)
            for notice_id, _ in await store.unsent_notices():
                await store.notice_sent(notice_id, at)
        finally:
            await store.close()

    asyncio.run(fill())


class BotRun:
    """One `python -m bot console` process; stdin stays an open pipe until finish()."""

    def __init__(
        self, data_dir: Path, cwd: Path, number: int, env: dict[str, str] | None = None
    ) -> None:
        """`env`: JADWAL_* settings on top of bot_env()'s."""
        self.number = number
        self.stdout_path = cwd / f"run-{number:02d}.stdout"
        self.stderr_path = cwd / f"run-{number:02d}.stderr"
        self._stdout: IO[bytes] = self.stdout_path.open("wb")
        self._stderr: IO[bytes] = self.stderr_path.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "console", "--data-dir", str(data_dir)],
            stdin=subprocess.PIPE,
            stdout=self._stdout,
            stderr=self._stderr,
            cwd=cwd,
            env={**bot_env(), **(env or {})},
        )

    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")

    def kill(self) -> int | None:
        """SIGKILL the bot. Returns its exit code if it had already exited on its own."""
        early = self.proc.poll()
        if early is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)
        self._close()
        return early

    def finish(self, timeout: float = 20.0) -> int:
        """Close stdin (end of input) and wait for the bot to exit by itself."""
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        try:
            return self.proc.wait(timeout=timeout)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            self._close()

    def close(self) -> None:
        """Kill the bot if it still runs and close its files (test teardown)."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self._close()

    def _close(self) -> None:
        if self.proc.stdin is not None and not self.proc.stdin.closed:
            self.proc.stdin.close()
        self._stdout.close()
        self._stderr.close()


def read_outbox(path: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """Records of outbox.jsonl, and any line that is not a whole JSON object."""
    records: list[dict[str, Any]] = []
    broken: list[str] = []
    if not path.exists():
        return records, broken
    for line in path.read_text(encoding="utf-8").split("\n"):
        if not line:
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            broken.append(line)
            continue
        if isinstance(record, dict):
            records.append(record)
        else:
            broken.append(line)
    return records, broken


def group_records(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in records if str(r.get("chat", "")).endswith("@g.us")]


@dataclass(frozen=True)
class PostRow:
    """One group of a post (its delivery) as bot.db holds it."""

    id: int
    status: str
    due_at: datetime
    text: str
    wa_message_id: str | None
    destination: str = DESTINATION


def _connect(db_path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5)
    db.execute("PRAGMA busy_timeout=5000")
    return db


def read_posts(db_path: Path) -> list[PostRow]:
    """Every post's every group, by post id and the group's place."""
    db = _connect(db_path)
    try:
        rows = db.execute(
            "SELECT p.id, d.status, p.due_at, p.text, d.wa_message_id, d.destination"
            " FROM deliveries d JOIN posts p ON p.id = d.post_id ORDER BY p.id, d.position"
        ).fetchall()
    finally:
        db.close()
    return [
        PostRow(int(r[0]), str(r[1]), from_utc_text(r[2]), str(r[3]), r[4], str(r[5])) for r in rows
    ]


def settled(final: BotRun, db_path: Path, last_due: datetime) -> bool:
    """The final run has exited (its caller reports why), or, once every post fell due, none
    is being sent and none that is due still waits."""
    if final.proc.poll() is not None:
        return True
    now = datetime.now(UTC)
    if now <= last_due:
        return False
    return not any(
        p.status == "sending" or (p.status == "pending" and p.due_at <= now)
        for p in read_posts(db_path)
    )


def read_events(db_path: Path) -> dict[int, list[Event]]:
    db = _connect(db_path)
    try:
        rows = db.execute(
            "SELECT e.post_id, e.at, e.from_status, e.to_status, e.reason, d.destination_name"
            " FROM post_events e LEFT JOIN deliveries d ON d.id = e.delivery_id ORDER BY e.id"
        ).fetchall()
    finally:
        db.close()
    events: dict[int, list[Event]] = {}
    for post_id, at, from_status, to_status, reason, group in rows:
        said = f"{reason} [{group}]" if group else reason
        events.setdefault(int(post_id), []).append((at, from_status, to_status, said))
    return events


def wait_until(predicate: Callable[[], bool], timeout: float, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return bool(predicate())


def wait_for_growth(path: Path, timeout: float) -> bool:
    """Spin until `path` grows (the bot just wrote a delivery), for at most `timeout` s.

    No sleep in the loop: the caller kills the bot right after, so the kill lands between
    the console's write and the bot's next commit as often as possible.
    """

    def size() -> int:
        try:
            return path.stat().st_size
        except FileNotFoundError:
            return 0

    start = size()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if size() > start:
            return True
    return False


def mentions(text: str, token: str) -> bool:
    """`token` (e.g. '#12' or '/ulang 12') in `text`, not followed by another digit."""
    return re.search(re.escape(token) + r"(?!\d)", text) is not None


@dataclass
class Verdict:
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    group_deliveries: int = 0


def explain(post: PostRow, records: list[dict[str, Any]], events: dict[int, list[Event]]) -> str:
    """A post's group with every outbox line about the post and its post_events rows."""
    lines = [
        f"post #{post.id} {post.text!r} to {GROUP_NAMES.get(post.destination, post.destination)}:"
        f" status={post.status} wa_message_id={post.wa_message_id} due={post.due_at.isoformat()}"
    ]
    for r in records:
        if (
            r.get("text") == post.text
            or r.get("post_id") == post.id
            or (r.get("chat") == OWNER_CHAT and mentions(str(r.get("text")), f"#{post.id}"))
        ):
            lines.append(f"  outbox: {json.dumps(r, ensure_ascii=False)}")
    lines.extend(f"  post_events: {e}" for e in events.get(post.id, []))
    return "\n".join(lines)


def _post_id(record: dict[str, Any]) -> int | None:
    tagged = record.get("post_id")
    return tagged if isinstance(tagged, int) and not isinstance(tagged, bool) else None


def judge(
    records: list[dict[str, Any]],
    posts: list[PostRow],
    events: dict[int, list[Event]],
    retry_command: str | None,
    now: datetime,
) -> Verdict:
    """Check the delivery guarantees, for each group of each post (`posts` holds one row per
    post and group): what the outbox holds against what the database says.

    A group record is matched to its post by its `post_id` when the outbox has one, else by
    its text (texts are unique per post); when both are there they must agree. Its chat names
    the group.
    """
    verdict = Verdict(counts=Counter(p.status for p in posts))
    problems = verdict.problems
    by_text = {p.text: p.id for p in posts}
    rows = {(p.id, p.destination): p for p in posts}
    groups = group_records(records)
    verdict.group_deliveries = len(groups)
    owner = [r for r in records if r.get("chat") == OWNER_CHAT]
    problems.extend(
        f"outbox record to an unexpected chat: {r}"
        for r in records
        if r.get("chat") != OWNER_CHAT and not str(r.get("chat")).endswith("@g.us")
    )
    problems.extend(
        f"owner record with a post_id: {r}" for r in owner if r.get("post_id") is not None
    )

    deliveries: dict[tuple[int, str], list[dict[str, Any]]] = {key: [] for key in rows}
    untagged = 0
    for r in groups:
        tagged = _post_id(r)
        by_its_text = by_text.get(str(r.get("text")))
        post_id = tagged if tagged is not None else by_its_text
        if tagged is None:
            untagged += 1
        elif by_its_text != tagged or not any(key[0] == tagged for key in rows):
            problems.append(
                f"group record with post_id={tagged} and the text of "
                f"{'no post' if by_its_text is None else f'#{by_its_text}'}: {r}"
            )
        if post_id is None or not any(key[0] == post_id for key in rows):
            problems.append(f"group record that is no post: {r}")
            continue
        chat = str(r.get("chat"))
        row = rows.get((post_id, chat))
        if row is None or (r.get("chat_name"), r.get("media")) != (GROUP_NAMES.get(chat), None):
            problems.append(f"post #{post_id} delivered to the wrong place: {r}")
        if row is not None:
            deliveries[(post_id, chat)].append(r)
    if untagged:
        verdict.notes.append(
            f"{untagged} of {len(groups)} group records have no post_id; "
            "matched to their posts by text"
        )

    # The main guarantee: no post is delivered to a group twice.
    twice = Counter((str(r.get("text")), str(r.get("chat"))) for r in groups)
    for (text, chat), n in twice.items():
        if n > 1:
            row = rows.get((by_text.get(text, 0), chat))
            problems.append(
                f"DELIVERED {n} TIMES: "
                + (explain(row, records, events) if row else f"{text!r} to {chat}")
            )

    if retry_command is None:
        verdict.notes.append("the bot has no /ulang command; uncertain notices checked for #id")
    owner_texts = [str(r.get("text")) for r in owner]
    for post in posts:
        got = deliveries[(post.id, post.destination)]
        told = any(mentions(t, f"#{post.id}") for t in owner_texts)
        group = GROUP_NAMES.get(post.destination, post.destination)
        why = ""
        if post.status == "sent":
            if len(got) != 1:
                why = f"'sent' but delivered {len(got)} times"
            elif post.wa_message_id != got[0].get("id"):
                why = f"wa_message_id {post.wa_message_id!r} != outbox id {got[0].get('id')!r}"
        elif post.status == "uncertain":
            if len(got) > 1:
                why = f"'uncertain' but delivered {len(got)} times"
            elif not told:
                why = "'uncertain' and the owner was never told"
            elif retry_command and not any(
                mentions(t, f"#{post.id}")
                and mentions(t, f"/{retry_command} {post.id}")
                and group in t
                for t in owner_texts
            ):
                why = f"'uncertain' but no notice names {group} and /{retry_command} {post.id}"
        elif post.status in ("missed", "failed"):
            if got:
                why = f"{post.status!r} but delivered {len(got)} times"
            elif not told:
                why = f"{post.status!r} and the owner was never told"
        elif post.status == "sending":
            why = "left 'sending'"
        elif post.status == "pending" and post.due_at <= now:
            why = "due but still 'pending'"
        elif got:
            why = f"{post.status!r} but delivered {len(got)} times"
        if why:
            problems.append(f"{why}:\n{explain(post, records, events)}")
    return verdict
