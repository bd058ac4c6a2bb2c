"""Protobuf builders and readers: JIDs as goneonize encodes them, what a waE2E.Message
carries, group participants."""

from __future__ import annotations

from neonize.proto import Neonize_pb2 as pb
from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import Message as WAMessage

# --- JIDs ------------------------------------------------------------------------------------


def jid(user: str, server: str = "s.whatsapp.net", device: int = 0) -> pb.JID:
    """A JID with every field set, like goneonize utils/encoder.go EncodeJidProto."""
    return pb.JID(
        User=user, RawAgent=0, Device=device, Integrator=0, Server=server, IsEmpty=server == ""
    )


EMPTY_JID = jid("", "")


def as_jid(value: pb.JID | str | None) -> pb.JID:
    """ "user@server" or "user:device@server" (types.JID.String) as a JID; None: the empty JID."""
    if value is None:
        return EMPTY_JID
    if isinstance(value, pb.JID):
        return value
    user, _, server = value.partition("@")
    user, _, device = user.partition(":")
    return jid(user, server, int(device or 0))


def jid_text(value: pb.JID) -> str:
    """types.JID.String: user[:device]@server."""
    device = f":{value.Device}" if value.Device else ""
    return f"{value.User}{device}@{value.Server}" if value.User else value.Server


# --- messages and groups ---------------------------------------------------------------------

_MEDIA_KINDS = ("imageMessage", "videoMessage", "audioMessage", "documentMessage", "stickerMessage")


def _content(content: str | WAMessage) -> WAMessage:
    return WAMessage(conversation=content) if isinstance(content, str) else content


# whatsmeow download.go classToMediaType, as goneonize utils.go MediaType indexes it (the
# number neonize passes to Upload: neonize utils/enum.py MediaType).
UPLOAD_TYPE_OF = {
    "imageMessage": 0,
    "stickerMessage": 0,
    "videoMessage": 1,
    "audioMessage": 2,
    "documentMessage": 3,
}


def _media_type(message: WAMessage) -> str:
    kind = next((k for k in _MEDIA_KINDS if message.HasField(k)), "")
    return kind.removesuffix("Message")


def _describe(message: WAMessage) -> tuple[str, str, int]:
    """What a send carried: kind, text or caption, media bytes."""
    if message.HasField("extendedTextMessage"):
        return "text", message.extendedTextMessage.text, 0
    if message.HasField("pollCreationMessage"):  # send.go getTypeFromMessage: "poll"
        return "poll", message.pollCreationMessage.name, 0
    if message.conversation:
        return "text", message.conversation, 0
    for kind in _MEDIA_KINDS:
        if message.HasField(kind):
            media = getattr(message, kind)
            return kind.removesuffix("Message"), getattr(media, "caption", ""), media.fileLength
    fields = message.ListFields()
    return (fields[0][0].name if fields else "empty"), "", 0


def _participant(
    lid: pb.JID, phone: pb.JID, *, admin: bool, by_phone: bool = False
) -> pb.GroupParticipant:
    """A member as whatsmeow group.go parseParticipant reads one: JID is the address the group
    uses (the LID in a LID-addressed group, the phone JID in a phone-addressed one), LID and
    PhoneNumber both filled when WhatsApp sent the other one too."""
    return pb.GroupParticipant(
        JID=phone if by_phone else lid,
        LID=lid,
        PhoneNumber=phone,
        IsAdmin=admin,
        IsSuperAdmin=False,
        DisplayName="",
        Error=0,
    )


def _member(info: pb.GroupInfo, lid: str, phone: str) -> bool:
    return any(p.LID.User == lid or p.PhoneNumber.User == phone for p in info.Participants)


def _admin(info: pb.GroupInfo, lid: str) -> bool:
    return any(p.LID.User == lid and p.IsAdmin for p in info.Participants)
