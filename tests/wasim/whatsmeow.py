"""What whatsmeow and goneonize say and when: their error texts verbatim (and the builders for
the texts that carry a value), their timings, and the codes goneonize encodes."""

from __future__ import annotations

from neonize.proto import Neonize_pb2 as pb

# --- what whatsmeow says (error texts verbatim) --------------------------------------------

# socket/constants.go ErrDialFailed, wrapped by socket/framesocket.go FrameSocket.Connect, then
# coder/websocket dial.go ("failed to WebSocket dial", "failed to send handshake request: %w")
# and net/http's url.Error. The whole text is what 0.5.2 said here, offline, measured with the
# real library (the resolver address is this host's).
DIAL_ERROR = (
    "failed to dial whatsapp web websocket: failed to WebSocket dial: failed to send handshake "
    'request: Get "https://web.whatsapp.com/ws/chat": dial tcp: lookup web.whatsapp.com on '
    "10.255.255.53:53: no such host"
)
# The same chain when the host takes the TCP connection and never answers: net/http
# DefaultTransport's TLS handshake timeout (client.go NewClient clones DefaultTransport).
HANG_ERROR = DIAL_ERROR.split("Get ")[0] + (
    'Get "https://web.whatsapp.com/ws/chat": net/http: TLS handshake timeout'
)
NOT_CONNECTED = "websocket not connected"  # errors.go ErrNotConnected
# errors.go ErrClientIsNil: goneonize passes clients[uuid], nil before connect and after Stop
CLIENT_IS_NIL = "client is nil"
NOT_LOGGED_IN = "the store doesn't contain a device JID"  # errors.go ErrNotLoggedIn
NO_PUSH_NAME = "can't send presence without PushName set"  # errors.go ErrNoPushName
SEND_TIMEOUT = "timed out waiting for message send response"  # errors.go ErrMessageTimedOut
NOT_IN_GROUP = "you're not participating in that group"  # errors.go ErrNotInGroup (IQ 403)
GROUP_NOT_FOUND = "that group does not exist"  # errors.go ErrGroupNotFound (IQ 404)
IQ_TIMEOUT = "info query timed out"  # errors.go ErrIQTimedOut (request.go sendIQ, bare)
NOTHING_TO_DOWNLOAD = "didn't find any attachments in message"  # errors.go
NO_URL = "no url present"  # errors.go ErrNoURLPresent
# errors.go ErrInvalidMediaHMAC from download.go validateMedia: the keys derived for the
# message's media type (classToMediaType) are not those the file was encrypted with at upload
# (upload.go Upload's appInfo); after every host, wrapped "failed to download media from last
# host: %w" (download.go DownloadMediaWithPath).
WRONG_MEDIA_KEYS = "failed to download media from last host: invalid media hmac"
DEVICE_DELETED = "invalid use of deleted device"  # store/store.go ErrDeviceDeleted
PHONE_TOO_SHORT = "phone number too short"  # errors.go
PHONE_NOT_INTERNATIONAL = "international phone number required (must not start with 0)"
NIL_POINTER = "runtime error: invalid memory address or nil pointer dereference"


def server_error(code: int) -> str:
    """send.go SendMessage: fmt.Errorf("%w %d", ErrServerReturnedError, code)."""
    return f"server returned error {code}"


def members_error(reason: str) -> str:
    """send.go SendMessage: fmt.Errorf("failed to get group members: %w", err)."""
    return f"failed to get group members: {reason}"


def download_error(status: int) -> str:
    """errors.go DownloadHTTPError (download.go returns 403/404/410 unwrapped)."""
    return f"download failed with status code {status}"


MEDIA_CONN_ERROR = "failed to refresh media connections: "  # upload.go/download.go, mediaconn.go

# --- timings -------------------------------------------------------------------------------

HANG_DIAL_S = 14.0  # ../shared/DESIGN.md, measured: a host that never answers fails in ~14 s
SEND_TIMEOUT_S = 75.0  # request.go defaultRequestTimeout, send.go SendMessage's ack wait
QR_FIRST_S, QR_NEXT_S, QR_CODES = 60.0, 20.0, 6  # qrchan.go emitQRs; pair.go: 6 refs
KEEPALIVE_S = 25.0  # keepalive.go: a ping every 20-30 s at random; the midpoint here
KEEPALIVE_DEADLINE_S = 10.0  # keepalive.go KeepAliveResponseDeadline
KEEPALIVE_MAX_FAIL_S = 180.0  # keepalive.go KeepAliveMaxFailTime
RECONNECT_STEP_S = 2.0  # client.go autoReconnect: AutoReconnectErrors x 2 s, no cap

# goneonize utils/encoder.go EncodeTemporaryBan / EncodeConnectFailureReason
BAN_CODES = {
    101: pb.TemporaryBan.SEND_TO_TOO_MANY_PEOPLE,
    102: pb.TemporaryBan.BLOCKED_BY_USERS,
    103: pb.TemporaryBan.CREATED_TOO_MANY_GROUPS,
    104: pb.TemporaryBan.SENT_TOO_MANY_SAME_MESSAGE,
    106: pb.TemporaryBan.BROADCAST_LIST,
}
LOGOUT_REASONS = {401: pb.LOGGED_OUT, 403: pb.MAIN_DEVICE_GONE, 406: pb.UNKNOWN_LOGOUT}
# pair-code.go linkingBase32
_LINK_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTVWXYZ"
