"""What reaches the account, for tests to set up: incoming messages in the shapes whatsmeow
gives them (from a contact, typed on the owner's phone, "Message yourself"), photos with
downloadable media, groups."""

from __future__ import annotations

import hashlib
from datetime import datetime

from neonize.proto import Neonize_pb2 as pb
from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import (
    AudioMessage,
    ContextInfo,
    DocumentMessage,
    ExtendedTextMessage,
    ImageMessage,
    VideoMessage,
)
from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import Message as WAMessage

from tests.wasim.protos import (
    _MEDIA_KINDS,
    EMPTY_JID,
    UPLOAD_TYPE_OF,
    _content,
    _media_type,
    _participant,
    as_jid,
    jid,
)
from tests.wasim.state import _WorldState


class _Chats(_WorldState):
    """Test-facing API: messages, photos and groups."""

    def incoming(
        self,
        message: WAMessage,
        *,
        chat: pb.JID | str,
        sender: pb.JID | str,
        from_me: bool,
        is_group: bool,
        sender_alt: pb.JID | str | None = None,
        recipient_alt: pb.JID | str | None = None,
        timestamp: datetime | None = None,
        view_once: bool = False,
        msg_id: str | None = None,
    ) -> pb.Message:
        """A message event as goneonize EncodeEventTypesMessage builds it (Info.Timestamp in
        ms; Message and Raw both the unwrapped message), delivered now or, while this device
        is offline, kept for the next login (offline backlog, in order)."""
        media = any(message.HasField(kind) for kind in _MEDIA_KINDS)
        sender_jid = as_jid(sender)
        source = pb.MessageSource(
            Chat=as_jid(chat),
            Sender=sender_jid,
            IsFromMe=from_me,
            IsGroup=is_group,
            SenderAlt=as_jid(sender_alt),
            RecipientAlt=as_jid(recipient_alt),
            BroadcastListOwner=EMPTY_JID,
        )
        if is_group:  # message.go parseMessageSource: addressing_mode of group messages
            source.AddressingMode = pb.LID if sender_jid.Server == "lid" else pb.PN
        when = timestamp or self.clock()
        info = pb.MessageInfo(
            MessageSource=source,
            ID=msg_id or self._message_id("3A"),
            ServerID=0,
            Type="media" if media else "text",
            Pushname="",
            Timestamp=int(when.timestamp() * 1000),
            Category="",
            Multicast=False,
            MediaType=_media_type(message),
            Edit="",
        )
        event = pb.Message(
            Info=info,
            Message=message,
            IsEphemeral=False,
            IsViewOnce=view_once,
            IsViewOnceV2=False,
            IsViewOnceV2Extension=False,
            IsDocumentWithCaption=False,
            IsLottieSticker=False,
            IsEdit=False,
            UnavailableRequestID="",
            RetryCount=0,
            Raw=message,
        )
        call = self._receiving_call()
        if call is None:
            self._backlog.append(event)
        else:
            self._emit(call, 17, event)
        return event

    def self_chat(self, content: str | WAMessage) -> pb.Message:
        """What the owner types in "Message yourself" today: Chat and Sender the account's LID,
        RecipientAlt its phone JID, SenderAlt empty (message.go, from-me branch)."""
        own_lid = jid(self.lid, "lid")
        return self.incoming(
            _content(content),
            chat=own_lid,
            sender=own_lid,
            from_me=True,
            is_group=False,
            recipient_alt=jid(self.phone),
        )

    def owner_phone_message(self, content: str | WAMessage, *, chat: str) -> pb.Message:
        """Typed on the owner's phone in a chat with someone else: IsFromMe, Chat = the other
        party (message.go parseMessageSource); in a group, Sender = own LID, SenderAlt = own
        phone JID."""
        other = as_jid(chat)
        if other.Server == "g.us":
            return self.incoming(
                _content(content),
                chat=other,
                sender=jid(self.lid, "lid"),
                from_me=True,
                is_group=True,
                sender_alt=jid(self.phone),
            )
        if other.Server == "lid":
            alt = self.lid_to_pn.get(other.User)
            return self.incoming(
                _content(content),
                chat=other,
                sender=jid(self.lid, "lid"),
                from_me=True,
                is_group=False,
                recipient_alt=jid(alt) if alt else None,
            )
        lid = next((k for k, v in self.lid_to_pn.items() if v == other.User), None)
        return self.incoming(
            _content(content),
            chat=other,
            sender=jid(self.phone),
            from_me=True,
            is_group=False,
            recipient_alt=jid(lid, "lid") if lid else None,
        )

    def from_contact(
        self,
        content: str | WAMessage,
        *,
        lid: str,
        phone: str | None = None,
        group: str | None = None,
        device: int = 0,
    ) -> pb.Message:
        """From another person, LID-addressed; SenderAlt is their phone JID when WhatsApp sent
        it (sender_pn / participant_pn), else empty. whatsmeow stores that mapping."""
        if phone:
            self.lid_to_pn[lid] = phone
        alt = jid(phone) if phone else None
        if group:
            return self.incoming(
                _content(content),
                chat=group,
                sender=jid(lid, "lid"),
                from_me=False,
                is_group=True,
                sender_alt=alt,
            )
        return self.incoming(
            _content(content),
            chat=jid(lid, "lid"),
            sender=jid(lid, "lid", device),
            from_me=False,
            is_group=False,
            sender_alt=alt,
        )

    def reply_to(self, quoted_id: str, quoted: WAMessage, text: str) -> WAMessage:
        """A text reply as WhatsApp's apps send one: an extendedTextMessage whose contextInfo
        names the message answered (stanzaID: its Info.ID, or the ID a send returned) and
        carries a copy of it without its own contextInfo (quotedMessage), as neonize's reply
        builder does (aioze/client.py `_make_quoted_message`)."""
        copy = WAMessage()
        copy.CopyFrom(quoted)
        for field, _ in copy.ListFields():
            inner = getattr(copy, field.name)
            if hasattr(inner, "contextInfo"):
                inner.ClearField("contextInfo")
        return WAMessage(
            extendedTextMessage=ExtendedTextMessage(
                text=text, contextInfo=ContextInfo(stanzaID=quoted_id, quotedMessage=copy)
            )
        )

    def photo(self, data: bytes, caption: str = "") -> WAMessage:
        """An image message whose media is downloadable at its directPath."""
        path = self._media_path()
        self.media[path] = data
        return WAMessage(
            imageMessage=ImageMessage(
                caption=caption,
                mimetype="image/jpeg",
                directPath=path,
                fileLength=len(data),
                mediaKey=bytes(32),
                fileSHA256=hashlib.sha256(data).digest(),
                fileEncSHA256=hashlib.sha256(b"enc" + data).digest(),
            )
        )

    def _stored(self, field: str, data: bytes) -> dict[str, object]:
        """The download fields of a message of `field` whose media is at its directPath,
        encrypted for that message's media type (as the sender's upload did)."""
        path = self._media_path()
        self.media[path] = data
        self.media_types[path] = UPLOAD_TYPE_OF[field]
        return {
            "directPath": path,
            "fileLength": len(data),
            "mediaKey": bytes(32),
            "fileSHA256": hashlib.sha256(data).digest(),
            "fileEncSHA256": hashlib.sha256(b"enc" + data).digest(),
        }

    def video(self, data: bytes, caption: str = "", seconds: int = 0) -> WAMessage:
        """A video message as WhatsApp's apps send one (MP4), downloadable."""
        fields = self._stored("videoMessage", data)
        return WAMessage(
            videoMessage=VideoMessage(
                caption=caption, mimetype="video/mp4", seconds=seconds, **fields
            )
        )

    def document(self, data: bytes, file_name: str, mimetype: str, caption: str = "") -> WAMessage:
        """A document; with a caption, whatsmeow hands it over unwrapped from its
        documentWithCaptionMessage (events.go UnwrapRaw), as here."""
        fields = self._stored("documentMessage", data)
        return WAMessage(
            documentMessage=DocumentMessage(
                caption=caption, mimetype=mimetype, fileName=file_name, **fields
            )
        )

    def audio(self, data: bytes, *, voice: bool, seconds: int = 0) -> WAMessage:
        """An audio file, or a voice note (PTT, Ogg Opus as WhatsApp's apps record them)."""
        fields = self._stored("audioMessage", data)
        mimetype = "audio/ogg; codecs=opus" if voice else "audio/mpeg"
        return WAMessage(
            audioMessage=AudioMessage(mimetype=mimetype, PTT=voice, seconds=seconds, **fields)
        )

    def add_group(
        self,
        name: str,
        *,
        announce: bool = False,
        admin: bool = True,
        member: bool = True,
        parent: bool = False,
        by_phone: bool = False,
        members: int = 0,
    ) -> pb.GroupInfo:
        """A group as goneonize EncodeGroupInfo returns it: LID-addressed participants, or
        with `by_phone` phone-addressed ones (group.go parseGroupNode, addressing_mode);
        `members` more members besides the owner and this account."""
        created = int(self.clock().timestamp()) - 86400
        owner = jid("11111111111111", "lid")
        others = [_participant(owner, jid("6281111111111"), admin=True, by_phone=by_phone)]
        if member:
            me = _participant(jid(self.lid, "lid"), jid(self.phone), admin=admin, by_phone=by_phone)
            others.insert(0, me)
        group_number = next(self._ids)
        for n in range(1, members + 1):
            lid, phone = f"3{group_number:06d}{n:07d}", f"62813{group_number:03d}{n:05d}"
            others.append(_participant(jid(lid, "lid"), jid(phone), admin=False, by_phone=by_phone))
        info = pb.GroupInfo(
            JID=jid(f"120363{group_number:012d}", "g.us"),
            OwnerJID=owner,
            OwnerPN=jid("6281111111111"),
            GroupName=pb.GroupName(Name=name, NameSetAt=created, NameSetBy=owner),
            GroupTopic=pb.GroupTopic(
                Topic="", TopicID="", TopicSetAt=0, TopicSetBy=EMPTY_JID, TopicDeleted=False
            ),
            GroupLocked=pb.GroupLocked(isLocked=False),
            GroupAnnounce=pb.GroupAnnounce(IsAnnounce=announce, AnnounceVersionID=""),
            GroupEphemeral=pb.GroupEphemeral(IsEphemeral=False, DisappearingTimer=0),
            GroupIncognito=pb.GroupIncognito(IsIncognito=False),
            GroupParent=pb.GroupParent(IsParent=parent, DefaultMembershipApprovalMode=""),
            GroupLinkedParent=pb.GroupLinkedParent(LinkedParentJID=EMPTY_JID),
            GroupIsDefaultSub=pb.GroupIsDefaultSub(IsDefaultSubGroup=False),
            GroupCreated=float(created),
            ParticipantVersionID="",
            Participants=others,
        )
        self.groups.append(info)
        return info
