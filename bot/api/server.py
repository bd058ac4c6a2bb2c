"""The HTTP server: aiohttp's, embedded in the bot's event loop (web.AppRunner + web.TCPSite:
no loop or signal handlers of its own), its routes, and the middlewares every request passes:
the log line, errors as {"error": ...}, the token."""

from __future__ import annotations

import hmac
import logging
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from aiohttp import hdrs, web
from aiohttp.http_exceptions import HttpProcessingError
from loguru import logger

from bot import messages as m
from bot.api import routes, status
from bot.api.body import JSON_LIMIT
from bot.api.deps import DEPS, Deps
from bot.api.errors import ApiError
from bot.api.openapi import OPENAPI
from bot.context import Services
from bot.datadir import EnvironmentProblem
from bot.settings import PREFIX

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

# Open to anyone who can reach the address: what a process manager or a monitor asks.
OPEN_PATHS = frozenset({"/health"})
_QUIET_PATHS = frozenset({"/health", "/metrics"})  # polled: logged at DEBUG only
STOP_LIMIT_S = 2.0  # how long a request still running may finish when the bot stops


async def openapi(request: web.Request) -> web.Response:
    return web.json_response(OPENAPI)


ROUTES: tuple[tuple[str, str, Handler], ...] = (
    ("GET", "/health", status.health),
    ("GET", "/metrics", status.metrics),
    ("GET", "/openapi.json", openapi),
    ("GET", "/groups", routes.list_groups),
    ("GET", "/posts", routes.list_posts),
    ("POST", "/posts", routes.create_post),
    ("GET", "/posts/{id}", routes.get_post),
    ("DELETE", "/posts/{id}", routes.cancel_post),
    ("POST", "/posts/{id}/send", routes.send_post),
)


class _ClientMistakes(logging.Filter):
    """aiohttp's parser answers a request it cannot read (a bad chunk size, a header too long)
    with 400 itself and logs it with a traceback at ERROR (aiohttp/web_protocol.py
    RequestHandler.handle_error): a client's mistake, not the bot's, so one WARNING line."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, HttpProcessingError):
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.msg, record.args = "HTTP request not readable, answered 400: %s", (error,)
            record.exc_info, record.exc_text = None, None
        return True


# The logger aiohttp's connection handlers log to (RequestHandler's `logger`, passed through
# AppRunner's keyword arguments to web.Server).
PROTOCOL_LOG = logging.getLogger("bot.api.http")
PROTOCOL_LOG.addFilter(_ClientMistakes())


def error_response(status: int, reason: str) -> web.Response:
    headers = {hdrs.WWW_AUTHENTICATE: "Bearer"} if status == 401 else None
    return web.json_response({"error": reason}, status=status, headers=headers)


@web.middleware
async def _logged(request: web.Request, handler: Handler) -> web.StreamResponse:
    """One line per request: method, path (never its query or headers), status, time."""
    started = time.perf_counter()
    code = 500
    try:
        response = await handler(request)
        code = response.status
        return response
    finally:
        level = "DEBUG" if request.path in _QUIET_PATHS and code < 500 else "INFO"
        logger.log(
            level,
            "HTTP {} {} -> {} in {:.1f} ms",
            request.method,
            _shown(request),
            code,
            (time.perf_counter() - started) * 1000,
        )


def _shown(request: web.Request) -> str:
    """The path as it came (still percent-encoded: no line break of a client's making reaches
    the log), without the query string, shortened."""
    return m.echo(request.raw_path.partition("?")[0])


@web.middleware
async def _errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every refusal as {"error": "<Indonesian>"}; anything unexpected is logged with its
    traceback and answered 500, and the bot goes on."""
    try:
        return await handler(request)
    except ApiError as refused:
        return error_response(refused.status, refused.reason)
    except ConnectionResetError:  # the client went away while its body was read
        logger.info("HTTP {} {}: the client closed the connection", request.method, _shown(request))
        return error_response(400, m.API_BAD_REQUEST)
    except web.HTTPException as http:  # the router's 404 and 405
        response = error_response(http.status, _http_reason(request, http))
        if allow := http.headers.get(hdrs.ALLOW):  # 405: which methods the path takes
            response.headers[hdrs.ALLOW] = allow
        return response
    except Exception:
        logger.exception("HTTP {} {} failed", request.method, _shown(request))
        return error_response(500, m.API_INTERNAL)


def _http_reason(request: web.Request, http: web.HTTPException) -> str:
    if isinstance(http, web.HTTPMethodNotAllowed):
        allowed = ", ".join(sorted(http.allowed_methods))
        return m.API_METHOD.format(
            method=request.method, path=m.echo(request.path), allowed=allowed
        )
    if http.status == 404:
        return m.API_NOT_FOUND.format(path=m.echo(request.path))
    if http.status == 413:
        return m.API_TOO_LARGE.format(limit=f"{JSON_LIMIT / 1_000_000:g} MB")
    return m.API_BAD_REQUEST


@web.middleware
async def _authorized(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every path but OPEN_PATHS needs `Authorization: Bearer <token>` when a token is set;
    an unknown path too (it says nothing then about which paths exist)."""
    token = request.app[DEPS].token
    resource = request.match_info.route.resource
    if token is not None and (resource is None or resource.canonical not in OPEN_PATHS):
        # Bytes: compare_digest refuses a str with characters beyond ASCII.
        given = request.headers.get(hdrs.AUTHORIZATION, "").encode("utf-8", "replace")
        if not hmac.compare_digest(given, f"Bearer {token}".encode()):
            raise ApiError(401, m.API_UNAUTHORIZED)
    return await handler(request)


def build_app(deps: Deps) -> web.Application:
    # The first middleware is the outermost: it sees what the others answered
    # (aiohttp/web_app.py Application._prepare_middleware yields them reversed, and
    # _build_middlewares wraps the handler in that order).
    app = web.Application(middlewares=[_logged, _errors, _authorized], client_max_size=JSON_LIMIT)
    app[DEPS] = deps
    for method, path, handler in ROUTES:
        if method == "GET":
            # With HEAD (aiohttp's add_get: allow_head=True), which some uptime monitors send
            # to /health instead of GET.
            app.router.add_get(path, handler)
        else:
            app.router.add_route(method, path, handler)
    return app


class ApiServer:
    """Started by bot.app.App once its services exist, stopped first."""

    def __init__(
        self,
        services: Services,
        listen: tuple[str, int],
        token: str | None,
        running: Callable[[], bool],
        heartbeat: Path,
    ) -> None:
        self._listen = listen
        self._deps = Deps(services, running, heartbeat, token)
        self._runner: web.AppRunner | None = None
        self.address: tuple[str, int] | None = None  # where it listens (the port, if 0 given)

    async def start(self) -> None:
        host, port = self._listen
        # access_log=None: requests are logged by _logged, without their headers.
        # handle_signals=False (the default): the bot's own handlers stay in place
        # (aiohttp/web_runner.py BaseRunner.setup installs them only when asked).
        runner = web.AppRunner(
            build_app(self._deps),
            access_log=None,
            shutdown_timeout=STOP_LIMIT_S,
            logger=PROTOCOL_LOG,
        )
        await runner.setup()
        try:
            await web.TCPSite(runner, host, port).start()
        except OSError as exc:
            await runner.cleanup()
            raise EnvironmentProblem(
                f"{PREFIX}API_LISTEN={host}:{port}: cannot listen there "
                f"({exc.strerror or exc}); stop what uses that port or choose another"
            ) from None
        self._runner = runner
        bound = runner.addresses[0]
        self.address = (str(bound[0]), int(bound[1]))
        logger.info("HTTP API on http://{}:{}", *self.address)
        if self._deps.token is None:
            logger.warning(
                "HTTP API without {}API_TOKEN: any program on this machine may queue posts",
                PREFIX,
            )

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
            logger.info("HTTP API stopped")
