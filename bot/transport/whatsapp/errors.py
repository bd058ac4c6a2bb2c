"""Which WhatsApp send failures are worth retrying, and how to tell the owner about the rest."""

from __future__ import annotations

from bot.transport.base import TransportError

# whatsmeow's words for failures that are worth retrying, and for ones that are not.
_TRANSIENT_WORDS = ("timeout", "timed out", "deadline exceeded", "websocket", "not connected",
                    "connection reset", "broken pipe", "eof", "500", "502", "503", "504",
                    "internal-server-error", "service-unavailable", "rate-overlimit")
_PERMANENT_REASONS = (
    (("item-not-found", "group not found", "404"), "grup tujuan tidak ada lagi"),
    (("forbidden", "not-authorized", "not a participant", "403", "401"),
     "bot tidak lagi menjadi anggota grup (atau tidak boleh mengirim di sana)"),
    (("too large", "too big", "413", "resource-limit"), "pesan atau foto terlalu besar"),
)


def send_error(message: str, connected: bool) -> TransportError:
    """Classify a neonize send failure: permanent ones get a reason the owner understands."""
    lowered = message.lower()
    for words, reason in _PERMANENT_REASONS:
        if any(word in lowered for word in words):
            return TransportError(f"{reason} ({message})")
    if not connected:
        return TransportError(f"koneksi putus saat mengirim ({message})", disconnected=True)
    transient = any(word in lowered for word in _TRANSIENT_WORDS)
    return TransportError(f"WhatsApp menolak pengiriman: {message}", transient=transient)
