"""What a media file is, read from its first bytes, and how long it plays: no system tool.

The type is what decides whether WhatsApp takes the file as a video, an audio or a voice note
(bot.mediarules); the declared type of a forwarded message is only a hint. The duration is
shown on a video or voice note before it is played; it is read from the container where that
is cheap (MP4/3GP `mvhd`, Ogg's last granule position) and left out otherwise (WhatsApp then
shows it once the file is downloaded).
"""

from __future__ import annotations

import re
import struct

from bot.media import sniff_mime

OPUS = "audio/ogg; codecs=opus"  # what WhatsApp calls an Ogg file holding Opus
OCTET_STREAM = "application/octet-stream"

# ISO base media (MP4, 3GP, M4A, MOV): the major brands that are not plain MP4.
_BRANDS = {b"qt  ": "video/quicktime", b"M4A ": "audio/mp4", b"M4B ": "audio/mp4"}
# A track's handler box: 'hdlr', version/flags, pre_defined, then the handler type.
_VIDEO_TRACK = re.compile(rb"hdlr.{8}vide", re.DOTALL)
_SOUND_TRACK = re.compile(rb"hdlr.{8}soun", re.DOTALL)
_OPUS_RATE = 48000  # an Ogg Opus granule position counts 48 kHz samples (RFC 7845 4)


def sniff(data: bytes) -> str | None:
    """The type of `data` as WhatsApp names it, or None when it is not one we recognise."""
    image = sniff_mime(data)
    if image is not None:
        return image
    if data[4:8] == b"ftyp":
        return _iso_media(data)
    if data.startswith(b"OggS"):
        return OPUS if b"OpusHead" in data[:512] else "audio/ogg"
    if data.startswith(b"#!AMR-WB\n"):
        return "audio/amr-wb"
    if data.startswith(b"#!AMR\n"):
        return "audio/amr"
    if data.startswith(b"ID3"):
        return "audio/mpeg"
    if len(data) > 1 and data[0] == 0xFF:
        if data[1] & 0xF6 == 0xF0:  # ADTS sync, layer 00: AAC
            return "audio/aac"
        if data[1] & 0xE0 == 0xE0 and data[1] & 0x06 != 0:  # MPEG audio frame, layer I-III
            return "audio/mpeg"
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\x1a\x45\xdf\xa3"):
        return "video/webm"
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return "audio/wav"
    if data[:4] == b"RIFF" and data[8:12] == b"AVI ":
        return "video/x-msvideo"
    if data.startswith(b"fLaC"):
        return "audio/flac"
    return None


def _iso_media(data: bytes) -> str:
    brand = data[8:12]
    if brand in _BRANDS:
        return _BRANDS[brand]
    if _VIDEO_TRACK.search(data) is None and _SOUND_TRACK.search(data) is not None:
        return "audio/mp4"
    return "video/3gpp" if brand.startswith(b"3gp") else "video/mp4"


def seconds(data: bytes, mime: str) -> int | None:
    """How long `data` plays, rounded to whole seconds; None when not read cheaply."""
    if data[4:8] == b"ftyp":
        return _mvhd_seconds(data)
    if mime == OPUS:
        return _opus_seconds(data)
    return None


def _mvhd_seconds(data: bytes) -> int | None:
    """ISO/IEC 14496-12 8.2.2 MovieHeaderBox: version 0 has 32-bit times, version 1 64-bit."""
    at = data.find(b"mvhd")
    if at < 0:
        return None
    body = at + 8  # after the type, version (1 byte) and flags (3 bytes)
    try:
        if data[at + 4] == 1:
            timescale, duration = struct.unpack_from(">IQ", data, body + 16)
        else:
            timescale, duration = struct.unpack_from(">II", data, body + 8)
    except (struct.error, IndexError):
        return None
    return round(duration / timescale) if timescale else None


def _opus_seconds(data: bytes) -> int | None:
    """The last page's granule position less the pre-skip (RFC 7845 4, 5.1)."""
    head = data.find(b"OpusHead")
    last = data.rfind(b"OggS")
    if head < 0 or last < 0 or len(data) < last + 14 or len(data) < head + 12:
        return None
    (granule,) = struct.unpack_from("<q", data, last + 6)
    (pre_skip,) = struct.unpack_from("<H", data, head + 10)
    return max(0, round((granule - pre_skip) / _OPUS_RATE)) if granule > 0 else None
