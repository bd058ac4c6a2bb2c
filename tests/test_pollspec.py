"""The poll as the owner writes it after the time: question | options, refused when WhatsApp
would refuse or garble it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot import messages as m
from bot.pollspec import MAX_OPTION, MAX_OPTIONS, MAX_QUESTION, PollError, PollSpec, parse_poll


def test_question_and_options_are_split_on_bars() -> None:
    poll = parse_poll("Makan siang di mana? | Bakso | Soto  |Padang")
    assert poll == PollSpec("Makan siang di mana?", ("Bakso", "Soto", "Padang"))
    assert not poll.multiple


@pytest.mark.parametrize("marker", ["(banyak)", "(BANYAK)", "(multi)", "(multiple)"])
def test_a_marker_before_the_question_allows_several_answers(marker: str) -> None:
    poll = parse_poll(f"{marker} Hari apa bisa? | Sabtu | Minggu")
    assert poll.multiple and poll.question == "Hari apa bisa?"


def test_the_marker_counts_only_before_the_question() -> None:
    poll = parse_poll("Ikut (banyak) yang mana? | A | B")
    assert not poll.multiple and poll.question == "Ikut (banyak) yang mana?"


def test_empty_options_from_doubled_or_trailing_bars_are_dropped() -> None:
    assert parse_poll("Q? | A || B |").options == ("A", "B")


def test_line_breaks_are_spaces() -> None:
    assert parse_poll("Mau\nke mana? | Pantai\n | Gunung").question == "Mau ke mana?"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("| A | B", m.POLL_NO_QUESTION),
        ("Q? | A", m.POLL_TOO_FEW.format(count=1, minimum=2)),
        ("Q?", m.POLL_TOO_FEW.format(count=0, minimum=2)),
        ("Q? | A | a", m.POLL_DUPLICATE.format(option="a")),
        (
            "Q? | " + " | ".join(str(i) for i in range(MAX_OPTIONS + 1)),
            m.POLL_TOO_MANY.format(count=MAX_OPTIONS + 1, limit=MAX_OPTIONS),
        ),
        (
            "x" * (MAX_QUESTION + 1) + " | A | B",
            m.POLL_QUESTION_TOO_LONG.format(length=MAX_QUESTION + 1, limit=MAX_QUESTION),
        ),
    ],
)
def test_a_poll_whatsapp_would_refuse_is_refused_with_the_reason(text: str, reason: str) -> None:
    with pytest.raises(PollError) as refused:
        parse_poll(text)
    assert refused.value.reason == reason


def test_a_too_long_option_is_named_in_the_refusal() -> None:
    with pytest.raises(PollError) as refused:
        parse_poll("Q? | A | " + "y" * (MAX_OPTION + 1))
    assert "terlalu panjang" in refused.value.reason and "yyy" in refused.value.reason


def test_twelve_options_are_accepted() -> None:
    assert len(parse_poll("Q? | " + " | ".join(f"o{i}" for i in range(12))).options) == 12


def test_describe_numbers_the_options_and_names_the_kind() -> None:
    shown = parse_poll("(banyak) Q? | A | B").describe()
    assert shown.splitlines() == [
        m.POLL_HEADER.format(question="Q?", kind=m.POLL_MULTIPLE),
        "  1. A",
        "  2. B",
    ]


_WORD = st.text(st.characters(categories=("L", "N"), max_codepoint=0x24F), min_size=1, max_size=12)


@given(
    question=_WORD,
    options=st.lists(_WORD, min_size=2, max_size=12, unique_by=str.casefold),
    multiple=st.booleans(),
)
def test_the_stored_form_reads_back_as_the_same_poll(
    question: str, options: list[str], multiple: bool
) -> None:
    poll = PollSpec(question, tuple(options), multiple)
    assert parse_poll(poll.to_text()) == poll
