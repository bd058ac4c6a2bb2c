"""A MonthPlan drawn as a PNG calendar a phone shows well: 1080 px wide, weeks from Monday
(Senin), each day with its number, its deliveries in a dark badge and one colored chip per
group; today outlined, days over dimmed, clash days in red; the group colors under the grid.

Only the font embedded in Pillow is used (ImageFont.load_default(size=...), Pillow >= 10.1:
Aileron Regular with a reduced character set), so the image is the same on every machine."""

from __future__ import annotations

import calendar
import functools
import io
from collections import Counter
from datetime import date

from PIL import Image, ImageDraw, ImageFont

from bot import messages as m
from bot.monthplan import MonthPlan
from bot.timefmt import WEEKDAYS

Color = tuple[int, int, int]
Font = ImageFont.FreeTypeFont

WIDTH = 1080
MARGIN = 24
CELL_W = (WIDTH - 2 * MARGIN) // 7
GRID_X = (WIDTH - 7 * CELL_W) // 2
TITLE_H = 96
HEAD_H = 44
CELL_H = 140
PAD = 8
CHIP_H = 32
GAP = 4
KEY_H = 64
LEGEND_ROW_H = 44
TOP_GROUPS = 5  # groups with a color of their own; the rest share OTHER_COLOR

WHITE: Color = (255, 255, 255)
INK: Color = (33, 37, 41)
MUTED: Color = (120, 126, 133)
LINE: Color = (214, 218, 222)
OUTSIDE: Color = (246, 247, 248)
CLASH_FILL: Color = (253, 226, 222)
CLASH_LINE: Color = (208, 48, 36)
TODAY_LINE: Color = (26, 86, 219)
# Okabe-Ito (safe for the common color blindnesses), darkest first, then a purple.
PALETTE: tuple[Color, ...] = (
    (0, 114, 178),
    (230, 159, 0),
    (0, 158, 115),
    (204, 121, 167),
    (86, 180, 233),
    (213, 94, 0),
    (127, 60, 141),
)
OTHER_COLOR: Color = (150, 150, 150)
DIM = 0.6  # how far a day that is over fades towards white


@functools.lru_cache(maxsize=8)
def _font(size: int) -> Font:
    font = ImageFont.load_default(size=size)
    assert isinstance(font, ImageFont.FreeTypeFont), "Pillow without FreeType"
    return font


@functools.lru_cache(maxsize=2048)
def _has_glyph(char: str) -> bool:
    """Whether the embedded font draws `char` (it lacks most non-ASCII letters and emoji)."""

    def drawn(text: str) -> bytes:
        image = Image.new("L", (48, 40))
        ImageDraw.Draw(image).text((4, 0), text, font=_font(26), fill=255)
        return image.tobytes()

    return char.isspace() or drawn(char) != drawn("\uffff")


def _drawable(text: str) -> str:
    """`text` without the characters the font would draw as empty boxes."""
    kept = " ".join("".join(c for c in text if _has_glyph(c)).split())
    return kept or "?"


def _fit(text: str, font: Font, width: float) -> str:
    text = _drawable(text)
    if font.getlength(text) <= width:
        return text
    while text and font.getlength(text + "\u2026") > width:
        text = text[:-1]
    return text.rstrip() + "\u2026"


def _fade(color: Color, amount: float) -> Color:
    r, g, b = (round(c + (255 - c) * amount) for c in color)
    return r, g, b


def _on(color: Color) -> Color:
    """Text color that reads on `color`."""
    r, g, b = color
    return INK if 0.299 * r + 0.587 * g + 0.114 * b > 160 else WHITE


class _Painter:
    def __init__(self, plan: MonthPlan) -> None:
        self.plan = plan
        ranked = plan.group_totals()
        self.colors = {name: PALETTE[i] for i, (name, _) in enumerate(ranked[:TOP_GROUPS])}
        self.others = ranked[TOP_GROUPS:]
        self.legend = [(name, count, self.colors[name]) for name, count in ranked[:TOP_GROUPS]]
        if self.others:
            label = m.CALENDAR_OTHERS.format(groups=len(self.others))
            self.legend.append((label, sum(c for _, c in self.others), OTHER_COLOR))
        self.weeks = calendar.Calendar(firstweekday=0).monthdayscalendar(plan.year, plan.month)
        self.key_y = _origin(len(self.weeks), 0)[1] + 16
        rows = max(1, -(-len(self.legend) // 2))
        height = self.key_y + KEY_H + rows * LEGEND_ROW_H + MARGIN
        self.image = Image.new("RGB", (WIDTH, height), WHITE)
        self.draw = ImageDraw.Draw(self.image)
        self.clashes = plan.clash_days()

    def paint(self) -> bytes:
        self._title()
        for week, days in enumerate(self.weeks):
            for col, day in enumerate(days):
                self._cell(*_origin(week, col), day)
        self._key()
        self._legend()
        out = io.BytesIO()
        # Level 1 encodes in ~20 ms where the default 6 takes ~28, for ~25 % more bytes
        # (97 kB instead of 78 for a busy month; measured on 2 vCPUs).
        self.image.save(out, "PNG", compress_level=1)
        return out.getvalue()

    def _title(self) -> None:
        from bot.timeparse.dates import MONTH_NAMES  # bot.timeparse loads on first use

        plan = self.plan
        title = f"{MONTH_NAMES[plan.month - 1]} {plan.year}"
        self.draw.text((GRID_X, 24), title, font=_font(48), fill=INK)
        total = m.CALENDAR_TOTAL.format(count=plan.total)
        self.draw.text((WIDTH - GRID_X, 40), total, font=_font(30), fill=MUTED, anchor="ra")
        for col, name in enumerate(WEEKDAYS):
            x = GRID_X + col * CELL_W + CELL_W // 2
            color = CLASH_LINE if col == 6 else MUTED  # Minggu in red, as printed calendars do
            self.draw.text((x, TITLE_H + 6), name[:3], font=_font(26), fill=color, anchor="ma")

    def _cell(self, x: int, y: int, day: int) -> None:
        box = (x, y, x + CELL_W, y + CELL_H)
        if day == 0:  # a day of the month before or after
            self.draw.rectangle(box, fill=OUTSIDE, outline=LINE)
            return
        plan = self.plan
        over = plan.is_over(day)
        clash = day in self.clashes

        def tone(color: Color) -> Color:
            return _fade(color, DIM) if over else color

        self.draw.rectangle(box, fill=tone(CLASH_FILL) if clash else WHITE, outline=LINE)
        self.draw.text((x + PAD, y + PAD), str(day), font=_font(30), fill=tone(INK))
        total = plan.total_on(day)
        if total:
            badge = CLASH_LINE if clash else INK
            self._chip(x + CELL_W - PAD, y + PAD, str(total), tone(badge), _font(26), right=True)
        for chip_x, chip_y, text, color in self._placed(self._chips(day), x, y):
            self._chip(chip_x, chip_y, text, tone(color), _font(22))
        if clash:
            self.draw.rectangle(box, outline=tone(CLASH_LINE), width=3)
        if plan.today == date(plan.year, plan.month, day):
            inner = (x + 2, y + 2, x + CELL_W - 2, y + CELL_H - 2)
            self.draw.rectangle(inner, outline=TODAY_LINE, width=5)

    def _chips(self, day: int) -> list[tuple[int, Color]]:
        """One chip per colored group (legend order), then one for all the others."""
        counts: Counter[str] = Counter()
        for name, count in self.plan.days.get(day, ()):
            counts[name] += count  # two groups of one name are one color
        chips = [(counts[name], color) for name, color in self.colors.items() if counts.get(name)]
        rest = sum(counts.get(name, 0) for name, _ in self.others)
        return [*chips, (rest, OTHER_COLOR)] if rest else chips

    def _placed(
        self, chips: list[tuple[int, Color]], x: int, y: int
    ) -> list[tuple[int, int, str, Color]]:
        """Where the chips go in the cell at (x, y), in two rows at its foot; when they do
        not fit (long counts), the last ones become one grey "+n" chip."""
        for keep in range(len(chips), -1, -1):
            shown = [(str(count), color) for count, color in chips[:keep]]
            if keep < len(chips):
                shown.append((f"+{sum(c for c, _ in chips[keep:])}", OTHER_COLOR))
            placed = self._rows(shown, x, y)
            if placed is not None:
                return placed
        return []

    def _rows(
        self, chips: list[tuple[str, Color]], x: int, y: int
    ) -> list[tuple[int, int, str, Color]] | None:
        chip_x, chip_y = x + PAD, y + CELL_H - PAD - 2 * CHIP_H - GAP
        placed = []
        for text, color in chips:
            width = self._chip_width(text, _font(22))
            if chip_x + width > x + CELL_W - PAD:
                chip_x, chip_y = x + PAD, chip_y + CHIP_H + GAP
            if chip_y + CHIP_H > y + CELL_H - PAD:
                return None
            placed.append((chip_x, chip_y, text, color))
            chip_x += width + GAP
        return placed

    @staticmethod
    def _chip_width(text: str, font: Font) -> int:
        return max(CHIP_H, round(font.getlength(text)) + 12)

    def _chip(
        self, x: int, y: int, text: str, color: Color, font: Font, right: bool = False
    ) -> None:
        width = self._chip_width(text, font)
        left = x - width if right else x
        box = (left, y, left + width, y + CHIP_H)
        self.draw.rounded_rectangle(box, radius=CHIP_H // 2, fill=color)
        center = (left + width / 2, y + CHIP_H / 2)
        self.draw.text(center, text, font=font, fill=_on(color), anchor="mm")

    def _key(self) -> None:
        """What the marks mean: today's outline, a clash, the count badge."""
        y, x, size = self.key_y, GRID_X, CHIP_H
        font = _font(22)
        self.draw.rectangle((x, y, x + size, y + size), outline=TODAY_LINE, width=4)
        x = self._label(x + size + 8, y, m.CALENDAR_KEY_TODAY, font)
        box = (x, y, x + size, y + size)
        self.draw.rectangle(box, fill=CLASH_FILL, outline=CLASH_LINE, width=3)
        x = self._label(x + size + 8, y, m.CALENDAR_KEY_CLASH, font)
        self._chip(x, y, "3", INK, _font(22))
        self._label(x + CHIP_H + 8, y, m.CALENDAR_KEY_COUNT, font)

    def _label(self, x: int, y: int, text: str, font: Font) -> int:
        self.draw.text((x, y + CHIP_H // 2), text, font=font, fill=MUTED, anchor="lm")
        return x + round(font.getlength(text)) + 28

    def _legend(self) -> None:
        y0 = self.key_y + KEY_H
        font = _font(24)
        if not self.legend:
            self.draw.text((GRID_X, y0), m.CALENDAR_NOTHING, font=font, fill=MUTED)
            return
        column = (WIDTH - 2 * GRID_X) // 2
        for i, (name, count, color) in enumerate(self.legend):
            x = GRID_X + (i % 2) * column
            y = y0 + (i // 2) * LEGEND_ROW_H
            self.draw.rounded_rectangle((x, y, x + 28, y + 28), radius=6, fill=color)
            suffix = f" ({count})"
            room = column - 40 - font.getlength(suffix) - 12
            label = _fit(name, font, room) + suffix
            self.draw.text((x + 40, y + 14), label, font=font, fill=INK, anchor="lm")


def cell_box(year: int, month: int, day: int) -> tuple[int, int, int, int]:
    """Where day `day` is drawn: (left, top, right, bottom), right and bottom excluded."""
    weeks = calendar.Calendar(firstweekday=0).monthdayscalendar(year, month)
    row = next(i for i, week in enumerate(weeks) if day in week)
    x, y = _origin(row, weeks[row].index(day))
    return x, y, x + CELL_W, y + CELL_H


def _origin(week: int, column: int) -> tuple[int, int]:
    """The top left corner of a cell of the grid (weeks from 0, Monday's column 0)."""
    return GRID_X + column * CELL_W, TITLE_H + HEAD_H + week * CELL_H


def render_month(plan: MonthPlan) -> bytes:
    """The month as PNG bytes, WIDTH pixels wide."""
    return _Painter(plan).paint()
