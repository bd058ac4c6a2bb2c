"""The mention-all marker with punctuation attached: recognised, and taken out so that what
is left reads as the owner's sentence."""

from __future__ import annotations

import pytest

from bot.mentions import drop_leading, split_mention_all


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        # at the start of a line its punctuation goes with it
        ("@semua! Rapat jam 8", "Rapat jam 8"),
        ("@semua, rapat jam 8", "rapat jam 8"),
        ("@all. Rapat jam 8", "Rapat jam 8"),
        ("@SEMUA: rapat jam 8", "rapat jam 8"),
        ("@semua!!! @all, Rapat", "Rapat"),
        # brackets and quotes around the marker alone go with it
        ("Rapat jam 8 (@semua)", "Rapat jam 8"),
        ("Rapat jam 8 [@all]", "Rapat jam 8"),
        ("Rapat (@semua). Bawa buku", "Rapat. Bawa buku"),
        ("\u201c@semua\u201d rapat", "rapat"),
        # elsewhere its punctuation stays, in place of any right before it
        ("Halo @semua, rapat jam 8", "Halo, rapat jam 8"),
        ("Rapat besok @semua.", "Rapat besok."),
        ("Halo, @semua! Rapat", "Halo! Rapat"),
        ("Halo @semua\u2026 rapat", "Halo\u2026 rapat"),
        # a bracket or quote it does not close belongs to the text
        ("(@semua rapat jam 8)", "(rapat jam 8)"),
        ("\u201cHalo @semua\u201d", "\u201cHalo\u201d"),
        # a line of its own goes, with its punctuation
        ("Rapat\n@semua!\nBawa buku", "Rapat\nBawa buku"),
        ("@all.\nRapat", "Rapat"),
    ],
)
def test_the_marker_with_punctuation_is_taken_out(text: str, kept: str) -> None:
    assert split_mention_all(text) == (kept, True)


@pytest.mark.parametrize(
    "text",
    [
        "@semuanya hadir",
        "Kirim ke admin@semua.id",
        "@semua.id",
        "@all.in",
        "@semua-nya",
        "x(@semua)",
        "@semua\U0001f64f rapat",  # an emoji is no punctuation: the word is "@semua🙏"
    ],
)
def test_a_word_that_only_starts_with_the_marker_is_text(text: str) -> None:
    assert split_mention_all(text) == (text, False)


@pytest.mark.parametrize(
    ("text", "rest"),
    [
        ("@semua! besok 08:00 Rapat", " besok 08:00 Rapat"),
        ("  @all, @semua ke:2 besok", " ke:2 besok"),
        ("@semua\nbesok 08:00", "\nbesok 08:00"),
        ("besok @semua 08:00", "besok @semua 08:00"),  # not before the first other word
        ("(@semua besok 08:00)", "(@semua besok 08:00)"),  # its bracket belongs to the text
        ("@semuanya besok", "@semuanya besok"),
    ],
)
def test_drop_leading_takes_only_the_markers_in_front(text: str, rest: str) -> None:
    assert drop_leading(text) == rest
