"""A simulator of neonize 0.5.2's async client and of WhatsApp's servers behind it, for tests.

`SimClient` IS neonize's `NewAClient`: connect, send_message, send_image, get_group_info,
download_any, PairPhone, is_connected, stop... are neonize's own Python. Only the layer under
it is replaced: `NewAClient.__client` (normally `async_gocode`, which runs each goneonize export
on a default-executor thread with asyncio.to_thread) becomes `_SimGoCode`, whose exports run on
those same threads and answer with the bytes goneonize would, from `WhatsAppSim`: a model of
goneonize main.go and whatsmeow, kept on the event loop on virtual time (tests/vclock.py).

So events take neonize's real path: the Go call's own thread (goneonize CallbackFunction) calls
the ctypes callback connect_with_proxy built around `Event.execute`, with a C buffer holding the
serialised protobuf and the code from neonize.events.EVENT_TO_INT; execute decodes it, sets
client.me on code 0 and runs each handler as its own task (run_coroutine_threadsafe on
neonize.aioze.events.event_global_loop). QR codes go through NewAClient.__onQr the same way.

Sources, as read: neonize 0.5.2 installed (aioze/client.py, aioze/events.py, events.py,
_binder.py, exc.py); krypton-byte/neonize goneonize/main.go and goneonize/utils/encoder.go;
tulir/whatsmeow client.go, connectionevents.go, qrchan.go, pair.go, pair-code.go, keepalive.go,
send.go, request.go, group.go, upload.go, mediaconn.go, download.go, message.go, errors.go,
socket/framesocket.go, socket/constants.go, store/store.go, store/sqlstore/lidmap.go,
types/events/events.go. The goneonize source on GitHub is older than the 0.5.2 wheel; where it
mattered (FetchMe, CallbackFunction, Stop) the wheel's neonize-linux-amd64.so was disassembled
and found to do the same. "[assumed]" marks what WhatsApp's servers do that no source shows.
"""

# Package layout: whatsmeow.py (texts, timings, codes), protos.py (JIDs, message and group
# protobufs), records.py (Sent, the Go call's state), client.py (SimClient and neonize's
# gocode). WhatsAppSim is a stack of layers: state.py (its state and shared helpers), then the
# Go side, each on the one before: connection.py (the socket), gocall.py (Neonize), exports.py
# (the other exports), threads.py (the executor threads); chats.py (messages, photos, groups,
# on state.py); world.py (WhatsAppSim: both sides and the rest of what tests call).

from tests.wasim.client import SimClient, reset_event_loop
from tests.wasim.exports import GoPanic
from tests.wasim.protos import EMPTY_JID, as_jid, jid, jid_text
from tests.wasim.records import Sent
from tests.wasim.whatsmeow import (
    BAN_CODES,
    CLIENT_IS_NIL,
    DEVICE_DELETED,
    DIAL_ERROR,
    GROUP_NOT_FOUND,
    HANG_DIAL_S,
    HANG_ERROR,
    IQ_TIMEOUT,
    KEEPALIVE_DEADLINE_S,
    KEEPALIVE_MAX_FAIL_S,
    KEEPALIVE_S,
    LOGOUT_REASONS,
    MEDIA_CONN_ERROR,
    NIL_POINTER,
    NO_PUSH_NAME,
    NO_URL,
    NOT_CONNECTED,
    NOT_IN_GROUP,
    NOT_LOGGED_IN,
    NOTHING_TO_DOWNLOAD,
    PHONE_NOT_INTERNATIONAL,
    PHONE_TOO_SHORT,
    QR_CODES,
    QR_FIRST_S,
    QR_NEXT_S,
    RECONNECT_STEP_S,
    SEND_TIMEOUT,
    SEND_TIMEOUT_S,
    download_error,
    members_error,
    server_error,
)
from tests.wasim.world import WhatsAppSim

__all__ = [
    "BAN_CODES",
    "CLIENT_IS_NIL",
    "DEVICE_DELETED",
    "DIAL_ERROR",
    "EMPTY_JID",
    "GROUP_NOT_FOUND",
    "HANG_DIAL_S",
    "HANG_ERROR",
    "IQ_TIMEOUT",
    "KEEPALIVE_DEADLINE_S",
    "KEEPALIVE_MAX_FAIL_S",
    "KEEPALIVE_S",
    "LOGOUT_REASONS",
    "MEDIA_CONN_ERROR",
    "NIL_POINTER",
    "NOTHING_TO_DOWNLOAD",
    "NOT_CONNECTED",
    "NOT_IN_GROUP",
    "NOT_LOGGED_IN",
    "NO_PUSH_NAME",
    "NO_URL",
    "PHONE_NOT_INTERNATIONAL",
    "PHONE_TOO_SHORT",
    "QR_CODES",
    "QR_FIRST_S",
    "QR_NEXT_S",
    "RECONNECT_STEP_S",
    "SEND_TIMEOUT",
    "SEND_TIMEOUT_S",
    "GoPanic",
    "Sent",
    "SimClient",
    "WhatsAppSim",
    "as_jid",
    "download_error",
    "jid",
    "jid_text",
    "members_error",
    "reset_event_loop",
    "server_error",
]
