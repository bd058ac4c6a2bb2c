"""Small helpers shared by handlers: destination lookup, post ids, previews, text limits."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot import messages as m
from bot.context import UserError
from bot.digits import is_number
from bot.models import MediaKind, Post
from bot.pollspec import PollError, PollSpec, parse_poll
from bot.repeat import RepeatRule
from bot.state import stored_destinations
from bot.store import Store

PREVIEW_CHARS = 48
QUOTE_CHARS = 60
# WhatsApp's own limit on a text message is 65,536 characters; captions are far shorter.
MAX_TEXT = 65_536
MAX_CAPTION = 1_024


async def destination(store: Store) -> tuple[str, str] | None:
    """The first default group as (jid, name), read from the saved state; the whole list is
    `services.state.destinations`."""
    chosen = stored_destinations(await store.settings())
    return (chosen[0].jid, chosen[0].name) if chosen else None


ID_DIGITS_MAX = 12  # the longest post id read: more is a phone number or a typo


def is_post_id(digits: str) -> bool:
    """A post id's digits ('12', not '#12')."""
    return is_number(digits) and len(digits) <= ID_DIGITS_MAX


def parse_post_id(raw: str, usage_of: str) -> int:
    """The one post id `raw` is ('12', '#12'); refused when missing, unreadable or followed
    by more words (one command acts on one post)."""
    token, extra = [*raw.split(maxsplit=1), "", ""][:2]
    if not token:
        raise UserError(m.POST_ID_MISSING.format(name=usage_of), usage_of)
    digits = token.removeprefix("#")
    if not is_post_id(digits):
        raise UserError(m.BAD_ID.format(raw=m.echo(token)), usage_of)
    if extra.strip():
        raise UserError(m.ONE_ID_ONLY.format(name=usage_of, extra=m.echo(extra.strip())), usage_of)
    return int(digits)


def requested_page(raw: str, usage_of: str) -> int:
    """'' -> 1, '2' -> 2; anything else is the owner's mistake (a page number, not a post's)."""
    raw = raw.strip()
    if raw and not is_number(raw):
        raise UserError(m.BAD_PAGE.format(raw=m.echo(raw)), usage_of)
    return int(raw) if raw else 1


def page_count(page: int, total: int, page_size: int, listed: str) -> int:
    """How many pages `total` items fill; refuses a page outside them, naming the list."""
    pages = -(-total // page_size)
    if not 1 <= page <= pages:
        raise UserError(m.BAD_PAGE_OF.format(page=page, listed=listed, pages=pages))
    return pages


def check_length(text: str, photo: bool) -> None:
    """Refuse a post text WhatsApp would not take: a photo's caption is shorter."""
    limit = MAX_CAPTION if photo else MAX_TEXT
    if len(text) > limit:
        raise UserError(m.SCHEDULE_TOO_LONG.format(length=len(text), limit=limit))


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def quote(text: str) -> str:
    """A post's first line as a confirmation shows it, so the owner sees at once what will be
    posted: '\n\u201cSelamat pagi semua\u201d'; shortened, '' for a photo without caption."""
    lines = text.strip().splitlines()
    if not lines:
        return ""
    first = _shorten(lines[0].strip(), QUOTE_CHARS)
    if len(lines) > 1 and not first.endswith("\u2026"):
        first += " \u2026"
    return "\n" + m.QUOTE.format(text=first)


def rule_words(rule: RepeatRule | str, tz: ZoneInfo) -> str:
    """A repeat rule (or its stored text) in Indonesian, as the owner reads it in zone `tz`."""
    if isinstance(rule, str):
        try:
            rule = RepeatRule.from_text(rule)
        except ValueError:
            return m.RULE_UNREADABLE
    return rule.describe(tz)


def media_tag(post: Post) -> str:
    """'[foto] ', '[video] ', '[dokumen brosur.pdf] ': a media post's kind (a document's name)."""
    kind = m.MEDIA_NAMES[(post.media_kind or MediaKind.IMAGE).value]
    return m.MEDIA_TAG.format(kind=" ".join(filter(None, (kind, post.media_filename))))


def poll_of(post: Post) -> PollSpec | None:
    """The poll a post is (None for other posts, or a stored spec no longer readable)."""
    if post.poll is None:
        return None
    try:
        return parse_poll(post.poll)
    except PollError:
        return None


def preview(post: Post, tz: ZoneInfo) -> str:
    poll = poll_of(post)
    flat = _shorten(" ".join((poll.question if poll else post.text).split()), PREVIEW_CHARS)
    rule = rule_words(post.repeat_rule, tz) if post.repeat_rule else None
    return (
        (m.REPEAT_TAG.format(rule=rule) if rule else "")
        + (media_tag(post) if post.media_path else "")
        + (m.POLL_TAG if post.poll is not None else "")
        + (m.MENTION_ALL_TAG if post.mention_all else "")
        + flat
    )
