"""Polls and `@semua` end to end in `python -m bot console`: what the owner types, what the
groups get (data/outbox.jsonl, the console's record of every send) and what is printed."""

from __future__ import annotations

from bot import messages as m
from bot.pollspec import PollSpec
from bot.transport.console import DEMO_GROUPS, DEMO_MEMBERS
from tests.test_console_e2e import Console, console, posts

__all__ = ["console"]  # the fixture, shared with the console end-to-end tests


def test_a_poll_and_a_mention_of_all_reach_two_groups_each(console: Console) -> None:
    console.send(
        "/tujuan 1",
        "/polling ke:1,2 dalam 1 detik (banyak) Makan di mana? | Bakso | Soto",
        "/lihat 1",
        "/jadwal ke:2,3 dalam 1 detik @semua Rapat nanti malam",
    )
    records = console.wait_outbox(lambda r: len(posts(r)) == 4)
    code, out, err = console.close()
    assert code == 0, err
    delivered = sorted(posts(records), key=lambda r: (str(r["post_id"]), str(r["chat_name"])))
    poll = {"question": "Makan di mana?", "options": ["Bakso", "Soto"], "multiple": True}
    assert [(r["post_id"], r["chat"], r["kind"], r["poll"], r["mentions"]) for r in delivered] == [
        (1, DEMO_GROUPS[0].jid, "poll", poll, []),
        (1, DEMO_GROUPS[1].jid, "poll", poll, []),
        (2, DEMO_GROUPS[1].jid, None, None, list(DEMO_MEMBERS[DEMO_GROUPS[1].jid])),
        (2, DEMO_GROUPS[2].jid, None, None, list(DEMO_MEMBERS[DEMO_GROUPS[2].jid])),
    ]
    assert [r["text"] for r in delivered[2:]] == ["Rapat nanti malam"] * 2  # no marker left
    shown = PollSpec("Makan di mana?", ("Bakso", "Soto"), multiple=True).describe()
    assert "bot> " + shown.replace("\n", "\n     ") in out  # /lihat
    assert f"[{DEMO_GROUPS[0].name}] {shown}" in out  # as the group got it
    for group in DEMO_GROUPS[1:]:
        said = m.CONSOLE_MENTIONED.format(count=len(DEMO_MEMBERS[group.jid]))
        assert f"[{group.name}] Rapat nanti malam\n{said}" in out
