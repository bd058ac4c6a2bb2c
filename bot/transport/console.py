"""A stand-in for WhatsApp on a terminal: you are the owner, each line is a message.

Bot replies print as `bot> ...`; posts delivered to a group print as `[Group] ...`. Every
message the console "sends" is also appended to data/outbox.jsonl (bot.transport.outbox),
and that write is the send itself, so scripts and tests can check exactly what went out.
Lines starting with `!` are console controls (see CONSOLE_HELP): media, replies, messages
from inside a group. Every message in the owner's chat has a short id to reply to with
`!balas`: `in-N` for the owner's (printed for media and for text that is not a command),
`out-N` for the bot's (printed after each reply). Both count from 1 in each run: in-N is the
owner's N-th message (every line but an empty one, `!tunggu` and a refused one), out-N the
bot's N-th message in the owner's chat (posts to groups are numbered apart), so a script can
name them in advance. Input is read as bytes: a line that is not valid UTF-8 is refused, the
rest go on.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import itertools
import math
import mimetypes
import os
import re
import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO, TextIO
from zoneinfo import ZoneInfo

from loguru import logger

from bot import messages as m
from bot.digits import is_number
from bot.media import sniff_mime
from bot.mediarules import document_kind
from bot.mediatypes import OCTET_STREAM, seconds, sniff
from bot.models import Group, IncomingMessage, MediaKind, MediaRef, SentMessage
from bot.pollspec import PollSpec
from bot.transport.base import ConnectionState, MessageHandler, OutgoingMedia, TransportError
from bot.transport.outbox import Outbox, Write

DEMO_GROUPS = (
    Group("120363400000000001@g.us", "Grup Demo A"),
    Group("120363400000000002@g.us", "Grup Demo B"),
    Group("120363400000000003@g.us", "Keluarga Besar"),
)
# Who is in each demo group, as WhatsApp addresses them there (a LID-addressed group lists
# LIDs, an older phone-addressed one phone JIDs): who a mention of every member reaches.
DEMO_MEMBERS = {
    DEMO_GROUPS[0].jid: tuple(f"1000000000000{i}@lid" for i in range(1, 4)),
    DEMO_GROUPS[1].jid: tuple(f"62811000000{i}@s.whatsapp.net" for i in range(1, 5)),
    DEMO_GROUPS[2].jid: tuple(f"2000000000000{i}@lid" for i in range(1, 7)),
}
DEFAULT_SELF = "6280000000000"
_MEMORY = 100  # earlier messages `!balas` can reply to
STRANGER = "6289999999999@s.whatsapp.net"
MAX_WAIT_S = 3600  # `!tunggu` longer than this is refused: a script would seem to hang
CONSOLE_HELP = """\
Konsol jadwal-bot: Anda pemilik bot; setiap baris adalah pesan ke bot.
  /bantuan                        perintah bot
  !foto <file> [caption]          kirim foto dari file lokal
                                  (caption mis. /jadwal besok 08:00 Promo)
  !video <file> [caption]         kirim video (MP4/3GP)
  !dokumen <file> [caption]       kirim file sebagai dokumen (juga !doc)
  !audio <file> [caption]         kirim file audio (MP3, M4A, AAC, AMR, Ogg Opus)
  !vn <file>                      kirim pesan suara (Ogg Opus)
  !balas <id> <teks>              balas pesan sebelumnya: media, teks, atau balasan bot
                                  (id in-N/out-N dicetak bersama pesannya)
  !grup <nomor> <teks>            kirim pesan dari dalam grup demo (mis. !grup 1 /tujuan)
  !orang <teks>                   pesan dari orang lain (bot mengabaikannya)
  !tunggu <detik>                 jeda 0-3600 detik sebelum baris berikutnya (untuk skrip)
  baris diakhiri \\                pesan berlanjut ke baris berikutnya
  Ctrl-D / Ctrl-C                 keluar"""


class ConsoleTransport:
    def __init__(
        self,
        data_dir: Path,
        self_number: str = DEFAULT_SELF,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        tz: ZoneInfo | None = None,
        write: Write = os.write,
    ) -> None:
        self._tz = tz
        # The bot's zone as it is now (follow_zone); `tz` until the bot hands it over.
        self._zone: Callable[[], ZoneInfo | None] = lambda: self._tz
        self._outbox = Outbox(data_dir / "outbox.jsonl", write)
        # Files the bot sends the owner (a /kalender picture is made in a temporary folder
        # and gone after the send) are copied here, so that they can be opened.
        self._files = data_dir / "console-files"
        self._self = self_number
        self._stdin = stdin or sys.stdin
        self._stdout = stdout or sys.stdout
        self._clock = clock
        self._in_ids = itertools.count(1)
        self._out_ids = itertools.count(1)  # the bot's messages in the owner's chat
        self._post_ids = itertools.count(1)  # posts to groups
        self._run_id = f"{os.getpid():x}{int(time.time()):x}"  # message ids unique across runs
        # Messages of the owner's chat by short id, for `!balas`; only the latest few, so
        # memory stays flat.
        self._shown: collections.OrderedDict[str, Shown] = collections.OrderedDict()
        self._lines: asyncio.Queue[tuple[str, bool] | None] = asyncio.Queue()  # (line, valid)
        self._closed = asyncio.Event()
        self._pump: asyncio.Task[None] | None = None

    # --- Transport interface -------------------------------------------------------------

    async def start(self, on_message: MessageHandler) -> None:
        self._outbox.open()
        loop = asyncio.get_running_loop()
        threading.Thread(
            target=self._read_stdin, args=(loop,), name="console-stdin", daemon=True
        ).start()
        self._pump = asyncio.create_task(self._run(on_message), name="console-input")
        if self._stdin.isatty():
            self._print(CONSOLE_HELP)

    async def stop(self) -> None:
        if self._pump is not None:
            self._pump.cancel()
            await asyncio.gather(self._pump, return_exceptions=True)
        self._outbox.close()
        self._closed.set()

    async def wait_closed(self) -> int:
        await self._closed.wait()
        return 0

    def owner_chat(self) -> str:
        return f"{self._self}@s.whatsapp.net"

    def self_id(self) -> str:
        return self._self

    def connection(self) -> ConnectionState:
        return ConnectionState(True, "terhubung (konsol, tanpa WhatsApp)")

    async def send_text(self, chat: str, text: str, *, post_id: int | None = None) -> SentMessage:
        return self._deliver(chat, text, None, post_id)

    async def send_image(
        self, chat: str, image: Path, caption: str, *, post_id: int | None = None
    ) -> SentMessage:
        mime = mimetypes.guess_type(image.name)[0] or "image/jpeg"  # stored names end in it
        media = OutgoingMedia(MediaKind.IMAGE, image, mime, caption)
        return await self.send_media(chat, media, post_id=post_id)

    async def send_media(
        self, chat: str, media: OutgoingMedia, *, post_id: int | None = None
    ) -> SentMessage:
        if not await asyncio.to_thread(media.path.is_file):
            kind = m.MEDIA_NAMES[media.kind.value]
            raise TransportError(f"file {kind} tidak ada: {media.path.name}")
        return self._deliver(chat, media.caption, media, post_id)

    async def send_mentioning_all(
        self, chat: str, content: str | OutgoingMedia, *, post_id: int | None = None
    ) -> SentMessage:
        members = DEMO_MEMBERS.get(chat)
        if members is None:
            raise TransportError(f"anggota {chat} tidak dikenal konsol (bukan grup demo)")
        if isinstance(content, str):
            return self._deliver(chat, content, None, post_id, mentions=members)
        if not await asyncio.to_thread(content.path.is_file):
            kind = m.MEDIA_NAMES[content.kind.value]
            raise TransportError(f"file {kind} tidak ada: {content.path.name}")
        return self._deliver(chat, content.caption, content, post_id, mentions=members)

    async def send_poll(
        self, chat: str, poll: PollSpec, *, post_id: int | None = None
    ) -> SentMessage:
        return self._deliver(chat, poll.question, None, post_id, poll=poll)

    async def list_groups(self) -> list[Group]:
        return list(DEMO_GROUPS)

    async def set_typing(self, chat: str, typing: bool) -> None:
        # Never printed: stdout is the owner's conversation and data/outbox.jsonl what was
        # sent; "typing..." is neither.
        logger.debug("console: {} typing in {}", "start" if typing else "stop", chat)

    # --- output --------------------------------------------------------------------------

    def follow_zone(self, zone: Callable[[], ZoneInfo]) -> None:
        """Print the clock of group posts in `zone()`, the bot's zone as it is at each send
        (/zona changes it while the console runs)."""
        self._zone = zone

    def _deliver(
        self,
        chat: str,
        text: str,
        media: OutgoingMedia | None,
        post_id: int | None,
        *,
        poll: PollSpec | None = None,
        mentions: tuple[str, ...] = (),
    ) -> SentMessage:
        if not self._outbox.is_open:
            raise TransportError("konsol sudah ditutup")
        owner = chat == self.owner_chat()
        kind, numbers = ("out", self._out_ids) if owner else ("post", self._post_ids)
        sent = SentMessage(f"{kind}-{self._run_id}-{next(numbers)}", self._clock())
        names = {g.jid: g.name for g in DEMO_GROUPS}
        shown_name = (media.file_name or media.path.name) if media else ""
        record = {
            "id": sent.message_id,
            "at": sent.timestamp.isoformat(),
            "chat": chat,
            "chat_name": names.get(chat, chat),
            "text": text,
            "media": str(media.path) if media else None,
            "kind": media.kind.value if media else ("poll" if poll else None),
            "mime": media.mime if media else None,
            "file_name": media.file_name or None if media else None,
            "post_id": post_id,
            "poll": _poll_record(poll),
            "mentions": list(mentions),
        }
        self._outbox.append(record)  # the send itself; OSError: maybe sent (uncertain)
        tag = f"[{m.MEDIA_NAMES[media.kind.value]} {shown_name}] " if media else ""
        if poll is not None:
            text = poll.describe()
        if mentions:
            text += "\n" + m.CONSOLE_MENTIONED.format(count=len(mentions))
        if owner:
            short = self._remember(Shown(sent.message_id, text), sent.message_id)
            if media is not None:
                tag = f"[{m.MEDIA_NAMES[media.kind.value]} {self._keep_copy(media.path, short)}] "
            self._print("bot> " + (tag + text).replace("\n", "\n     ") + f"  (id {short})")
        else:
            stamp = sent.timestamp.astimezone(self._zone()).strftime("%H:%M:%S")
            self._print(f"[{stamp}] [{names.get(chat, chat)}] {tag}{text}")
        return sent

    def _keep_copy(self, path: Path, short: str) -> str:
        """A copy of a file sent to the owner, kept in data/console-files; its path, or only
        the file's name when it cannot be copied (the send itself is done either way)."""
        copy = self._files / f"{short}-{path.name}"
        try:
            self._files.mkdir(mode=0o700, exist_ok=True)
            shutil.copyfile(path, copy)
        except OSError as error:
            logger.warning("console: could not keep a copy of {}: {}", path.name, error)
            return path.name
        return str(copy)

    def _print(self, text: str) -> None:
        try:
            print(text, file=self._stdout, flush=True)
        except (BrokenPipeError, ValueError):
            logger.debug("console output closed")

    # --- input ---------------------------------------------------------------------------

    def _read_stdin(self, loop: asyncio.AbstractEventLoop) -> None:
        try:
            for line, valid in self._input_lines():
                loop.call_soon_threadsafe(self._lines.put_nowait, (line.rstrip("\r\n"), valid))
        except (OSError, ValueError):
            logger.debug("console input closed")
        with contextlib.suppress(RuntimeError):  # the loop may have stopped already
            loop.call_soon_threadsafe(self._lines.put_nowait, None)

    def _input_lines(self) -> Iterator[tuple[str, bool]]:
        """Each input line and whether it was valid UTF-8. Bytes are decoded here, line by
        line: the text layer's decoder would end (or, under a C locale, garble) the whole
        input at the first bad byte, taking the valid lines read with it."""
        binary: BinaryIO | None = getattr(self._stdin, "buffer", None)
        if binary is None:  # already text (a script handed over as a string)
            for text in iter(self._stdin.readline, ""):
                yield text, True
            return
        for raw in iter(binary.readline, b""):
            try:
                yield raw.decode("utf-8"), True
            except UnicodeDecodeError:
                yield raw.decode("utf-8", errors="replace"), False

    async def _run(self, on_message: MessageHandler) -> None:
        pending: list[str] = []
        dropping = False  # inside a message one of whose lines was refused
        while (item := await self._lines.get()) is not None:
            line, valid = item
            continues = line.endswith("\\")  # a trailing backslash continues the message
            if dropping:  # the rest of a refused message goes too
                dropping = continues
                continue
            if not valid:
                # Refused in its place among the replies, with the whole message it belongs
                # to (half of it is not what was meant).
                self._refuse(line, pending, continues)
                pending.clear()
                dropping = continues
                continue
            if continues:
                pending.append(line[:-1])
                continue
            line = "\n".join([*pending, line])
            pending.clear()
            try:
                message = await self._to_message(line)
                if message is not None:
                    self._announce(message)
                    await on_message(message)
            except Exception:
                logger.exception("console line failed: {!r}", line[:80])
        logger.info("console input ended")
        self._closed.set()

    def _refuse(self, line: str, before: list[str], continues: bool) -> None:
        """Tell that `line` is not valid UTF-8; when it is part of a longer message (the
        lines `before` it, or more after it), that the whole message was not processed."""
        if not before and not continues:
            logger.warning("console input line is not valid UTF-8; refused")
            self._print(m.CONSOLE_NOT_TEXT.format(line=line[:80]))
            return
        logger.warning(
            "console input line is not valid UTF-8; refused with the whole "
            "message it belongs to ({} line(s) before it{})",
            len(before),
            ", more after it" if continues else "",
        )
        self._print(
            m.CONSOLE_NOT_TEXT_CONTINUED.format(
                line=line[:80], first=(before[0] if before else line[:-1])[:80]
            )
        )

    def _announce(self, message: IncomingMessage) -> None:
        """Keep the owner's message for `!balas`; print the id of a text that is no command
        (media print theirs when attached)."""
        if message.chat != self.owner_chat() or message.sender != self.owner_chat():
            return
        self._remember(Shown(message.message_id, message.text, message.media), message.message_id)
        if message.media is None and not message.text.lstrip().startswith("/"):
            self._print(f"(konsol) id {message.message_id}")

    def _remember(self, shown: Shown, full_id: str) -> str:
        """Keep `shown` under its short id ('out-<run>-7' -> 'out-7'); that id."""
        short = re.sub(r"^out-\w+-", "out-", full_id)
        self._shown[short] = shown
        while len(self._shown) > _MEMORY:
            self._shown.popitem(last=False)
        return short

    async def _to_message(self, line: str) -> IncomingMessage | None:
        if not line.strip():
            return None
        if not line.startswith("!"):
            return self._message(line)
        control, _, rest = line[1:].partition(" ")
        control = control.lower()
        if control in _ATTACH:
            return self._attach(control, rest)
        if control in ("balas", "reply"):
            target, _, text = rest.strip().partition(" ")
            quoted = self._shown.get(target)
            if quoted is None:
                self._print(f"(konsol) tidak ada pesan dengan id {target!r}")
                return None
            return self._message(text, quoted=quoted)
        if control in ("grup", "group"):
            number, _, text = rest.strip().partition(" ")
            if not is_number(number) or not 1 <= int(number) <= len(DEMO_GROUPS):
                self._print(f"(konsol) grup demo 1-{len(DEMO_GROUPS)}")
                return None
            return self._message(text, chat=DEMO_GROUPS[int(number) - 1].jid, is_group=True)
        if control in ("orang", "stranger"):
            return self._message(rest, sender=STRANGER, chat=STRANGER, from_me=False)
        if control in ("tunggu", "wait"):
            seconds = _seconds(rest.strip() or "1")
            if seconds is None:
                self._print(m.CONSOLE_WAIT_USAGE.format(limit=MAX_WAIT_S))
            else:
                await asyncio.sleep(seconds)
            return None
        self._print(CONSOLE_HELP)
        return None

    def _attach(self, control: str, rest: str) -> IncomingMessage | None:
        """A message carrying a local file as WhatsApp's app would send it: a photo, video,
        document, audio file or voice note (`!vn` takes no caption, as a voice note has
        none); what WhatsApp would refuse is left to /jadwal to refuse."""
        kind, usage = _ATTACH[control]
        rest = rest.strip()
        if rest[:1] in ("'", '"'):
            end = rest.find(rest[0], 1)
            path_text, caption = (rest[1:end], rest[end + 1 :].strip()) if end > 0 else ("", "")
        else:
            path_text, _, caption = rest.partition(" ")
        if not path_text or (caption and kind is MediaKind.VOICE):
            self._print(f"(konsol) {usage}")
            return None
        path = Path(path_text).expanduser()
        try:
            data = path.read_bytes()
        except OSError as exc:
            self._print(f"(konsol) tidak bisa membaca {path}: {exc.strerror}")
            return None
        media = _media_ref(kind, path, data)
        if media is None:
            self._print(f"(konsol) {path} bukan gambar JPEG/PNG/WebP/GIF")
            return None
        message = self._message(caption, media=media)
        self._print(
            f"(konsol) {m.MEDIA_NAMES[media.kind.value]} {path.name} terkirim ke bot "
            f"sebagai id {message.message_id}"
        )
        return message

    def _message(
        self,
        text: str,
        *,
        chat: str | None = None,
        sender: str | None = None,
        from_me: bool = True,
        is_group: bool = False,
        media: MediaRef | None = None,
        quoted: Shown | None = None,
    ) -> IncomingMessage:
        return IncomingMessage(
            chat=chat or self.owner_chat(),
            sender=sender or self.owner_chat(),
            text=text,
            message_id=f"in-{next(self._in_ids)}",
            timestamp=self._clock(),
            from_me=from_me,
            is_group=is_group,
            media=media,
            quoted_media=quoted.media if quoted else None,
            quoted_id=quoted.message_id if quoted else "",
            quoted_text=quoted.text if quoted else "",
            quoted_from_bot=quoted is not None and quoted.message_id.startswith("out-"),
        )


@dataclass(frozen=True)
class Shown:
    """A message of the owner's chat as a reply to it quotes it: its id, text, media."""

    message_id: str
    text: str
    media: MediaRef | None = None


# `!<control>`: the kind it sends and its usage line.
_ATTACH = {
    "foto": (MediaKind.IMAGE, "!foto <file> [caption]"),
    "photo": (MediaKind.IMAGE, "!foto <file> [caption]"),
    "video": (MediaKind.VIDEO, "!video <file> [caption]"),
    "dokumen": (MediaKind.DOCUMENT, "!dokumen <file> [caption]"),
    "doc": (MediaKind.DOCUMENT, "!dokumen <file> [caption]"),
    "audio": (MediaKind.AUDIO, "!audio <file> [caption]"),
    "vn": (MediaKind.VOICE, "!vn <file>"),
}


def _media_ref(kind: MediaKind, path: Path, data: bytes) -> MediaRef | None:
    """`data` as WhatsApp's app would attach it as `kind`: a photo only when it is one (None
    otherwise); a document keeps its name and, being a photo, is posted as one."""

    async def fetch() -> bytes:
        return data

    if kind is MediaKind.IMAGE:
        image = sniff_mime(data)
        return None if image is None else MediaRef(image, fetch, size=len(data))
    if kind is MediaKind.DOCUMENT:
        mime = mimetypes.guess_type(path.name)[0] or sniff(data) or OCTET_STREAM
        kind = document_kind(mime)
        return MediaRef(
            mime,
            fetch,
            document=kind is MediaKind.IMAGE,
            kind=kind,
            file_name=path.name,
            size=len(data),
        )
    mime = sniff(data) or mimetypes.guess_type(path.name)[0] or OCTET_STREAM
    return MediaRef(mime, fetch, kind=kind, size=len(data), seconds=seconds(data, mime))


def _poll_record(poll: PollSpec | None) -> dict[str, object] | None:
    if poll is None:
        return None
    return {"question": poll.question, "options": list(poll.options), "multiple": poll.multiple}


def _seconds(text: str) -> float | None:
    """A `!tunggu` duration: a finite number from 0 to MAX_WAIT_S, else None."""
    try:
        seconds = float(text)
    except ValueError:
        return None
    return seconds if math.isfinite(seconds) and 0 <= seconds <= MAX_WAIT_S else None
