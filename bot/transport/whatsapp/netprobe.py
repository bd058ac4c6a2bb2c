"""A cheap check that WhatsApp's host resolves and accepts TCP, made before each connect()."""

from __future__ import annotations

import asyncio
import contextlib
import socket

HOST = "web.whatsapp.com"
PORT = 443


async def whatsapp_reachable(
    host: str = HOST, port: int = PORT, limit_s: float = 5.0
) -> str | None:
    """None when `host:port` answers; otherwise a short reason (no exception escapes)."""
    loop = asyncio.get_running_loop()
    try:
        infos = await asyncio.wait_for(
            loop.getaddrinfo(host, port, type=socket.SOCK_STREAM), limit_s
        )
    except (OSError, TimeoutError) as exc:
        return f"cannot resolve {host}: {exc or 'timeout'}"
    if not infos:
        return f"cannot resolve {host}"
    family, _, _, _, address = infos[0]
    try:
        _, writer = await asyncio.wait_for(
            asyncio.open_connection(str(address[0]), port, family=family), limit_s
        )
    except (OSError, TimeoutError) as exc:
        return f"{host}:{port} not reachable: {exc or 'timeout'}"
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()
    return None
