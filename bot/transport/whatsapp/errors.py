"""What a WhatsApp send or download failure means: retry, wait, ask the owner, or give up.

The texts are whatsmeow's, as neonize passes them on (`SendMessageError(model.Error)`,
`DownloadError(media.Error)`: the Go error's Error() string). Line numbers are whatsmeow
e277b766ab33 (pinned by goneonize/go.mod at neonize's git HEAD); the installed neonize 0.5.2
library embeds whatsmeow 35ae40906e74 (`strings neonize-linux-amd64.so`), which holds every
text matched below (tests/test_send_outcomes.py checks that).

Where a failure happened decides whether a retry is safe. SendMessage (send.go) first looks up
the group's members (an info query), encrypts, then writes the stanza and waits for the
server's ack. neonize cannot choose the message id, so a retry is a NEW message:
- before the write ("failed to get group members: ...", "failed to send message node: ...",
  "failed to get device list: ...") nothing reached WhatsApp: retrying is safe;
- after the write with no ack (timeout, link dropped) the post may be in the group already:
  it is `uncertain` and only the owner may send it again (/ulang);
- an ack carrying an error code ("server returned error N") means WhatsApp refused it.

The server's code, in either shape it comes (an ack's error code, or the status of an info
query inside the send), is kept in TransportError.code for whoever watches for restriction
signals; what the failure means for the post is decided here alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from bot.transport.base import MediaUnavailable, TransportError


class _Kind(Enum):
    UNCERTAIN = "uncertain"
    PERMANENT = "permanent"
    DISCONNECTED = "disconnected"
    TRANSIENT = "transient"
    UNKNOWN = "unknown"  # failed while connected; waits while the link is down


@dataclass(frozen=True)
class _Rule:
    pattern: re.Pattern[str]
    kind: _Kind
    reason: str


def _rule(pattern: str, kind: _Kind, reason: str) -> _Rule:
    return _Rule(re.compile(pattern, re.IGNORECASE), kind, reason)


_NO_ANSWER = "WhatsApp tidak menjawab setelah pesan dikirim; belum pasti sampai di grup"
_GONE = "grup tujuan tidak ada lagi"
_NOT_MEMBER = "akun bot bukan anggota grup itu lagi (dikeluarkan atau keluar)"
_TOO_LARGE = "pesan atau file media terlalu besar"
_LINK_DOWN = "koneksi WhatsApp putus sebelum pesan terkirim"
_BUSY = "WhatsApp sedang sibuk atau lambat; dicoba lagi"

# First match wins. The post-write texts come first: a reply that never came is uncertain
# even when the link is down by now.
_SEND_RULES = (
    # errors.go:24 ErrMessageTimedOut, returned by send.go:432 after the stanza was written.
    _rule(r"^timed out waiting for message send response", _Kind.UNCERTAIN, _NO_ANSWER),
    # errors.go:259 DisconnectedError{Action: "message send"} (or "message send (retry)") from
    # request.go retryFrame: the stanza was written, then the link dropped before the ack.
    _rule(r"^websocket disconnected before message send", _Kind.UNCERTAIN, _NO_ANSWER),
    # A BARE socket error comes only from retryFrame (request.go:208 ErrNotConnected, or its
    # SendFrame of the same bytes), i.e. after the first write; before the write these texts
    # are always wrapped ("failed to send message node: ...", send.go:741/823/843/897).
    _rule(r"^(websocket not connected|frame socket is closed)$", _Kind.UNCERTAIN, _NO_ANSWER),
    # errors.go:88 ErrGroupNotFound / :86 ErrNotInGroup, from group.go getGroupInfo, wrapped
    # by send.go:302 "failed to get group members: %w" (before the write).
    _rule(r"that group does not exist", _Kind.PERMANENT, _GONE),
    _rule(r"you're not participating in that group", _Kind.PERMANENT, _NOT_MEMBER),
    # socket/framesocket.go:132 "frame too large (got N bytes, max M bytes)"; upload.go:244.
    _rule(r"frame too large|upload failed with status code 413", _Kind.PERMANENT, _TOO_LARGE),
    # errors.go:22 ErrNotConnected (client.go:919) and socket/constants.go:41 ErrSocketClosed,
    # wrapped before the write; errors.go:259 for the member lookup ("info query").
    _rule(
        r"websocket not connected|frame socket is closed|"
        r"websocket disconnected before info query",
        _Kind.DISCONNECTED,
        _LINK_DOWN,
    ),
    # errors.go:21 ErrIQTimedOut (request.go sendIQ): the member or device lookup got no
    # answer; nothing was sent yet. An answer with an error status: _IQ_STATUS below.
    _rule(r"info query timed out", _Kind.TRANSIENT, _BUSY),
    # upload.go:242/244/195: the media upload failed, before any message existed.
    _rule(
        r"^failed to execute request|^upload failed with status code 5\d\d|"
        r"^failed to refresh media connections",
        _Kind.TRANSIENT,
        "file media gagal diunggah ke WhatsApp; dicoba lagi",
    ),
    # Any other HTTP 5xx: whatsmeow speaks HTTP only to the media servers (upload.go:244,
    # download.go), never for the message itself, so it happened before anything was sent.
    _rule(r"\b50[0234]\b", _Kind.TRANSIENT, _BUSY),
)

# send.go:452 `fmt.Errorf("%w %d", ErrServerReturnedError, errorCode)`: the server's ack
# carried an error code. Codes WhatsApp documents nowhere; these are the ones understood.
_SERVER_CODE = re.compile(r"^server returned error (\d+)")
# errors.go:224 IQError.Error() "info query returned status %d: %s": the member or device
# lookup of a send was answered with an error status (wrapped by send.go:302 "failed to get
# group members: %w" or send.go:1177 "failed to get device list: %w"); nothing was sent yet.
_IQ_STATUS = re.compile(r"info query returned status (\d+)")
# errors.go:195-197 ErrIQRateOverLimit 429, ErrIQInternalServerError 500,
# ErrIQServiceUnavailable 503: busy, not a refusal; retried like a send that did not go out.
_BUSY_IQ_STATUSES = frozenset({429, 500, 503})
_CODE_REASONS: dict[int, tuple[_Kind, str]] = {
    # errors.go:195 ErrIQRateOverLimit is code 429 "rate-overlimit": too fast, wait.
    429: (_Kind.TRANSIENT, "WhatsApp membatasi laju kiriman (kode 429); dicoba lagi"),
    # Reach-out timelock ("NackCallerReachoutTimelocked", Baileys #2441, whatsmeow #1074):
    # the linked device may not start NEW chats for a while; existing groups keep working.
    463: (
        _Kind.PERMANENT,
        "WhatsApp sementara melarang perangkat tertaut ini memulai chat "
        "baru (kode 463); grup yang sudah ada biasanya tetap bisa",
    ),
    # whatsmeow client.go:311: code 479 means "Invalid stanza sent (smax-invalid)".
    479: (_Kind.PERMANENT, "WhatsApp menolak bentuk pesan ini (kode 479)"),
}


def send_error(message: str, connected: bool) -> TransportError:
    """Classify a neonize send failure. `connected`: whether the link is still up now."""
    text = message.strip()
    kind, reason = _classify(text)
    # Safe to retry, or not understood, while the link is down: wait for it (not a failure).
    if kind in (_Kind.TRANSIENT, _Kind.UNKNOWN) and not connected:
        kind, reason = _Kind.DISCONNECTED, f"{_LINK_DOWN} ({text})"
    return TransportError(
        reason,
        transient=kind is _Kind.TRANSIENT,
        disconnected=kind is _Kind.DISCONNECTED,
        uncertain=kind is _Kind.UNCERTAIN,
        code=_server_code(text),
    )


def _server_code(text: str) -> int | None:
    """The code WhatsApp's server answered with, in either shape whatsmeow reports it: an
    ack's error code (_SERVER_CODE) or an info query's status (_IQ_STATUS); None if none."""
    match = _SERVER_CODE.match(text) or _IQ_STATUS.search(text)
    return int(match.group(1)) if match else None


def _classify(text: str) -> tuple[_Kind, str]:
    if code_match := _SERVER_CODE.match(text):
        code = int(code_match.group(1))
        if code in _CODE_REASONS:
            return _CODE_REASONS[code]
        if 500 <= code < 600:  # the server failed, it did not refuse: not delivered, retry
            return _Kind.TRANSIENT, f"server WhatsApp sedang bermasalah (kode {code}); dicoba lagi"
        return _Kind.PERMANENT, f"WhatsApp menolak pesan (kode {code})"
    # Before the rules: an info query's status is only ever seen before the write.
    if (iq := _IQ_STATUS.search(text)) and int(iq.group(1)) in _BUSY_IQ_STATUSES:
        return _Kind.TRANSIENT, f"{_BUSY} ({text})"
    for rule in _SEND_RULES:
        if rule.pattern.search(text):
            return rule.kind, f"{rule.reason} ({text})"
    # Not understood while connected: failed, not retried blindly; the owner decides.
    return _Kind.UNKNOWN, f"WhatsApp menolak pengiriman: {text}"


# errors.go:121 DownloadHTTPError "download failed with status code %d": 403/404/410 are what
# the media server answers once a file is gone (download.go:269-271 stops on them at once);
# errors.go:134 ErrNoURLPresent: the (quoted) message carries no download path at all.
_MEDIA_GONE = re.compile(r"download failed with status code (403|404|410)\b|^no url present")


def download_error(message: str) -> TransportError:
    """Classify a neonize `download_any` failure; MediaUnavailable when the file is gone."""
    text = message.strip()
    if _MEDIA_GONE.search(text):
        return MediaUnavailable(f"file media sudah tidak tersedia di WhatsApp ({text})")
    return TransportError(f"file media tidak bisa diunduh ({text})", transient=True)
