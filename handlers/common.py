"""Small helpers shared by handlers: destination lookup, post ids, previews."""

from __future__ import annotations

from bot import messages as m
from bot.context import UserError
from bot.models import Post
from bot.repeat import RepeatRule
from bot.store import Store

PREVIEW_CHARS = 48


async def destination(store: Store) -> tuple[str, str] | None:
    jid = await store.get_setting("destination")
    if not jid:
        return None
    return jid, await store.get_setting("destination_name") or jid


def parse_post_id(raw: str, usage_of: str) -> int:
    token = raw.strip().split(maxsplit=1)[0] if raw.strip() else ""
    if not token:
        raise UserError(m.BAD_ID.format(raw=raw.strip() or "(kosong)"), usage_of)
    digits = token.removeprefix("#")
    if not digits.isdigit() or len(digits) > 12:
        raise UserError(m.BAD_ID.format(raw=token), usage_of)
    return int(digits)


def preview(post: Post) -> str:
    flat = " ".join(post.text.split())
    if len(flat) > PREVIEW_CHARS:
        flat = flat[: PREVIEW_CHARS - 1].rstrip() + "\u2026"
    rule = RepeatRule.from_text(post.repeat_rule).describe() if post.repeat_rule else None
    return (m.REPEAT_TAG.format(rule=rule) if rule else "") + \
        (m.PHOTO_TAG if post.media_path else "") + flat
