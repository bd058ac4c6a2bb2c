"""Repeating posts: each occurrence is an ordinary post; when one is over, the next is queued.

The check is idempotent (the last occurrence of each series is looked at on every scheduler
pass), so a crash between one occurrence and the next loses nothing. After an outage only
the latest occurrence that fell due is queued (and then judged by the grace policy like any
post): no flood of catch-up posts.

A calendar rule is read in the zone it was written in (RepeatRule.zone; the bot's current
zone for rules stored without one), so a series keeps its moment after /zona. Its next times
come from APScheduler's CronTrigger in that zone. In a zone with daylight saving time they
come from RepeatRule.next_after instead: CronTrigger 3.11 skips a week or a month, or fires
twice, across a DST change (tests/test_repeat_rule.py shows the cases); for zones without DST,
Indonesia's among them, the two agree (tested). An interval rule is a fixed step from its
first occurrence: its times are plain arithmetic, and so is its catch-up.

Each slot the rule gives is posted at most once: the next occurrence comes after the later of
the last one's due time and its slot, so one sent early (/kirim) or moved earlier (/ubah) does
not post its slot again, and one moved later gives no slot before it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger
from loguru import logger

from bot.models import Post
from bot.quiethours import QuietHours
from bot.repeat import RepeatRule
from bot.store import Store

_MINUTES_A_DAY = 24 * 60
_JUST_BEFORE = timedelta(microseconds=1)
_MAX_STEPS = 100_000  # an every-day rule over ~270 years: a bound, never reached in practice


def has_dst(tz: ZoneInfo, year: int) -> bool:
    offsets = {datetime(year, month, 1, tzinfo=tz).utcoffset() for month in range(1, 13)}
    return len(offsets) > 1


def next_occurrence(rule: RepeatRule, after: datetime, tz: ZoneInfo) -> datetime:
    """The first occurrence strictly after `after`, in `tz` (the bot's zone)."""
    zone = rule.zone_in(tz)
    if rule.every_minutes is not None or has_dst(zone, after.astimezone(zone).year):
        return rule.next_after(after, tz)
    fire = CronTrigger(timezone=zone, **rule.cron_kwargs()).get_next_fire_time(after, after)
    return fire.astimezone(tz) if fire is not None else rule.next_after(after, tz)


def next_due(rule: RepeatRule, last_due: datetime, now: datetime, tz: ZoneInfo) -> datetime:
    """The occurrence after `last_due`; if that is already past, the latest one not after
    `now` (so that one missed occurrence is judged, not every one)."""
    due = next_occurrence(rule, last_due, tz)
    if due > now:
        return due
    if rule.every_minutes is not None:  # the step that fell last, at most `now`
        latest = rule.latest_not_after(now)
        assert latest is not None  # `due` is a later occurrence, and not after `now`
        return latest.astimezone(tz)
    for _ in range(_MAX_STEPS):  # catch up cheaply: the calendar answer, stepping forward
        following = rule.next_after(due, tz)
        if following > now:
            return due
        due = following
    return next_occurrence(rule, now, tz)


def slot_of(rule: RepeatRule, post: Post, tz: ZoneInfo) -> datetime:
    """The moment the rule gave `post`, wherever /ubah or /kirim has moved it since.

    An occurrence is queued for the rule's first time after the moment it is queued (its
    `created_at`): the first by /jadwal, each next one once the one before is over. After an
    outage the next one is instead the latest time already past, due before it was queued;
    a move only goes to a time not yet past, so such an occurrence was never moved and its
    due time is its slot. (Were it moved before it went out, the slot read here is the rule's
    next one: that slot is then skipped, never posted twice.)
    """
    if post.due_at <= post.created_at:
        return post.due_at
    return next_occurrence(rule, post.created_at, tz)


def outside_quiet(
    rule: RepeatRule, due: datetime, quiet: QuietHours | None, tz: ZoneInfo
) -> datetime:
    """For a rule repeating more than once a day (`setiap 2 jam`): its first occurrence at or
    after `due` outside the quiet hours. The ones inside would all wait for the window's end
    and go out together; skipped, the series takes up at the first slot after the window.
    Other rules keep `due`: a daily post still goes, when the window ends."""
    if quiet is None or rule.every_minutes is None or rule.every_minutes >= _MINUTES_A_DAY:
        return due
    moved = due
    for _ in range(_MINUTES_A_DAY // rule.every_minutes + 2):  # a day of slots at most
        if not quiet.is_quiet(moved, tz):
            return moved
        moved = rule.next_after(quiet.window_end(moved, tz) - _JUST_BEFORE, tz)
    return due


async def queue_next_occurrences(
    store: Store, now: datetime, tz: ZoneInfo, quiet: QuietHours | None = None
) -> list[Post]:
    """Queue the next occurrence of every series whose last one is over. Returns them.
    `quiet`: the quiet hours, which a series repeating within a day skips (outside_quiet)."""
    queued: list[Post] = []
    for last in await store.series_needing_next():
        if last.repeat_rule is None:
            continue
        try:
            rule = RepeatRule.from_text(last.repeat_rule)
        except ValueError:
            logger.error(
                "post #{} has an unreadable repeat rule {!r}; series stopped",
                last.id,
                last.repeat_rule,
            )
            continue
        due = next_due(rule, max(last.due_at, slot_of(rule, last, tz)), now, tz)
        if (skipped := outside_quiet(rule, due, quiet, tz)) != due:
            logger.info(
                "series #{}: slots from {} to {} skipped (quiet hours {})",
                last.series_id,
                due.isoformat(),
                skipped.isoformat(),
                quiet.format() if quiet else "",
            )
            due = skipped
        post = await store.add_post(
            due,
            last.content,
            last.destinations,  # the groups of the one before
            now=now,
            repeat_rule=last.repeat_rule,
            series_id=last.series_id,
        )
        logger.info(
            "series #{}: next occurrence #{} at {}", last.series_id, post.id, due.isoformat()
        )
        queued.append(post)
    return queued
