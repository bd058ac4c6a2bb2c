"""Media posts as WhatsApp messages, built from neonize's `client.upload` and the waE2E protos.

neonize 0.5.2's send_video and send_audio (aioze/client.py build_video_message,
build_audio_message) run ffprobe, and for a video ffmpeg, through utils/ffmpeg.py AFFmpeg, only
to fill `seconds` and a JPEG thumbnail; without those tools every send fails. Both fields are
optional in the proto, so these messages are built here the same way without the tools: the
duration is read from the file itself (bot.mediatypes), and a video goes without a thumbnail
(WhatsApp shows a plain preview until it is downloaded).

The upload must use the media type of the message it goes into: whatsmeow upload.go Upload
derives the encryption keys from it ("WhatsApp Video Keys", download.go MediaVideo...), and a
receiver decrypts with the keys of the message's type (download.go classToMediaType). neonize's
own `upload` guesses the type with libmagic when none is given, so it is always given here.
Photos still go through neonize's send_image (Pillow thumbnail; no system tool).

Polls and mentions of every member are built here too (build_poll, mentioning).
"""

from __future__ import annotations

import re
from typing import Any

from neonize.proto.Neonize_pb2 import GroupInfo
from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import (
    AudioMessage,
    ContextInfo,
    DocumentMessage,
    ExtendedTextMessage,
    Message,
    VideoMessage,
)
from neonize.utils.enum import MediaType, VoteType

from bot import messages as m
from bot.mediatypes import OPUS, seconds
from bot.models import MediaKind
from bot.pollspec import PollSpec
from bot.transport.base import OutgoingMedia, TransportError
from bot.transport.whatsapp.errors import send_error

# goneonize utils.go MediaType: the index neonize's MediaType values pass to Upload.
UPLOAD_TYPES = {
    MediaKind.VIDEO: MediaType.MediaVideo,
    MediaKind.DOCUMENT: MediaType.MediaDocument,
    MediaKind.AUDIO: MediaType.MediaAudio,
    MediaKind.VOICE: MediaType.MediaAudio,
}


def _uploaded(upload: Any) -> dict[str, Any]:
    """The fields every downloadable message takes from neonize's UploadResponse (as
    build_document_message copies them)."""
    return {
        "URL": upload.url,
        "directPath": upload.DirectPath,
        "mediaKey": upload.MediaKey,
        "fileEncSHA256": upload.FileEncSHA256,
        "fileSHA256": upload.FileSHA256,
        "fileLength": upload.FileLength,
    }


async def build_media_message(client: Any, media: OutgoingMedia, data: bytes) -> Message:
    """Upload `data` and return the message that posts it as `media.kind` (not a photo)."""
    upload = await client.upload(data, UPLOAD_TYPES[media.kind])
    fields = _uploaded(upload)
    length = seconds(data, media.mime)
    if media.kind is MediaKind.VIDEO:
        return Message(
            videoMessage=VideoMessage(
                mimetype=media.mime, caption=media.caption or None, seconds=length, **fields
            )
        )
    if media.kind is MediaKind.DOCUMENT:
        return Message(
            documentMessage=DocumentMessage(
                mimetype=media.mime,
                fileName=media.file_name or media.path.name,
                caption=media.caption or None,
                **fields,
            )
        )
    voice = media.kind is MediaKind.VOICE
    return Message(
        audioMessage=AudioMessage(
            # WhatsApp's apps mark a voice note's type with its codec.
            mimetype=OPUS if voice else media.mime,
            PTT=voice,
            seconds=length,
            **fields,
        )
    )


# --- polls -------------------------------------------------------------------------------------


async def build_poll(client: Any, poll: PollSpec) -> Message:
    """The poll as whatsmeow builds it (msgsecret.go BuildPollCreation, through neonize's
    build_poll_vote_creation): the question, one option each, selectableOptionsCount 1 for a
    single choice and 0 (any number) for several (neonize utils/enum.py VoteType: SINGLE 1,
    MULTIPLE 0), and the random messageContextInfo.messageSecret votes are encrypted with."""
    vote = VoteType.MULTIPLE if poll.multiple else VoteType.SINGLE
    message: Message = await client.build_poll_vote_creation(
        poll.question, list(poll.options), vote
    )
    return message


# --- mentioning every member -------------------------------------------------------------------

# The message fields a mention list can go on, one per kind of post (each has contextInfo).
_MEDIA_FIELDS = ("imageMessage", "videoMessage", "documentMessage", "audioMessage")
# whatsmeow errors.go ErrGroupNotFound / ErrNotInGroup: the group itself is gone for the bot.
_GROUP_GONE = re.compile(r"that group does not exist|you're not participating in that group")


def member_jids(info: GroupInfo) -> list[str]:
    """Every member as the group addresses them: whatsmeow types/group.go GroupParticipant.JID
    is "the primary JID that should be used to send messages to this participant", the LID in
    a LID-addressed group and the phone JID in a phone-addressed one (group.go
    parseParticipant); goneonize utils/encoder.go EncodeGroupParticipant copies it as is."""
    return [f"{p.JID.User}@{p.JID.Server}" for p in info.Participants if p.JID.User]


def mentioning(content: str | Message, members: list[str]) -> Message:
    """A text (always an extendedTextMessage, the only text message with contextInfo) or a
    built media message, with every one of `members` in its contextInfo.mentionedJID: each is
    notified, and the text names none of them. neonize's own ghost_mentions is not used: its
    _parse_mention (aioze/client.py) reads digits with a regex and gives them all one server,
    so LID members would be mentioned at the wrong address."""
    if isinstance(content, str):
        return Message(
            extendedTextMessage=ExtendedTextMessage(
                text=content, contextInfo=ContextInfo(mentionedJID=members)
            )
        )
    field = next(f for f in _MEDIA_FIELDS if content.HasField(f))
    context = getattr(content, field).contextInfo
    del context.mentionedJID[:]  # neonize may have read "@digits" of the caption into it
    context.mentionedJID.extend(members)
    return content


def members_error(text: str, connected: bool) -> TransportError:
    """A failed member lookup (neonize get_group_info, whatsmeow group.go getGroupInfo): nothing
    was sent, so it is never uncertain. Read as send.go reports the same lookup inside a send
    ("failed to get group members: %w", errors.py): a group gone or left is a failure, a link
    down waits for the connection, anything else is retried like a send that did not go out."""
    error = send_error(f"failed to get group members: {text}", connected)
    if error.transient or _GROUP_GONE.search(text):
        return error
    # The server's code stays with it: a 463 here is still a restriction signal.
    return TransportError(m.MEMBERS_UNREADABLE.format(error=text), transient=True, code=error.code)
