"""SIGKILL the console bot again and again while it delivers: no post ever goes out twice.

~300 posts with unique texts are queued before the first start, due over ~12 s. The bot
(`python -m bot console`, pacing off) is started, killed with SIGKILL after a random
0.3-2.5 s and restarted on the same data dir until the delivery window is nearly over (at
least 5 kills); half the kills (chosen by the seed) then also wait for the next write to the
outbox, so that some land in the middle of a send. A last run is let finish and ends on end
of input. Then what the console transport recorded as delivered (outbox.jsonl) is checked
against the database (crashkit.judge):

- no post text is delivered to the group twice;
- 'sent' <=> delivered exactly once, with wa_message_id = the outbox id of that delivery;
- 'uncertain' (delivered at most once), 'missed' and 'failed' posts were told to the owner,
  uncertain ones with the command to send them (/ulang <id>);
- nothing is left 'sending', nothing due is left 'pending';
- at least one kill landed between the first and the last delivery.

The kill schedule comes from random.Random(seed); the seed is printed with the summary line.
Replay or vary it with: CRASH_SEED=<n> .venv/bin/pytest tests/test_crash.py -s
"""

from __future__ import annotations

import os
import random
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

import handlers
from tests.crashkit import (
    DESTINATION,
    DESTINATION_NAME,
    GROUP_NAMES,
    OWNER_CHAT,
    BotRun,
    PostRow,
    group_records,
    judge,
    read_events,
    read_outbox,
    read_posts,
    seed_queue,
    seed_sent_notices,
    settled,
    wait_for_growth,
    wait_until,
)

DEFAULT_SEED = 20261121
POSTS = 300
FIRST_DUE_S = 2.0
SPREAD_S = 12.0
MIN_KILLS = 5
MAX_KILLS = 40
ALIVE_S = (0.3, 2.5)
ON_SEND_SHARE = 0.5
ON_SEND_WAIT_S = 0.5
FINAL_TIMEOUT_S = 30.0
OUTCOMES = ("sent", "uncertain", "missed", "failed")


def _retry_command() -> str | None:
    """The command the owner is told to use for an uncertain post, once the bot has one."""
    names = {name for c in handlers.all_commands() for name in (c.name, *c.aliases)}
    return "ulang" if "ulang" in names else None


@pytest.fixture
def runs() -> Iterator[list[BotRun]]:
    """Every bot process the test starts; none outlives it, whatever fails."""
    started: list[BotRun] = []
    yield started
    for run in started:
        run.close()


def test_sigkill_while_delivering_never_sends_a_post_twice(
    tmp_path: Path, runs: list[BotRun]
) -> None:
    seed = int(os.environ.get("CRASH_SEED", DEFAULT_SEED))
    rng = random.Random(seed)
    print(f"\ncrash test seed={seed} (replay: CRASH_SEED={seed})")
    began = time.monotonic()
    data_dir = tmp_path / "data"
    db_path = data_dir / "bot.db"
    outbox_path = data_dir / "outbox.jsonl"
    texts = [f"crash post {n}" for n in range(1, POSTS + 1)]
    first_due = datetime.now(UTC) + timedelta(seconds=FIRST_DUE_S)
    seed_queue(data_dir, texts, first_due, timedelta(seconds=SPREAD_S))
    last_due = first_due + timedelta(seconds=SPREAD_S)
    # Keep killing until about a second before the last post is due; the final run then
    # delivers the tail and whatever the kills left behind.
    kill_until = began + FIRST_DUE_S + SPREAD_S - 1.0

    # (seconds alive, killed right after an outbox write, group deliveries in the outbox then)
    kills: list[tuple[float, bool, int]] = []
    while len(kills) < MIN_KILLS or (time.monotonic() < kill_until and len(kills) < MAX_KILLS):
        run = BotRun(data_dir, tmp_path, len(runs) + 1)
        runs.append(run)
        alive = rng.uniform(*ALIVE_S)
        on_send = rng.random() < ON_SEND_SHARE
        time.sleep(alive)
        # Half the kills wait for the next write to the outbox and land right after it:
        # posts are claimed, written and recorded within about a millisecond, so a kill at
        # a purely random moment almost never finds one in flight.
        hit = on_send and wait_for_growth(outbox_path, ON_SEND_WAIT_S)
        early = run.kill()
        assert early is None, (
            f"seed={seed}: run {run.number} exited by itself with code "
            f"{early} before it was killed:\n{run.stderr()}"
        )
        kills.append((alive, hit, len(group_records(read_outbox(outbox_path)[0]))))

    final = BotRun(data_dir, tmp_path, len(runs) + 1)
    runs.append(final)

    done = wait_until(lambda: settled(final, db_path, last_due), FINAL_TIMEOUT_S)
    assert final.proc.poll() is None, (
        f"seed={seed}: the final run exited by itself with code "
        f"{final.proc.returncode}:\n{final.stderr()}"
    )
    if not done:
        counts = Counter(p.status for p in read_posts(db_path))
        final.finish()
        raise AssertionError(
            f"seed={seed}: queue not settled after {FINAL_TIMEOUT_S} s: "
            f"{dict(counts)}\n{final.stderr()}"
        )
    code = final.finish()
    assert code == 0, f"seed={seed}: final run exited {code} on end of input:\n{final.stderr()}"
    elapsed = time.monotonic() - began

    # --- what went out, and what the database says --------------------------------------
    records, broken = read_outbox(outbox_path)
    posts = read_posts(db_path)
    events = read_events(db_path)
    assert not broken, f"seed={seed}: outbox lines that are not JSON objects: {broken}"
    assert sorted(p.text for p in posts) == sorted(texts), "the queue is not the one seeded"

    verdict = judge(records, posts, events, _retry_command(), datetime.now(UTC))
    problems = list(verdict.problems)
    tracebacks = [r.number for r in runs if "Traceback" in r.stderr()]
    problems.extend(f"run {n} logged a traceback:\n{runs[n - 1].stderr()}" for n in tracebacks)

    counts = verdict.counts
    deliveries = verdict.group_deliveries
    during = sum(1 for _, _, delivered in kills if 0 < delivered < deliveries)
    print(
        f"crash test seed={seed} kills={len(kills)} "
        + " ".join(f"{k}={counts.get(k, 0)}" for k in OUTCOMES)
        + f" kills_during_delivery={during} runs={len(runs)} deliveries={deliveries}"
        f" {elapsed:.1f}s"
    )
    print(
        "kills (alive s[+right after a send]/group deliveries so far): "
        + ", ".join(f"{alive:.2f}{'+' if hit else ''}/{n}" for alive, hit, n in kills)
    )
    for note in verdict.notes:
        print(f"note: {note}")

    assert not problems, f"seed={seed}: {len(problems)} problem(s):\n" + "\n".join(problems)
    assert sum(counts.get(k, 0) for k in OUTCOMES) == POSTS, dict(counts)
    assert during >= 1, (
        f"seed={seed}: no kill landed between the first and the last "
        f"delivery; the timing drifted: {kills} of {deliveries} deliveries"
    )


GROUPED_POSTS = 40  # each to all three console groups
GROUPED_SPREAD_S = 6.0
GROUPED_KILLS = 6


def test_sigkill_between_the_groups_of_a_post_sends_each_group_at_most_once(
    tmp_path: Path, runs: list[BotRun]
) -> None:
    """Posts to three groups each; every kill lands right after a group's send, so the
    bot dies between the groups of one post (or in the middle of one): each group gets the
    post at most once, the one in hand is reported uncertain naming post and group, and the
    post's other groups still go out."""
    seed = int(os.environ.get("CRASH_SEED", DEFAULT_SEED))
    rng = random.Random(seed)
    data_dir = tmp_path / "data"
    db_path = data_dir / "bot.db"
    outbox_path = data_dir / "outbox.jsonl"
    groups = tuple(GROUP_NAMES)
    texts = [f"grouped post {n}" for n in range(1, GROUPED_POSTS + 1)]
    first_due = datetime.now(UTC) + timedelta(seconds=FIRST_DUE_S)
    seed_queue(data_dir, texts, first_due, timedelta(seconds=GROUPED_SPREAD_S), groups)
    last_due = first_due + timedelta(seconds=GROUPED_SPREAD_S)

    split = 0  # kills after which some post had reached some of its groups, not all
    for _ in range(GROUPED_KILLS):
        run = BotRun(data_dir, tmp_path, len(runs) + 1)
        runs.append(run)
        time.sleep(rng.uniform(0.3, 1.0))
        wait_for_growth(outbox_path, ON_SEND_WAIT_S)
        assert run.kill() is None, f"seed={seed}: run {run.number} exited:\n{run.stderr()}"
        reached = Counter(r.get("post_id") for r in group_records(read_outbox(outbox_path)[0]))
        split += any(0 < n < len(groups) for n in reached.values())

    final = BotRun(data_dir, tmp_path, len(runs) + 1)
    runs.append(final)

    done = wait_until(lambda: settled(final, db_path, last_due), FINAL_TIMEOUT_S)
    code = final.finish()
    assert done and code == 0, f"seed={seed}: final run {code}, settled={done}:\n{final.stderr()}"

    records, broken = read_outbox(outbox_path)
    rows = read_posts(db_path)
    assert not broken
    assert sorted((p.text, p.destination) for p in rows) == sorted(
        (text, jid) for text in texts for jid in groups
    ), "the queue is not the one seeded"
    verdict = judge(records, rows, read_events(db_path), _retry_command(), datetime.now(UTC))
    problems = list(verdict.problems)
    problems += [f"run {r.number} logged a traceback" for r in runs if "Traceback" in r.stderr()]
    print(
        f"grouped crash test seed={seed} kills={GROUPED_KILLS} split={split} "
        + " ".join(f"{k}={verdict.counts.get(k, 0)}" for k in OUTCOMES)
        + f" deliveries={verdict.group_deliveries}"
    )
    assert not problems, f"seed={seed}: {len(problems)} problem(s):\n" + "\n".join(problems)
    assert sum(verdict.counts.get(k, 0) for k in OUTCOMES) == len(rows), dict(verdict.counts)
    assert split >= 1, f"seed={seed}: no kill landed between the groups of a post"


def test_the_judge_flags_every_broken_guarantee() -> None:
    """The checks above can fail: a hand-made outbox and queue with one fault per post."""
    due = datetime(2026, 11, 21, 13, 0, tzinfo=UTC)

    def post(n: int, status: str, wa: str | None = None) -> PostRow:
        return PostRow(n, status, due, f"crash post {n}", wa)

    def group(n: int, out: str, tagged: bool = True) -> dict[str, object]:
        record: dict[str, object] = {
            "id": out,
            "chat": DESTINATION,
            "chat_name": DESTINATION_NAME,
            "text": f"crash post {n}",
            "media": None,
        }
        if tagged:
            record["post_id"] = n
        return record

    def owner(text: str) -> dict[str, object]:
        return {"id": "out-9", "chat": OWNER_CHAT, "text": text, "media": None, "post_id": None}

    posts = [
        post(1, "sent", "out-1"),
        post(2, "sent", "out-2"),
        post(3, "sent", "out-3"),
        post(4, "sent", "out-4"),
        post(5, "uncertain"),
        post(6, "uncertain"),
        post(7, "missed"),
        post(8, "sending"),
        post(9, "pending"),
        post(10, "uncertain"),
        post(11, "sent", "out-5"),
        post(12, "failed"),
    ]
    records = [
        group(1, "out-1"),
        group(2, "out-2"),
        group(2, "out-7"),
        group(4, "out-9"),
        group(5, "out-3"),
        group(6, "out-4"),
        group(7, "out-6"),
        owner("#10 -> Grup Demo A: /ulang 10"),
        owner("Post #6 belum pasti"),
        group(11, "out-5", tagged=False),
        owner("Post #12 gagal; /ulang 12"),
    ]
    verdict = judge(records, posts, {}, "ulang", due + timedelta(hours=1))
    found = "\n".join(verdict.problems)
    for expected in (
        "DELIVERED 2 TIMES: post #2 ",
        "'sent' but delivered 2 times:\npost #2 ",
        "'sent' but delivered 0 times:\npost #3 ",
        "wa_message_id 'out-4' != outbox id 'out-9':\npost #4 ",
        "'uncertain' and the owner was never told:\npost #5 ",
        "'uncertain' but no notice names Grup Demo A and /ulang 6:\npost #6 ",
        "'missed' but delivered 1 times:\npost #7 ",
        "left 'sending':\npost #8 ",
        "due but still 'pending':\npost #9 ",
    ):
        assert expected in found, (expected, found)
    assert "post #1 " not in found and "post #10 " not in found
    assert "post #11 " not in found and "post #12 " not in found
    assert len(verdict.problems) == 9, found
    assert verdict.notes == ["1 of 8 group records have no post_id; matched to their posts by text"]
    assert verdict.group_deliveries == 8


def test_the_judge_checks_each_group_of_a_post() -> None:
    """The same post in two of its groups is fine; twice in one group, in a group it was not
    for, or an uncertain group the notice does not name, is not."""
    due = datetime(2026, 11, 21, 13, 0, tzinfo=UTC)
    b, c = [jid for jid in GROUP_NAMES if jid != DESTINATION]

    def row(n: int, status: str, group: str, wa: str | None = None) -> PostRow:
        return PostRow(n, status, due, f"crash post {n}", wa, group)

    def record(n: int, out: str, group: str) -> dict[str, Any]:
        return {
            "id": out,
            "chat": group,
            "chat_name": GROUP_NAMES[group],
            "text": f"crash post {n}",
            "media": None,
            "post_id": n,
        }

    rows = [
        row(1, "sent", DESTINATION, "out-1"),
        row(1, "sent", b, "out-2"),
        row(2, "sent", DESTINATION, "out-3"),
        row(2, "pending", b),
        row(3, "uncertain", DESTINATION),
        row(3, "uncertain", b),
    ]
    records: list[dict[str, Any]] = [
        record(1, "out-1", DESTINATION),
        record(1, "out-2", b),
        record(2, "out-3", DESTINATION),
        record(2, "out-4", DESTINATION),
        record(2, "out-5", c),
        {"id": "n", "chat": OWNER_CHAT, "text": "#3 -> Grup Demo A: /ulang 3", "post_id": None},
    ]
    verdict = judge(records, rows, {}, "ulang", due + timedelta(hours=1))
    found = "\n".join(verdict.problems)
    for expected in (
        "post #2 delivered to the wrong place: ",
        "DELIVERED 2 TIMES: post #2 'crash post 2' to Grup Demo A:",
        "'sent' but delivered 2 times:\npost #2 'crash post 2' to Grup Demo A:",
        "due but still 'pending':\npost #2 'crash post 2' to Grup Demo B:",
        "'uncertain' but no notice names Grup Demo B and /ulang 3:\npost #3 ",
    ):
        assert expected in found, (expected, found)
    assert "post #1 " not in found and "to Grup Demo A: status=uncertain" not in found
    assert len(verdict.problems) == 5, found


HELD_POSTS = 40
HELD_SPREAD_S = 3.0
HELD_KILLS = 4
CAP_PER_MINUTE = 45  # 45 notices sent 57 s before the first post is due fill it


def test_sigkill_while_caps_hold_and_release_posts_never_sends_one_twice(
    tmp_path: Path, runs: list[BotRun]
) -> None:
    """The same guarantee with the send caps and quiet hours on: the minute's cap is full
    when the posts fall due (notices sent just before, counted from the database at each
    start), so the bot is killed while posts wait for it and while they go out once it
    frees; quiet hours are set to a window later today, so each post is checked against
    them."""
    seed = int(os.environ.get("CRASH_SEED", DEFAULT_SEED))
    rng = random.Random(seed)
    data_dir = tmp_path / "data"
    db_path = data_dir / "bot.db"
    outbox_path = data_dir / "outbox.jsonl"
    texts = [f"held post {n}" for n in range(1, HELD_POSTS + 1)]
    now = datetime.now(UTC)
    first_due = now + timedelta(seconds=FIRST_DUE_S)
    seed_queue(data_dir, texts, first_due, timedelta(seconds=HELD_SPREAD_S))
    cap_free_at = first_due + timedelta(seconds=3)
    seed_sent_notices(data_dir, CAP_PER_MINUTE, cap_free_at - timedelta(minutes=1))
    last_due = first_due + timedelta(seconds=HELD_SPREAD_S)
    local = now.astimezone(ZoneInfo("Asia/Jakarta"))
    quiet = f"{(local + timedelta(hours=2)):%H:00}-{(local + timedelta(hours=3)):%H:00}"
    env = {
        "JADWAL_MAX_PER_MINUTE": str(CAP_PER_MINUTE),
        "JADWAL_MAX_PER_HOUR": "500",
        "JADWAL_MAX_PER_DAY": "1000",
        "JADWAL_QUIET_HOURS": quiet,
    }

    for _ in range(HELD_KILLS):
        run = BotRun(data_dir, tmp_path, len(runs) + 1, env)
        runs.append(run)
        time.sleep(rng.uniform(0.4, 1.2))
        wait_for_growth(outbox_path, ON_SEND_WAIT_S)
        assert run.kill() is None, f"seed={seed}: run {run.number} exited:\n{run.stderr()}"
    final = BotRun(data_dir, tmp_path, len(runs) + 1, env)
    runs.append(final)

    done = wait_until(lambda: settled(final, db_path, last_due), FINAL_TIMEOUT_S)
    code = final.finish()
    assert done and code == 0, f"seed={seed}: final run {code}, settled={done}:\n{final.stderr()}"

    records, broken = read_outbox(outbox_path)
    rows = read_posts(db_path)
    assert not broken
    assert sorted(p.text for p in rows) == sorted(texts), "the queue is not the one seeded"
    verdict = judge(records, rows, read_events(db_path), _retry_command(), datetime.now(UTC))
    problems = list(verdict.problems)
    problems += [f"run {r.number} logged a traceback" for r in runs if "Traceback" in r.stderr()]
    sent_at = [datetime.fromisoformat(r["at"]) for r in group_records(records)]
    early = [at for at in sent_at if at < cap_free_at]
    waited = sum(1 for p in rows if p.due_at < cap_free_at)
    print(
        f"held crash test seed={seed} kills={HELD_KILLS} quiet={quiet} "
        + " ".join(f"{k}={verdict.counts.get(k, 0)}" for k in OUTCOMES)
        + f" deliveries={verdict.group_deliveries} due_while_capped={waited}"
    )
    assert not early, f"seed={seed}: {len(early)} post(s) sent while the cap was full: {early}"
    assert waited >= 10, "no post fell due while the cap was full: the timing drifted"
    assert not problems, f"seed={seed}: {len(problems)} problem(s):\n" + "\n".join(problems)
    assert sum(verdict.counts.get(k, 0) for k in OUTCOMES) == len(rows), dict(verdict.counts)
    assert verdict.counts.get("sent", 0) >= HELD_POSTS - HELD_KILLS, dict(verdict.counts)
