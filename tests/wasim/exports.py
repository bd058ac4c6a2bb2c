"""goneonize's exports other than Neonize, on the loop side: each returns what goneonize's
export returns (serialised protobuf, errors as whatsmeow's texts), or panics as Go would."""

from __future__ import annotations

import hashlib
import re
from typing import NoReturn

from neonize.proto import Neonize_pb2 as pb
from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import Message as WAMessage
from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import MessageContextInfo, PollCreationMessage

from tests.wasim.gocall import _GoCalls
from tests.wasim.protos import (
    _MEDIA_KINDS,
    EMPTY_JID,
    UPLOAD_TYPE_OF,
    _admin,
    _describe,
    _member,
    jid,
    jid_text,
)
from tests.wasim.records import Sent, _GoCall
from tests.wasim.whatsmeow import (
    _LINK_ALPHABET,
    CLIENT_IS_NIL,
    DEVICE_DELETED,
    GROUP_NOT_FOUND,
    IQ_TIMEOUT,
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
    SEND_TIMEOUT,
    SEND_TIMEOUT_S,
    WRONG_MEDIA_KEYS,
    download_error,
    members_error,
)


class GoPanic(Exception):
    """What would kill the whole process for real: a Go panic inside a cgo export."""


class _Exports(_GoCalls):
    """main.go's exports, each reached through _Threads._ffi as `_go_<export name>`."""

    async def _go_Stop(self, uuid: bytes) -> bytes:
        call = self._clients.get(uuid)
        if call is not None:
            await call.dial_idle.wait()
        self._stop_now(uuid)
        return b""

    async def _go_Disconnect(self, uuid: bytes) -> None:
        """main.go Disconnect: clients[uuid].Disconnect() (nil-safe in whatsmeow)."""
        call = self._clients.get(uuid)
        if call is not None:
            await call.dial_idle.wait()
            self._socket_down(call, expected=True)

    async def _go_IsConnected(self, uuid: bytes) -> bool:
        call = self._clients.get(uuid)
        return call is not None and call.socket_up

    async def _go_IsLoggedIn(self, uuid: bytes) -> bool:
        call = self._clients.get(uuid)
        return call is not None and call.logged_in

    async def _go_GetMe(self, uuid: bytes) -> bytes:
        """main.go GetMe: clients[uuid].Store, unguarded."""
        return self._device(self._client(uuid, "GetMe")).SerializeToString()

    async def _go_GetPNFromLID(self, uuid: bytes, data: bytes, _size: int) -> bytes:
        """main.go GetPNFromLID → sqlstore lidmap.go GetPNForLID: an unknown LID gives the empty
        JID and no error."""
        call = self._client(uuid, "GetPNFromLID")
        lid = pb.JID.FromString(data)
        result = pb.GetJIDFromStoreReturnFunction(Jid=EMPTY_JID)
        if call.store_deleted:
            result.Error = DEVICE_DELETED
        elif lid.Server != "lid":
            result.Error = f"invalid GetPNForLID call with non-LID JID {jid_text(lid)}"
        elif lid.User in self.lid_to_pn:
            result.Jid.CopyFrom(jid(self.lid_to_pn[lid.User], device=lid.Device))
        return result.SerializeToString()

    async def _go_SendMessage(
        self, uuid: bytes, to: bytes, _to_size: int, data: bytes, _size: int
    ) -> bytes:
        """main.go SendMessage → whatsmeow send.go SendMessage; the error travels as text
        (neonize raises SendMessageError). Sends are never echoed back as events."""
        result = pb.SendMessageReturnFunction()
        answer = await self._send(uuid, pb.JID.FromString(to), WAMessage.FromString(data))
        if isinstance(answer, str):
            result.Error = answer
        else:
            result.SendResponse.CopyFrom(answer)
        return result.SerializeToString()

    async def _send(self, uuid: bytes, to: pb.JID, message: WAMessage) -> pb.SendResponse | str:
        call = self._clients.get(uuid)
        if call is None:
            return CLIENT_IS_NIL
        if not call.paired:
            return NOT_LOGGED_IN
        target, group = jid_text(to), to.Server == "g.us"
        if self._fail_sends:
            text = self._fail_sends.popleft()
            await self.clock.sleep(SEND_TIMEOUT_S if text == SEND_TIMEOUT else self.send_delay_s)
            return text
        if not call.socket_up:  # the first step that needs the socket fails
            if target in call.warm:
                return f"failed to send message node: {NOT_CONNECTED}"
            return (
                members_error(NOT_CONNECTED)
                if group
                else f"failed to get device list: {NOT_CONNECTED}"
            )
        info = self._group(target) if group else None
        if group and info is None:
            return members_error(GROUP_NOT_FOUND)
        if info is not None and not _member(info, self.lid, self.phone):
            return members_error(NOT_IN_GROUP)
        if self._network != "up":  # the stanza went into a dead socket: no ack comes
            await self.clock.sleep(SEND_TIMEOUT_S)
            return SEND_TIMEOUT
        await self.clock.sleep(self.send_delay_s)
        call.warm.add(target)
        kind, text, size = _describe(message)
        shown = info is None or not info.GroupAnnounce.IsAnnounce or _admin(info, self.lid)
        message_id = self._message_id("3EB0")  # send.go GenerateMessageID
        self.sent.append(Sent(target, kind, text, size, message_id, self.clock(), shown, message))
        return pb.SendResponse(  # encoder.go EncodeSendResponse: Timestamp in SECONDS
            Timestamp=int(self.clock().timestamp()),
            ID=message_id,
            ServerID=0,
            DebugTimings=pb.MessageDebugTimings(
                Queue=0,
                Marshal=0,
                GetParticipants=0,
                GetDevices=0,
                GroupEncrypt=0,
                PeerEncrypt=0,
                Send=0,
                Resp=0,
                Retry=0,
            ),
        )

    async def _go_BuildPollVoteCreation(
        self, _uuid: bytes, name: bytes, options: bytes, _size: int, selectable: int
    ) -> bytes:
        """main.go BuildPollVoteCreation → whatsmeow msgsecret.go BuildPollCreation: local, no
        socket; a count below 0 or above the options becomes 0; a fresh 32-byte
        messageContextInfo.messageSecret (votes are encrypted with it)."""
        names = list(pb.ArrayString.FromString(options).data)
        count = selectable if 0 <= selectable <= len(names) else 0
        message = WAMessage(
            pollCreationMessage=PollCreationMessage(
                name=name.decode(),
                options=[PollCreationMessage.Option(optionName=n) for n in names],
                selectableOptionsCount=count,
            ),
            messageContextInfo=MessageContextInfo(messageSecret=self._rng.randbytes(32)),
        )
        return pb.BuildMessageReturnFunction(Message=message).SerializeToString()

    async def _go_Upload(self, uuid: bytes, data: bytes, _size: int, media_type: int) -> bytes:
        """main.go Upload → whatsmeow upload.go Upload: the file is encrypted with keys derived
        for `media_type` (utils.go MediaType[media_type]), then rawUpload (refreshMediaConn
        needs the socket)."""
        call = self._clients.get(uuid)
        result = pb.UploadReturnFunction(
            UploadResponse=pb.UploadResponse(url="", DirectPath="", Handle="", FileLength=0)
        )
        if call is None or not call.socket_up:
            result.Error = MEDIA_CONN_ERROR + (CLIENT_IS_NIL if call is None else NOT_CONNECTED)
            return result.SerializeToString()
        path = self._media_path()
        self.media[path] = bytes(data)
        self.media_types[path] = media_type
        result.UploadResponse.CopyFrom(
            pb.UploadResponse(
                url=f"https://mmg.whatsapp.net{path}",
                DirectPath=path,
                Handle="",
                MediaKey=bytes(32),
                FileEncSHA256=hashlib.sha256(b"enc" + data).digest(),
                FileSHA256=hashlib.sha256(data).digest(),
                FileLength=len(data),
            )
        )
        return result.SerializeToString()

    async def _go_DownloadAny(self, uuid: bytes, data: bytes, _size: int) -> bytes:
        """main.go DownloadAny → download.go DownloadAny/Download/DownloadMediaWithPath."""
        result = pb.DownloadReturnFunction()
        message = WAMessage.FromString(data)
        kind = next((k for k in _MEDIA_KINDS if message.HasField(k)), None)
        call = self._clients.get(uuid)
        path = getattr(message, kind).directPath if kind else ""
        if kind is None:
            result.Error = NOTHING_TO_DOWNLOAD
        elif call is None:
            result.Error = CLIENT_IS_NIL
        elif not path:
            result.Error = NO_URL
        elif not path.startswith("/"):
            result.Error = f"media download path does not start with slash: {path}"
        elif not call.socket_up:
            result.Error = MEDIA_CONN_ERROR + NOT_CONNECTED
        elif path in self.expired_media:
            result.Error = download_error(self.expired_media[path])
        elif (
            path in self.media
            and self.media_types.get(path, UPLOAD_TYPE_OF[kind]) != (UPLOAD_TYPE_OF[kind])
        ):
            result.Error = WRONG_MEDIA_KEYS
        elif path in self.media:
            result.Binary = self.media[path]
        else:
            raise LookupError(f"simulator: no media registered at {path}")
        return result.SerializeToString()

    async def _go_GetJoinedGroups(self, uuid: bytes) -> bytes:
        """main.go GetJoinedGroups → group.go GetJoinedGroups (an IQ: needs the socket)."""
        call = self._clients.get(uuid)
        result = pb.GetJoinedGroupsReturnFunction()
        if call is None or not call.socket_up:
            result.Error = CLIENT_IS_NIL if call is None else NOT_CONNECTED
        else:
            result.Group.extend(g for g in self.groups if _member(g, self.lid, self.phone))
        return result.SerializeToString()

    async def _go_GetGroupInfo(self, uuid: bytes, data: bytes, _size: int) -> bytes:
        """main.go GetGroupInfo → group.go getGroupInfo: IQ 404 → ErrGroupNotFound, 403 →
        ErrNotInGroup."""
        call = self._clients.get(uuid)
        target = jid_text(pb.JID.FromString(data))
        info = self._group(target)
        result = pb.GetGroupInfoReturnFunction()
        if call is None or not call.socket_up:
            result.Error = CLIENT_IS_NIL if call is None else NOT_CONNECTED
        elif self._fail_group_infos:
            result.Error = self._fail_group_infos.popleft()
            if result.Error == IQ_TIMEOUT:
                await self.clock.sleep(SEND_TIMEOUT_S)
        elif info is None:
            result.Error = GROUP_NOT_FOUND
        elif not _member(info, self.lid, self.phone):
            result.Error = NOT_IN_GROUP
        else:
            call.warm.add(target)
            result.GroupInfo.CopyFrom(info)
        return result.SerializeToString()

    async def _go_SendPresence(self, uuid: bytes, presence: bytes) -> bytes:
        """main.go SendPresence → presence.go SendPresence: nil client → ErrClientIsNil, no
        push name in the store → ErrNoPushName, then a <presence type=... name=...> stanza
        (client.go sendNode: ErrNotConnected without a socket). goneonize answers the error
        text or "" (neonize reads it with _binder.py consume_cstring: bytes)."""
        call = self._clients.get(uuid)
        state = presence.decode()
        if call is None:
            return CLIENT_IS_NIL.encode()
        if not (call.paired and self.push_name):
            return NO_PUSH_NAME.encode()
        if not call.socket_up:
            return NOT_CONNECTED.encode()
        if self._fail_presences:
            return self._fail_presences.popleft().encode()
        self.presences.append(state)
        return b""

    async def _go_SendChatPresence(
        self, uuid: bytes, data: bytes, _size: int, state: int, media: int
    ) -> bytes:
        """main.go SendChatPresence → presence.go SendChatPresence: a <chatstate to=...> with
        <composing media=...> (media only when composing and not text) or <paused>; goneonize
        utils.go ChatPresence/ChatPresenceMedia turn the ints into whatsmeow's strings (an
        index out of range is a Go panic). client.go sendNode: nil client → ErrClientIsNil,
        no socket → ErrNotConnected."""
        states, medias = ("composing", "paused"), ("", "audio")
        if not (0 <= state < len(states) and 0 <= media < len(medias)):
            self._panic(f"SendChatPresence: index out of range [{state}/{media}]")
        call = self._clients.get(uuid)
        if call is None:
            return CLIENT_IS_NIL.encode()
        if not call.socket_up:
            return NOT_CONNECTED.encode()
        if self._fail_chat_presences:
            return self._fail_chat_presences.popleft().encode()
        shown_media = medias[media] if states[state] == "composing" else ""
        self.chat_presences.append((jid_text(pb.JID.FromString(data)), states[state], shown_media))
        return b""

    async def _go_PairPhone(self, uuid: bytes, data: bytes, _size: int) -> bytes:
        """main.go PairPhone → pair-code.go PairPhone: a fresh 8-character code per call."""
        params = pb.PairPhoneParams.FromString(data)
        call = self._clients.get(uuid)
        digits = re.sub(r"\D", "", params.phone)
        result = pb.PairPhoneReturnFunction()
        if call is None:
            result.Error = CLIENT_IS_NIL
        elif len(digits) <= 6:
            result.Error = PHONE_TOO_SHORT
        elif digits.startswith("0"):
            result.Error = PHONE_NOT_INTERNATIONAL
        elif not call.socket_up:
            result.Error = NOT_CONNECTED
        elif call.state != "qr":
            raise NotImplementedError(
                "simulator: WhatsApp's answer to a pair-code request "
                "from a logged-in session is not known"
            )
        else:
            code = "".join(self._rng.choice(_LINK_ALPHABET) for _ in range(8))
            call.pair_code = code = f"{code[:4]}-{code[4:]}"
            self.pair_codes.append(code)
            result.Code = code
        return result.SerializeToString()

    def _client(self, uuid: bytes, export: str) -> _GoCall:
        """clients[uuid] dereferenced without a check: nil (never connected, or after Stop)
        is a Go panic that would end the process."""
        call = self._clients.get(uuid)
        if call is None:
            self._panic(f"{export}: {NIL_POINTER}")
        return call

    def _panic(self, text: str) -> NoReturn:
        self.panics.append(text)
        raise GoPanic(text)

    def _group(self, target: str) -> pb.GroupInfo | None:
        return next((g for g in self.groups if jid_text(g.JID) == target), None)
