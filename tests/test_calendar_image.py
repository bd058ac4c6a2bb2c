"""The month drawn as a PNG: its size, today's outline, days with posts, days over, clashes,
and the legend of group colors."""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import date

import pytest
from PIL import Image

from bot.calendarimage import (
    CELL_H,
    CLASH_LINE,
    DIM,
    OTHER_COLOR,
    PALETTE,
    TODAY_LINE,
    TOP_GROUPS,
    WIDTH,
    _fade,
    cell_box,
    render_month,
)
from bot.monthplan import DayCounts, MonthPlan

# February 2027 starts on a Monday and has 28 days: four full weeks. November 2026 starts
# on a Sunday (Minggu): six rows, from Monday 26 October to Sunday 6 December.
FEB_2027 = (2027, 2)
NOV_2026 = (2026, 11)


def draw(
    month: tuple[int, int],
    days: Mapping[int, DayCounts] | None = None,
    today: date | None = None,
) -> Image.Image:
    png = render_month(MonthPlan(*month, today=today, days=days or {}))
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    return image.convert("RGB")


def cell(image: Image.Image, month: tuple[int, int], day: int) -> Image.Image:
    return image.crop(cell_box(*month, day))


def count(image: Image.Image, color: tuple[int, int, int]) -> int:
    colors = image.getcolors(image.width * image.height) or []
    return next((n for n, found in colors if found == color), 0)


def below_grid(image: Image.Image, month: tuple[int, int], last: int) -> Image.Image:
    return image.crop((0, cell_box(*month, last)[3], image.width, image.height))


def test_png_is_phone_wide_and_as_tall_as_the_month_needs():
    four_weeks = draw(FEB_2027)
    six_weeks = draw(NOV_2026)
    assert four_weeks.width == six_weeks.width == WIDTH
    assert six_weeks.height - four_weeks.height == 2 * CELL_H
    # Weeks start on Monday (Senin): Monday the 1st sits above Monday the 8th, in the first
    # column; Sunday (Minggu) the 1st of November 2026 in the last.
    first, eighth = cell_box(*FEB_2027, 1), cell_box(*FEB_2027, 8)
    assert first[0] == eighth[0] < cell_box(*FEB_2027, 7)[0] and first[1] < eighth[1]
    assert cell_box(*NOV_2026, 1)[0] == cell_box(*NOV_2026, 8)[0] > cell_box(*NOV_2026, 2)[0]


def test_today_is_outlined_and_no_other_day_is():
    image = draw(FEB_2027, today=date(2027, 2, 10))
    outlined = {day: count(cell(image, FEB_2027, day), TODAY_LINE) for day in range(1, 29)}
    assert outlined[10] > 4 * (CELL_H * 2)  # a thick frame around the cell
    assert {day for day, pixels in outlined.items() if pixels} == {10}
    plain = draw(FEB_2027)  # no today: no day outlined, none over
    assert cell(plain, FEB_2027, 11).tobytes() == cell(image, FEB_2027, 11).tobytes()
    elsewhere = draw(FEB_2027, today=date(2027, 1, 31))  # the day before the month
    assert cell(elsewhere, FEB_2027, 10).tobytes() != cell(image, FEB_2027, 10).tobytes()


def test_a_day_with_posts_shows_its_group_color_and_others_stay_as_they_were():
    empty = draw(FEB_2027)
    busy = draw(FEB_2027, {15: (("Grup Demo A", 2),)})
    assert cell(busy, FEB_2027, 15).tobytes() != cell(empty, FEB_2027, 15).tobytes()
    assert count(cell(busy, FEB_2027, 15), PALETTE[0]) > 100
    assert count(cell(empty, FEB_2027, 15), PALETTE[0]) == 0
    for day in (14, 16, 22):
        assert cell(busy, FEB_2027, day).tobytes() == cell(empty, FEB_2027, day).tobytes()


def test_each_group_of_a_day_gets_its_own_color_most_posts_first():
    days = {3: (("Kecil", 1), ("Besar", 5)), 4: (("Besar", 1),)}
    image = draw(FEB_2027, days)
    third, fourth = cell(image, FEB_2027, 3), cell(image, FEB_2027, 4)
    assert count(third, PALETTE[0]) and count(third, PALETTE[1])  # "Besar" has most: first
    assert count(fourth, PALETTE[0]) and not count(fourth, PALETTE[1])


def test_days_over_are_dimmed():
    days = {day: (("Grup Demo A", 1),) for day in (9, 10, 11)}
    image = draw(FEB_2027, days, today=date(2027, 2, 10))
    faded = _fade(PALETTE[0], DIM)
    over, today, ahead = (cell(image, FEB_2027, day) for day in (9, 10, 11))
    assert count(over, faded) > 100 and not count(over, PALETTE[0])
    assert count(today, PALETTE[0]) > 100 and not count(today, faded)
    assert count(ahead, PALETTE[0]) > 100 and not count(ahead, faded)


def test_a_day_far_busier_than_usual_is_marked_as_a_clash() -> None:
    days: dict[int, DayCounts] = {day: (("Grup Demo A", 1),) for day in range(1, 20)}
    days[12] = (("Grup Demo A", 4), ("Grup Demo B", 2))
    image = draw(FEB_2027, days)
    marked = {day for day in range(1, 29) if count(cell(image, FEB_2027, day), CLASH_LINE)}
    assert marked == {12}


@pytest.mark.parametrize("groups", [1, 3, TOP_GROUPS, TOP_GROUPS + 1, 12])
def test_legend_shows_each_colored_group_and_the_rest_as_one(groups: int):
    days = {1 + n % 28: ((f"Grup {n:02d}", 100 - n),) for n in range(groups)}
    legend = below_grid(draw(FEB_2027, days), FEB_2027, 28)
    colored = min(groups, TOP_GROUPS)
    for color in PALETTE[:colored]:
        assert count(legend, color) > 400, color  # a swatch, not a stray pixel
    for color in PALETTE[colored:]:
        assert count(legend, color) == 0
    assert (count(legend, OTHER_COLOR) > 400) == (groups > TOP_GROUPS)


def test_more_groups_make_a_taller_legend():
    one = draw(FEB_2027, {1: (("A", 1),)})
    six = draw(FEB_2027, {1: tuple((name, 1) for name in "ABCDEF")})
    assert six.height > one.height


def test_a_group_name_the_font_cannot_draw_loses_only_those_characters():
    plain = draw(FEB_2027, {5: (("Arisan RT 05", 2),)})
    with_emoji = draw(FEB_2027, {5: (("\U0001f338 Arisan RT 05 \u4e00", 2),)})
    assert plain.tobytes() == with_emoji.tobytes()


def test_counts_too_long_for_the_cell_fold_into_one_grey_chip():
    crowded = tuple((f"Grup {n}", 1000 + n) for n in range(TOP_GROUPS))
    image = draw(FEB_2027, {20: crowded, 21: (("Grup 0", 1),)})
    day = cell(image, FEB_2027, 20)
    assert count(day, PALETTE[0]) > 100  # the first groups still have their chips
    assert count(day, OTHER_COLOR) > 100  # the rest as "+n"
    assert not count(day, PALETTE[TOP_GROUPS - 1])
