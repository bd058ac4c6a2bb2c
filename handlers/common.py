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


def requested_page(raw: str, usage_of: str) -> int:
    """'' -> 1, '2' -> 2; anything else is the owner's mistake."""
    raw = raw.strip()
    if raw and not raw.isdigit():
        raise UserError(m.BAD_ID.format(raw=raw), usage_of)
    return int(raw) if raw else 1


def page_count(page: int, total: int, page_size: int) -> int:
    """How many pages `total` items fill; refuses a page outside them."""
    pages = -(-total // page_size)
    if not 1 <= page <= pages:
        raise UserError(m.QUEUE_BAD_PAGE.format(page=page, pages=pages))
    return pages


def preview(post: Post) -> str:
    flat = " ".join(post.text.split())
    if len(flat) > PREVIEW_CHARS:
        flat = flat[: PREVIEW_CHARS - 1].rstrip() + "\u2026"
    rule = RepeatRule.from_text(post.repeat_rule).describe() if post.repeat_rule else None
    return (m.REPEAT_TAG.format(rule=rule) if rule else "") + \
        (m.PHOTO_TAG if post.media_path else "") + flat
