"""Posts and groups as the API shows them: JSON, times in ISO 8601 with the offset of the
bot's zone, states by their stored names (pending, sent, ...)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.models import Group, MediaKind, Post
from handlers.common import rule_words

Json = dict[str, object]


def moment(at: datetime | None, tz: ZoneInfo) -> str | None:
    return at.astimezone(tz).isoformat(timespec="seconds") if at else None


def post_json(post: Post, tz: ZoneInfo) -> Json:
    """A post as stored: its groups each with their own state."""
    media: Json | None = None
    if post.media_path is not None:
        media = {
            "kind": (post.media_kind or MediaKind.IMAGE).value,
            "mime": post.media_mime,
            "file_name": post.media_filename,
        }
    return {
        "id": post.id,
        "series": post.series_id,
        "state": post.status.value,
        "due": moment(post.due_at, tz),
        "created": moment(post.created_at, tz),
        "text": post.text,
        "repeat": rule_words(post.repeat_rule, tz) if post.repeat_rule else None,
        "media": media,
        "mention_all": post.mention_all,
        "poll": post.poll is not None,
        "destinations": [
            {
                "group": d.destination,
                "name": d.name,
                "state": d.status.value,
                "sent_at": moment(d.sent_at, tz),
                "error": d.last_error,
            }
            for d in post.deliveries
        ],
    }


def group_json(number: int, group: Group) -> Json:
    """A group by its /grup number (what `groups` of POST /posts and ke: take)."""
    return {
        "number": number,
        "name": group.name,
        "jid": group.jid,
        "admin_only": group.admin_only,
    }
