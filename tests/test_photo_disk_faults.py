"""/jadwal with a photo while the disk under data/media is full or read-only: the owner gets
the storage reply that says what to do (messages.STORAGE_FAULT), not the generic apology; no
partial file is left behind; a post without a photo still works.

The disks are real (tests/faultfs.py): a tmpfs filled to the last byte, or a read-only bind
mount, over data/media only, inside a private mount namespace; the bot is the console bot
through the real command line.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot import messages as m
from bot.dbfaults import Fault
from tests import faultfs
from tests.fakes import PNG
from tests.netns import ROOT
from tests.quick import QUICK_ENV

PHOTO = PNG + os.urandom(200_000)  # larger than the whole tmpfs, were it empty


def mounts(fault: Fault, media: Path) -> list[str]:
    if fault is Fault.FULL:
        return [faultfs.tmpfs(media, size="64k"), faultfs.fill(media)]
    return [f"mkdir -p {faultfs.q(media)}", faultfs.read_only(media)]


@pytest.mark.parametrize("fault", [Fault.FULL, Fault.READ_ONLY])
def test_photo_on_a_disk_that_refuses_it_gets_the_storage_reply(
    tmp_path: Path, fault: Fault
) -> None:
    if why := faultfs.mount_problem():
        pytest.skip(why)
    data = tmp_path / "data"
    photo = tmp_path / "promo.png"
    photo.write_bytes(PHOTO)
    stdin = (
        f"/tujuan 1\n!foto {photo} /jadwal besok 08:00 Promo minggu ini\n"
        "/jadwal besok 09:00 Teks saja\n"
    ).encode()
    env = {k: v for k, v in os.environ.items() if not k.startswith("JADWAL_")}
    env.update(PYTHONPATH=str(ROOT), **QUICK_ENV)
    record = tmp_path / "record"
    argv = faultfs.in_namespace(
        mounts(fault, data / "media"),
        data,
        record,
        [sys.executable, "-m", "bot", "console", "--data-dir", str(data)],
    )
    done = subprocess.run(
        argv, input=stdin, capture_output=True, cwd=tmp_path, env=env, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")

    sent = [
        json.loads(line)["text"]
        for line in (data / "outbox.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert len(sent) == 3, sent
    assert sent[1] == m.STORAGE_FAULT[fault].format(name="jadwal")
    assert sent[2].startswith("#1 "), sent[2]  # the post without a photo is queued
    assert m.GENERIC_ERROR not in sent
    _, after = faultfs.snapshots(record)  # what data/media held, seen inside the namespace
    assert ".part" not in after, after
    assert not [line for line in after.splitlines() if line.endswith(".png")], after
