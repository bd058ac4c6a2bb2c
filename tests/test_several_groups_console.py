"""Several groups end to end in `python -m bot console`: one post, each group once."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.test_console_e2e import Console, clean_env, console, posts

__all__ = ["console"]  # the fixture, shared with the console end-to-end tests


def test_one_post_reaches_each_named_group_once(console: Console, tmp_path: Path) -> None:
    console.send("/grup", "/jadwal ke:3,1 dalam 1 detik Halo dua grup")
    records = console.wait_outbox(lambda r: len(posts(r)) == 2)
    delivered = posts(records)
    assert [(r["chat_name"], r["text"], r["post_id"]) for r in delivered] == [
        ("Keluarga Besar", "Halo dua grup", 1),
        ("Grup Demo A", "Halo dua grup", 1),
    ]
    code, out, err = console.close()
    assert code == 0, err
    assert "#1 terjadwal" in out and "-> Keluarga Besar, Grup Demo A" in out
    assert len(posts(console.outbox())) == 2  # nothing sent again on the way out
    listing = subprocess.run(
        [sys.executable, "-m", "bot", "queue", "--json", "--data-dir", str(console.data_dir)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=clean_env(),
        check=True,
    )
    [post] = [json.loads(line) for line in listing.stdout.splitlines()]
    assert post["status"] == "sent"
    assert [
        (d["destination_name"], d["status"], d["wa_message_id"]) for d in post["deliveries"]
    ] == [(r["chat_name"], "sent", r["id"]) for r in delivered]
