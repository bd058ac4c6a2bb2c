"""The routes on posts and groups. Each change goes through what the chat command uses
(bot.posts.PostService via the handlers' functions) and is refused with its words."""

from __future__ import annotations

from collections.abc import Mapping

from aiohttp import web

from bot import messages as m
from bot.api.body import only, read_body
from bot.api.compose import queue_requested, request_context
from bot.api.deps import deps
from bot.api.errors import ApiError, refused_as
from bot.api.views import group_json, post_json
from bot.digits import is_number
from bot.models import PostStatus
from bot.posts import PostNotFound, Target
from handlers.common import is_post_id
from handlers.groups import joined_groups
from handlers.history import send_target
from handlers.queue import cancel_target

PAGE_DEFAULT = 50
PAGE_MAX = 500
OFFSET_MAX = 1_000_000_000


async def create_post(request: web.Request) -> web.Response:
    services = deps(request).services
    body = await read_body(request, uploads=True)
    with refused_as(422):
        post = await queue_requested(services, body)
    return web.json_response(
        post_json(post, services.tz), status=201, headers={"Location": f"/posts/{post.id}"}
    )


async def list_posts(request: web.Request) -> web.Response:
    services = deps(request).services
    query = request.query
    only(query.keys(), ("state", "limit", "offset"), m.API_UNKNOWN_PARAMS)
    if twice := sorted({name for name in query if len(query.getall(name)) > 1}):
        raise ApiError(400, m.API_PARAM_TWICE.format(names=", ".join(twice)))
    state = _state(query.get("state"))
    limit = _number(query, "limit", 1, PAGE_MAX, PAGE_DEFAULT)
    offset = _number(query, "offset", 0, OFFSET_MAX, 0)
    posts, total = await services.store.posts_page(state, limit, offset)
    shown = offset + len(posts)
    return web.json_response(
        {
            "posts": [post_json(p, services.tz) for p in posts],
            "total": total,
            "limit": limit,
            "offset": offset,
            "next_offset": shown if shown < total else None,
        }
    )


async def get_post(request: web.Request) -> web.Response:
    services = deps(request).services
    post_id = _post_id(request)
    post = await services.store.get_post(post_id)
    if post is None:
        raise ApiError(404, m.POST_NOT_FOUND.format(id=post_id))
    return web.json_response(post_json(post, services.tz))


async def cancel_post(request: web.Request) -> web.Response:
    """/batal: the groups still waiting are cancelled, what went out stays; a series stops."""
    services = deps(request).services
    target = await _target(request)
    with refused_as(409):
        done = await cancel_target(services.posts, target)
    return web.json_response(post_json(done.post, services.tz))


async def send_post(request: web.Request) -> web.Response:
    """/kirim: the post's waiting groups (a series: its next occurrence) are sent now."""
    services = deps(request).services
    target = await _target(request)
    with refused_as(409):
        post = await send_target(services.posts, target)
    return web.json_response(post_json(post, services.tz))


async def list_groups(request: web.Request) -> web.Response:
    """/grup: the account's groups, numbered as `groups` of POST /posts takes them."""
    services = deps(request).services
    with refused_as(503):
        groups = await joined_groups(request_context(services))
    return web.json_response({"groups": [group_json(n, g) for n, g in enumerate(groups, start=1)]})


def _post_id(request: web.Request) -> int:
    """The id in the path: digits only (no sign, no '#', nothing after them)."""
    raw = request.match_info["id"]
    if not is_post_id(raw):
        raise ApiError(400, m.BAD_ID.format(raw=m.echo(raw)))
    return int(raw)


async def _target(request: web.Request) -> Target:
    """The post or series the id names, as /batal and /kirim find it."""
    post_id = _post_id(request)
    try:
        return await deps(request).services.posts.find(post_id)
    except PostNotFound:
        raise ApiError(404, m.POST_NOT_FOUND.format(id=post_id)) from None


def _state(raw: str | None) -> PostStatus | None:
    if raw is None:
        return None
    try:
        return PostStatus(raw)
    except ValueError:
        states = ", ".join(s.value for s in PostStatus)
        raise ApiError(400, m.API_BAD_STATE.format(state=m.echo(raw), states=states)) from None


def _number(query: Mapping[str, str], name: str, low: int, high: int, default: int) -> int:
    raw = query.get(name)
    if raw is None:
        return default
    if is_number(raw) and len(raw) <= len(str(high)) and low <= int(raw) <= high:
        return int(raw)
    raise ApiError(400, m.API_BAD_NUMBER.format(name=name, low=low, high=high))
