"""The backup format: one JSON object per post, as `python -m bot queue --json` prints it, and
`python -m bot restore FILE`, which reads it back into an empty data dir.

A backup holds every post with its id, state, times, text, media kind, groups (each with its
own state: its deliveries), series and rule, whether it mentions every member and its poll
(bot.pollspec's stored form; both absent in backups from before them). A line from before
several groups (one `destination` and the post's own sent_at, wa_message_id, last_error) is
read as one delivery.
Media files are not in it (they stay in data/media/, named by content hash), nor the post
event history nor the settings (destination, zone: set them again with /tujuan and /zona).
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any
from zoneinfo import ZoneInfo

from bot import exitcodes
from bot.models import Delivery, MediaKind, Post, PostStatus, aggregate_status
from bot.pollspec import PollError, parse_poll
from bot.repeat import RepeatRule
from bot.settings import Settings


def post_record(post: Post, tz: ZoneInfo) -> dict[str, object]:
    """One post as a backup line holds it; times in `tz` with their offset. Its groups and
    what happened in each are its deliveries; `status` is the post's, summed up from them."""

    def local(moment: datetime | None) -> str | None:
        return moment.astimezone(tz).isoformat() if moment else None

    return {
        "id": post.id,
        "status": str(post.status),
        "due_at": local(post.due_at),
        "text": post.text,
        "media": post.media_path,
        "media_mime": post.media_mime,
        "media_kind": post.media_kind,
        "media_filename": post.media_filename,
        "mention_all": post.mention_all,
        "poll": post.poll,
        "deliveries": [
            {
                "destination": d.destination,
                "destination_name": d.destination_name,
                "status": str(d.status),
                "sent_at": local(d.sent_at),
                "wa_message_id": d.wa_message_id,
                "last_error": d.last_error,
            }
            for d in post.deliveries
        ],
        "created_at": local(post.created_at),
        "series_id": post.series_id,
        "rule": _rule_object(post.repeat_rule),
        "repeat": _rule_words(post.repeat_rule, tz),
    }


def rule_label(post: Post, tz: ZoneInfo) -> str:
    """'[seri #12: setiap Senin 09:00] ' before a repeating post's text in `queue`."""
    if post.series_id is None:
        return ""
    return f"[seri #{post.series_id}: {_rule_words(post.repeat_rule, tz) or post.repeat_rule}] "


def _rule_object(stored: str | None) -> object:
    """The stored rule as JSON (readable in the backup); as text if it is not JSON."""
    if stored is None:
        return None
    try:
        return json.loads(stored)
    except json.JSONDecodeError:
        return stored


def _rule_words(stored: str | None, tz: ZoneInfo) -> str | None:
    if stored is None:
        return None
    try:
        return RepeatRule.from_text(stored).describe(tz)
    except ValueError:
        return None


class BackupError(Exception):
    """A backup line that cannot be restored; `line` counts from 1."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason


def read_backup(lines: Iterable[str], now: datetime) -> list[Post]:
    """Every post of a backup, checked; BackupError names the first bad line. Keys added
    after the first backups (created_at, sent_at, series_id, rule, ...) may be missing."""
    posts: list[Post] = []
    where: dict[int, int] = {}  # post id -> its line
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            post = _read_post(line, now)
        except (ValueError, TypeError, KeyError) as bad:
            reason = f"missing {bad}" if isinstance(bad, KeyError) else str(bad)
            raise BackupError(number, reason) from None
        if post.id in where:
            raise BackupError(number, f"post id {post.id} already on line {where[post.id]}")
        where[post.id] = number
        posts.append(post)
    first_of_series = {p.id for p in posts if p.series_id == p.id}
    for post in posts:
        if post.series_id is not None and post.series_id not in first_of_series:
            raise BackupError(
                where[post.id],
                f"series_id {post.series_id} names no post that starts a series in this backup",
            )
    return posts


def _read_post(line: str, now: datetime) -> Post:
    data = json.loads(line)
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    post_id = _integer(data, "id")
    if post_id is None or post_id < 1:
        raise ValueError("id must be a positive number")
    status = data["status"]
    if not isinstance(status, str) or status not in {s.value for s in PostStatus}:
        raise ValueError(f"unknown status {status!r}")
    due_at = _moment(data, "due_at")
    if due_at is None:
        raise ValueError("due_at is missing")
    rule = _rule_text(data.get("rule"))
    series_id = _integer(data, "series_id")
    if (rule is None) != (series_id is None):
        raise ValueError("a repeating post needs both series_id and rule")
    media = _text(data, "media")
    if media is not None and (PurePosixPath(media).is_absolute() or ".." in media.split("/")):
        raise ValueError(f"media {media!r} is not a name inside the media directory")
    kind = _text(data, "media_kind")
    if kind is not None and kind not in {k.value for k in MediaKind}:
        raise ValueError(f"unknown media_kind {kind!r}")
    if media is not None and kind is None:
        kind = MediaKind.IMAGE  # a backup from before media kinds: photos only
    deliveries = _deliveries(data, PostStatus(status), now)
    summed = aggregate_status(d.status for d in deliveries)
    if summed is not PostStatus(status):
        raise ValueError(f"status {status!r} does not match its deliveries ({summed})")
    return Post(
        id=post_id,
        status=PostStatus(status),
        due_at=due_at,
        text=_text(data, "text", required=True) or "",
        created_at=_moment(data, "created_at") or now,
        media_path=media,
        media_mime=_text(data, "media_mime"),
        media_kind=MediaKind(kind) if kind else None,
        media_filename=_text(data, "media_filename"),
        repeat_rule=rule,
        series_id=series_id,
        deliveries=deliveries,
        mention_all=_flag(data, "mention_all"),
        poll=_poll_text(data),
    )


def _deliveries(data: dict[str, Any], status: PostStatus, now: datetime) -> list[Delivery]:
    """A post's groups: its `deliveries`, or (a backup from before several groups) its one
    `destination` with the post's own status, sent time, message id and error."""
    listed = data.get("deliveries")
    if listed is None:
        listed = [{**data, "status": str(status)}]
    elif not isinstance(listed, list) or not listed:
        raise ValueError("deliveries must be a list of at least one group")
    deliveries: list[Delivery] = []
    for position, item in enumerate(listed):
        if not isinstance(item, dict):
            raise ValueError(f"delivery {position + 1} is not a JSON object")
        destination = _text(item, "destination")
        if not destination:
            raise ValueError("destination is empty")
        if destination in {d.destination for d in deliveries}:
            raise ValueError(f"destination {destination} is listed twice")
        state = item.get("status")
        if not isinstance(state, str) or state not in {s.value for s in PostStatus}:
            raise ValueError(f"unknown delivery status {state!r}")
        sent_at = _moment(item, "sent_at")
        deliveries.append(
            Delivery(
                id=0,  # given by the database
                position=position,
                destination=destination,
                destination_name=_text(item, "destination_name") or "",
                status=PostStatus(state),
                updated_at=sent_at or now,
                sent_at=sent_at,
                wa_message_id=_text(item, "wa_message_id"),
                last_error=_text(item, "last_error"),
            )
        )
    return deliveries


def _integer(data: dict[str, Any], key: str) -> int | None:
    value = data.get(key)
    if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
        raise ValueError(f"{key} must be a number, not {value!r}")
    return value


def _flag(data: dict[str, Any], key: str) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise ValueError(f"{key} must be true or false, not {value!r}")
    return value


def _poll_text(data: dict[str, Any]) -> str | None:
    """The stored poll, checked by reading it as the bot will when it sends it."""
    stored = _text(data, "poll")
    if stored is None:
        return None
    try:
        parse_poll(stored)
    except PollError as bad:
        raise ValueError(f"poll {stored!r} cannot be sent: {bad.reason}") from None
    return stored


def _text(data: dict[str, Any], key: str, *, required: bool = False) -> str | None:
    value = data[key] if required else data.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise ValueError(f"{key} must be text, not {value!r}")
    return value


def _moment(data: dict[str, Any], key: str) -> datetime | None:
    raw = _text(data, key)
    if raw is None:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"{key} {raw!r} is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise ValueError(f"{key} {raw!r} has no UTC offset")
    return moment.astimezone(UTC)


def _rule_text(value: object) -> str | None:
    """The rule as the database stores it, checked by reading it as a RepeatRule."""
    if value is None:
        return None
    stored = (
        value
        if isinstance(value, str)
        else json.dumps(value, sort_keys=True, separators=(",", ":"))
    )
    RepeatRule.from_text(stored)  # ValueError names it
    return stored


@dataclass(frozen=True)
class Restored:
    count: int
    series: int
    missing_media: dict[int, str]  # post id -> media name not in the media directory


async def restore_into(settings: Settings, posts: list[Post], now: datetime) -> Restored:
    from bot.store import Store

    store = await Store.open(settings.db_path)
    try:
        await store.restore_posts(posts, now)
    finally:
        await store.close()
    missing = {
        p.id: p.media_path
        for p in posts
        if p.media_path and not (settings.media_dir / p.media_path).is_file()
    }
    return Restored(len(posts), len({p.series_id for p in posts if p.series_id}), missing)


def restore(settings: Settings, source: Path) -> int:
    """`python -m bot restore FILE`: the exit code; what happened is printed."""
    from bot.dbfaults import DatabaseProblem
    from bot.lockfile import AlreadyRunning, InstanceLock
    from bot.storeseries import NotEmpty

    def fail(problem: str, code: int = exitcodes.USAGE) -> int:
        print(f"jadwal-bot restore: {problem}; nothing was restored", file=sys.stderr)  # noqa: T201
        return code

    now = datetime.now(UTC)
    try:
        with source.open(encoding="utf-8") as lines:
            posts = read_backup(lines, now)
    except OSError as problem:
        return fail(f"cannot read {source}: {problem.strerror or problem}")
    except UnicodeDecodeError:
        return fail(f"{source} is not UTF-8 text (a `python -m bot queue --json` backup)")
    except BackupError as bad:
        return fail(f"{source} line {bad.line}: {bad.reason}")
    lock = InstanceLock(settings.data_dir / "bot.lock")
    try:
        lock.acquire()
    except AlreadyRunning as running:
        return fail(
            f"the bot is running on {settings.data_dir} ({running.holder}); stop it first",
            exitcodes.ALREADY_RUNNING,
        )
    except OSError as problem:
        return fail(f"cannot use {settings.data_dir}: {problem.strerror or problem}")
    try:
        done = asyncio.run(restore_into(settings, posts, now))
    except NotEmpty as full:
        return fail(
            f"{settings.db_path} already holds {full.count} post(s); restore only into "
            "an empty data dir (give a new --data-dir)"
        )
    except DatabaseProblem as problem:
        return fail(str(problem), exitcodes.USAGE if problem.permanent else exitcodes.ERROR)
    finally:
        lock.release()
    print(  # noqa: T201
        f"restored {done.count} post(s), {done.series} repeating series, into {settings.db_path}"
    )
    if done.missing_media:
        listed = ", ".join(f"#{i} ({name})" for i, name in sorted(done.missing_media.items()))
        print(  # noqa: T201
            f"media missing in {settings.media_dir}: {listed}. Copy those files there from "
            "the old data/media/ before they are due, or those posts will fail."
        )
    return exitcodes.OK
