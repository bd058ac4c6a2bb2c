"""/kalender [bulan]: the month as a calendar image, with a caption that sums it up."""

from __future__ import annotations

import asyncio
import re
import tempfile
from datetime import date
from pathlib import Path

from bot import messages as m
from bot.calendarimage import render_month
from bot.context import Command, Context, UserError
from bot.digits import is_number
from bot.monthplan import MonthPlan, days_in
from bot.timefmt import MONTHS

_SEPARATORS = re.compile(r"[\s/.,-]+")
# "bulan lalu", "last month": the month before this one ("depan"/"ini" come from the lexicon).
_BEFORE = {"lalu": -1, "kemarin": -1, "last": -1}
# A month named without a year ("/kalender 9") is this year's unless that lies more than this
# many months back: then next year's. Looking back at a recent month stays possible.
LOOK_BACK_MONTHS = 3
YEARS_BACK = 10  # the earliest year shown, before this year


def parse_month(raw: str, today: date) -> tuple[int, int]:
    """'' -> this month; 'depan', 'bulan depan', 'next month' -> the next; '12',
    'desember', 'des 2026', '12/2026', '2026-12' -> that month. UserError otherwise: a year
    alone ('2027') asks for its month too, a year out of reach says which years are."""
    # bot.timeparse (its words and limits) loads with its first use, not with the bot.
    from bot.timeparse.lexicon import MONTH_WORDS
    from bot.timeparse.parse import MAX_AHEAD

    words = [w for w in _SEPARATORS.split(raw.strip().lower()) if w]
    words = [w for w in words if w not in (*MONTH_WORDS, "month")]
    if len(words) == 1 and (step := _relative(words[0])) is not None:
        return _shift(today.year, today.month, step)
    year_word: str | None = None
    month: int | None = None
    for word in words:
        if year_word is None and len(word) >= 3 and is_number(word):
            year_word = word  # 1 or 2 digits are a month's number, more a year
        elif month is None and (number := _month_number(word)) is not None:
            month = number
        else:
            raise UserError(m.CALENDAR_BAD_MONTH.format(raw=m.echo(raw.strip())), "kalender")
    year: int | None = None
    if year_word is not None:
        first, last = today.year - YEARS_BACK, (today + MAX_AHEAD).year
        year = int(year_word) if len(year_word) <= 6 else None
        if year is None or not first <= year <= last:
            shown = m.echo(year_word)
            raise UserError(
                m.CALENDAR_BAD_YEAR.format(first=first, last=last, year=shown), "kalender"
            )
        if month is None:
            raise UserError(m.CALENDAR_YEAR_ONLY.format(year=year), "kalender")
    if month is None:
        return today.year, today.month
    if year is None:
        earliest = today.year * 12 + today.month - LOOK_BACK_MONTHS
        year = next(y for y in range(today.year - 1, today.year + 2) if y * 12 + month >= earliest)
    return year, month


def _relative(word: str) -> int | None:
    from bot.timeparse.lexicon import MONTH_AFTER, WEEK_BEFORE

    word = WEEK_BEFORE.get(word, word)  # "next" -> "depan", "this" -> "ini"
    return MONTH_AFTER.get(word, _BEFORE.get(word))


def _month_number(word: str) -> int | None:
    from bot.timeparse.lexicon import MONTHS as NAMED

    if is_number(word):
        return int(word) if len(word) <= 2 and 1 <= int(word) <= 12 else None
    return NAMED.get(word)


def _shift(year: int, month: int, step: int) -> tuple[int, int]:
    """The month `step` months after (before, when negative) the given one."""
    index = year * 12 + month - 1 + step
    return index // 12, index % 12 + 1


def caption(plan: MonthPlan) -> str:
    """The month in words: its total, its busiest day, clashes, the empty days ahead."""
    from bot.timeparse.dates import MONTH_NAMES, day_text

    title = f"{MONTH_NAMES[plan.month - 1]} {plan.year}"
    if not plan.total:
        return m.CALENDAR_CAPTION_EMPTY.format(month=title)
    groups = len(plan.group_totals())
    head = m.CALENDAR_CAPTION if plan.posts == plan.total else m.CALENDAR_CAPTION_POSTS
    lines = [head.format(month=title, posts=plan.posts, count=plan.total, groups=groups)]
    busiest = plan.busiest()
    if busiest is not None:
        day, count = busiest
        when = day_text(date(plan.year, plan.month, day))
        lines.append(m.CALENDAR_BUSIEST.format(day=when, count=count))
    if clashes := sorted(plan.clash_days()):
        lines.append(m.CALENDAR_CLASHES.format(days=_day_list(clashes, plan.month)))
    last = days_in(plan.year, plan.month)
    if not plan.is_over(last):
        empty = plan.empty_days_ahead()
        ahead = [d for d in range(1, last + 1) if not plan.is_over(d)]
        if not empty:
            lines.append(m.CALENDAR_FULL_AHEAD)
        elif empty == ahead:
            lines.append(m.CALENDAR_EMPTY_AHEAD_ALL)
        else:
            days = _day_list(empty, plan.month)
            lines.append(m.CALENDAR_EMPTY_AHEAD.format(count=len(empty), days=days))
    if plan.is_over(1):
        lines.append(m.CALENDAR_COUNTED)
    return "\n".join(lines)


def _day_list(days: list[int], month: int) -> str:
    """[1, 2, 3, 7, 9, 10] -> '1-3, 7, 9-10 Des'."""
    runs: list[list[int]] = []
    for day in days:
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    text = ", ".join(f"{r[0]}-{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)
    return f"{text} {MONTHS[month - 1]}"


async def show_calendar(ctx: Context) -> None:
    tz = ctx.services.tz
    today = ctx.services.clock().astimezone(tz).date()
    year, month = parse_month(ctx.args, today)
    plan = await ctx.store.month_plan(year, month, tz, today)
    png = await asyncio.to_thread(render_month, plan)  # ~40 ms of drawing: off the loop
    with tempfile.TemporaryDirectory(prefix="jadwal-kalender-") as folder:
        image = Path(folder) / f"kalender-{year}-{month:02d}.png"
        await asyncio.to_thread(image.write_bytes, png)
        await ctx.reply_image(image, caption(plan))


COMMANDS = [
    Command(
        "kalender",
        ("calendar",),
        show_calendar,
        usage=m.KALENDER_USAGE,
        example=m.KALENDER_EXAMPLE,
        summary=m.KALENDER_SUMMARY,
        notes=(m.KALENDER_MONTHS,),
    )
]
