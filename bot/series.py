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
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger
from loguru import logger

from bot.models import Post
from bot.repeat import RepeatRule
from bot.store import Store

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


async def queue_next_occurrences(store: Store, now: datetime, tz: ZoneInfo) -> list[Post]:
    """Queue the next occurrence of every series whose last one is over. Returns them."""
    queued: list[Post] = []
    for last in await store.series_needing_next():
        if last.repeat_rule is None:
            continue
        try:
            rule = RepeatRule.from_text(last.repeat_rule)
        except ValueError:
            logger.error("post #{} has an unreadable repeat rule {!r}; series stopped",
                         last.id, last.repeat_rule)
            continue
        due = next_due(rule, last.due_at, now, tz)
        post = await store.add_post(due, last.text, last.destination, last.destination_name,
                                    media_path=last.media_path, media_mime=last.media_mime,
                                    now=now, repeat_rule=last.repeat_rule,
                                    series_id=last.series_id)
        logger.info("series #{}: next occurrence #{} at {}", last.series_id, post.id,
                    due.isoformat())
        queued.append(post)
    return queued
