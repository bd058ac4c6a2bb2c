"""The mention-all marker: taken out of the text, and only when it is a word of its own."""

from __future__ import annotations

import pytest

from bot.mentions import split_mention_all


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("@semua Rapat jam 8", "Rapat jam 8"),
        ("Rapat jam 8 @semua", "Rapat jam 8"),
        ("Rapat @ALL jam 8", "Rapat jam 8"),
        ("@semua\nRapat jam 8\nDi balai", "Rapat jam 8\nDi balai"),
        ("Baris 1\n\nBaris 2 @Semua", "Baris 1\n\nBaris 2"),
    ],
)
def test_the_marker_asks_for_everyone_and_leaves_the_text(text: str, kept: str) -> None:
    assert split_mention_all(text) == (kept, True)


@pytest.mark.parametrize(
    "text",
    ["Kirim ke admin@semua.id", "@semuanya hadir", "email@all", "semua hadir", "@ semua", ""],
)
def test_a_text_without_the_marker_word_is_kept_as_it_is(text: str) -> None:
    assert split_mention_all(text) == (text, False)


def test_a_marker_alone_leaves_an_empty_text() -> None:
    assert split_mention_all("  @semua  ") == ("", True)
