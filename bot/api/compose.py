"""A post queued over HTTP, read as /jadwal reads one: the groups as `ke:` names them, the
time (and repeat rule) by the same parser, the text and media by the same checks, queued by
the same code (handlers.schedule.add_draft, so bot.posts.PostService and its rules). A
refusal is the chat's UserError, with the chat's words."""

from __future__ import annotations

import itertools
from datetime import datetime
from pathlib import Path

from bot import messages as m
from bot.api import body
from bot.api.body import Upload
from bot.api.errors import ApiError
from bot.context import Context, Services, UserError
from bot.mediarules import document_kind
from bot.models import IncomingMessage, MediaKind, MediaRef, Post, SentMessage
from handlers.groups import select_groups
from handlers.schedule import add_draft, make_draft

FIELDS = ("when", "text", "groups", "repeat")
UPLOAD_FIELDS = (*FIELDS, "media_kind")
API_CHAT = "api"  # the chat a request is, in the bot's logs
_requests = itertools.count(1)


def request_context(services: Services, media: MediaRef | None = None) -> Context:
    """A command's context for one request: the handlers' functions read what they need from
    it; nothing answers in a chat (an attempt is a bug, and raises)."""
    now = services.clock()
    message = IncomingMessage(
        chat=API_CHAT,
        sender=API_CHAT,
        text="",
        message_id=f"api-{next(_requests)}",
        timestamp=now,
        from_me=True,
        media=media,
    )
    return Context(message, "jadwal", "", "", services, _no_chat, _no_chat_image, typed_at=now)


async def _no_chat(text: str) -> None:
    raise RuntimeError(f"an HTTP request has no chat to answer in: {text!r}")


async def _no_chat_image(image: Path, caption: str) -> SentMessage | None:
    raise RuntimeError(f"an HTTP request has no chat to send {image} to")


async def queue_requested(services: Services, request: body.Body) -> Post:
    """Queue the post `request` describes; UserError (the chat's reason) when refused, and
    nothing is queued then."""
    fields = request.fields
    body.only(fields, UPLOAD_FIELDS if request.upload is not None else FIELDS)
    when = body.text(fields, "when", required=True) or ""
    written = body.text(fields, "text") or ""
    repeat = (body.text(fields, "repeat") or "").strip()
    named = body.groups(fields, "groups")
    ctx = request_context(services, _media(request.upload, body.text(fields, "media_kind")))
    groups = None
    if named is not None:  # as `ke:1,Alumni` is read; an empty list is refused as `ke:` is
        groups = [(g.jid, g.name) for g in await select_groups(ctx, ",".join(named))]
    if not when.strip():
        raise UserError(m.SCHEDULE_MISSING)
    parsed = ctx.parse_time(f"{repeat} {iso_as_local(when, services)}".strip())
    if parsed.error or parsed.when is None:
        raise UserError(parsed.error or m.SCHEDULE_MISSING)
    if rest := parsed.text.strip():
        raise UserError(m.API_WHEN_REST.format(rest=m.echo(rest)))
    if repeat and parsed.rule is None:
        raise UserError(m.API_REPEAT_UNREAD.format(repeat=m.echo(repeat)))
    draft = make_draft(ctx.message, written, parsed.rule, mention_all=False)
    post, _ = await add_draft(ctx, draft, parsed.when, groups)
    return post


def iso_as_local(when: str, services: Services) -> str:
    """An ISO 8601 moment with an offset ('2026-12-25T08:00:00+07:00', '...Z') as the wall
    time it is in the bot's zone, which the time parser reads ('2026-12-25T08:00:00'); any
    other phrase as it is."""
    phrase = when.strip()
    if "T" not in phrase.upper():
        return phrase
    try:
        moment = datetime.fromisoformat(phrase)
        if moment.tzinfo is None:
            return phrase
        local = moment.astimezone(services.tz).replace(tzinfo=None, microsecond=0)
    except (ValueError, OverflowError):  # OverflowError: year 1 or 9999 moved past the calendar
        return phrase
    return local.isoformat(timespec="seconds")


def _media(upload: Upload | None, declared: str | None) -> MediaRef | None:
    """The uploaded file as the media of a message: its kind as declared (`media_kind`),
    else from its type; a file that is no photo after all is posted as a document, as a
    photo sent as a document is."""
    if upload is None:  # media_kind without a file: refused as an unknown field
        return None
    kinds = [k.value for k in MediaKind]
    if declared is not None and declared not in kinds:
        kind_words = m.API_KIND_MEDIA.format(kinds=", ".join(kinds))
        raise ApiError(400, m.API_FIELD_TYPE.format(field="media_kind", kind=kind_words))
    kind = MediaKind(declared) if declared else _kind(upload.mime)
    data = upload.data

    async def fetch() -> bytes:
        return data

    return MediaRef(
        upload.mime or "application/octet-stream",
        fetch,
        document=kind in (MediaKind.IMAGE, MediaKind.DOCUMENT),
        kind=kind,
        file_name=upload.file_name,
        size=len(data),
    )


def _kind(mime: str) -> MediaKind:
    major = mime.split("/", 1)[0].strip().lower()
    return {"video": MediaKind.VIDEO, "audio": MediaKind.AUDIO}.get(major) or document_kind(mime)
