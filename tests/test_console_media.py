"""Videos, documents, audio files and voice notes in `python -m bot console`, as a user runs it:
sent from local files with `!video`, `!dokumen`, `!audio`, `!vn`, scheduled with /jadwal (as
caption or with `!balas`), delivered as that kind and recorded in outbox.jsonl."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import messages as m
from tests import mediafiles as f
from tests.test_console_e2e import Console, posts


@pytest.fixture
def console(tmp_path: Path) -> Iterator[Console]:
    started = Console(tmp_path / "data", tmp_path)
    yield started
    if started.proc.poll() is None:
        started.proc.kill()
        started.proc.communicate()


def test_each_kind_is_delivered_as_that_kind(console: Console, tmp_path: Path):
    files = {
        "klip.mp4": f.mp4(),
        "Brosur Desember.pdf": f.PDF,
        "lagu.mp3": f.mp3(),
        "pesan.ogg": f.ogg(),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    console.send(
        "/tujuan Keluarga",  # in-1
        f"!video {tmp_path / 'klip.mp4'} /jadwal dalam 1 detik Video promo",  # in-2
        f"!doc '{tmp_path / 'Brosur Desember.pdf'}' /jadwal dalam 1 detik Brosur",  # in-3
        f"!audio {tmp_path / 'lagu.mp3'} /jadwal dalam 1 detik",  # in-4
        f"!vn {tmp_path / 'pesan.ogg'}",  # in-5
        "!balas in-5 /jadwal dalam 1 detik",  # in-6
    )
    records = posts(console.wait_outbox(lambda r: len(posts(r)) == 4))
    by_kind = {r["kind"]: r for r in records}  # equal due times: their order is not fixed
    assert len(records) == 4 and set(by_kind) == {"video", "document", "audio", "voice"}
    expected = {
        "video": ("klip.mp4", None, "video/mp4", "Video promo"),
        "document": ("Brosur Desember.pdf", "Brosur Desember.pdf", "application/pdf", "Brosur"),
        "audio": ("lagu.mp3", None, "audio/mpeg", ""),
        "voice": ("pesan.ogg", None, "audio/ogg; codecs=opus", ""),
    }
    for kind, (source, file_name, mime, text) in expected.items():
        record = by_kind[kind]
        assert (record["file_name"], record["mime"], record["text"]) == (file_name, mime, text)
        assert record["chat_name"] == "Keluarga Besar"
        stored = Path(str(record["media"]))
        assert stored.parent == console.data_dir / "media"
        assert stored.read_bytes() == files[source]
    code, out, _ = console.close()
    assert code == 0
    assert "#2 terjadwal (dokumen)" in out and "#4 terjadwal (pesan suara)" in out
    assert "[dokumen Brosur Desember.pdf] Brosur" in out
    assert "pesan suara pesan.ogg terkirim ke bot sebagai id in-5" in out


def test_what_whatsapp_would_refuse_is_refused_in_the_console(console: Console, tmp_path: Path):
    (tmp_path / "klip.webm").write_bytes(f.WEBM)
    (tmp_path / "lagu.mp3").write_bytes(f.mp3())
    (tmp_path / "besar.mp4").write_bytes(f.mp4() + bytes(17_000_000))
    console.send(
        "/tujuan 1",
        f"!video {tmp_path / 'klip.webm'} /jadwal dalam 1 detik Klip",
        f"!audio {tmp_path / 'lagu.mp3'} /jadwal dalam 1 detik Dengarkan",
        f"!video {tmp_path / 'besar.mp4'} /jadwal dalam 1 detik Besar",
        "/antrian",
    )
    console.wait_outbox(lambda r: any(str(x["text"]).startswith("Antrian") for x in r))
    code, out, _ = console.close()
    assert code == 0
    assert m.MEDIA_WRONG_TYPE.format(kind="video", type="WebM", accepted="3GP, MP4") in out
    assert m.MEDIA_NO_CAPTION.format(kind="audio") in out
    assert m.MEDIA_TOO_BIG.format(Kind="Video", kind="video", size="17,0", limit=16) in out
    assert "terjadwal" not in out and posts(console.outbox()) == []


def test_a_picture_sent_to_the_owner_is_kept_to_be_opened(console: Console):
    # /kalender draws its picture in a temporary folder that is gone once it is sent: the
    # console keeps a copy in data/console-files and prints where.
    console.send("/kalender")
    code, out, _ = console.close()
    assert code == 0
    line = next(line for line in out.splitlines() if "kalender-" in line)
    shown = Path(line.split("[", 1)[1].split("]", 1)[0].split(" ", 1)[1])
    assert shown.parent == console.data_dir / "console-files"
    assert shown.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
