"""Small media files laid out as their formats say (enough for the bot's type and duration
readers; not playable): MP4/3GP/M4A (ISO/IEC 14496-12 boxes), Ogg Opus (RFC 3533 pages,
RFC 7845 headers), MP3, and files of types WhatsApp does not take as media."""

from __future__ import annotations

import struct


def _box(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", 8 + len(body)) + kind + body


def _track(handler: bytes) -> bytes:
    hdlr = _box(b"hdlr", bytes(4) + bytes(4) + handler + bytes(12) + b"\x00")
    return _box(b"trak", _box(b"mdia", hdlr))


def iso_media(
    brand: bytes = b"isom", *, seconds: int = 12, tracks: tuple[bytes, ...] = (b"vide", b"soun")
) -> bytes:
    """ftyp + moov (mvhd version 0 at timescale 1000, a track per handler) + mdat."""
    ftyp = _box(b"ftyp", brand + struct.pack(">I", 512) + brand + b"mp41")
    mvhd = _box(b"mvhd", bytes(4) + bytes(8) + struct.pack(">II", 1000, seconds * 1000) + bytes(80))
    moov = _box(b"moov", mvhd + b"".join(_track(t) for t in tracks))
    return ftyp + moov + _box(b"mdat", b"\x00" * 64)


def mp4(seconds: int = 12) -> bytes:
    return iso_media(seconds=seconds)


def m4a(seconds: int = 30) -> bytes:
    return iso_media(b"M4A ", seconds=seconds, tracks=(b"soun",))


def quicktime() -> bytes:
    return iso_media(b"qt  ")


_PRE_SKIP = 312


def _ogg_page(granule: int, sequence: int, packet: bytes, flags: int) -> bytes:
    header = b"OggS" + struct.pack("<BBqIII", 0, flags, granule, 0x1234, sequence, 0)
    return header + bytes([len(packet)]) + packet


def ogg(seconds: int = 7, *, codec: bytes = b"OpusHead") -> bytes:
    """An Ogg stream: the identification header page, then one audio page whose granule
    position ends the stream at `seconds` (48 kHz, less the pre-skip)."""
    if codec == b"OpusHead":
        head = b"OpusHead" + struct.pack("<BBHIhB", 1, 1, _PRE_SKIP, 48000, 0, 0)
    else:
        head = b"\x01vorbis" + bytes(23)
    first = _ogg_page(0, 0, head, 0x02)
    last = _ogg_page(seconds * 48000 + _PRE_SKIP, 1, b"\xfc" * 40, 0x04)
    return first + last


def mp3() -> bytes:
    return b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x00" + bytes(200)


PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
WAV = b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(32)
WEBM = b"\x1a\x45\xdf\xa3" + bytes(40)
