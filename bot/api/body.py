"""A request's body: JSON, or multipart/form-data with a JSON part ("post") and a file
("media"), each read up to its limit; the fields of a JSON object checked one by one."""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from aiohttp import BodyPartReader, StreamReader, hdrs, web
from aiohttp.http_exceptions import HttpProcessingError

from bot import messages as m
from bot.api.errors import ApiError
from bot.mediarules import RULES

# A post's text is at most 65,536 characters (handlers.common.MAX_TEXT): 4 bytes each in
# UTF-8, with room for the other fields and JSON's escapes.
JSON_LIMIT = 1_000_000
# The largest media the chat takes (a document, bot.mediarules.RULES): a bigger file is
# refused before it is read whole; a smaller one too big for its kind gets the chat's reason.
MEDIA_LIMIT = max(rule.max_bytes or 0 for rule in RULES.values())
_CHUNK = 1 << 16
JSON_PART = "post"
MEDIA_PART = "media"
GROUPS_LIMIT = 50  # groups named by one post


@dataclass(frozen=True)
class Upload:
    data: bytes
    mime: str  # as the part declares it ("" when it does not)
    file_name: str


@dataclass(frozen=True)
class Body:
    fields: dict[str, object]
    upload: Upload | None = None


async def read_body(request: web.Request, *, uploads: bool = False) -> Body:
    """The JSON object the request carries; with `uploads`, also multipart/form-data with
    that object in a "post" part and a file in a "media" part."""
    # content_type: the type alone, lowercased, without parameters
    # (aiohttp/helpers.py HeadersMixin.content_type, via email's parser).
    kind = request.content_type
    try:
        if kind == "application/json":
            raw = await _read(request.content, JSON_LIMIT, request.content_length)
            return Body(parse_object(raw))
        if kind == "multipart/form-data" and uploads:
            _refuse_length(request.content_length, JSON_LIMIT + MEDIA_LIMIT)
            return await _multipart(request)
    # A body that breaks HTTP's own framing (a bad chunk size, fewer bytes than
    # Content-Length) is raised when read (aiohttp/http_parser.py HttpPayloadParser:
    # TransferEncodingError, ContentLengthError).
    # A body whose Content-Encoding does not decode (gzip that is not gzip) is raised as
    # RequestPayloadError (aiohttp/web_protocol.py, the parser's payload_exception).
    except (HttpProcessingError, web.RequestPayloadError):
        raise ApiError(400, m.API_BAD_REQUEST) from None
    raise ApiError(415, m.API_CONTENT_TYPE)


def _refuse_length(declared: int | None, limit: int) -> None:
    if declared is not None and declared > limit:
        raise ApiError(413, m.API_TOO_LARGE.format(limit=_size(limit)))


def _size(limit: int) -> str:
    return f"{limit / 1_000_000:g} MB"


async def _read(stream: StreamReader | BodyPartReader, limit: int, declared: int | None) -> bytes:
    """At most `limit` bytes, else 413 as soon as more come (a chunked body declares no
    length; one that declares too much is refused before it is read)."""
    _refuse_length(declared, limit)
    data = bytearray()
    while True:
        if isinstance(stream, BodyPartReader):
            chunk = await stream.read_chunk(_CHUNK)  # b"" at the part's end
        else:
            chunk = await stream.read(_CHUNK)  # b"" at the body's end
        if not chunk:
            return bytes(data)
        data += chunk
        if len(data) > limit:
            raise ApiError(413, m.API_TOO_LARGE.format(limit=_size(limit)))


async def _multipart(request: web.Request) -> Body:
    fields: dict[str, object] | None = None
    upload: Upload | None = None
    try:
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader):  # a nested multipart
                raise ApiError(400, m.API_BAD_MULTIPART)
            name = part.name or ""
            if name not in (JSON_PART, MEDIA_PART):
                raise ApiError(400, m.API_PART_UNKNOWN.format(name=m.echo(name)))
            if (fields if name == JSON_PART else upload) is not None:
                raise ApiError(400, m.API_PART_TWICE.format(name=name))
            if name == JSON_PART:
                fields = parse_object(await _read(part, JSON_LIMIT, None))
            else:
                data = await _read(part, MEDIA_LIMIT, None)
                upload = Upload(data, part.headers.get(hdrs.CONTENT_TYPE, ""), part.filename or "")
    # What aiohttp's multipart reader raises on a malformed body: ValueError (a bad or
    # missing boundary, a part cut short), KeyError (no boundary parameter), RuntimeError (an
    # unknown transfer encoding), BadHttpMessage (too many part headers)
    # (aiohttp/multipart.py MultipartReader._get_boundary, _read_boundary, _read_headers).
    except (ValueError, LookupError, RuntimeError, HttpProcessingError, web.RequestPayloadError):
        raise ApiError(400, m.API_BAD_MULTIPART) from None
    if fields is None:
        raise ApiError(400, m.API_PART_MISSING)
    return Body(fields, upload)


def parse_object(raw: bytes) -> dict[str, object]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(400, m.API_NOT_UTF8) from None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as bad:
        raise ApiError(400, m.API_BAD_JSON_AT.format(line=bad.lineno, column=bad.colno)) from None
    except (ValueError, RecursionError):  # a number of more than 4,300 digits; deep nesting
        raise ApiError(400, m.API_BAD_JSON) from None
    if not isinstance(value, dict):
        raise ApiError(400, m.API_NOT_OBJECT.format(example='{"when": "besok 08:00", ...}'))
    return value


def only(
    given: Collection[str], known: Collection[str], template: str = m.API_UNKNOWN_FIELDS
) -> None:
    """Refuse names (of fields, of query parameters) other than `known`: a misspelt one
    would otherwise be ignored. `template` names them ({names}) and the known ones ({known})."""
    unknown = sorted(set(given) - set(known))
    if unknown:
        names = ", ".join(m.echo(name) for name in unknown[:5])
        raise ApiError(400, template.format(names=names, known=", ".join(known)))


def text(fields: Mapping[str, object], name: str, *, required: bool = False) -> str | None:
    """A text field; None when absent or null (refused when `required`)."""
    value = fields.get(name)
    if value is None:
        if required:
            raise ApiError(400, m.API_FIELD_MISSING.format(field=name))
        return None
    if not isinstance(value, str):
        raise ApiError(400, m.API_FIELD_TYPE.format(field=name, kind=m.API_KIND_TEXT))
    return _encodable(value, name)


def _encodable(value: str, name: str) -> str:
    """JSON's "\\ud800" is a lone surrogate: valid JSON, but no text UTF-8 (or SQLite) takes."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ApiError(400, m.API_FIELD_NOT_TEXT.format(field=name)) from None
    return value


def groups(fields: Mapping[str, object], name: str) -> list[str] | None:
    """A list of /grup numbers and group names, each as `ke:` would read it; None when
    absent or null."""
    value = fields.get(name)
    if value is None:
        return None
    wrong = ApiError(
        400, m.API_FIELD_TYPE.format(field=name, kind=m.API_KIND_GROUPS.format(limit=GROUPS_LIMIT))
    )
    if not isinstance(value, list) or len(value) > GROUPS_LIMIT:
        raise wrong
    named = []
    for item in value:
        # bool is an int to Python, not a group number to anyone.
        if isinstance(item, bool) or not isinstance(item, str | int):
            raise wrong
        named.append(_encodable(str(item), name))
    return named
