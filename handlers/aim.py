"""Where and when a post being queued goes (/jadwal, /polling): the groups a `ke:` names and
the time, read from the command's arguments (read_aim)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from bot import messages as m
from bot.context import Context, UserError
from bot.digits import is_number
from bot.mentions import drop_leading, split_mention_all
from bot.timeparse import ParseResult
from handlers.groups import select_groups

__all__ = ["Aim", "read_aim"]

# `ke:1,3`, `ke:1, 3`, `to:Alumni`, `ke:"Alumni SMA"`, `ke:"Alumni SMA",2`: one post's groups.
_PIECE = r'"[^"\n]*"|[^\s,]+'
_GROUPS = re.compile(
    rf"(?:ke|to):(?P<spec>(?:{_PIECE})(?:(?:[ \t]*,)+[ \t]*(?:{_PIECE}))*,*)?(?=\s|$)",
    re.IGNORECASE,
)
_WORD = re.compile(r"[ \t]*(\S+)")
_GUESS_WORDS = 3  # how many more words an unquoted group name is tried with


@dataclass(frozen=True)
class Aim:
    """Where and when a post being queued goes, as its command's arguments say."""

    groups: list[tuple[str, str]] | None  # None: the default groups (/tujuan)
    parsed: ParseResult  # the time; `text` is the post as written after it
    phrase: str  # what the time was read from


@dataclass(frozen=True)
class _Token:
    """A `ke:` as written: its groups, and the name the owner left unquoted at its end, when
    more words follow it on its line (it may be the start of a name with spaces)."""

    written: str  # the whole token, "ke:1, Alumni"
    spec: str  # for select_groups: "1,Alumni"
    loose: str | None  # "Alumni"


async def read_aim(
    ctx: Context, phrase: str, usage_of: str, before_time: re.Pattern[str] | None = None
) -> Aim:
    """The groups and the time in `phrase` (the command's arguments and further lines).

    `ke:` is read in two places only, so that it cannot take words of the text: as the first
    word (right after the command) or as the first word after the time, whether a space or a
    line break comes before it; after the time only with the groups attached (`ke: rumah`
    stays text there). Mention-all markers before it are passed over; so are words the
    command accepts before the time (`before_time`: /polling's `(banyak)`), which are put
    back in front of the text. A name with spaces must be quoted; one that is not is
    refused with how to write it."""
    rest, token, lifted = _leading(ctx, phrase, before_time)
    groups = await _select(ctx, token, rest, usage_of) if token else None
    if not rest.strip():
        raise UserError(m.SCHEDULE_MISSING, usage_of)
    parsed = ctx.parse_time(rest)
    if parsed.when is None and parsed.suggestion is None:
        # A marker inside the time ("besok @semua 08:00"): read the time without it.
        without, marked = split_mention_all(rest)
        retried = ctx.parse_time(without) if marked else parsed
        if retried.when is not None:
            rest, parsed = without, retried
    if parsed.when is None and token is not None and token.loose is not None:
        _refuse_unquoted(ctx, token, rest, usage_of, parsed)
    if not parsed.expression.strip():  # no time told apart from the text
        return Aim(groups, parsed, rest)
    text = drop_leading(parsed.text).lstrip()
    after = _GROUPS.match(text)
    if after is not None and after["spec"]:
        if token is not None:
            raise UserError(
                m.TARGET_TWICE.format(first=m.echo(token.written), second=m.echo(after[0]))
            )
        text = text[after.end() :].lstrip(" \t")
        text = text[1:] if text.startswith("\n") else text
        groups = await _select(ctx, _token(after[0], text), text, usage_of, time_follows=False)
    text = split_mention_all(text)[0]
    return Aim(groups, replace(parsed, text=" ".join([*lifted, text]).strip(" ")), rest)


def _leading(
    ctx: Context, phrase: str, before_time: re.Pattern[str] | None
) -> tuple[str, _Token | None, list[str]]:
    """The words before the time: `ke:`, markers, the command's own (`before_time`), in any
    order; what follows them."""
    rest, token, lifted = phrase, None, []
    while True:
        rest = drop_leading(rest).lstrip()
        if token is None and (found := _GROUPS.match(rest)):
            written, rest = _cut_at_time(ctx, found[0], rest[found.end() :])
            token = _token(written, rest)
        elif before_time is not None and (flag := before_time.match(rest)):
            rest = rest[flag.end() :]
            lifted.append(flag[0].strip())
        else:
            return rest, token, lifted


def _cut_at_time(ctx: Context, written: str, rest: str) -> tuple[str, str]:
    """A list ends where a word after a comma and a space starts the time: `ke:1,3, besok
    08:00` names 1 and 3 (as `ke:1,3,` does)."""
    for comma in re.finditer(r",[ \t]+", written):
        after = written[comma.end() :] + rest
        if ctx.parse_time(after).when is not None:
            return written[: comma.start() + 1], after
    return written, rest


def _token(written: str, rest: str) -> _Token:
    pieces = re.findall(_PIECE, written.partition(":")[2])
    spec = ",".join(p[1:-1] if len(p) > 1 and p[0] == p[-1] == '"' else p for p in pieces)
    last = pieces[-1] if pieces else ""
    unquoted = last and not last.startswith('"') and not is_number(last)
    follows = _WORD.match(rest.split("\n", 1)[0]) is not None
    return _Token(written, spec, last if unquoted and follows else None)


async def _select(
    ctx: Context, token: _Token, rest: str, usage_of: str, *, time_follows: bool = True
) -> list[tuple[str, str]]:
    """The groups `token` names. An unquoted name that fails (while `rest` does not start
    with a time, when one `time_follows`), or that a group's name goes on with the next words
    of, is refused with how to quote it."""
    if not token.spec.strip(",").strip():
        raise UserError(m.TARGET_EMPTY, usage_of)
    try:
        chosen = await select_groups(ctx, token.spec)
    except UserError as refused:
        if token.loose is None or (time_follows and _reads_as_time(ctx, rest)):
            raise
        hint = _quotes(ctx, token, rest) if time_follows else _quotes_next(token, rest)
        raise UserError(refused.reason + "\n" + hint) from None
    if token.loose is not None:
        name = chosen[-1].name.casefold()
        words = _words(rest)
        longer = token.loose
        for word in words:
            if f"{longer} {word}".casefold() not in name:
                break
            longer = f"{longer} {word}"
        if longer != token.loose:
            raise UserError(_quotes_as(token, longer))
    return [(g.jid, g.name) for g in chosen]


def _refuse_unquoted(
    ctx: Context, token: _Token, rest: str, usage_of: str, parsed: ParseResult
) -> None:
    """The time was not read after an unquoted name: most likely the name goes on."""
    hint = _quotes(ctx, token, rest)
    if _guess(ctx, token, rest) is not None:
        raise UserError(hint)
    if parsed.suggestion is None:
        raise UserError(f"{parsed.error or m.SCHEDULE_MISSING}\n\n{hint}", usage_of)


def _quotes(ctx: Context, token: _Token, rest: str) -> str:
    """How to write the unquoted name with the words after it that leave a time to read
    ('ke:Keluarga Besar besok 08:00': "Keluarga Besar"), else with the next word."""
    guess = _guess(ctx, token, rest)
    return _quotes_as(token, guess) if guess else _quotes_next(token, rest)


def _quotes_next(token: _Token, rest: str) -> str:
    assert token.loose is not None
    return _quotes_as(token, " ".join([token.loose, *_words(rest)[:1]]))


def _quotes_as(token: _Token, name: str) -> str:
    assert token.loose is not None
    written = token.written.removesuffix(token.loose) + f'"{name}"'
    return m.TARGET_QUOTES.format(example=written, word=m.echo(token.loose))


def _guess(ctx: Context, token: _Token, rest: str) -> str | None:
    if token.loose is None:
        return None
    words = _words(rest)
    for count in range(1, min(_GUESS_WORDS, len(words)) + 1):
        skipped = re.match(rf"(?:[ \t]*\S+){{{count}}}", rest)
        assert skipped is not None
        if _reads_as_time(ctx, rest[skipped.end() :]):
            return " ".join([token.loose, *words[:count]])
    return None


def _words(rest: str) -> list[str]:
    """The words of the first line of `rest`."""
    return rest.split("\n", 1)[0].split()


def _reads_as_time(ctx: Context, phrase: str) -> bool:
    parsed = ctx.parse_time(phrase)
    return parsed.when is not None or parsed.suggestion is not None
